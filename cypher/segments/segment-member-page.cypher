// One page of a segment's members in profile id order (for deleting a segment: each one exits).
// params: $id, $first
CYPHER replan=skip
MATCH (s:Segment {id: $id})<-[:MEMBER_OF]-(p:Profile) USING INDEX SEEK s:Segment(id)
RETURN p.id AS id
ORDER BY p.id
LIMIT toInteger($first)
