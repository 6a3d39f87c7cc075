// The category tree: one node per path, each linked to its parent ("Sports/Running" -> "Sports").
// params: $categories: [{path, name, parent}] (parents listed before children)
UNWIND $categories AS c
MERGE (cat:Category {path: c.path})
  ON CREATE SET cat.name = c.name
WITH cat, c WHERE c.parent IS NOT NULL
MATCH (parent:Category {path: c.parent})
MERGE (cat)-[:CHILD_OF]->(parent)
