// Products by id.
// params: $ids
CYPHER replan=skip
UNWIND $ids AS id
MATCH (p:Product {id: id}) USING INDEX SEEK p:Product(id)
RETURN p {.id, .name, .category, .price, .brand} AS product
