// Jobs still marked running whose process stopped reporting long ago (it was stopped or crashed).
// params: $before, $now
MATCH (j:Job {state: 'RUNNING'})
WHERE j.heartbeatAt < $before
SET j.state = 'FAILED', j.error = 'interrupted: the process running it stopped', j.finishedAt = $now
RETURN count(j) AS failed
