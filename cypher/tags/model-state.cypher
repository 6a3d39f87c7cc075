// A trained model's state (JSON) and when it was computed.
// params: $id
CYPHER replan=skip
MATCH (m:ModelState {id: $id}) USING INDEX SEEK m:ModelState(id)
RETURN m.json AS json, m.computedAt AS computedAt
