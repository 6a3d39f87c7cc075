// The version of the tag and segment definitions.
// params: none
OPTIONAL MATCH (v:Sequence {name: 'audience-definitions'})
RETURN coalesce(v.value, 0) AS version
