// Whether the graph holds anything a bulk load would collide with, and how much of each kind it holds.
// params: none
CYPHER replan=skip
CALL { MATCH (e:Event) RETURN count(e) AS events }
CALL { MATCH (i:Identifier) RETURN count(i) AS identifiers }
CALL { MATCH (p:Profile) RETURN count(p) AS profiles }
CALL { MATCH (x:Interaction) RETURN count(x) AS interactions }
RETURN events, identifiers, profiles, interactions
