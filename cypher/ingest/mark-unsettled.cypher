// Records, in the transaction that stores a round of events, which identifiers they touched: the profiles of
// those identifiers are settled by a second transaction, and this node is deleted by it. One that outlives its
// round (the process stopped, or the settle failed) is settled again by the scheduler or the next start.
// A new node of its own, so that recording it locks nothing another round could hold.
// `interacted`: those of the keys that got interactions (the others' profiles keep their engagement).
// params: $id, $keys: ['namespace:value', ...], $interacted: the same kind, $at
CYPHER replan=skip
CREATE (:Unsettled {id: $id, keys: $keys, interacted: $interacted, at: $at})
