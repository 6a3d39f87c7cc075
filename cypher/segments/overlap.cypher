// How many profiles belong to both segments, and to each.
// params: $a, $b
CYPHER replan=skip
MATCH (a:Segment {id: $a}), (b:Segment {id: $b}) USING INDEX SEEK a:Segment(id) USING INDEX SEEK b:Segment(id)
RETURN COUNT { (a)<-[:MEMBER_OF]-(:Profile) } AS sizeA, COUNT { (b)<-[:MEMBER_OF]-(:Profile) } AS sizeB,
  COUNT { (a)<-[:MEMBER_OF]-(:Profile)-[:MEMBER_OF]->(b) } AS both
