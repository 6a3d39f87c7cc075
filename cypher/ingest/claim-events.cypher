// Records each event's messageId once. `fresh` is true for events this transaction recorded and false for
// messageIds ingested before, which are then counted as duplicates and not applied again.
// The MERGE on the unique messageId serialises concurrent claims of one id. The claim token is removed only
// from the events this transaction created: removing it from an event stored before would write-lock it.
// params: $events: [{messageId, type, name, at, receivedAt}], $claim: a token unique to this transaction
CYPHER replan=skip
UNWIND $events AS e
MERGE (ev:Event {messageId: e.messageId})
  ON CREATE SET ev.type = e.type, ev.name = e.name, ev.at = e.at, ev.receivedAt = e.receivedAt, ev.claim = $claim
WITH e, ev, ev.claim = $claim AS fresh
CALL {
  WITH ev, fresh
  WITH ev WHERE fresh
  REMOVE ev.claim
}
RETURN e.messageId AS messageId, fresh
