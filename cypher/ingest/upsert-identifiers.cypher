// Creates or refreshes the identifiers carried by a batch (each once, in key order so that concurrent
// batches lock them in the same order). Returns the stored traits of those that receive new traits.
// params: $identifiers: [{namespace, value, kind, firstSeen, lastSeen, hasTraits}], $now
UNWIND $identifiers AS x
MERGE (i:Identifier {namespace: x.namespace, value: x.value})
  ON CREATE SET i.kind = x.kind, i.firstSeen = x.firstSeen, i.lastSeen = x.lastSeen, i.createdAt = $now,
    i.shared = false, i.blocked = false
  ON MATCH SET i.firstSeen = CASE WHEN x.firstSeen < i.firstSeen THEN x.firstSeen ELSE i.firstSeen END,
    i.lastSeen = CASE WHEN x.lastSeen > i.lastSeen THEN x.lastSeen ELSE i.lastSeen END
WITH i, x WHERE x.hasTraits
RETURN i.namespace AS namespace, i.value AS value, i.traits AS traits
