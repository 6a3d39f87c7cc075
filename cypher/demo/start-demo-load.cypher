// Records that the demo load starts, unless a record exists (two instances starting at once share one).
// params: $people, $seed, $now, $startedAt
CYPHER replan=skip
MERGE (d:DemoLoad {id: 'demo'})
  ON CREATE SET d.people = $people, d.seed = $seed, d.now = $now, d.done = 0, d.startedAt = $startedAt
RETURN d.people AS people, d.seed AS seed, d.now AS now, d.done AS done, d.completedAt AS completedAt
