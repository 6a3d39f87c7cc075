// An API key's stored hash and grants, to check a presented key.
// params: $id
CYPHER replan=skip
MATCH (k:ApiKey {id: $id}) USING INDEX SEEK k:ApiKey(id)
RETURN k.hash AS hash, k.role AS role, k.scopes AS scopes, k.revokedAt AS revokedAt, k.name AS name
