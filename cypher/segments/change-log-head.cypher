// The last position of the segment change log (0 when empty). Reading it takes no lock.
// params: none
CYPHER replan=skip
OPTIONAL MATCH (s:Sequence {name: 'segment-changes'}) USING INDEX SEEK s:Sequence(name)
RETURN coalesce(s.value, 0) AS head
