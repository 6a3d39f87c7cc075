// What lookalike reasons need of a seed, counted in the database rather than read profile by profile: for the
// distinct profiles the ids $ids resolve to (a merged-away id to its survivor), how many of them have each
// feature that at least $minProfiles and a $minShare of them have (a RULE or MODEL tag, a product bought, the
// top two levels of the category of a product engaged with), and how common the feature is among all profiles:
// those holding the tag (by degree, so aliases merged away still count), the product's buyers (as of the last
// refresh), the sum of the category's products' engaged profiles (an upper bound, stored by the last refresh;
// null for a path that is no category).
// params: $ids, $minProfiles, $minShare
CYPHER replan=skip
UNWIND $ids AS id
OPTIONAL MATCH (live:Profile {id: id}) USING INDEX SEEK live:Profile(id)
OPTIONAL MATCH (mergedAway:MergedProfile {id: id})-[:MERGED_INTO]->(survivor:Profile)
  USING INDEX SEEK mergedAway:MergedProfile(id)
WITH coalesce(live, survivor) AS p
WHERE p IS NOT NULL
WITH collect(DISTINCT p) AS sample
WITH sample, size(sample) AS seeds
WITH sample, seeds, CASE WHEN toFloat($minShare) * seeds > $minProfiles THEN toFloat($minShare) * seeds
  ELSE $minProfiles END AS needed
CALL {
  WITH sample, needed
  UNWIND sample AS p
  MATCH (p)-[:HAS_TAG]->(t:Tag)
  WHERE t.kind IN ['RULE', 'MODEL'] AND t.deleted IS NULL
  WITH t, count(DISTINCT p) AS holders, needed
  WHERE holders >= needed
  RETURN collect({id: t.id, seeds: holders, population: COUNT { (t)<-[:HAS_TAG]-() }}) AS tags
}
CALL {
  WITH sample, needed
  UNWIND sample AS p
  MATCH (p)-[e:ENGAGED]->(b:Product)
  WHERE e.purchases > 0
  WITH b, count(DISTINCT p) AS buyers, needed
  WHERE buyers >= needed
  RETURN collect({id: b.id, seeds: buyers, population: coalesce(b.buyers, 0)}) AS products
}
CALL {
  WITH sample, needed
  UNWIND sample AS p
  MATCH (p)-[:ENGAGED]->(b:Product)
  WHERE b.category IS NOT NULL
  WITH p, split(b.category, '/') AS levels, needed
  WITH DISTINCT p, CASE WHEN size(levels) > 1 THEN levels[0] + '/' + levels[1] ELSE levels[0] END AS path, needed
  WITH path, count(*) AS engaged, needed
  WHERE engaged >= needed
  OPTIONAL MATCH (c:Category {path: path}) USING INDEX SEEK c:Category(path)
  RETURN collect({id: path, seeds: engaged,
    population: CASE WHEN c IS NULL THEN null ELSE coalesce(c.engagedProfiles, 0) END}) AS categories
}
RETURN seeds, COUNT { (:Profile) } AS profiles, tags, products, categories
