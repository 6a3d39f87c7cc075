// Erasure: identifiers linked to the profile's identifiers that belong to no profile yet (stored by ingestion,
// not settled), to be settled before the profile is erased; stitching follows them to any others like them.
// params: $id
MATCH (:Profile {id: $id})<-[:IN]-(:Identifier)-[:LINKED]-(n:Identifier)
WHERE NOT (n)-[:IN]->(:Profile)
RETURN DISTINCT n.namespace + ':' + n.value AS key
