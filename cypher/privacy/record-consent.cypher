// Records consent decisions on the identifiers that carried them (they follow those identifiers through
// merges and splits), with where they came from.
// params: $records: [{namespace, value, purpose, granted, at, source, messageId, actor}]
CYPHER replan=skip
UNWIND $records AS r
MATCH (i:Identifier {namespace: r.namespace, value: r.value}) USING INDEX SEEK i:Identifier(namespace, value)
CREATE (i)-[:CONSENTED]->(:ConsentRecord {purpose: r.purpose, granted: r.granted, at: r.at, source: r.source,
  messageId: r.messageId, actor: r.actor})
