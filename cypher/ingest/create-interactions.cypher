// One interaction per track/page/screen event, or per product line of an e-commerce event, attached to
// the identifier the event is about (so merges and splits carry it along without rewriting it). Linked to its
// product by link-interactions, after the products are locked: a storing round takes its identifiers' locks
// (this statement creates relationships on them) before its products', as settling rounds do.
// params: $interactions: [{id, messageId, event, at, productId, quantity, value, orderId, properties, namespace, identifier}]
CYPHER replan=skip
UNWIND $interactions AS x
MATCH (i:Identifier {namespace: x.namespace, value: x.identifier}) USING INDEX SEEK i:Identifier(namespace, value)
CREATE (i)-[:DID]->(:Interaction {
  id: x.id, messageId: x.messageId, event: x.event, at: x.at, productId: x.productId,
  quantity: x.quantity, value: x.value, orderId: x.orderId, properties: x.properties
})
