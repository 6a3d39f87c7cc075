// Records a long-running job so its progress can be followed through the API.
// params: $id, $kind, $total, $message, $subject, $now
CYPHER replan=skip
CREATE (j:Job {id: $id, kind: $kind, state: 'RUNNING', total: $total, done: 0, message: $message,
  subject: $subject, startedAt: $now, heartbeatAt: $now})
RETURN j {.*} AS job
