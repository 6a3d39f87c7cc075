// Stores profiles' merged traits (JSON for the API, and flattened as `trait.<path>` properties for rules,
// with properties of traits that went away set to null, which removes them), first and last seen times and
// size, all recomputed from their identifiers.
// params: $profiles: [{id, traits, flat, traitKeys, firstSeen, lastSeen, size}], $now
UNWIND $profiles AS x
MATCH (p:Profile {id: x.id})
SET p += x.flat
SET p.traits = x.traits, p.traitKeys = x.traitKeys, p.firstSeen = x.firstSeen, p.lastSeen = x.lastSeen,
  p.size = x.size, p.updatedAt = $now
