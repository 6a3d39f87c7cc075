// Deletes a profile and everything personal hanging on it: its identifiers with their evidence, traits and
// consent records, the interactions they did, the events that carried them, its tags, memberships and
// history, and the merged ids that resolved to it. Suppression hashes are written by the caller.
// params: $id
CYPHER replan=skip
MATCH (p:Profile {id: $id}) USING INDEX SEEK p:Profile(id)
OPTIONAL MATCH (p)<-[:IN]-(i:Identifier)
WITH p, collect(i) AS identifiers
CALL {
  WITH identifiers
  UNWIND identifiers AS i
  OPTIONAL MATCH (i)-[:DID]->(x:Interaction)
  OPTIONAL MATCH (e:Event {messageId: x.messageId}) USING INDEX SEEK e:Event(messageId)
  DETACH DELETE x, e
  RETURN count(*) AS interactions
}
CALL {
  WITH identifiers
  UNWIND identifiers AS i
  MATCH (e:Event)-[:CARRIED {primary: true}]->(i)
  DETACH DELETE e
  RETURN count(*) AS events
}
CALL {
  WITH identifiers
  UNWIND identifiers AS i
  OPTIONAL MATCH (i)-[:CONSENTED]->(c:ConsentRecord)
  DETACH DELETE c
  RETURN count(*) AS consents
}
CALL {
  WITH p
  OPTIONAL MATCH (p)-[:HAS_CHANGE]->(h:IdentityChange)
  OPTIONAL MATCH (m:MergedProfile)-[:MERGED_INTO]->(p)
  DETACH DELETE h, m
  RETURN count(*) AS history
}
CALL {
  WITH identifiers
  UNWIND identifiers AS i
  DETACH DELETE i
  RETURN count(*) AS deleted
}
CALL {
  // Products it engaged with lose its share of their associations at the next related-products refresh.
  WITH p
  MATCH (p)-[:ENGAGED]->(prod:Product)
  SET prod.relatedDirty = true
  RETURN count(*) AS dirtied
}
DETACH DELETE p
RETURN size(identifiers) AS identifiers
