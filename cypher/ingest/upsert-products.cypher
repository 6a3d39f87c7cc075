// Creates products or updates them from the newest event that described them (older events never overwrite).
// Every product of the round is write-locked here, in id order, including those it does not describe anew
// (older events): the round goes on to take shared locks on them (link-interactions), and a transaction that
// takes a product's write lock after others, or a shared one without holding the write lock, deadlocks with
// another that takes them in another order. Products are locked after the round's identifiers, as the
// settling rounds that write their engagement lock them. A product's category link changes
// only with its description, and by CREATE: a relationship MERGE would write-lock the shared Category too. The
// old category is matched without its label (IN_CATEGORY leads only to categories), so that no index can start
// it: with index samples that lag behind the counts, the planner scanned the Category(path) index for it.
// params: $products: [{id, name, category, price, brand, at}] (sorted by id)
CYPHER replan=skip
UNWIND $products AS x
MERGE (p:Product {id: x.id})
  ON CREATE SET p.createdAt = x.at
SET p.seenAt = p.seenAt
WITH p, x WHERE p.seenAt IS NULL OR x.at >= p.seenAt
SET p.seenAt = x.at,
  p.name = coalesce(x.name, p.name),
  p.price = coalesce(x.price, p.price),
  p.brand = coalesce(x.brand, p.brand),
  p.category = coalesce(x.category, p.category)
WITH p, x WHERE x.category IS NOT NULL
OPTIONAL MATCH (p)-[old:IN_CATEGORY]->(c) WHERE c.path <> x.category
DELETE old
WITH DISTINCT p, x
MATCH (c:Category {path: x.category}) USING INDEX SEEK c:Category(path)
WHERE NOT EXISTS { (p)-[:IN_CATEGORY]->(c) }
CREATE (p)-[:IN_CATEGORY]->(c)
