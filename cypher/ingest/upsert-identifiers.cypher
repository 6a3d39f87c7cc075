// Creates or refreshes the identifiers carried by a batch (each once, in key order so that concurrent
// batches lock them in the same order). Returns the stored traits of those that receive new traits.
// A stored identifier is written only when the batch widens its first/last seen (a SET write-locks the node
// even when the value does not change), or when it receives traits: those are read here to be merged and
// written back, so it is locked before they are read and no concurrent batch's traits get lost. Each SET
// reads the property it writes, which makes Neo4j lock before reading.
// params: $identifiers: [{namespace, value, kind, firstSeen, lastSeen, hasTraits}], $now
CYPHER replan=skip
UNWIND $identifiers AS x
MERGE (i:Identifier {namespace: x.namespace, value: x.value})
  ON CREATE SET i.kind = x.kind, i.firstSeen = x.firstSeen, i.lastSeen = x.lastSeen, i.createdAt = $now,
    i.shared = false, i.blocked = false
WITH i, x
CALL {
  WITH i, x
  WITH i, x WHERE x.firstSeen < i.firstSeen
  SET i.firstSeen = CASE WHEN x.firstSeen < i.firstSeen THEN x.firstSeen ELSE i.firstSeen END
}
CALL {
  WITH i, x
  WITH i, x WHERE x.lastSeen > i.lastSeen OR x.hasTraits
  SET i.lastSeen = CASE WHEN x.lastSeen > i.lastSeen THEN x.lastSeen ELSE i.lastSeen END
}
WITH i, x WHERE x.hasTraits
RETURN i.namespace AS namespace, i.value AS value, i.traits AS traits
