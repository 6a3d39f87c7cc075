// The profiles holding the most identifiers: the first place to look for over-merging.
// params: $first
MATCH (p:Profile)
WHERE p.size IS NOT NULL
RETURN p.id AS id, p.size AS size
ORDER BY p.size DESC, p.id
LIMIT toInteger($first)
