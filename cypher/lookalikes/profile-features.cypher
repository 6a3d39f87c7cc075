// What lookalike reasons can name for each profile: its RULE and MODEL tags with their category, the
// products it bought, and the categories of the products it engaged with.
// params: $ids: profile ids
UNWIND $ids AS id
MATCH (p:Profile {id: id})
RETURN id,
  COLLECT { MATCH (p)-[:HAS_TAG]->(t:Tag) WHERE t.kind IN ['RULE', 'MODEL'] AND t.deleted IS NULL
    OPTIONAL MATCH (t)-[:FILED_UNDER]->(c:TagCategory)
    RETURN {id: t.id, name: t.name, category: c.name} } AS tags,
  COLLECT { MATCH (p)-[e:ENGAGED]->(b:Product) WHERE e.purchases > 0 RETURN {id: b.id, name: b.name} } AS bought,
  COLLECT { MATCH (p)-[:ENGAGED]->(b:Product) WHERE b.category IS NOT NULL RETURN DISTINCT b.category } AS categories
