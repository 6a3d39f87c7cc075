// The category tree: one node per path, each linked to its parent ("Sports/Running" -> "Sports").
// Categories are shared by many products, so nothing here write-locks a stored one: a category's parent
// follows from its path and is linked in the transaction that creates it (concurrent creators of one path
// wait on the MERGE of its unique path), so only a category without its link is linked, by CREATE, which
// takes a shared lock on the parent where MERGE would take an exclusive one.
// params: $categories: [{path, name, parent}] (parents listed before children)
UNWIND $categories AS c
MERGE (cat:Category {path: c.path})
  ON CREATE SET cat.name = c.name
WITH cat, c WHERE c.parent IS NOT NULL AND NOT EXISTS { (cat)-[:CHILD_OF]->(:Category) }
MATCH (parent:Category {path: c.parent})
CREATE (cat)-[:CHILD_OF]->(parent)
