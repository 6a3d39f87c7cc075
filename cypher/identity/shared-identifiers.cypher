// Shared devices and contact points, by the number of account profiles they serve.
// params: $first
MATCH (i:Identifier)
WHERE i.shared = true
WITH i, COUNT { (i)-[:SHARED_IN]->(:Profile) } AS profiles
RETURN i {.namespace, .value, .kind, .firstSeen, .lastSeen, .conflicts, shared: true} AS identifier, profiles
ORDER BY profiles DESC, i.namespace, i.value
LIMIT toInteger($first)
