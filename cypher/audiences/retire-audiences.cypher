// Profiles that stitching is about to retire (merged into another or dissolved) leave their audiences, so a
// merged-away id is never counted or streamed as a member: computed tags (RULE and MODEL) go, as the
// survivor's are recomputed when it is settled; MANUAL tags, which a person put there, move to the profile
// it went into (keeping the earlier `since`). Returns the segments each is in, to be exited and logged by
// apply-segment-changes while it is still a Profile.
// params: $retired: [{id, into}] (into: null when dissolved), $now
CYPHER replan=skip
UNWIND $retired AS r
MATCH (p:Profile {id: r.id}) USING INDEX SEEK p:Profile(id)
OPTIONAL MATCH (into:Profile {id: r.into}) USING INDEX SEEK into:Profile(id)
CALL {
  WITH p, into
  MATCH (p)-[old:HAS_TAG]->(t:Tag)
  WITH into, old, t, old.since AS since, old.score AS score, t.kind = 'MANUAL' AS manual
  DELETE old
  WITH into, t, since, score WHERE manual AND into IS NOT NULL
  MERGE (into)-[kept:HAS_TAG]->(t)
    ON CREATE SET kept.since = since, kept.score = score
    ON MATCH SET kept.since = CASE WHEN since < kept.since THEN since ELSE kept.since END
  RETURN count(*) AS moved
}
WITH p
OPTIONAL MATCH (p)-[:MEMBER_OF]->(s:Segment)
WITH p, s ORDER BY s.id
RETURN p.id AS profileId, [id IN collect(s.id) WHERE id IS NOT NULL] AS segments
