// The identity rules in force (JSON) and their version; none until rules were first configured.
// params: none
CYPHER replan=skip
MATCH (r:IdentityRules {id: 'current'}) USING INDEX SEEK r:IdentityRules(id)
RETURN r.version AS version, r.json AS json
