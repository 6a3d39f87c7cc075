// Takes (or renews) a named lease for one instance, so periodic work runs on one instance at a time.
// Returns the lease's last completed tick when this instance holds it, nothing otherwise.
// params: $name, $holder, $now, $until
CYPHER replan=skip
MERGE (l:Lease {name: $name})
  ON CREATE SET l.holder = $holder, l.until = $until
WITH l
WHERE l.holder = $holder OR l.until < $now
SET l.holder = $holder, l.until = $until
RETURN l.lastTick AS lastTick
