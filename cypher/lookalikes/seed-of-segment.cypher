// The seed of a lookalike query given by a segment: its size, up to $sample members and the sum of their
// embeddings (the direction of the centroid). No row when there is no such segment or it was deleted.
// params: $segmentId, $sample
CYPHER replan=skip
MATCH (s:Segment {id: $segmentId}) USING INDEX SEEK s:Segment(id)
WHERE s.deleted IS NULL
CALL {
  WITH s
  OPTIONAL MATCH (s)<-[:MEMBER_OF]-(p:Profile)
  WITH p LIMIT toInteger($sample)
  WITH collect(p) AS members
  WITH members, [m IN members WHERE m.embedding IS NOT NULL | m.embedding] AS vectors
  RETURN [m IN members | m.id] AS sample,
    CASE WHEN size(vectors) = 0 THEN null
      ELSE [i IN range(0, size(vectors[0]) - 1) | reduce(total = 0.0, v IN vectors | total + v[i])] END AS centroid
}
RETURN COUNT { (s)<-[:MEMBER_OF]-(:Profile) } AS size, sample, centroid
