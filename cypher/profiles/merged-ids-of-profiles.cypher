// Ids of the profiles merged into each profile (they resolve to it).
// params: $ids: profile ids
CYPHER replan=skip
UNWIND $ids AS id
OPTIONAL MATCH (m:MergedProfile)-[:MERGED_INTO]->(p:Profile {id: id}) USING INDEX SEEK p:Profile(id)
WITH id, m ORDER BY m.id
RETURN id, collect(m.id) AS mergedIds
