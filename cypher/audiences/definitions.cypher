// Everything rules can refer to: every live tag (RULE tags with their rule) and every live segment, and
// the version of these definitions (bumped by every change, so each API instance knows when to reload).
// params: none
CALL {
  OPTIONAL MATCH (v:Sequence {name: 'audience-definitions'})
  RETURN coalesce(v.epoch + ':' + v.value, 'none') AS version
}
CALL {
  MATCH (t:Tag) WHERE t.deleted IS NULL
  RETURN collect({id: t.id, kind: t.kind, rule: t.rule}) AS tags
}
CALL {
  MATCH (s:Segment) WHERE s.deleted IS NULL
  RETURN collect({id: s.id, rule: s.rule, purpose: coalesce(s.purpose, 'marketing')}) AS segments
}
RETURN version, tags, segments
