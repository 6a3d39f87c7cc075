// Records a transaction's segment entries and exits in the durable change log, under the next positions of
// one global sequence. Incrementing the sequence write-locks it until commit, so positions are handed out
// in commit order and a reader never sees position n+1 before n: resuming "after n" cannot miss anything.
// Every transaction that changes memberships takes that lock, so this runs as its last statement (queued
// with beforeCommit) and holds the lock only while the transaction commits. Returns the position before the
// first change: the changes get base + 1 .. base + size($changes), in the order given.
// params: $changes: [{segmentId, profileId, change, at}]
CYPHER replan=skip
MERGE (seq:Sequence {name: 'segment-changes'})
  ON CREATE SET seq.value = 0
SET seq.value = seq.value + size($changes)
WITH seq.value - size($changes) AS base
UNWIND range(0, size($changes) - 1) AS i
WITH base, base + i + 1 AS position, $changes[i] AS c
CREATE (:SegmentChange {seq: position, segmentId: c.segmentId, profileId: c.profileId, change: c.change, at: c.at})
WITH base, count(*) AS logged
RETURN base
