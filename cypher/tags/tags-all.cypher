// Every live tag with its category (RULE tags carry their rule as JSON).
// params: none
MATCH (t:Tag)-[:FILED_UNDER]->(c:TagCategory)
WHERE t.deleted IS NULL
RETURN t {.id, .name, .kind, .rule, .description, .createdAt, .updatedAt} AS tag, c.id AS categoryId
ORDER BY t.name
