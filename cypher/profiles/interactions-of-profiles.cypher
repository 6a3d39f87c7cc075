// For each profile, one page of its interactions newest first (time, then id), after the cursor position
// (null for the first page), with one extra row to tell whether another page follows.
// (Properties are read only when asked for.)
// params: $ids: profile ids, $first, $afterAt, $afterId, $properties
CYPHER replan=skip
UNWIND $ids AS id
MATCH (p:Profile {id: id}) USING INDEX SEEK p:Profile(id)
CALL {
  WITH p
  MATCH (p)<-[:IN]-(:Identifier)-[:DID]->(x:Interaction)
  WHERE $afterAt IS NULL OR x.at < $afterAt OR (x.at = $afterAt AND x.id < $afterId)
  WITH x ORDER BY x.at DESC, x.id DESC LIMIT toInteger($first) + 1
  RETURN collect(x {.id, .event, .at, .productId, .quantity, .value,
    properties: CASE WHEN $properties THEN x.properties END}) AS page
}
RETURN id, page
