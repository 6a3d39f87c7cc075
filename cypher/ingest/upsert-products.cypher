// Creates products or updates them from the newest event that described them (older events never overwrite).
// params: $products: [{id, name, category, price, brand, at}]
UNWIND $products AS x
MERGE (p:Product {id: x.id})
  ON CREATE SET p.createdAt = x.at
WITH p, x WHERE p.seenAt IS NULL OR x.at >= p.seenAt
SET p.seenAt = x.at,
  p.name = coalesce(x.name, p.name),
  p.price = coalesce(x.price, p.price),
  p.brand = coalesce(x.brand, p.brand),
  p.category = coalesce(x.category, p.category)
WITH p, x WHERE x.category IS NOT NULL
OPTIONAL MATCH (p)-[old:IN_CATEGORY]->(c:Category) WHERE c.path <> x.category
DELETE old
WITH DISTINCT p, x
MATCH (c:Category {path: x.category})
MERGE (p)-[:IN_CATEGORY]->(c)
