// The segments each profile belongs to.
// params: $ids: profile ids
CYPHER replan=skip
UNWIND $ids AS id
OPTIONAL MATCH (:Profile {id: id})-[:MEMBER_OF]->(s:Segment)
WITH id, s ORDER BY s.name
RETURN id, collect(s.id) AS segmentIds
