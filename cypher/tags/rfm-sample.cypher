// One page of buyers' raw RFM inputs, in id order (for RFM boundaries and rescoring).
// params: $after, $first
MATCH (p:Profile)
WHERE p.id > $after AND p.orders > 0
RETURN p.id AS id, p.orders AS orders, p.monetary AS monetary, p.lastOrderAt AS lastOrderAt
ORDER BY p.id
LIMIT toInteger($first)
