// Records the time up to which a leased periodic job has done its work.
// params: $name, $holder, $tick
CYPHER replan=skip
MATCH (l:Lease {name: $name, holder: $holder}) USING INDEX SEEK l:Lease(name)
SET l.lastTick = $tick
RETURN l.lastTick AS lastTick
