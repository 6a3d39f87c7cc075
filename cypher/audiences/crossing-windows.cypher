// Profiles whose rule windows or lifecycle thresholds were crossed by the passage of time between two
// ticks: an interaction left a window, or the last (first) time seen passed a threshold.
// params: $interactions: [{from, to}], $lastSeen: [{from, to}], $firstSeen: [{from, to}], $limit
CALL {
  UNWIND $interactions AS r
  MATCH (x:Interaction)
  WHERE x.at > r.from AND x.at <= r.to
  MATCH (x)<-[:DID]-(:Identifier)-[:IN]->(p:Profile)
  RETURN p.id AS id
  UNION
  UNWIND $lastSeen AS r
  MATCH (p:Profile)
  WHERE p.lastSeen > r.from AND p.lastSeen <= r.to
  RETURN p.id AS id
  UNION
  UNWIND $firstSeen AS r
  MATCH (p:Profile)
  WHERE p.firstSeen > r.from AND p.firstSeen <= r.to
  RETURN p.id AS id
}
RETURN DISTINCT id
LIMIT toInteger($limit)
