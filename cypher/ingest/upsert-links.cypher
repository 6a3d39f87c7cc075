// Evidence that two identifiers were carried by one event. One LINKED relationship per pair, directed from
// the smaller key to the larger, holding the earliest evidence (time, then messageId) and how often it was
// seen, so the stored link does not depend on the order events arrived in.
// params: $links: [{a: {namespace, value}, b: {namespace, value}, at, lastAt, messageId, type, count}]
CYPHER replan=skip
UNWIND $links AS l
MATCH (a:Identifier {namespace: l.a.namespace, value: l.a.value}) USING INDEX SEEK a:Identifier(namespace, value)
MATCH (b:Identifier {namespace: l.b.namespace, value: l.b.value}) USING INDEX SEEK b:Identifier(namespace, value)
MERGE (a)-[r:LINKED]->(b)
  ON CREATE SET r.at = l.at, r.messageId = l.messageId, r.type = l.type, r.lastAt = l.lastAt, r.count = l.count
  ON MATCH SET r.count = r.count + l.count,
    r.lastAt = CASE WHEN l.lastAt > r.lastAt THEN l.lastAt ELSE r.lastAt END
WITH r, l
WHERE l.at < r.at OR (l.at = r.at AND l.messageId < r.messageId)
SET r.at = l.at, r.messageId = l.messageId, r.type = l.type
