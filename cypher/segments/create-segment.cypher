// Creates a segment (its members are filled by the evaluation job that follows).
// params: $id, $name, $rule, $description, $now
CREATE (s:Segment {id: $id, name: $name, rule: $rule, description: $description, createdAt: $now, updatedAt: $now})
RETURN s.id AS id
