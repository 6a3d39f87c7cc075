// A live profile by id, or the live profile a merged-away id now resolves to.
// params: $id
OPTIONAL MATCH (live:Profile {id: $id})
OPTIONAL MATCH (:MergedProfile {id: $id})-[:MERGED_INTO]->(survivor:Profile)
WITH coalesce(live, survivor) AS p
WHERE p IS NOT NULL
RETURN p {.id, .traits, .createdAt, .updatedAt, .firstSeen, .lastSeen} AS profile
