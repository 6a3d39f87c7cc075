// The demo data set's load record, if a load ever started: what it loads (people, seed, the `now` its events
// are relative to, so a resumed load generates the same events), how many events are applied, and when it
// completed (null while it is unfinished).
// params: none
CYPHER replan=skip
MATCH (d:DemoLoad {id: 'demo'}) USING INDEX SEEK d:DemoLoad(id)
RETURN d.people AS people, d.seed AS seed, d.now AS now, d.done AS done, d.completedAt AS completedAt
