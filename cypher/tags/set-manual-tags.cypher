// Puts a MANUAL tag on profiles (keeping `since` when already there) or takes it off.
// params: $tagId, $profileIds, $score, $add, $now
CYPHER replan=skip
MATCH (t:Tag {id: $tagId}) USING INDEX SEEK t:Tag(id)
UNWIND $profileIds AS pid
MATCH (p:Profile {id: pid}) USING INDEX SEEK p:Profile(id)
CALL {
  WITH p, t
  WITH p, t WHERE $add
  MERGE (p)-[r:HAS_TAG]->(t)
    ON CREATE SET r.since = $now
  SET r.score = $score
  RETURN count(*) AS added
}
CALL {
  WITH p, t
  WITH p, t WHERE NOT $add
  MATCH (p)-[r:HAS_TAG]->(t)
  DELETE r
  RETURN count(*) AS removed
}
RETURN p.id AS profileId
