// Deletes ENGAGED edges left on merged-away profiles, at most $limit profiles per call, and marks their
// products dirty. Merges are cleaned when the survivor is settled; this catches profiles dissolved without a
// survivor. Only live profiles count anywhere, so leftovers never skew figures meanwhile.
// params: $limit
MATCH (m:MergedProfile)
WHERE EXISTS { (m)-[:ENGAGED]->() }
WITH m LIMIT toInteger($limit)
MATCH (m)-[e:ENGAGED]->(prod:Product)
SET prod.relatedDirty = true
DELETE e
RETURN count(DISTINCT m) AS profiles
