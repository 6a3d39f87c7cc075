// How many live profiles are engaged with any product: N of the lift.
// params: none
MATCH (p:Profile)
WHERE EXISTS { (p)-[:ENGAGED]->() }
RETURN count(p) AS profiles
