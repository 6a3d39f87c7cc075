// The live profiles the given identifiers belong to, without locking them (read-only analysis).
// params: $keys: [{namespace, value}], $except: profile ids already known, $now (unused; same shape as lock-profiles)
CYPHER replan=skip
UNWIND $keys AS k
MATCH (i:Identifier {namespace: k.namespace, value: k.value})-[:IN]->(p:Profile)
  USING INDEX SEEK i:Identifier(namespace, value)
WHERE NOT p.id IN $except
WITH DISTINCT p ORDER BY p.id
RETURN p.id AS id, p.anchor AS anchor, p.createdAt AS createdAt
