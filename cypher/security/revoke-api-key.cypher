// Revokes an API key (kept, marked, for the audit trail).
// params: $id, $now
CYPHER replan=skip
MATCH (k:ApiKey {id: $id}) USING INDEX SEEK k:ApiKey(id)
SET k.revokedAt = coalesce(k.revokedAt, $now)
RETURN k {.id, .name, .role, .scopes, .createdBy, .createdAt, .revokedAt, .lastUsedAt} AS key
