// The secret mixed into suppression hashes, created once per database: without it the hashes of erased
// identifiers cannot be tested against guessed emails or phone numbers.
// params: $candidate
CYPHER replan=skip
MERGE (s:Secret {name: 'suppression-pepper'})
  ON CREATE SET s.value = $candidate
RETURN s.value AS pepper
