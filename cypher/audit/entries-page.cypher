// One page of the audit log, newest first, optionally for one actor or action, before a cursor position.
// params: $beforeAt, $beforeId, $actor, $action, $first
MATCH (e:AuditEntry)
WHERE ($beforeAt IS NULL OR e.at < $beforeAt OR (e.at = $beforeAt AND e.id < $beforeId))
  AND ($actor IS NULL OR e.actor = $actor) AND ($action IS NULL OR e.action = $action)
RETURN e {.*} AS entry
ORDER BY e.at DESC, e.id DESC
LIMIT toInteger($first) + 1
