// Adds and removes computed tags (RULE and MODEL) on profiles; `since` is kept while a tag stays.
// params: $add: [{profileId, tagId, score}], $remove: [{profileId, tagId}], $now
CALL {
  UNWIND $add AS x
  MATCH (p:Profile {id: x.profileId}), (t:Tag {id: x.tagId})
  MERGE (p)-[r:HAS_TAG]->(t)
    ON CREATE SET r.since = $now
  SET r.score = x.score
  RETURN count(*) AS added
}
CALL {
  UNWIND $remove AS x
  MATCH (:Profile {id: x.profileId})-[r:HAS_TAG]->(:Tag {id: x.tagId})
  DELETE r
  RETURN count(*) AS removed
}
RETURN added, removed
