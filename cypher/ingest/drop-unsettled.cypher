// Deletes the records of rounds whose identifiers were settled (in the settling transaction).
// params: $ids
CYPHER replan=skip
UNWIND $ids AS id
MATCH (u:Unsettled {id: id}) USING INDEX SEEK u:Unsettled(id)
DELETE u
