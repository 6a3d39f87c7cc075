// The most recent job about one subject (for example `segment:<id>`).
// params: $subject
MATCH (j:Job {subject: $subject})
RETURN j {.*} AS job
ORDER BY j.startedAt DESC
LIMIT 1
