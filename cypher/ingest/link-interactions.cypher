// Links interactions created by create-interactions to their products (in the same transaction, once the
// products are written and locked by upsert-products).
// params: $lines: [{id, productId}]
CYPHER replan=skip
UNWIND $lines AS x
MATCH (it:Interaction {id: x.id}) USING INDEX SEEK it:Interaction(id)
MATCH (p:Product {id: x.productId}) USING INDEX SEEK p:Product(id)
CREATE (it)-[:ON]->(p)
