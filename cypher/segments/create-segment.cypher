// Creates a segment (its members are filled by the evaluation job that follows).
// params: $id, $name, $rule, $description, $purpose, $now
CYPHER replan=skip
CREATE (s:Segment {id: $id, name: $name, rule: $rule, description: $description, purpose: $purpose, createdAt: $now,
  updatedAt: $now})
RETURN s.id AS id
