// How many profiles each segment holds now.
// params: $ids: segment ids
CYPHER replan=skip
UNWIND $ids AS id
MATCH (s:Segment {id: id}) USING INDEX SEEK s:Segment(id)
RETURN id, COUNT { (s)<-[:MEMBER_OF]-(:Profile) } AS size
