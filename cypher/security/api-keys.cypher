// Every API key (never its hash), newest first.
// params: none
MATCH (k:ApiKey)
RETURN k {.id, .name, .role, .scopes, .createdBy, .createdAt, .revokedAt, .lastUsedAt} AS key
ORDER BY k.createdAt DESC
