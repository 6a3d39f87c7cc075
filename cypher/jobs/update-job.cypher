// Progress or completion of a job.
// params: $id, $done, $total, $state, $message, $error, $now, $finished
CYPHER replan=skip
MATCH (j:Job {id: $id}) USING INDEX SEEK j:Job(id)
SET j.done = $done, j.total = coalesce($total, j.total), j.state = $state, j.heartbeatAt = $now,
  j.message = coalesce($message, j.message), j.error = $error,
  j.finishedAt = CASE WHEN $finished THEN $now ELSE null END
RETURN j {.*} AS job
