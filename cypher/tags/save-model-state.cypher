// Stores a trained model's state (RFM boundaries, clustering) as JSON.
// params: $id, $json, $now
CYPHER replan=skip
MERGE (m:ModelState {id: $id})
SET m.json = $json, m.computedAt = $now
RETURN m.id AS id
