// Remembers erased identifiers only as one-way hashes, so late or replayed events carrying them are dropped.
// params: $hashes, $now
CYPHER replan=skip
UNWIND $hashes AS h
MERGE (s:Suppressed {hash: h})
  ON CREATE SET s.at = $now
RETURN count(s) AS suppressed
