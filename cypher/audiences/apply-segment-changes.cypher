// Segment entries and exits, each recorded in the durable change log under the next position of one
// global sequence. Incrementing the sequence write-locks it until commit, so positions are handed out in
// commit order and a reader never sees position n+1 before n: resuming "after n" cannot miss anything.
// params: $changes: [{segmentId, profileId, change}], $now
MERGE (seq:Sequence {name: 'segment-changes'})
  ON CREATE SET seq.value = 0
SET seq.value = seq.value + size($changes)
WITH seq.value - size($changes) AS base
UNWIND range(0, size($changes) - 1) AS i
WITH base + i + 1 AS position, $changes[i] AS c
MATCH (p:Profile {id: c.profileId})
MATCH (s:Segment {id: c.segmentId})
CALL {
  WITH p, s, c
  WITH p, s, c WHERE c.change = 'ENTERED'
  MERGE (p)-[m:MEMBER_OF]->(s)
    ON CREATE SET m.since = $now
  RETURN count(*) AS entered
}
CALL {
  WITH p, s, c
  WITH p, s, c WHERE c.change = 'EXITED'
  MATCH (p)-[m:MEMBER_OF]->(s)
  DELETE m
  RETURN count(*) AS exited
}
CREATE (:SegmentChange {seq: position, segmentId: c.segmentId, profileId: c.profileId, change: c.change, at: $now})
RETURN position AS seq, c.segmentId AS segmentId, c.profileId AS profileId, c.change AS change
