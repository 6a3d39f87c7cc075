// Whether any event was ever ingested (the demo data set loads only into an empty database).
// params: none
MATCH (e:Event)
RETURN e.messageId AS messageId
LIMIT 1
