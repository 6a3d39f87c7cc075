// Stores a new API key: only a hash of its secret is kept, so the plain key is shown once and never again.
// params: $id, $name, $role, $scopes, $hash, $createdBy, $now
CYPHER replan=skip
CREATE (k:ApiKey {id: $id, name: $name, role: $role, scopes: $scopes, hash: $hash, createdBy: $createdBy, createdAt: $now})
RETURN k {.id, .name, .role, .scopes, .createdBy, .createdAt, .revokedAt, .lastUsedAt} AS key
