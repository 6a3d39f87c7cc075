// Products by id.
// params: $ids
CYPHER replan=skip
UNWIND $ids AS id
MATCH (p:Product {id: id})
RETURN p {.id, .name, .category, .price, .brand} AS product
