// A shared device or contact point stays attached to the profile of every account it serves, without
// bridging them. Replaces its attachments among the given profiles (others are outside this component).
// params: $shared: [{namespace, value, profileIds}], $componentProfiles: ids of the component's live profiles
UNWIND $shared AS s
MATCH (i:Identifier {namespace: s.namespace, value: s.value})
CALL {
  WITH i, s
  MATCH (i)-[old:SHARED_IN]->(p:Profile)
  WHERE p.id IN $componentProfiles AND NOT p.id IN s.profileIds
  DELETE old
  RETURN count(*) AS removed
}
UNWIND s.profileIds AS pid
MATCH (p:Profile {id: pid})
MERGE (i)-[:SHARED_IN]->(p)
