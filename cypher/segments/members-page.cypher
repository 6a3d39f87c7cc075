// One page of a segment's members in profile id order, after the cursor's id ('' first), one extra row to
// tell whether more follow; and how many members it has.
// params: $id, $after, $first
MATCH (s:Segment {id: $id})
CALL {
  WITH s
  MATCH (s)<-[:MEMBER_OF]-(p:Profile)
  WHERE p.id > $after
  WITH p ORDER BY p.id LIMIT toInteger($first) + 1
  RETURN collect(p {.id, .traits, .createdAt, .updatedAt, .firstSeen, .lastSeen, .lifecycleStage, .orders, .monetary, .lastOrderAt, .rfmScore}) AS page
}
RETURN page, COUNT { (s)<-[:MEMBER_OF]-(:Profile) } AS total
