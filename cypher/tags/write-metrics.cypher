// Stores the metrics the models computed for profiles (RFM raw values and scores, lifecycle stage, average
// order value); rules read these properties.
// params: $profiles: [{id, orders, monetary, lastOrderAt, aov, rfmR, rfmF, rfmM, rfmScore, rfmGroup, lifecycleStage}]
UNWIND $profiles AS x
MATCH (p:Profile {id: x.id})
SET p.orders = x.orders, p.monetary = x.monetary, p.lastOrderAt = x.lastOrderAt, p.aov = x.aov,
  p.rfmR = x.rfmR, p.rfmF = x.rfmF, p.rfmM = x.rfmM, p.rfmScore = x.rfmScore, p.rfmGroup = x.rfmGroup,
  p.lifecycleStage = x.lifecycleStage
