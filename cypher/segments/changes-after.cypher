// The change log after a position, up to another, optionally for one segment, in order.
// params: $after, $upTo, $segmentId, $first
MATCH (c:SegmentChange)
WHERE c.seq > $after AND c.seq <= $upTo AND ($segmentId IS NULL OR c.segmentId = $segmentId)
RETURN c.seq AS seq, c.segmentId AS segmentId, c.profileId AS profileId, c.change AS change, c.at AS at
ORDER BY c.seq
LIMIT toInteger($first)
