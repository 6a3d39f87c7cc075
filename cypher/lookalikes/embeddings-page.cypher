// A page of profiles' embeddings in id order after $after (the offline evaluation compares the vector index
// with exact similarity over all of them).
// params: $after, $first
MATCH (p:Profile)
WHERE p.id > $after AND p.embedding IS NOT NULL
RETURN p.id AS id, p.embedding AS embedding
ORDER BY id
LIMIT toInteger($first)
