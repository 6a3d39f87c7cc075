// Takes the write lock of the live profiles the given identifiers belong to, in id order, so that two
// transactions stitching one component run one after the other (a deadlock between them is retried).
// params: $keys: [{namespace, value}], $except: profile ids already locked, $now
UNWIND $keys AS k
MATCH (:Identifier {namespace: k.namespace, value: k.value})-[:IN]->(p:Profile)
WHERE NOT p.id IN $except
WITH DISTINCT p ORDER BY p.id
SET p.lockedAt = $now
RETURN p.id AS id, p.anchor AS anchor, p.createdAt AS createdAt
