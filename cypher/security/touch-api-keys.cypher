// Records when keys were last used (batched by the authenticator, at most once a minute per key).
// params: $ids, $now
CYPHER replan=skip
UNWIND $ids AS id
MATCH (k:ApiKey {id: id}) USING INDEX SEEK k:ApiKey(id)
SET k.lastUsedAt = $now
