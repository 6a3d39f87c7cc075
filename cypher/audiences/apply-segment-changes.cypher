// Segment entries and exits: the memberships only (the caller logs what it returns, see
// log-segment-changes). Returns the changes that took effect, in the order given: an entry of a member or an
// exit of a non-member (a concurrent transaction got there first) changes nothing and is not logged.
// As in apply-tag-changes, the shared Segment node is never write-locked: the profiles are (in id order),
// and a MEMBER_OF is created or deleted only when, under that lock, it is missing or there.
// params: $profileIds: the profiles of $changes, sorted, $changes: [{segmentId, profileId, change}], $now
CYPHER replan=skip
UNWIND $profileIds AS id
MATCH (p:Profile {id: id}) USING INDEX SEEK p:Profile(id)
SET p._LOCK_ = true
REMOVE p._LOCK_
WITH count(*) AS locked
UNWIND range(0, size($changes) - 1) AS i
WITH i, $changes[i] AS c
MATCH (p:Profile {id: c.profileId}) USING INDEX SEEK p:Profile(id)
MATCH (s:Segment {id: c.segmentId}) USING INDEX SEEK s:Segment(id)
OPTIONAL MATCH (p)-[m:MEMBER_OF]->(s)
WITH i, c, p, s, m
WHERE (c.change = 'ENTERED' AND m IS NULL) OR (c.change = 'EXITED' AND m IS NOT NULL)
CALL {
  WITH c, p, s
  WITH p, s WHERE c.change = 'ENTERED'
  CREATE (p)-[:MEMBER_OF {since: $now}]->(s)
}
CALL {
  WITH c, m
  WITH m WHERE c.change = 'EXITED'
  DELETE m
}
RETURN c.segmentId AS segmentId, c.profileId AS profileId, c.change AS change
ORDER BY i
