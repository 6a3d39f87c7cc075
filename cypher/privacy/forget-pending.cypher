// Erasure: identifiers linked to the profile's identifiers that belong to no profile yet (stored by ingestion,
// not settled), to be settled before the profile is erased; stitching follows them to any others like them.
// A merged-away id stands for the profile it was merged into, as in forget-load.
// params: $id
CYPHER replan=skip
OPTIONAL MATCH (live:Profile {id: $id}) USING INDEX SEEK live:Profile(id)
OPTIONAL MATCH (mergedAway:MergedProfile {id: $id})-[:MERGED_INTO]->(survivor:Profile)
  USING INDEX SEEK mergedAway:MergedProfile(id)
WITH coalesce(live, survivor) AS p
WHERE p IS NOT NULL
MATCH (p)<-[:IN]-(:Identifier)-[:LINKED]-(n:Identifier)
WHERE NOT (n)-[:IN]->(:Profile)
RETURN DISTINCT n.namespace + ':' + n.value AS key
