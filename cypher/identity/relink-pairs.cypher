// Recomputes the LINKED relationship of each pair from the events that still carry both (one of them as
// the identifier the event was about): earliest evidence, last time and count; deleted when none remains.
// params: $pairs: [{a: {namespace, value}, b: {namespace, value}}]
UNWIND $pairs AS pair
MATCH (a:Identifier {namespace: pair.a.namespace, value: pair.a.value})
MATCH (b:Identifier {namespace: pair.b.namespace, value: pair.b.value})
MATCH (a)-[link:LINKED]-(b)
CALL {
  WITH a, b
  OPTIONAL MATCH (a)<-[ca:CARRIED]-(e:Event)-[cb:CARRIED]->(b)
  WHERE ca.primary OR cb.primary
  WITH e ORDER BY e.at, e.messageId
  RETURN collect(e {.messageId, .at, .type}) AS evidence
}
FOREACH (_ IN CASE WHEN size(evidence) = 0 THEN [1] ELSE [] END | DELETE link)
FOREACH (first IN CASE WHEN size(evidence) > 0 THEN [evidence[0]] ELSE [] END |
  SET link.at = first.at, link.messageId = first.messageId, link.type = first.type,
    link.count = size(evidence), link.lastAt = evidence[size(evidence) - 1].at)
RETURN count(*) AS pairs
