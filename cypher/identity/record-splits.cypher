// Records in both profiles' histories that stitching split identifiers off one profile into another.
// params: $splits: [{id, from}], $now
CYPHER replan=skip
UNWIND $splits AS s
MATCH (p:Profile {id: s.id}) USING INDEX SEEK p:Profile(id)
UNWIND s.from AS fromId
MATCH (f:Profile {id: fromId}) USING INDEX SEEK f:Profile(id)
CREATE (p)-[:HAS_CHANGE]->(:IdentityChange {kind: 'SPLIT_FROM', at: $now, profileId: p.id, otherId: f.id})
CREATE (f)-[:HAS_CHANGE]->(:IdentityChange {kind: 'SPLIT_INTO', at: $now, profileId: f.id, otherId: p.id})
