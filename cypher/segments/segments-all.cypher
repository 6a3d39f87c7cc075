// Every live segment, by name.
// params: none
MATCH (s:Segment)
WHERE s.deleted IS NULL
RETURN s {.id, .name, .rule, .description, .purpose, .createdAt, .updatedAt, size: COUNT { (s)<-[:MEMBER_OF]-(:Profile) }} AS segment
ORDER BY s.name, s.id
