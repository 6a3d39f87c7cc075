// Stores on every category the engaged profiles of the products in it and below it, summed (an upper bound on
// the profiles engaged with the category: one engaged with two of its products counts twice), as of this
// refresh: lookalike reasons read it as the category's share of all profiles, which summing the products of a
// top category at each query made the slowest part of a lookalike query at 100k products.
// params: none
MATCH (c:Category)
CALL {
  WITH c
  OPTIONAL MATCH (c)<-[:CHILD_OF*0..]-(:Category)<-[:IN_CATEGORY]-(b:Product)
  RETURN sum(coalesce(b.engagedProfiles, 0)) AS engaged
}
SET c.engagedProfiles = engaged
RETURN count(c) AS categories
