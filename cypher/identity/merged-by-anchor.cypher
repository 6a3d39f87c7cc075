// Merged-away profiles founded by one of the given identifiers: a split that separates that identifier
// again brings its old id back instead of minting a new one.
// params: $anchors: identifier keys "namespace:value"
UNWIND $anchors AS anchor
MATCH (m:MergedProfile {anchor: anchor})
RETURN m.id AS id, m.anchor AS anchor, m.createdAt AS createdAt, false AS live
