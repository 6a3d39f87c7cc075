// Which identifiers each event carried (and which one it was about): the evidence behind LINKED
// relationships, so that erasing an event's evidence can recompute exactly the links it supported.
// params: $carriers: [{messageId, namespace, value, primary}]
CYPHER replan=skip
UNWIND $carriers AS c
MATCH (e:Event {messageId: c.messageId}) USING INDEX SEEK e:Event(messageId)
MATCH (i:Identifier {namespace: c.namespace, value: c.value}) USING INDEX SEEK i:Identifier(namespace, value)
CREATE (e)-[:CARRIED {primary: c.primary}]->(i)
