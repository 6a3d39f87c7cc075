// Marks the tag and segment definitions as changed (inside the transaction that changes them). The version
// is `<epoch>:<count>`: the epoch is made when the counter is, so a rebuilt graph never repeats a version.
// params: none
CYPHER replan=skip
MERGE (v:Sequence {name: 'audience-definitions'})
  ON CREATE SET v.value = 0, v.epoch = randomUUID()
SET v.value = v.value + 1
RETURN v.epoch + ':' + v.value AS version
