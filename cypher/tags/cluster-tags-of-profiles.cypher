// The cluster tags each profile carries now.
// params: $ids
UNWIND $ids AS id
MATCH (p:Profile {id: id})
OPTIONAL MATCH (p)-[r:HAS_TAG]->(t:Tag)-[:FILED_UNDER]->(:TagCategory {id: 'cat-behaviour-clusters'})
RETURN id, collect({tagId: t.id, score: r.score}) AS clusters
