// Jobs by id.
// params: $ids
UNWIND $ids AS id
MATCH (j:Job {id: id})
RETURN j {.*} AS job
