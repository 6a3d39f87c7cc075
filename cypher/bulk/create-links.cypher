// Creates evidence links, each holding its earliest event and how often it was seen (bulk load).
// params: $links: [{a: {namespace, value}, b: {namespace, value}, at, lastAt, messageId, type, count}]
CYPHER replan=skip
UNWIND $links AS l
MATCH (a:Identifier {namespace: l.a.namespace, value: l.a.value}) USING INDEX SEEK a:Identifier(namespace, value)
MATCH (b:Identifier {namespace: l.b.namespace, value: l.b.value}) USING INDEX SEEK b:Identifier(namespace, value)
CREATE (a)-[:LINKED {at: l.at, lastAt: l.lastAt, messageId: l.messageId, type: l.type, count: l.count}]->(b)
