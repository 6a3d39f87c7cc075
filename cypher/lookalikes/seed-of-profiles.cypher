// The seed of a lookalike query given by profile ids: the distinct profiles they resolve to (a merged-away id
// to its survivor) in the order given, by id and by element id (which the nearest search excludes), the ids
// that resolve to none, and the sum of the embeddings of up to $sample of the profiles.
// params: $ids: profile ids, $sample
CYPHER replan=skip
UNWIND $ids AS id
OPTIONAL MATCH (live:Profile {id: id}) USING INDEX SEEK live:Profile(id)
OPTIONAL MATCH (mergedAway:MergedProfile {id: id})-[:MERGED_INTO]->(survivor:Profile)
  USING INDEX SEEK mergedAway:MergedProfile(id)
WITH id, coalesce(live, survivor) AS p
WITH collect(DISTINCT CASE WHEN p IS NULL THEN id END) AS unknown, collect(DISTINCT p) AS profiles
WITH unknown, profiles, [m IN profiles[..toInteger($sample)] WHERE m.embedding IS NOT NULL | m.embedding] AS vectors
RETURN unknown, [m IN profiles | m.id] AS profileIds, [m IN profiles | elementId(m)] AS elementIds,
  CASE WHEN size(vectors) = 0 THEN null
    ELSE [i IN range(0, size(vectors[0]) - 1) | reduce(total = 0.0, v IN vectors | total + v[i])] END AS centroid
