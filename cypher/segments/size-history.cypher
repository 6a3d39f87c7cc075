// A segment's size at the end of each day in a range, from its change log: the size before the range plus
// the running sum of entries minus exits.
// params: $id, $from, $to (epoch ms; days are UTC)
MATCH (s:Segment {id: $id})
CALL {
  WITH s
  OPTIONAL MATCH (c:SegmentChange {segmentId: s.id})
  WHERE c.at < $from
  RETURN sum(CASE c.change WHEN 'ENTERED' THEN 1 WHEN 'EXITED' THEN -1 ELSE 0 END) AS before
}
CALL {
  WITH s
  OPTIONAL MATCH (c:SegmentChange {segmentId: s.id})
  WHERE c.at >= $from AND c.at < $to
  WITH toInteger(floor(c.at / 86400000)) AS day, sum(CASE c.change WHEN 'ENTERED' THEN 1 ELSE -1 END) AS delta
  WHERE day IS NOT NULL
  RETURN collect({day: day, delta: delta}) AS deltas
}
RETURN before, deltas
