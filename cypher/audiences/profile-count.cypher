// The number of profiles (the total of a full evaluation).
// params: none
CYPHER replan=skip
MATCH (p:Profile)
RETURN count(p) AS profiles
