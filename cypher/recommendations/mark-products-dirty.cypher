// Marks a page of products (in id order after $after) dirty when they have engagement, relations or
// statistics, so the refresh recomputes every one of them; returns the last id of the page.
// params: $after, $first
MATCH (prod:Product)
WHERE prod.id > $after
WITH prod ORDER BY prod.id LIMIT toInteger($first)
WITH prod, EXISTS { (prod)<-[:ENGAGED]-() } OR EXISTS { (prod)-[:RELATED]->() } OR prod.statsAt IS NOT NULL AS used
CALL {
  WITH prod, used
  WITH prod WHERE used
  SET prod.relatedDirty = true
}
RETURN max(prod.id) AS last, count(CASE WHEN used THEN 1 END) AS marked
