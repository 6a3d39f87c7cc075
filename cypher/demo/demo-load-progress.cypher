// Records how many of the demo events are applied, and when the load completed (null: not yet).
// params: $done, $completedAt
CYPHER replan=skip
MATCH (d:DemoLoad {id: 'demo'}) USING INDEX SEEK d:DemoLoad(id)
SET d.done = $done, d.completedAt = $completedAt
