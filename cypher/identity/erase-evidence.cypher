// Erases the evidence of events: forgets which identifiers they carried (the events stay as dedupe records,
// marked erased, so a replay of them is a duplicate and cannot bring the evidence back). Returns what each
// carried, to recompute the links it supported.
// params: $messageIds, $now
CYPHER replan=skip
UNWIND $messageIds AS mid
MATCH (e:Event {messageId: mid}) USING INDEX SEEK e:Event(messageId)
WHERE e.erased IS NULL
OPTIONAL MATCH (e)-[c:CARRIED]->(i:Identifier)
WITH e, collect(CASE WHEN i IS NULL THEN null ELSE {namespace: i.namespace, value: i.value, primary: c.primary} END) AS carried,
  collect(c) AS rels
FOREACH (r IN rels | DELETE r)
SET e.erased = true, e.erasedAt = $now
RETURN e.messageId AS messageId, carried
