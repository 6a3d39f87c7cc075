// Renames a segment or changes its rule.
// params: $id, $name, $rule, $description, $purpose, $now
CYPHER replan=skip
MATCH (s:Segment {id: $id}) USING INDEX SEEK s:Segment(id)
WHERE s.deleted IS NULL
SET s.name = coalesce($name, s.name), s.rule = coalesce($rule, s.rule),
  s.description = coalesce($description, s.description), s.purpose = coalesce($purpose, s.purpose), s.updatedAt = $now
RETURN s.id AS id
