// Adds and removes computed tags (RULE and MODEL) on profiles; `since` is kept while a tag stays, and a
// score is written only when it changes.
// No Tag is ever write-locked here, though every ingestion adds and removes tags: a relationship MERGE would
// lock both its nodes whenever it may create, and two transactions that each already hold the shared lock
// that creating or deleting another HAS_TAG takes on a tag then deadlock upgrading it. Profiles are
// write-locked instead (in id order; they are not shared, and stitching holds them already), and HAS_TAG is
// created only when the locked profile does not hold it: every writer of a profile's tags locks the profile
// first (a MERGE does too), so no two create the same one.
// A tag to remove is found among the profile's tags (a few), not by its id: on a graph with few HAS_TAG the
// planner would start from the tag and expand every profile holding it, and this statement keeps its first plan.
// params: $profileIds: every profile of $add and $remove, sorted, $add: [{profileId, tagId, score}], $remove: [{profileId, tagId}], $now
CYPHER replan=skip
UNWIND $profileIds AS id
MATCH (p:Profile {id: id}) USING INDEX SEEK p:Profile(id)
SET p._LOCK_ = true
REMOVE p._LOCK_
WITH count(*) AS locked
CALL {
  UNWIND $add AS x
  MATCH (p:Profile {id: x.profileId}) USING INDEX SEEK p:Profile(id)
  MATCH (t:Tag {id: x.tagId}) USING INDEX SEEK t:Tag(id)
  OPTIONAL MATCH (p)-[r:HAS_TAG]->(t)
  CALL {
    WITH p, t, x, r
    WITH p, t, x WHERE r IS NULL
    CREATE (p)-[:HAS_TAG {since: $now, score: x.score}]->(t)
  }
  CALL {
    WITH x, r
    // null-safe "the score differs"
    WITH x, r WHERE r IS NOT NULL AND coalesce(r.score <> x.score, (r.score IS NULL) <> (x.score IS NULL))
    SET r.score = x.score
  }
  RETURN count(*) AS added
}
CALL {
  UNWIND $remove AS x
  MATCH (p:Profile {id: x.profileId})-[r:HAS_TAG]->(t) USING INDEX SEEK p:Profile(id)
  WHERE t.id = x.tagId
  DELETE r
  RETURN count(*) AS removed
}
RETURN added, removed
