// A segment's members counted by the tags of one tag category (and its sub-categories).
// params: $id, $categoryId
MATCH (s:Segment {id: $id})<-[:MEMBER_OF]-(p:Profile)-[:HAS_TAG]->(t:Tag)-[:FILED_UNDER]->(:TagCategory)-[:CHILD_OF*0..]->(:TagCategory {id: $categoryId})
WHERE t.deleted IS NULL
RETURN t.id AS tagId, count(DISTINCT p) AS profiles
ORDER BY profiles DESC, tagId
