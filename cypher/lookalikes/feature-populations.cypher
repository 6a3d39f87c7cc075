// How common features are among all profiles, for lookalike reasons: the number of live profiles, profiles
// holding each tag (by degree, so aliases merged away still count), buyers of each product (as of the last
// refresh), and for each category path the sum of its products' engaged profiles (an upper bound, stored by the
// last refresh).
// params: $tagIds, $productIds, $categories
RETURN COUNT { (:Profile) } AS profiles,
  COLLECT { UNWIND $tagIds AS id MATCH (t:Tag {id: id}) RETURN {id: id, count: COUNT { (t)<-[:HAS_TAG]-() }} } AS tags,
  COLLECT { UNWIND $productIds AS id MATCH (b:Product {id: id}) RETURN {id: id, count: coalesce(b.buyers, 0)} } AS products,
  COLLECT { UNWIND $categories AS path MATCH (c:Category {path: path})
    RETURN {id: path, count: coalesce(c.engagedProfiles, 0)} } AS categories
