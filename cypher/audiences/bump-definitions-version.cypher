// Marks the tag and segment definitions as changed (inside the transaction that changes them).
// params: none
MERGE (v:Sequence {name: 'audience-definitions'})
  ON CREATE SET v.value = 0
SET v.value = v.value + 1
RETURN v.value AS version
