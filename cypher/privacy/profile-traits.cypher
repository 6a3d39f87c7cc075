// Profiles' merged traits (JSON), from which their consent per purpose is read.
// params: $ids
CYPHER replan=skip
UNWIND $ids AS id
OPTIONAL MATCH (p:Profile {id: id})
RETURN id, p.traits AS traits
