// Identifiers a change of blocked values or of the shared-device threshold can affect: those holding one of
// the values (compared trimmed and case-insensitively), and devices or contact points already shared or
// seen with more accounts than the lower threshold.
// params: $values, $sharedThreshold, $limit
MATCH (i:Identifier)
WHERE toLower(trim(i.value)) IN $values
  OR ($sharedThreshold IS NOT NULL AND i.kind <> 'ACCOUNT' AND (i.shared
    OR COUNT { (i)-[:LINKED]-(:Identifier {kind: 'ACCOUNT'}) } > $sharedThreshold))
RETURN i.namespace AS namespace, i.value AS value
LIMIT toInteger($limit)
