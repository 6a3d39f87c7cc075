// Each profile's consent records, newest first.
// params: $ids
CYPHER replan=skip
UNWIND $ids AS id
OPTIONAL MATCH (p:Profile {id: id})<-[:IN]-(:Identifier)-[:CONSENTED]->(c:ConsentRecord)
  USING INDEX SEEK p:Profile(id)
WITH id, c ORDER BY c.at DESC
RETURN id, collect(c {.purpose, .granted, .at, .source, .actor}) AS records
