// What erasing a profile touches: its identifiers, the segments it belongs to, the ids merged into it,
// and identifiers of other profiles linked to its identifiers (restitched once the links are gone).
// A merged-away id stands for the profile it was merged into, as everywhere else.
// params: $id
CYPHER replan=skip
OPTIONAL MATCH (live:Profile {id: $id}) USING INDEX SEEK live:Profile(id)
OPTIONAL MATCH (mergedAway:MergedProfile {id: $id})-[:MERGED_INTO]->(survivor:Profile)
  USING INDEX SEEK mergedAway:MergedProfile(id)
WITH coalesce(live, survivor) AS p
WHERE p IS NOT NULL
CALL {
  WITH p
  OPTIONAL MATCH (p)<-[:IN]-(i:Identifier)
  RETURN collect(i {.namespace, .value}) AS identifiers
}
CALL {
  WITH p
  OPTIONAL MATCH (p)-[:MEMBER_OF]->(s:Segment)
  RETURN collect(s.id) AS segments
}
CALL {
  WITH p
  OPTIONAL MATCH (p)<-[:IN]-(:Identifier)-[:LINKED]-(n:Identifier)
  WHERE NOT (n)-[:IN]->(p)
  RETURN collect(DISTINCT n {.namespace, .value}) AS neighbours
}
RETURN p.id AS id, identifiers, segments, neighbours
