// Which of the given identifier hashes belong to erased profiles.
// params: $hashes
UNWIND $hashes AS h
MATCH (s:Suppressed {hash: h})
RETURN s.hash AS hash
