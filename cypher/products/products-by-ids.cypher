// Products by id.
// params: $ids
UNWIND $ids AS id
MATCH (p:Product {id: id})
RETURN p {.id, .name, .category, .price, .brand} AS product
