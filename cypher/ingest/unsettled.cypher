// Records of rounds stored before $before whose identifiers were not settled yet, oldest first.
// params: $before, $limit
MATCH (u:Unsettled)
WHERE u.at < $before
RETURN u.id AS id, u.keys AS keys, u.interacted AS interacted
ORDER BY u.at
LIMIT toInteger($limit)
