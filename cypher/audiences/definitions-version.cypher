// The version of the tag and segment definitions (`<epoch>:<count>`, 'none' before the first one).
// params: none
CYPHER replan=skip
OPTIONAL MATCH (v:Sequence {name: 'audience-definitions'}) USING INDEX SEEK v:Sequence(name)
RETURN coalesce(v.epoch + ':' + v.value, 'none') AS version
