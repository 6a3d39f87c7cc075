// The tags of each profile, with score and since.
// params: $ids: profile ids
CYPHER replan=skip
UNWIND $ids AS id
MATCH (p:Profile {id: id}) USING INDEX SEEK p:Profile(id)
CALL {
  WITH p
  MATCH (p)-[r:HAS_TAG]->(t:Tag)
  WHERE t.deleted IS NULL
  WITH r, t ORDER BY t.name
  RETURN collect({tagId: t.id, score: r.score, since: r.since}) AS tags
}
RETURN id, tags
