// Creates the profiles a stitching plan founds, and brings back merged-away ids that a split revives.
// params: $profiles: [{id, anchor, createdAt, revived}], $now
CYPHER replan=skip
UNWIND $profiles AS x
CALL {
  WITH x
  WITH x WHERE x.revived
  MATCH (m:MergedProfile {id: x.id}) USING INDEX SEEK m:MergedProfile(id)
  OPTIONAL MATCH (m)-[old:MERGED_INTO]->()
  DELETE old
  REMOVE m:MergedProfile
  SET m:Profile, m.updatedAt = $now, m.mergedAt = null
  RETURN count(*) AS revived
}
CALL {
  WITH x
  WITH x WHERE NOT x.revived
  CREATE (:Profile {id: x.id, anchor: x.anchor, createdAt: x.createdAt, updatedAt: $now})
  RETURN count(*) AS created
}
RETURN sum(revived) + sum(created) AS written
