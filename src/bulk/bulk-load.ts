import { randomUUID } from 'node:crypto';
import { PortraitError } from '../common/errors';
import { defineQueries } from '../db/cypher';
import type { Executor } from '../db/executor';
import { IngestRepository, type CarrierCreate, type IdentifierUpsert } from '../ingest/ingest.repository';
import { normalizeEvent, type NormalizedEvent } from '../ingest/segment-event';
import { WriteSet, carriersOf, interactionsOf, productLinesOf } from '../ingest/write-set';
import { identifierKey, isBlockedValue, ruleFor, splitKey, type IdentityRules } from '../identity/namespaces';
import { partition, planProfiles, sharedKeys, type StitchLink, type StitchNode } from '../identity/stitching';
import type { Services } from '../server/services';

const Q = defineQueries('bulk', [
  'create-identifiers',
  'create-links',
  'create-profiles',
  'create-shared',
  'create-events',
  'graph-size',
] as const);

export interface BulkProgress {
  (phase: string, done: number, total: number | null): void;
}

export interface BulkReport {
  events: number;
  rejected: number;
  identifiers: number;
  links: number;
  profiles: number;
  interactions: number;
  seconds: Record<string, number>;
}

export interface BulkOptions {
  /** Rows per write transaction. */
  readonly batchSize?: number;
  /** Profiles settled per transaction. */
  readonly settleBatch?: number;
  readonly progress?: BulkProgress;
}

function* chunks<T>(items: readonly T[], size: number): Generator<T[]> {
  for (let i = 0; i < items.length; i += size) yield items.slice(i, i + size);
}

/**
 * The profiles of the whole evidence graph at once, with the same pure stitching ingestion applies to one
 * component at a time: shared identifiers are found over all links, the graph is cut into components at
 * them, and each component is partitioned and given profiles. The result is the partition ingesting the
 * same events would reach (stitching depends only on the set of events).
 */
export function stitchAll(
  writes: WriteSet,
  rules: IdentityRules,
): {
  profiles: Array<{ id: string; anchor: string; createdAt: number; members: readonly string[] }>;
  state: Map<string, { shared: boolean; blocked: boolean; conflicts: number }>;
  servedBy: Map<string, Set<string>>;
  kinds: Map<string, string>;
} {
  const nodes = new Map<string, StitchNode>();
  for (const [key, id] of writes.identifiers) {
    nodes.set(key, {
      key,
      namespace: id.namespace,
      kind: ruleFor(rules, id.namespace).kind,
      firstSeen: id.firstSeen,
      blocked: isBlockedValue(rules, id.value),
      shared: false,
      profileId: null,
      linksComplete: true,
      stored: { kind: ruleFor(rules, id.namespace).kind, blocked: false, conflicts: 0 },
    });
  }
  const links: StitchLink[] = [...writes.links.values()].map((l) => ({
    a: identifierKey(l.a.namespace, l.a.value),
    b: identifierKey(l.b.namespace, l.b.value),
    at: l.at,
    messageId: l.messageId,
    type: l.type,
  }));
  // Shared status needs every link of a node: decide it over the whole graph first.
  const shared = sharedKeys(nodes, links, rules);

  // Components: connected through links between identifiers that are neither shared nor blocked.
  const parent = new Map<string, string>();
  const find = (key: string): string => {
    let root = key;
    while (parent.has(root)) root = parent.get(root)!;
    for (let at = key; at !== root;) {
      const next = parent.get(at)!;
      parent.set(at, root);
      at = next;
    }
    return root;
  };
  const active = (key: string) => !shared.has(key) && !nodes.get(key)!.blocked;
  for (const link of links) {
    if (!active(link.a) || !active(link.b)) continue;
    const [ra, rb] = [find(link.a), find(link.b)];
    if (ra !== rb) parent.set(ra < rb ? rb : ra, ra < rb ? ra : rb);
  }
  const components = new Map<string, { nodes: Map<string, StitchNode>; links: StitchLink[] }>();
  const componentOf = (key: string) => {
    const root = find(key);
    let component = components.get(root);
    if (!component) components.set(root, (component = { nodes: new Map(), links: [] }));
    return component;
  };
  for (const node of nodes.values()) if (active(node.key)) componentOf(node.key).nodes.set(node.key, node);
  for (const link of links) {
    const ends = [link.a, link.b].filter(active);
    if (ends.length === 0) continue;
    const component = componentOf(ends[0]!);
    component.links.push(link);
    // A shared (or blocked) end joins the component as a leaf whose links were not all loaded.
    for (const end of [link.a, link.b]) {
      if (!active(end) && !component.nodes.has(end))
        component.nodes.set(end, { ...nodes.get(end)!, shared: shared.has(end), linksComplete: false });
    }
  }

  const profiles: Array<{ id: string; anchor: string; createdAt: number; members: readonly string[] }> = [];
  const state = new Map<string, { shared: boolean; blocked: boolean; conflicts: number }>();
  const servedBy = new Map<string, Set<string>>();
  for (const component of components.values()) {
    const part = partition(component.nodes, component.links, rules);
    const plan = planProfiles(component.nodes, component.links, part, [], randomUUID);
    profiles.push(...plan.profiles);
    for (const move of plan.moves)
      state.set(move.key, { shared: move.shared, blocked: move.blocked, conflicts: move.conflicts });
    for (const { key, profileIds } of plan.shared) {
      const set = servedBy.get(key) ?? new Set<string>();
      for (const id of profileIds) set.add(id);
      servedBy.set(key, set);
    }
  }
  for (const key of shared)
    state.set(key, { shared: true, blocked: false, conflicts: state.get(key)?.conflicts ?? 0 });
  for (const node of nodes.values())
    if (node.blocked) state.set(node.key, { shared: false, blocked: true, conflicts: 0 });
  return { profiles, state, servedBy, kinds: new Map([...nodes].map(([key, n]) => [key, n.kind])) };
}

/**
 * Loads a large data set straight into an empty graph, producing what ingesting the same events would:
 * the same write set, the same stitching (over the whole graph at once), the same interactions and
 * evidence, then every profile settled through the same pipeline as ingestion (traits, metrics, tags,
 * segments, engagement, embeddings) and related products refreshed. `events` is called twice (the events
 * are streamed twice rather than held in memory); it must give the same events both times.
 * Not kept: merge history and merged-away ids, which only exist because events arrived over time.
 */
export async function bulkLoad(
  services: Services,
  executor: Executor,
  events: () => Iterable<unknown>,
  options: BulkOptions = {},
): Promise<BulkReport> {
  const batchSize = options.batchSize ?? 5000;
  const progress = options.progress ?? (() => undefined);
  // The ingestion path's own statements for the catalogue and interactions, so both paths make them alike.
  const ingestWrites = new IngestRepository(executor);
  const seconds: Record<string, number> = {};
  const timed = async <T>(phase: string, work: () => Promise<T>): Promise<T> => {
    const started = Date.now();
    const result = await work();
    seconds[phase] = (Date.now() - started) / 1000;
    return result;
  };
  const [size] = await executor.read(Q.graphSize);
  if ((size?.events as number) > 0 || (size?.identifiers as number) > 0) {
    throw new PortraitError(
      'CONFLICT',
      'a bulk load needs an empty graph (it found events or identifiers); ingest into a graph that has data',
    );
  }
  await services.tags.installDefaults();
  const rules = (await services.identity.refreshRules(), services.identity.rules());
  const now = services.clock();
  const normalizeOptions = { rules, receivedAt: now, maxEventBytes: Number.MAX_SAFE_INTEGER };
  // messageIds must be unique across the data set (generated data's are): a duplicate fails the load on the
  // Event constraint instead of being counted twice. Rejected events are left out, as ingestion would.
  let count = 0;
  const normalized = function* (): Generator<NormalizedEvent> {
    let index = 0;
    count = 0;
    for (const raw of events()) {
      const result = normalizeEvent(raw, index, normalizeOptions);
      index += 1;
      count += 1;
      if (result.ok) yield result.event;
    }
  };

  // Pass 1: what the events write, in memory.
  const writes = new WriteSet();
  let accepted = 0;
  await timed('scan', async () => {
    const batch: NormalizedEvent[] = [];
    for (const event of normalized()) {
      batch.push(event);
      accepted += 1;
      if (batch.length === batchSize) {
        writes.add(batch);
        batch.length = 0;
        progress('scan', accepted, null);
      }
    }
    writes.add(batch);
  });
  const total = count;

  const stitched = await timed('stitch', async () => stitchAll(writes, rules));

  await timed('identifiers', async () => {
    const rows = writes.sortedIdentifiers().map((id: IdentifierUpsert) => {
      const key = identifierKey(id.namespace, id.value);
      const state = stitched.state.get(key) ?? { shared: false, blocked: false, conflicts: 0 };
      const traits = writes.traits.get(key);
      return {
        ...id,
        kind: stitched.kinds.get(key) ?? id.kind,
        traits: traits ? JSON.stringify(traits) : null,
        ...state,
      };
    });
    let done = 0;
    for (const chunk of chunks(rows, batchSize)) {
      await executor.writeTx('bulk.identifiers', (tx) => tx.run(Q.createIdentifiers, { rows: chunk, now }));
      progress('identifiers', (done += chunk.length), rows.length);
    }
  });
  await timed('catalogue', async () => {
    await executor.writeTx('bulk.catalogue', async (tx) => {
      await ingestWrites.upsertCatalogue(tx, writes.sortedCategories(), []);
      for (const chunk of chunks(writes.productRows(), batchSize))
        await ingestWrites.upsertCatalogue(tx, [], chunk);
    });
  });
  await timed('links', async () => {
    const links = writes.sortedLinks();
    let done = 0;
    for (const chunk of chunks(links, batchSize)) {
      await executor.writeTx('bulk.links', (tx) => tx.run(Q.createLinks, { links: chunk }));
      progress('links', (done += chunk.length), links.length);
    }
  });
  await timed('profiles', async () => {
    let done = 0;
    for (const chunk of chunks(stitched.profiles, Math.max(1, Math.floor(batchSize / 4)))) {
      await executor.writeTx('bulk.profiles', (tx) =>
        tx.run(Q.createProfiles, {
          profiles: chunk.map((p) => ({
            id: p.id,
            anchor: p.anchor,
            createdAt: p.createdAt,
            members: p.members.map(splitKey),
          })),
          now,
        }),
      );
      progress('profiles', (done += chunk.length), stitched.profiles.length);
    }
    const shared = [...stitched.servedBy].map(([key, ids]) => ({ ...splitKey(key), profileIds: [...ids] }));
    for (const chunk of chunks(shared, batchSize))
      await executor.writeTx('bulk.shared', (tx) => tx.run(Q.createShared, { shared: chunk }));
  });

  // Pass 2: events, the evidence they carried, and the interactions they made. One transaction is in flight
  // while the next batch is read and prepared, so the database and this process work at the same time.
  let interactions = 0;
  await timed('events', async () => {
    let done = 0;
    let inFlight: Promise<void> = Promise.resolve();
    const flush = async (batch: NormalizedEvent[]) => {
      const made = interactionsOf(batch);
      const carriers = new Map<string, CarrierCreate[]>();
      for (const c of carriersOf(batch)) carriers.set(c.messageId, [...(carriers.get(c.messageId) ?? []), c]);
      const rows = batch.map((e) => ({
        messageId: e.messageId,
        type: e.type,
        name: e.name,
        at: e.at,
        receivedAt: e.receivedAt,
        carriers: (carriers.get(e.messageId) ?? []).map(({ namespace, value, primary }) => ({
          namespace,
          value,
          primary,
        })),
      }));
      await inFlight;
      inFlight = executor
        .writeTx('bulk.events', async (tx) => {
          await tx.run(Q.createEvents, { events: rows });
          await ingestWrites.createInteractions(tx, made);
          await ingestWrites.linkInteractions(tx, productLinesOf(made));
        })
        .then(() => {
          interactions += made.length;
          progress('events', (done += batch.length), accepted);
        });
      inFlight.catch(() => undefined); // a failure is thrown where inFlight is next awaited
    };
    let batch: NormalizedEvent[] = [];
    for (const event of normalized()) {
      batch.push(event);
      if (batch.length === batchSize) {
        await flush(batch);
        batch = [];
      }
    }
    if (batch.length > 0) await flush(batch);
    await inFlight;
  });

  // Every profile settled through the same pipeline as ingestion.
  await timed('settle', async () => {
    const settleBatch = options.settleBatch ?? 500;
    let done = 0;
    for (const chunk of chunks(stitched.profiles.map((p) => p.id).sort(), settleBatch)) {
      const settlement = await executor.writeTx('bulk.settle', (tx) =>
        services.changes.settle(tx, chunk, now),
      );
      services.changes.committed(settlement);
      progress('settle', (done += chunk.length), stitched.profiles.length);
    }
  });
  await timed('related', async () => {
    await services.recommendations.refresh(false);
    await services.jobs.idle();
  });
  return {
    events: accepted,
    rejected: total - accepted,
    identifiers: writes.identifiers.size,
    links: writes.links.size,
    profiles: stitched.profiles.length,
    interactions,
    seconds,
  };
}
