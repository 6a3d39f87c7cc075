// Jobs by id.
// params: $ids
CYPHER replan=skip
UNWIND $ids AS id
MATCH (j:Job {id: id}) USING INDEX SEEK j:Job(id)
RETURN j {.*} AS job
