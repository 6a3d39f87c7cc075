// Records events' messageIds (bulk load; ingestion claims them one by one).
// params: $events: [{messageId, type, name, at, receivedAt}]
UNWIND $events AS e
CREATE (:Event {messageId: e.messageId, type: e.type, name: e.name, at: e.at, receivedAt: e.receivedAt})
