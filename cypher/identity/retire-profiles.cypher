// Turns profiles that stitching merged away into aliases of the profile they went into (so their ids keep
// resolving), moves what hangs on the profile itself over to it, and records the merge in its history.
// params: $retired: [{id, into, reason, messageId, eventAt}], $now
CYPHER replan=skip
UNWIND $retired AS r
MATCH (p:Profile {id: r.id}) USING INDEX SEEK p:Profile(id)
OPTIONAL MATCH (into:Profile {id: r.into}) USING INDEX SEEK into:Profile(id)
CALL {
  WITH p, into
  MATCH (alias:MergedProfile)-[old:MERGED_INTO]->(p)
  DELETE old
  WITH alias, into WHERE into IS NOT NULL
  CREATE (alias)-[:MERGED_INTO]->(into)
  RETURN count(*) AS aliases
}
CALL {
  WITH p, into
  MATCH (s:Identifier)-[old:SHARED_IN]->(p)
  DELETE old
  WITH s, into WHERE into IS NOT NULL
  MERGE (s)-[:SHARED_IN]->(into)
  RETURN count(*) AS shared
}
CALL {
  WITH p, into, r
  WITH p, into, r WHERE into IS NOT NULL
  CREATE (into)-[:HAS_CHANGE]->(:IdentityChange {
    kind: r.reason, at: $now, profileId: into.id, otherId: p.id, messageId: r.messageId, eventAt: r.eventAt
  })
  CREATE (p)-[:MERGED_INTO]->(into)
  RETURN count(*) AS recorded
}
REMOVE p:Profile
SET p:MergedProfile, p.mergedAt = $now, p.mergeReason = r.reason
