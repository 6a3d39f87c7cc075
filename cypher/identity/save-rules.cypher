// Replaces the identity rules, bumping their version so every API instance notices. Returns the rules
// that were in force before, for the caller to work out what the change affects.
// params: $json, $now
CYPHER replan=skip
MERGE (r:IdentityRules {id: 'current'})
  ON CREATE SET r.version = 0
WITH r, r.json AS previous
SET r.json = $json, r.version = r.version + 1, r.updatedAt = $now
RETURN previous, r.version AS version
