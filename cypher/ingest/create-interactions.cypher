// One interaction per track/page/screen event, or per product line of an e-commerce event, attached to
// the identifier the event is about (so merges and splits carry it along without rewriting it).
// params: $interactions: [{id, messageId, event, at, productId, quantity, value, orderId, properties, namespace, identifier}]
UNWIND $interactions AS x
MATCH (i:Identifier {namespace: x.namespace, value: x.identifier})
CREATE (i)-[:DID]->(it:Interaction {
  id: x.id, messageId: x.messageId, event: x.event, at: x.at, productId: x.productId,
  quantity: x.quantity, value: x.value, orderId: x.orderId, properties: x.properties
})
WITH it, x WHERE x.productId IS NOT NULL
MATCH (p:Product {id: x.productId})
CREATE (it)-[:ON]->(p)
