// What the embeddings of profiles are computed from: consent properties, tags (with kind, name and score),
// engaged products' categories with the ENGAGED weights, orders, spend and lifecycle stage, and the
// embedding stored now. The ENGAGED edges only of the profiles in $readEngaged: a settle's engagement step
// passes on the edges it has just written (a long-lived profile has a thousand).
// params: $ids: profile ids, $readEngaged: profile ids whose ENGAGED edges to read, $consentKeys
CYPHER replan=skip
UNWIND $ids AS id
MATCH (p:Profile {id: id}) USING INDEX SEEK p:Profile(id)
RETURN id, [key IN $consentKeys | p[key]] AS consent, p.embedding AS embedding, coalesce(p.orders, 0) AS orders,
  coalesce(p.monetary, 0.0) AS monetary, p.lifecycleStage AS lifecycleStage,
  COLLECT { MATCH (p)-[r:HAS_TAG]->(t:Tag) WHERE t.deleted IS NULL
    RETURN {id: t.id, kind: t.kind, name: t.name, score: r.score} } AS tags,
  CASE WHEN id IN $readEngaged THEN COLLECT { MATCH (p)-[e:ENGAGED]->(prod:Product)
    RETURN {category: prod.category, weight: e.weight, lastAt: e.lastAt} } END AS engaged
