// Segments by id (deleted ones too: the change log keeps referring to them), with their size.
// params: $ids
CYPHER replan=skip
UNWIND $ids AS id
MATCH (s:Segment {id: id}) USING INDEX SEEK s:Segment(id)
RETURN s {.id, .name, .rule, .description, .purpose, .createdAt, .updatedAt, .deleted, .deletedAt,
  size: COUNT { (s)<-[:MEMBER_OF]-(:Profile) }} AS segment
