// The $k profiles nearest to a vector by the profile_embedding vector index (cosine; score = (1 + cos) / 2),
// with their consent properties and whether they belong to the seed segment.
// params: $vector, $k, $consentKeys, $segmentId
CALL db.index.vector.queryNodes('profile_embedding', toInteger($k), $vector) YIELD node, score
RETURN node.id AS id, score, [key IN $consentKeys | node[key]] AS consent,
  EXISTS { (node)-[:MEMBER_OF]->(:Segment {id: $segmentId}) } AS inSeed
