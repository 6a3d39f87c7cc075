// Uniqueness constraints (each also creates the index behind lookups by that key).
// Applied at start-up with IF NOT EXISTS, so running them again changes nothing.
CREATE CONSTRAINT identifier_key IF NOT EXISTS FOR (i:Identifier) REQUIRE (i.namespace, i.value) IS UNIQUE;
CREATE CONSTRAINT profile_id IF NOT EXISTS FOR (p:Profile) REQUIRE p.id IS UNIQUE;
CREATE CONSTRAINT merged_profile_id IF NOT EXISTS FOR (m:MergedProfile) REQUIRE m.id IS UNIQUE;
CREATE CONSTRAINT event_message_id IF NOT EXISTS FOR (e:Event) REQUIRE e.messageId IS UNIQUE;
CREATE CONSTRAINT interaction_id IF NOT EXISTS FOR (x:Interaction) REQUIRE x.id IS UNIQUE;
CREATE CONSTRAINT product_id IF NOT EXISTS FOR (p:Product) REQUIRE p.id IS UNIQUE;
CREATE CONSTRAINT category_path IF NOT EXISTS FOR (c:Category) REQUIRE c.path IS UNIQUE;
CREATE CONSTRAINT job_id IF NOT EXISTS FOR (j:Job) REQUIRE j.id IS UNIQUE;
CREATE CONSTRAINT identity_rules_id IF NOT EXISTS FOR (r:IdentityRules) REQUIRE r.id IS UNIQUE;
