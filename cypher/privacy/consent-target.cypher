// The identifier a consent given for a profile through the API is recorded on: its user id when it has one,
// else the identifier that founded it.
// params: $id
CYPHER replan=skip
MATCH (p:Profile {id: $id})<-[:IN]-(i:Identifier) USING INDEX SEEK p:Profile(id)
RETURN i.namespace AS namespace, i.value AS value, i.traits AS traits
ORDER BY CASE WHEN i.namespace = 'user_id' THEN 0 WHEN i.namespace + ':' + i.value = p.anchor THEN 1 ELSE 2 END
LIMIT 1
