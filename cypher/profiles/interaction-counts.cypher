// How many interactions each profile has (asked for only when a query selects totalCount).
// params: $ids: profile ids
CYPHER replan=skip
UNWIND $ids AS id
MATCH (p:Profile {id: id}) USING INDEX SEEK p:Profile(id)
RETURN id, COUNT { (p)<-[:IN]-(:Identifier)-[:DID]->(:Interaction) } AS total
