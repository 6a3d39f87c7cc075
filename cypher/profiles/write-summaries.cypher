// Stores profiles' merged traits (JSON) and first/last seen times, recomputed from their identifiers.
// params: $profiles: [{id, traits, firstSeen, lastSeen, size}], $now
UNWIND $profiles AS x
MATCH (p:Profile {id: x.id})
SET p.traits = x.traits, p.firstSeen = x.firstSeen, p.lastSeen = x.lastSeen, p.size = x.size, p.updatedAt = $now
