// Stores profiles' embeddings (null removes one, and so takes the profile out of the vector index).
// params: $profiles: [{id, embedding}], $now
CYPHER replan=skip
UNWIND $profiles AS x
MATCH (p:Profile {id: x.id}) USING INDEX SEEK p:Profile(id)
SET p.embedding = x.embedding, p.embeddingAt = $now
RETURN count(p) AS written
