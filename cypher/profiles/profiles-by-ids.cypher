// Profiles by id, resolving merged-away ids to their survivor; one row per requested id that resolves.
// params: $ids
CYPHER replan=skip
UNWIND $ids AS id
OPTIONAL MATCH (live:Profile {id: id}) USING INDEX SEEK live:Profile(id)
OPTIONAL MATCH (mergedAway:MergedProfile {id: id})-[:MERGED_INTO]->(survivor:Profile)
  USING INDEX SEEK mergedAway:MergedProfile(id)
WITH id, coalesce(live, survivor) AS p
WHERE p IS NOT NULL
RETURN id, p {.id, .traits, .createdAt, .updatedAt, .firstSeen, .lastSeen, .lifecycleStage, .orders, .monetary, .lastOrderAt, .rfmScore} AS profile
