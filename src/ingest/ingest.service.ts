import { randomUUID } from 'node:crypto';
import { GroupCommit, ItemFailed } from '../common/group-commit';
import type { Logger } from '../common/logger';
import { PortraitError } from '../common/errors';
import type { Executor, TxRunner } from '../db/executor';
import type { IdentityService } from '../identity/identity.service';
import { splitKey } from '../identity/namespaces';
import type { ProfileChanges } from '../profiles/profile-changes';
import { consentDecisions, type ConsentFromEvent } from '../privacy/consent';
import { mergeStoredTraits, parseStoredTraits } from '../profiles/traits';
import type { IngestRepository, UnsettledRecord } from './ingest.repository';
import { normalizeEvent, type EventType, type NormalizedEvent } from './segment-event';
import { WriteSet, carriersOf, interactionsOf, productLinesOf } from './write-set';

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
  /**
   * When to answer: `settled` (the default) once the events are stored and the profiles they touch settled,
   * so that what the caller reads next reflects them; `stored` once they are stored, their settling left to
   * follow (unless the settling backlog is full, which makes the caller wait: the backlog stays bounded).
   */
  acknowledge?: 'stored' | 'settled';
}

/** What ingestion owes to privacy: drop erased people's events, record consent decisions. */
export interface PrivacyDuties {
  suppressed(tx: TxRunner, keys: readonly string[]): Promise<Set<string>>;
  recordFromEvents(tx: TxRunner, decisions: readonly ConsentFromEvent[]): Promise<void>;
}

export interface IngestSettings {
  readonly clock: () => number;
  readonly maxEventBytes: number;
  /** Most events one storing transaction takes from the requests waiting for it. */
  readonly roundEvents: number;
  /** Most identifiers one settling transaction takes. */
  readonly roundIdentifiers: number;
  /** Most rounds of each stage running at once (each a transaction, which Neo4j runs on one core). */
  readonly concurrentRounds: number;
  /** First wait before a failed settle is tried again (doubling up to a minute). */
  readonly settleRetryMs: number;
  /** Identifiers waiting to be settled beyond which even `stored` requests wait for theirs. */
  readonly settleBacklog: number;
}

/** One request's accepted events, waiting for a storing round. */
interface Submission {
  readonly events: readonly NormalizedEvent[];
  readonly receivedAt: number;
}

/** What a storing round did for one request. */
interface Stored {
  readonly fresh: number;
  readonly suppressed: number;
}

/** Identifiers whose profiles must be settled, and the record (Unsettled node) that keeps them durable. */
type Touched = Readonly<UnsettledRecord>;

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
 * Ingestion of Segment-spec events, in two transactions per round of requests:
 *
 * 1. **Store**: the events, their identifiers, evidence links, traits, products and interactions, and a record
 *    of the identifiers they touched. A request's events are stored whole or not at all.
 * 2. **Settle**: restitch the touched identity components and refresh the touched profiles (tags, segments,
 *    the change log), then delete the record.
 *
 * Each stage is a group commit: requests that arrive while a round runs are taken together by the next, so a
 * profile touched by several concurrent requests is settled once, and a busy instance runs few large
 * transactions instead of many small ones that wait on each other's locks. The stages overlap: one round is
 * settled while the next is stored. A request resolves once its events are stored and settled, so what a
 * client reads after the response reflects them; or, when it asks (trackers, which never read back), once they
 * are stored, which lets its next request be stored while this one is settled.
 *
 * Every write is idempotent and independent of the order of events, so a retried request changes nothing
 * twice. When settling fails, the events stay stored and the record stays: the settle is tried again (with
 * back-off, and by the scheduler or the next start if this process stops), and the request still succeeds.
 *
 * Concurrent rounds (of other instances, or the two stages) touch the same shared nodes (products,
 * categories, tags, segments), so each write takes as few locks as it can and takes them in one order: rows
 * sorted by key, nothing written that would not change, no relationship MERGE on a shared node (it
 * write-locks the node; see apply-tag-changes).
 */
export class IngestService {
  private readonly storing: GroupCommit<Submission, Stored & { touched: Touched | null }>;
  private readonly settling: GroupCommit<Touched, void>;
  /** Records this process is settling or will try again (the sweep for leftovers leaves them alone). */
  private readonly inFlight = new Set<string>();
  /** The first attempt at settling each record, which every request of its round waits for. */
  private readonly attempts = new Map<string, Promise<void>>();
  private readonly retries = new Set<NodeJS.Timeout>();

  constructor(
    private readonly executor: Executor,
    private readonly repository: IngestRepository,
    private readonly identity: IdentityService,
    private readonly changes: ProfileChanges,
    private readonly privacy: PrivacyDuties,
    private readonly settings: IngestSettings,
    private readonly logger: Logger,
  ) {
    this.storing = new GroupCommit(
      (submissions) => this.storeRound(submissions),
      settings.roundEvents,
      (s) => s.events.length,
      settings.concurrentRounds,
    );
    this.settling = new GroupCommit(
      (touched) => this.settleRound(touched),
      settings.roundIdentifiers,
      (t) => t.keys.length,
      settings.concurrentRounds,
    );
  }

  /** True once any event was ingested. */
  hasEvents(): Promise<boolean> {
    return this.repository.anyEvent();
  }

  /**
   * Validates and applies `events`; resolves once every accepted event is stored and its profiles settled
   * (or only stored: `options.acknowledge`).
   * The accepted events are stored in one transaction (with those of concurrent requests), so a failure
   * (TRANSIENT_ERROR when contention outlasted the retries) leaves none of them stored: a request is never
   * half applied. Requests are bounded (MAX_BATCH_BYTES), and so is a round; imports split their files into
   * requests.
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
    const { fresh, suppressed, touched } = await this.storing.submit({ events: valid, receivedAt });
    if (touched) {
      const settled = this.settle(touched);
      const waits =
        options.acknowledge !== 'stored' || this.settling.waitingSize > this.settings.settleBacklog;
      if (waits) await settled;
    }
    return {
      accepted: fresh,
      duplicates: duplicates + valid.length - fresh - suppressed,
      suppressed,
      rejected,
    };
  }

  /**
   * What this instance has accepted but not finished: requests waiting for a storing round, identifiers
   * waiting for a settling round, and stored rounds whose settle failed and waits to be tried again.
   */
  backlog(): { requestsToStore: number; identifiersToSettle: number; settlesToRetry: number } {
    return {
      requestsToStore: this.storing.waiting,
      identifiersToSettle: this.settling.waitingSize,
      settlesToRetry: this.retries.size,
    };
  }

  /**
   * Settles the records of rounds stored before `before` that are still unsettled (left by a process that
   * stopped, or by a settle that failed), except those this process is settling; resolves to how many.
   */
  async settleLeftovers(before: number, limit = 1000): Promise<number> {
    const records = (await this.repository.unsettled(before, limit)).filter(
      (r) => !this.inFlight.has(r.record),
    );
    await Promise.all(records.map((r) => this.settle(r)));
    return records.length;
  }

  /**
   * Resolves once no round is stored or settled by this process. Pending retries of failed settles are dropped
   * (their records stay for the sweep): for shutting down.
   */
  async idle(): Promise<void> {
    for (const timer of this.retries) clearTimeout(timer);
    this.retries.clear();
    this.inFlight.clear();
    await this.storing.idle();
    await this.settling.idle();
  }

  /**
   * Settles `touched` (once, however many requests of its round ask). A failure is logged and the settle tried
   * again later, with back-off; the record keeps it durable meanwhile, so the callers are not failed for it.
   */
  private settle(touched: Touched): Promise<void> {
    let attempt = this.attempts.get(touched.record);
    if (!attempt) {
      this.inFlight.add(touched.record);
      attempt = this.attemptSettle(touched, this.settings.settleRetryMs).finally(() =>
        this.attempts.delete(touched.record),
      );
      this.attempts.set(touched.record, attempt);
    }
    return attempt;
  }

  private async attemptSettle(touched: Touched, delayMs: number): Promise<void> {
    try {
      await this.settling.submit(touched);
      this.inFlight.delete(touched.record);
    } catch (error) {
      this.logger.error('settling ingested events failed; trying again later', {
        record: touched.record,
        identifiers: touched.keys.length,
        retryInMs: delayMs,
        error,
      });
      const timer = setTimeout(() => {
        this.retries.delete(timer);
        void this.attemptSettle(touched, Math.min(delayMs * 2, 60_000));
      }, delayMs);
      timer.unref();
      this.retries.add(timer);
    }
  }

  /**
   * Stores the events of several requests in one transaction. A round of several requests that fails for a
   * reason other than the database's state (which would fail each of them alike) is retried one request per
   * transaction, so that one request's failure is not its neighbours'.
   */
  private async storeRound(
    submissions: readonly Submission[],
  ): Promise<Array<(Stored & { touched: Touched | null }) | ItemFailed>> {
    try {
      return await this.executor.writeTx('ingest.batch', (tx) => this.store(tx, submissions));
    } catch (error) {
      if (submissions.length === 1 || (error instanceof PortraitError && BUSY.has(error.code))) throw error;
      const alone = await Promise.allSettled(
        submissions.map((s) => this.executor.writeTx('ingest.batch', (tx) => this.store(tx, [s]))),
      );
      return alone.map((outcome) =>
        outcome.status === 'fulfilled' ? outcome.value[0]! : new ItemFailed(outcome.reason),
      );
    }
  }

  private async store(
    tx: TxRunner,
    submissions: readonly Submission[],
  ): Promise<Array<Stored & { touched: Touched | null }>> {
    const now = Math.max(...submissions.map((s) => s.receivedAt));
    // A messageId sent by two requests of one round is the first one's (the other counts it as a duplicate).
    const firstOf = new Map<string, NormalizedEvent>();
    for (const s of submissions)
      for (const e of s.events) if (!firstOf.has(e.messageId)) firstOf.set(e.messageId, e);
    const valid = [...firstOf.values()];

    // Events carrying an identifier of an erased profile are dropped before anything is written.
    const erased = await this.privacy.suppressed(tx, [
      ...new Set(valid.flatMap((e) => e.identifiers.map((i) => i.key))),
    ]);
    const isErased = (e: NormalizedEvent) => e.identifiers.some((i) => erased.has(i.key));
    const allowed = erased.size === 0 ? valid : valid.filter((e) => !isErased(e));
    const claimed = await this.repository.claimEvents(
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
    const events = allowed.filter((e) => claimed.has(e.messageId));
    const touched = events.length > 0 ? await this.write(tx, events, now) : null;
    return submissions.map((s) => ({
      fresh: s.events.filter((e) => firstOf.get(e.messageId) === e && claimed.has(e.messageId)).length,
      suppressed: erased.size === 0 ? 0 : s.events.filter(isErased).length,
      touched,
    }));
  }

  /** The writes of fresh events, and the record of the identifiers they touched. */
  private async write(tx: TxRunner, events: readonly NormalizedEvent[], now: number): Promise<Touched> {
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
    // Identifiers are locked before products (creating relationships on an identifier locks it), as settling
    // rounds lock them: a storing round that locked products first and then identifiers would deadlock with a
    // settling round holding those identifiers and writing those products' engagement.
    await this.repository.upsertLinks(tx, writes.sortedLinks());
    await this.repository.recordCarriers(tx, carriersOf(events));
    const interactions = interactionsOf(events);
    await this.repository.createInteractions(tx, interactions);
    await this.repository.upsertCatalogue(tx, writes.sortedCategories(), writes.productRows());
    await this.repository.linkInteractions(tx, productLinesOf(interactions));
    const touched = {
      record: randomUUID(),
      keys: [...writes.identifiers.keys()].sort(),
      interacted: [
        ...new Set(events.filter((e) => e.interactions.length > 0).map((e) => e.primary.key)),
      ].sort(),
    };
    await this.repository.markUnsettled(tx, touched, now);
    return touched;
  }

  /** Restitches and settles the identifiers of several stored rounds in one transaction. */
  private async settleRound(rounds: readonly Touched[]): Promise<void[]> {
    const keys = new Set(rounds.flatMap((r) => r.keys));
    // Profiles none of whose identifiers got interactions (and whose identifiers stay) keep their engagement.
    const interacted = rounds.some((r) => r.interacted === null)
      ? null
      : new Set(rounds.flatMap((r) => r.interacted ?? []));
    const outcome = await this.executor.writeTx('ingest.settle', async (tx) => {
      const stitched = await this.identity.stitch(tx, keys, this.settings.clock(), interacted);
      await this.repository.dropUnsettled(
        tx,
        rounds.map((r) => r.record),
      );
      return stitched;
    });
    this.changes.committed(outcome.settlement);
    return rounds.map(() => undefined);
  }
}

/** Errors that come from the database's state, not from a request: retrying a round alone would not help. */
const BUSY = new Set(['TRANSIENT_ERROR', 'SERVICE_UNAVAILABLE']);
