// The segments each profile belongs to.
// params: $ids: profile ids
CYPHER replan=skip
UNWIND $ids AS id
OPTIONAL MATCH (p:Profile {id: id})-[:MEMBER_OF]->(s:Segment) USING INDEX SEEK p:Profile(id)
WITH id, s ORDER BY s.name
RETURN id, collect(s.id) AS segmentIds
