// The most recent jobs, newest first, optionally of one kind.
// params: $kind, $first
MATCH (j:Job)
WHERE $kind IS NULL OR j.kind = $kind
RETURN j {.*} AS job
ORDER BY j.startedAt DESC, j.id DESC
LIMIT toInteger($first)
