// Profiles' merged traits (JSON), from which their consent per purpose is read.
// params: $ids
CYPHER replan=skip
UNWIND $ids AS id
OPTIONAL MATCH (p:Profile {id: id}) USING INDEX SEEK p:Profile(id)
RETURN id, p.traits AS traits
