// Appends entries to the audit log.
// params: $entries: [{id, at, actor, role, action, target, outcome, details}]
CYPHER replan=skip
UNWIND $entries AS e
CREATE (:AuditEntry {id: e.id, at: e.at, actor: e.actor, role: e.role, action: e.action, target: e.target,
  outcome: e.outcome, details: e.details})
