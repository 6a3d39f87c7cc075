// The $k profiles nearest to a vector by the profile_embedding vector index (cosine; score = (1 + cos) / 2):
// how many the index gave, and, nearest first, those that are not in the seed (neither one of the profiles
// $exclude names by element id nor a member of the segment $segmentId) with their consent properties. Seeds
// crowd the top of a search for their own centroid; they are left out here, by element id and membership,
// because reading each one's id (a walk along its properties) and sending it cost more than the search.
// params: $vector, $k, $exclude: element ids, $consentKeys, $segmentId
CALL db.index.vector.queryNodes('profile_embedding', toInteger($k), $vector) YIELD node, score
WITH node, score,
  elementId(node) IN $exclude OR EXISTS { (node)-[:MEMBER_OF]->(:Segment {id: $segmentId}) } AS inSeed
WITH count(*) AS found,
  collect(CASE WHEN NOT inSeed THEN {id: node.id, score: score, consent: [key IN $consentKeys | node[key]]} END)
    AS candidates
RETURN found, candidates
