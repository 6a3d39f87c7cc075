import { randomUUID } from 'node:crypto';
import type { Executor, TxRunner } from '../db/executor';
import type { IdentityService } from '../identity/identity.service';
import { splitKey } from '../identity/namespaces';
import { NOTHING_SETTLED, type ProfileChanges, type Settlement } from '../profiles/profile-changes';
import { consentDecisions, type ConsentFromEvent } from '../privacy/consent';
import { mergeStoredTraits, parseStoredTraits } from '../profiles/traits';
import type { IngestRepository } from './ingest.repository';
import { normalizeEvent, type EventType, type NormalizedEvent } from './segment-event';
import { WriteSet, carriersOf, interactionsOf } from './write-set';

export interface RejectedEvent {
  index: number;
  messageId: string | null;
  reason: string;
}

export interface IngestResult {
  accepted: number;
  duplicates: number;
  /** Events dropped because they carry an identifier of an erased profile. */
  suppressed: number;
  rejected: RejectedEvent[];
}

export interface IngestOptions {
  /** The type implied by the endpoint (/v1/track), used when an event does not state one. */
  impliedType?: EventType;
  /** The batch's `sentAt`, used to correct `originalTimestamp` for clock skew. */
  batchSentAt?: number | null;
  /** Fields sent once for the whole batch (`context`, `integrations`), merged under each event's own. */
  batchDefaults?: Record<string, unknown>;
}

/** What ingestion owes to privacy: drop erased people's events, record consent decisions. */
export interface PrivacyDuties {
  suppressed(tx: TxRunner, keys: readonly string[]): Promise<Set<string>>;
  recordFromEvents(tx: TxRunner, decisions: readonly ConsentFromEvent[]): Promise<void>;
}

export interface IngestSettings {
  readonly clock: () => number;
  readonly maxEventBytes: number;
}

function withDefaults(event: unknown, defaults: Record<string, unknown> | undefined): unknown {
  if (!defaults || !event || typeof event !== 'object' || Array.isArray(event)) return event;
  const own = event as Record<string, unknown>;
  const merged: Record<string, unknown> = { ...own };
  for (const [key, value] of Object.entries(defaults)) {
    const mine = own[key];
    if (mine === undefined) merged[key] = value;
    else if (isPlainObject(mine) && isPlainObject(value)) merged[key] = { ...value, ...mine };
  }
  return merged;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/**
 * Ingestion of Segment-spec events: validation, then one write transaction per request that records the
 * events, their identifiers, evidence links, traits, products and interactions, restitches the touched
 * identity components and refreshes the touched profiles. Every write is idempotent and independent of the
 * order of events, so a retried request changes nothing twice; and a request is applied whole or not at all.
 *
 * Concurrent requests touch the same shared nodes (products, categories, tags, segments), so each write
 * takes as few locks as it can and takes them in one order: rows sorted by key, nothing written that would
 * not change, no relationship MERGE on a shared node (it write-locks the node; see apply-tag-changes).
 */
export class IngestService {
  constructor(
    private readonly executor: Executor,
    private readonly repository: IngestRepository,
    private readonly identity: IdentityService,
    private readonly changes: ProfileChanges,
    private readonly privacy: PrivacyDuties,
    private readonly settings: IngestSettings,
  ) {}

  /** True once any event was ingested. */
  hasEvents(): Promise<boolean> {
    return this.repository.anyEvent();
  }

  /**
   * Validates and applies `events`; resolves once every accepted event is committed. The accepted events are
   * written in one transaction, so a failure (TRANSIENT_ERROR when contention outlasted the retries) leaves
   * none of them stored: a request is never half applied. Requests are bounded (MAX_BATCH_BYTES), and so is
   * the transaction; imports split their files into requests.
   */
  async ingest(events: readonly unknown[], options: IngestOptions = {}): Promise<IngestResult> {
    const receivedAt = this.settings.clock();
    const rejected: RejectedEvent[] = [];
    const valid: NormalizedEvent[] = [];
    const seen = new Set<string>();
    let duplicates = 0;
    const normalizeOptions = {
      rules: this.identity.rules(),
      receivedAt,
      maxEventBytes: this.settings.maxEventBytes,
      ...(options.impliedType ? { impliedType: options.impliedType } : {}),
    };
    events.forEach((raw, index) => {
      const result = normalizeEvent(
        withDefaults(raw, options.batchDefaults),
        index,
        normalizeOptions,
        options.batchSentAt ?? null,
      );
      if (!result.ok) {
        rejected.push({ index, messageId: result.messageId, reason: result.reason });
      } else if (seen.has(result.event.messageId)) {
        duplicates += 1;
      } else {
        seen.add(result.event.messageId);
        valid.push(result.event);
      }
    });

    if (valid.length === 0) return { accepted: 0, duplicates, suppressed: 0, rejected };
    const outcome = await this.executor.writeTx('ingest.batch', (tx) => this.apply(tx, valid, receivedAt));
    this.changes.committed(outcome.settlement);
    return {
      accepted: outcome.fresh,
      duplicates: duplicates + valid.length - outcome.fresh - outcome.suppressed,
      suppressed: outcome.suppressed,
      rejected,
    };
  }

  private async apply(
    tx: TxRunner,
    valid: readonly NormalizedEvent[],
    now: number,
  ): Promise<{ fresh: number; suppressed: number; settlement: Settlement }> {
    // Events carrying an identifier of an erased profile are dropped before anything is written.
    const erased = await this.privacy.suppressed(tx, [
      ...new Set(valid.flatMap((e) => e.identifiers.map((i) => i.key))),
    ]);
    const allowed =
      erased.size === 0 ? valid : valid.filter((e) => !e.identifiers.some((i) => erased.has(i.key)));
    const suppressed = valid.length - allowed.length;
    const fresh = await this.repository.claimEvents(
      tx,
      allowed.map((e) => ({
        messageId: e.messageId,
        type: e.type,
        name: e.name,
        at: e.at,
        receivedAt: e.receivedAt,
      })),
      randomUUID(),
    );
    const events = allowed.filter((e) => fresh.has(e.messageId));
    if (events.length === 0) return { fresh: 0, suppressed, settlement: NOTHING_SETTLED };

    const writes = new WriteSet().add(events);
    const storedTraits = await this.repository.upsertIdentifiers(tx, writes.sortedIdentifiers(), now);
    // Only traits that change are written (events older than what is stored change nothing).
    await this.repository.writeTraits(
      tx,
      writes.sortedTraits().flatMap(([key, incoming]) => {
        const stored = storedTraits.get(key) ?? null;
        const traits = JSON.stringify(mergeStoredTraits(parseStoredTraits(stored), incoming));
        return traits === stored ? [] : [{ ...splitKey(key), traits }];
      }),
    );
    await this.privacy.recordFromEvents(
      tx,
      events.flatMap((e) => consentDecisions(e.primary.key, e.traits, e.at, e.messageId)),
    );
    await this.repository.upsertLinks(tx, writes.sortedLinks());
    await this.repository.upsertCatalogue(tx, writes.sortedCategories(), writes.productRows());
    await this.repository.createInteractions(tx, interactionsOf(events));
    await this.repository.recordCarriers(tx, carriersOf(events));
    const outcome = await this.identity.stitch(tx, new Set(writes.identifiers.keys()), now);
    return { fresh: events.length, suppressed, settlement: outcome.settlement };
  }
}
