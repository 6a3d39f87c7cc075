// Totals of the identity graph (from the count store and indexes).
// params: none
CALL { MATCH (p:Profile) RETURN count(p) AS profiles }
CALL { MATCH (i:Identifier) RETURN count(i) AS identifiers }
CALL { MATCH (i:Identifier) WHERE i.shared = true RETURN count(i) AS shared }
CALL { MATCH (i:Identifier) WHERE i.conflicts > 0 RETURN count(i) AS conflicted }
CALL { MATCH (m:MergedProfile) RETURN count(m) AS merged }
RETURN profiles, identifiers, shared, conflicted, merged
