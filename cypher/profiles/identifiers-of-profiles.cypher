// The identifiers of each profile: its own, then the shared devices and contact points it uses.
// params: $ids: profile ids
CYPHER replan=skip
UNWIND $ids AS id
MATCH (p:Profile {id: id}) USING INDEX SEEK p:Profile(id)
CALL {
  WITH p
  MATCH (p)<-[r:IN|SHARED_IN]-(i:Identifier)
  WITH i, type(r) = 'SHARED_IN' AS shared ORDER BY i.namespace, i.value
  RETURN collect(i {.namespace, .value, .kind, .firstSeen, .lastSeen, .conflicts, shared: shared}) AS identifiers
}
RETURN id, identifiers
