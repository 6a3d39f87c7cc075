// Creates identifiers with everything stitching concluded about them (bulk load into an empty graph).
// params: $rows: [{namespace, value, kind, firstSeen, lastSeen, traits, shared, blocked, conflicts}], $now
CYPHER replan=skip
UNWIND $rows AS x
CREATE (:Identifier {namespace: x.namespace, value: x.value, kind: x.kind, firstSeen: x.firstSeen, lastSeen: x.lastSeen,
  traits: x.traits, shared: x.shared, blocked: x.blocked, conflicts: x.conflicts, createdAt: $now})
