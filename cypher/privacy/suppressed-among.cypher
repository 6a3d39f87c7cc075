// Which of the given identifier hashes belong to erased profiles.
// params: $hashes
CYPHER replan=skip
UNWIND $hashes AS h
MATCH (s:Suppressed {hash: h}) USING INDEX SEEK s:Suppressed(hash)
RETURN s.hash AS hash
