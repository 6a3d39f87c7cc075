// How many profiles carry each tag.
// params: $ids: tag ids
CYPHER replan=skip
UNWIND $ids AS id
MATCH (t:Tag {id: id}) USING INDEX SEEK t:Tag(id)
RETURN id, COUNT { (:Profile)-[:HAS_TAG]->(t) } AS profiles
