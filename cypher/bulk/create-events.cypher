// Records events' messageIds with the identifiers each carried, when it carried several (bulk load;
// ingestion claims events one by one and records carriers in a separate statement).
// params: $events: [{messageId, type, name, at, receivedAt, carriers: [{namespace, value, primary}]}]
CYPHER replan=skip
UNWIND $events AS e
CREATE (ev:Event {messageId: e.messageId, type: e.type, name: e.name, at: e.at, receivedAt: e.receivedAt})
WITH ev, e
UNWIND e.carriers AS c
MATCH (i:Identifier {namespace: c.namespace, value: c.value}) USING INDEX SEEK i:Identifier(namespace, value)
CREATE (ev)-[:CARRIED {primary: c.primary}]->(i)
