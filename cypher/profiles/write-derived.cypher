// Stores what settling derived for profiles whose derived properties changed: merged traits (JSON, and
// flattened as `trait.<path>`, null removing those gone), first and last seen, size, metrics, lifecycle.
// params: $profiles: [{id, properties}], $now
CYPHER replan=skip
UNWIND $profiles AS x
MATCH (p:Profile {id: x.id}) USING INDEX SEEK p:Profile(id)
SET p += x.properties, p.updatedAt = $now
