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
CREATE CONSTRAINT tag_category_id IF NOT EXISTS FOR (c:TagCategory) REQUIRE c.id IS UNIQUE;
CREATE CONSTRAINT tag_id IF NOT EXISTS FOR (t:Tag) REQUIRE t.id IS UNIQUE;
CREATE CONSTRAINT segment_id IF NOT EXISTS FOR (s:Segment) REQUIRE s.id IS UNIQUE;
CREATE CONSTRAINT segment_change_seq IF NOT EXISTS FOR (c:SegmentChange) REQUIRE c.seq IS UNIQUE;
CREATE CONSTRAINT sequence_name IF NOT EXISTS FOR (s:Sequence) REQUIRE s.name IS UNIQUE;
CREATE CONSTRAINT model_state_id IF NOT EXISTS FOR (m:ModelState) REQUIRE m.id IS UNIQUE;
CREATE CONSTRAINT lease_name IF NOT EXISTS FOR (l:Lease) REQUIRE l.name IS UNIQUE;
CREATE CONSTRAINT api_key_id IF NOT EXISTS FOR (k:ApiKey) REQUIRE k.id IS UNIQUE;
CREATE CONSTRAINT suppressed_hash IF NOT EXISTS FOR (s:Suppressed) REQUIRE s.hash IS UNIQUE;
CREATE CONSTRAINT audit_entry_id IF NOT EXISTS FOR (a:AuditEntry) REQUIRE a.id IS UNIQUE;
CREATE CONSTRAINT secret_name IF NOT EXISTS FOR (s:Secret) REQUIRE s.name IS UNIQUE;
CREATE CONSTRAINT popular_products_scope IF NOT EXISTS FOR (x:PopularProducts) REQUIRE x.scope IS UNIQUE;
CREATE CONSTRAINT demo_load_id IF NOT EXISTS FOR (d:DemoLoad) REQUIRE d.id IS UNIQUE;
CREATE CONSTRAINT unsettled_id IF NOT EXISTS FOR (u:Unsettled) REQUIRE u.id IS UNIQUE;
