// One page of profiles with the features the behaviour clustering uses, in id order.
// params: $after, $first, $now
MATCH (p:Profile)
WHERE p.id > $after
CALL {
  WITH p
  OPTIONAL MATCH (p)<-[:IN]-(:Identifier)-[:DID]->(x:Interaction)
  WHERE x.at >= $now - 90 * 86400000
  OPTIONAL MATCH (x)-[:ON]->(prod:Product)
  RETURN count(x) AS recent, count(DISTINCT split(prod.category, '/')[0]) AS categories
}
RETURN p.id AS id, coalesce(p.orders, 0) AS orders, coalesce(p.monetary, 0.0) AS monetary, p.lastOrderAt AS lastOrderAt,
  p.lastSeen AS lastSeen, recent, categories
ORDER BY p.id
LIMIT toInteger($first)
