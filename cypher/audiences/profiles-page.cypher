// One page of profile ids in id order (full evaluation of a new or changed tag or segment).
// params: $after, $first
MATCH (p:Profile)
WHERE p.id > $after
RETURN p.id AS id
ORDER BY p.id
LIMIT toInteger($first)
