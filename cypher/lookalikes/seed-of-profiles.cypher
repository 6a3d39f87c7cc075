// The seed of a lookalike query given by profile ids: each id resolved (a merged-away id to its survivor,
// null when unknown), and the sum of the embeddings of up to $sample of the distinct profiles.
// params: $ids: profile ids, $sample
UNWIND $ids AS id
OPTIONAL MATCH (live:Profile {id: id})
OPTIONAL MATCH (:MergedProfile {id: id})-[:MERGED_INTO]->(survivor:Profile)
WITH id, coalesce(live, survivor) AS p
WITH collect({id: id, profileId: p.id}) AS resolved, collect(DISTINCT p) AS profiles
WITH resolved, [m IN profiles[..toInteger($sample)] WHERE m.embedding IS NOT NULL | m.embedding] AS vectors
RETURN resolved,
  CASE WHEN size(vectors) = 0 THEN null
    ELSE [i IN range(0, size(vectors[0]) - 1) | reduce(total = 0.0, v IN vectors | total + v[i])] END AS centroid
