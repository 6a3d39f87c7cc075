// Range indexes for the orderings and filters the API uses.
CREATE INDEX interaction_at IF NOT EXISTS FOR (x:Interaction) ON (x.at);
CREATE INDEX profile_created_at IF NOT EXISTS FOR (p:Profile) ON (p.createdAt);
CREATE INDEX identifier_shared IF NOT EXISTS FOR (i:Identifier) ON (i.shared);
CREATE INDEX merged_profile_anchor IF NOT EXISTS FOR (m:MergedProfile) ON (m.anchor);
CREATE INDEX job_started_at IF NOT EXISTS FOR (j:Job) ON (j.startedAt);
CREATE INDEX profile_size IF NOT EXISTS FOR (p:Profile) ON (p.size);
CREATE INDEX identifier_conflicts IF NOT EXISTS FOR (i:Identifier) ON (i.conflicts);
CREATE INDEX segment_change_segment IF NOT EXISTS FOR (c:SegmentChange) ON (c.segmentId, c.seq);
CREATE INDEX segment_change_at IF NOT EXISTS FOR (c:SegmentChange) ON (c.at);
CREATE INDEX profile_last_seen IF NOT EXISTS FOR (p:Profile) ON (p.lastSeen);
CREATE INDEX profile_first_seen IF NOT EXISTS FOR (p:Profile) ON (p.firstSeen);
CREATE INDEX job_subject IF NOT EXISTS FOR (j:Job) ON (j.subject);
CREATE INDEX audit_entry_at IF NOT EXISTS FOR (a:AuditEntry) ON (a.at);
CREATE INDEX unsettled_at IF NOT EXISTS FOR (u:Unsettled) ON (u.at);
// Related products: the refresh job finds dirty and pending products by these; popular lists rank by popularity.
CREATE INDEX product_related_dirty IF NOT EXISTS FOR (p:Product) ON (p.relatedDirty);
CREATE INDEX product_related_pending IF NOT EXISTS FOR (p:Product) ON (p.relatedPending);
CREATE INDEX product_popularity IF NOT EXISTS FOR (p:Product) ON (p.popularity);
// Lookalikes: profiles' embeddings (lookalikes/embedding.ts: 64 dimensions, unit length), nearest by cosine.
CREATE VECTOR INDEX profile_embedding IF NOT EXISTS FOR (p:Profile) ON p.embedding OPTIONS {indexConfig: {`vector.dimensions`: 64, `vector.similarity_function`: 'cosine'}};
