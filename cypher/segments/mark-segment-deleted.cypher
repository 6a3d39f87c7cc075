// Marks a segment deleted once all its members have exited; the node stays so the change log can name it.
// params: $id, $now
CYPHER replan=skip
MATCH (s:Segment {id: $id}) USING INDEX SEEK s:Segment(id)
WHERE s.deleted IS NULL
SET s.deleted = true, s.deletedAt = $now
RETURN s.id AS id
