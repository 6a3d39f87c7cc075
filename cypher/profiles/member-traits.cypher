// What a profile's stored summary is computed from: each member identifier's namespace, traits and times,
// and the trait properties the profile holds now (to remove those that no longer apply).
// params: $ids: profile ids
UNWIND $ids AS id
MATCH (p:Profile {id: id})
OPTIONAL MATCH (p)<-[:IN]-(i:Identifier)
RETURN id, p.traitKeys AS traitKeys,
  collect({namespace: i.namespace, traits: i.traits, firstSeen: i.firstSeen, lastSeen: i.lastSeen}) AS members
