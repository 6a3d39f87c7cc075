// What lookalike reasons can name for each matched profile, among the features distinctive of the seed: those
// of its RULE and MODEL tags in $tagIds with their category, the products in $productIds it bought, and the
// categories of the products it engaged with (Node keeps the distinctive ones).
// params: $ids: profile ids, $tagIds, $productIds
UNWIND $ids AS id
MATCH (p:Profile {id: id})
RETURN id,
  COLLECT { MATCH (p)-[:HAS_TAG]->(t:Tag) WHERE t.id IN $tagIds AND t.kind IN ['RULE', 'MODEL'] AND t.deleted IS NULL
    OPTIONAL MATCH (t)-[:FILED_UNDER]->(c:TagCategory)
    RETURN {id: t.id, name: t.name, category: c.name} } AS tags,
  COLLECT { MATCH (p)-[e:ENGAGED]->(b:Product) WHERE e.purchases > 0 AND b.id IN $productIds
    RETURN {id: b.id, name: b.name} } AS bought,
  COLLECT { MATCH (p)-[:ENGAGED]->(b:Product) WHERE b.category IS NOT NULL RETURN DISTINCT b.category } AS categories
