// Links interactions created by create-interactions to their products (in the same transaction, once the
// products are written and locked by upsert-products).
// params: $lines: [{id, productId}]
CYPHER replan=skip
UNWIND $lines AS x
MATCH (it:Interaction {id: x.id})
MATCH (p:Product {id: x.productId})
CREATE (it)-[:ON]->(p)
