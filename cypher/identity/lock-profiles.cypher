// Takes the write locks stitching holds while it reads a component, so that two transactions stitching one
// component run one after the other (a deadlock between them is retried): the live profiles the given
// identifiers belong to, in id order, and the given identifiers that belong to none (stored by ingestion but
// not settled yet), in key order. Without the second kind, two settles reaching one new identifier from two
// sides would each plan it from a read the other's commit made stale.
// Writing a property takes the node's write lock; removing it again in the same transaction leaves nothing
// to commit (a written value, such as the time, would be one more record write per profile and settle).
// params: $keys: [{namespace, value}], $except: profile ids already locked
CYPHER replan=skip
UNWIND $keys AS k
MATCH (i:Identifier {namespace: k.namespace, value: k.value}) USING INDEX SEEK i:Identifier(namespace, value)
OPTIONAL MATCH (i)-[:IN]->(p:Profile)
WITH collect(DISTINCT CASE WHEN NOT p.id IN $except THEN p END) AS profiles,
  collect(CASE WHEN p IS NULL THEN i END) AS unsettled
CALL {
  WITH profiles
  UNWIND profiles AS p
  WITH p ORDER BY p.id
  SET p._LOCK_ = true
  REMOVE p._LOCK_
  RETURN collect({id: p.id, anchor: p.anchor, createdAt: p.createdAt}) AS locked
}
CALL {
  WITH unsettled
  UNWIND unsettled AS i
  WITH i ORDER BY i.namespace, i.value
  SET i._LOCK_ = true
  REMOVE i._LOCK_
  RETURN collect(i.namespace + ':' + i.value) AS identifiers
}
RETURN locked, identifiers
