// Phase 2 writes for a batch: each product's related list replaced by its new top K; the relations of other
// products towards them written or dropped; and those other lists trimmed back to $k, with their length and
// lowest score recomputed. Then every product whose relations this changed gets them also as three lists in
// its own properties, best first (relatedIds, relatedScores, relatedTogether: bothBought > 0), which the
// recommendation read takes instead of following up to 50 relations of each of 20 products.
// params: $lists: [{id, related: [{id, score, support, confidence, lift, bothBought}]}], $write: [{from, to, figures}], $drop: [{from, to}], $touched: product ids, $k, $now
CALL {
  UNWIND $lists AS l
  MATCH (a:Product {id: l.id})
  CALL {
    WITH a
    MATCH (a)-[old:RELATED]->()
    DELETE old
  }
  SET a.relatedCount = size(l.related), a.relatedMinScore = l.related[-1].score, a.relatedAt = $now
  WITH a, l
  UNWIND l.related AS r
  MATCH (b:Product {id: r.id})
  CREATE (a)-[:RELATED {score: r.score, support: r.support, confidence: r.confidence, lift: r.lift,
    bothBought: r.bothBought, updatedAt: $now}]->(b)
  RETURN count(*) AS written
}
CALL {
  UNWIND $write AS w
  MATCH (b:Product {id: w.from})
  MATCH (a:Product {id: w.to})
  MERGE (b)-[r:RELATED]->(a)
  SET r += w.figures, r.updatedAt = $now
  RETURN count(*) AS patched
}
CALL {
  UNWIND $drop AS d
  MATCH (:Product {id: d.from})-[r:RELATED]->(:Product {id: d.to})
  DELETE r
  RETURN count(*) AS dropped
}
CALL {
  UNWIND $touched AS id
  MATCH (b:Product {id: id})
  CALL {
    WITH b
    OPTIONAL MATCH (b)-[r:RELATED]->()
    WITH r ORDER BY r.score DESC
    WITH collect(r) AS edges
    FOREACH (x IN edges[toInteger($k)..] | DELETE x)
    RETURN [x IN edges[..toInteger($k)] | x.score] AS kept
  }
  SET b.relatedCount = size(kept), b.relatedMinScore = kept[-1]
  RETURN count(*) AS trimmed
}
CALL {
  UNWIND [l IN $lists | l.id] + [w IN $write | w.from] + [d IN $drop | d.from] + $touched AS id
  WITH DISTINCT id
  MATCH (a:Product {id: id})
  CALL {
    WITH a
    OPTIONAL MATCH (a)-[r:RELATED]->(b)
    WITH r, b ORDER BY r.score DESC, b.id
    RETURN collect(b.id) AS ids, collect(r.score) AS scores, collect(r.bothBought > 0) AS together
  }
  SET a.relatedIds = ids, a.relatedScores = scores, a.relatedTogether = together
  RETURN count(*) AS listed
}
RETURN written, patched, dropped, trimmed, listed
