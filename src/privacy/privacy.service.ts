import { createHash, randomBytes } from 'node:crypto';
import type { AudiencesRepository } from '../audiences/audiences.repository';
import type { AuditService } from '../audit/audit.service';
import { badInput, notFound } from '../common/errors';
import { toDate } from '../common/scalars';
import { defineQueries } from '../db/cypher';
import type { Executor, TxRunner } from '../db/executor';
import type { IdentityService } from '../identity/identity.service';
import { identifierKey, splitKey } from '../identity/namespaces';
import type { ProfileChanges } from '../profiles/profile-changes';
import { applyTraits, parseStoredTraits } from '../profiles/traits';
import type { Viewer } from '../security/viewer';
import {
  PURPOSES,
  allows,
  isPurpose,
  type ConsentFromEvent,
  type ConsentPolicy,
  type Purpose,
} from './consent';

const Q = defineQueries('privacy', [
  'ensure-pepper',
  'suppressed-among',
  'forget-pending',
  'forget-load',
  'forget-delete',
  'forget-unsettled',
  'suppress',
  'export-profile',
  'record-consent',
  'consent-of-profiles',
  'consent-target',
  'write-identifier-traits',
  'profile-traits',
] as const);

export interface ConsentRecord {
  purpose: string;
  granted: boolean;
  at: Date;
  source: string;
  actor: string | null;
}

export interface ConsentState {
  purpose: Purpose;
  granted: boolean;
  /** Whether the profile said so (false: the policy's default for the purpose). */
  explicit: boolean;
}

/**
 * Personal-data duties: erasure that replays cannot undo (identifiers are remembered only as peppered
 * one-way hashes, and events carrying them are dropped), access-request exports, and consent per purpose
 * with its history.
 */
export class PrivacyService {
  private pepper: Promise<string> | null = null;

  constructor(
    private readonly executor: Executor,
    private readonly identity: IdentityService,
    private readonly audiences: AudiencesRepository,
    private readonly changes: ProfileChanges,
    private readonly audit: AuditService,
    readonly policy: ConsentPolicy,
  ) {}

  private secret(): Promise<string> {
    this.pepper ??= this.executor
      .write(Q.ensurePepper, { candidate: randomBytes(32).toString('hex') })
      .then(([row]) => row!.pepper as string);
    return this.pepper;
  }

  /** The one-way hash an erased identifier is remembered by. */
  async hash(key: string): Promise<string> {
    return createHash('sha256')
      .update(`${await this.secret()}\n${key}`, 'utf8')
      .digest('hex');
  }

  /** Which of `keys` (namespace:value) belong to erased profiles; used by ingestion to drop their events. */
  async suppressed(tx: TxRunner, keys: readonly string[]): Promise<Set<string>> {
    if (keys.length === 0) return new Set();
    const hashes = new Map<string, string>();
    for (const key of keys) hashes.set(await this.hash(key), key);
    const rows = await tx.run(Q.suppressedAmong, { hashes: [...hashes.keys()] });
    return new Set(rows.map((row) => hashes.get(row.hash as string)!));
  }

  /**
   * Erases a profile: it leaves its segments (each exit logged and streamed), then it is deleted with its
   * identifiers, interactions, the events that carried them, tags, consent and history; its identifiers are
   * kept only as hashes so late or replayed events with them are dropped; profiles it was linked to are
   * restitched. One transaction, audited in it. A merged-away id erases the profile it was merged into.
   * False when there is no such profile.
   */
  async forget(id: string, viewer: Viewer | null): Promise<boolean> {
    const outcome = await this.executor.writeTx('privacy.forget', async (tx) => {
      const now = Date.now();
      // Identifiers that ingestion has stored but not settled yet, linked to this profile's, are settled
      // first: those the profile takes are erased with it, instead of outliving it as a profile of their own.
      const pending = (await tx.run(Q.forgetPending, { id })).map((row) => row.key as string);
      const settledFirst = pending.length > 0 ? await this.identity.stitch(tx, new Set(pending), now) : null;
      const [loaded] = await tx.run(Q.forgetLoad, { id });
      if (!loaded) return null;
      const erasedId = loaded.id as string;
      const identifiers = (loaded.identifiers as Array<{ namespace: string; value: string }>).map((i) =>
        identifierKey(i.namespace, i.value),
      );
      const exits = await this.audiences.applySegmentChanges(
        tx,
        (loaded.segments as string[]).map((segmentId) => ({
          segmentId,
          profileId: erasedId,
          change: 'EXITED' as const,
        })),
        now,
      );
      const hashes = await Promise.all(identifiers.map((key) => this.hash(key)));
      await tx.run(Q.suppress, { hashes, now });
      await tx.run(Q.forgetDelete, { id: erasedId });
      // Events stored but not settled yet keep their identifiers' keys until settled (ingest.service.ts).
      await tx.run(Q.forgetUnsettled, { keys: identifiers });
      const neighbours = (loaded.neighbours as Array<{ namespace: string; value: string }>).map((n) =>
        identifierKey(n.namespace, n.value),
      );
      const restitched =
        neighbours.length > 0 ? await this.identity.stitch(tx, new Set(neighbours), now) : null;
      await this.audit.recordIn(tx, viewer, {
        action: 'Mutation.forgetProfile',
        target: JSON.stringify({ id }),
        outcome: 'ok',
        details: { identifiers: identifiers.length, segmentsExited: exits.length },
      });
      const erasedSettled = (settledFirst?.settlement.profiles ?? []).filter((p) => p !== erasedId);
      return {
        profiles: [...erasedSettled, ...(restitched?.settlement.profiles ?? [])],
        segmentChanges: [
          ...(settledFirst?.settlement.segmentChanges ?? []),
          ...exits,
          ...(restitched?.settlement.segmentChanges ?? []),
        ],
      };
    });
    if (!outcome) return false;
    this.changes.committed(outcome);
    return true;
  }

  /** Everything held about a profile (access request), unmasked: only callers with privacy rights get here. */
  async export(id: string): Promise<Record<string, unknown> | null> {
    const [row] = await this.executor.read(Q.exportProfile, { id, maxInteractions: 100_000 });
    if (!row) return null;
    const parse = (text: unknown) => (typeof text === 'string' ? (JSON.parse(text) as unknown) : null);
    const time = (ms: unknown) => toDate(ms)?.toISOString() ?? null;
    const profile = row.profile as Record<string, unknown>;
    return {
      exportedAt: new Date().toISOString(),
      profile: {
        ...profile,
        traits: parse(profile.traits),
        createdAt: time(profile.createdAt),
        updatedAt: time(profile.updatedAt),
        firstSeen: time(profile.firstSeen),
        lastSeen: time(profile.lastSeen),
      },
      identifiers: (row.identifiers as Array<Record<string, unknown>>).map((i) => ({
        ...i,
        traits: Object.fromEntries(Object.entries(parseStoredTraits(i.traits)).map(([k, v]) => [k, v.v])),
        firstSeen: time(i.firstSeen),
        lastSeen: time(i.lastSeen),
      })),
      interactions: (row.interactions as Array<Record<string, unknown>>).map((x) => ({
        ...x,
        at: time(x.at),
        properties: parse(x.properties),
      })),
      tags: (row.tags as Array<Record<string, unknown>>).map((t) => ({ ...t, since: time(t.since) })),
      segments: (row.segments as Array<Record<string, unknown>>).map((s) => ({ ...s, since: time(s.since) })),
      consent: (row.consents as Array<Record<string, unknown>>).map((c) => ({ ...c, at: time(c.at) })),
      identityHistory: (row.history as Array<Record<string, unknown>>).map((h) => ({ ...h, at: time(h.at) })),
    };
  }

  /**
   * Records a consent decision for a profile through the API: kept in its history and set as the trait
   * `consent.<purpose>` on its user id (or founding identifier), newest wins like any trait, so segments and
   * recommendations follow at once (the profile is settled in the same transaction).
   */
  async setConsent(
    profileId: string,
    purpose: string,
    granted: boolean,
    viewer: Viewer | null,
  ): Promise<ConsentState[]> {
    if (!isPurpose(purpose))
      throw badInput(`purpose must be one of ${PURPOSES.join(', ')}`, { argument: 'purpose' });
    const settlement = await this.executor.writeTx('privacy.setConsent', async (tx) => {
      const [target] = await tx.run(Q.consentTarget, { id: profileId });
      if (!target) throw notFound(`no profile ${profileId}`, { argument: 'profileId' });
      const now = Date.now();
      const messageId = `consent-${randomBytes(8).toString('hex')}`;
      const traits = applyTraits(
        parseStoredTraits(target.traits),
        { consent: { ...this.consentTrait(target.traits), [purpose]: granted } },
        now,
        messageId,
      );
      await tx.run(Q.writeIdentifierTraits, {
        namespace: target.namespace,
        value: target.value,
        traits: JSON.stringify(traits),
      });
      await tx.run(Q.recordConsent, {
        records: [
          {
            namespace: target.namespace,
            value: target.value,
            purpose,
            granted,
            at: now,
            source: 'api',
            messageId,
            actor: viewer?.id ?? null,
          },
        ],
      });
      return this.changes.settle(tx, [profileId], now);
    });
    this.changes.committed(settlement);
    const [state] = await this.consentOf([profileId]);
    return state!;
  }

  /** The identifier's current consent object (so that setting one purpose keeps the others). */
  private consentTrait(stored: unknown): Record<string, unknown> {
    const current = parseStoredTraits(stored).consent?.v;
    return current && typeof current === 'object' ? (current as Record<string, unknown>) : {};
  }

  /** Consent decisions carried by identify traits (`traits.consent.<purpose>`), recorded in the history. */
  async recordFromEvents(tx: TxRunner, decisions: readonly ConsentFromEvent[]): Promise<void> {
    if (decisions.length === 0) return;
    await tx.run(Q.recordConsent, {
      records: decisions.map((d) => ({
        ...splitKey(d.key),
        purpose: d.purpose,
        granted: d.granted,
        at: d.at,
        source: 'event',
        messageId: d.messageId,
        actor: null,
      })),
    });
  }

  /** The current consent of each profile per purpose, from its merged traits and the policy. */
  async consentOf(ids: readonly string[]): Promise<ConsentState[][]> {
    const rows = await this.executor.read(Q.profileTraits, { ids });
    const byId = new Map(
      rows.map((row) => [
        row.id as string,
        typeof row.traits === 'string' ? (JSON.parse(row.traits) as Record<string, unknown>) : {},
      ]),
    );
    return ids.map((id) => {
      const consent = (byId.get(id)?.consent ?? {}) as Record<string, unknown>;
      return PURPOSES.map((purpose) => ({
        purpose,
        granted: allows(this.policy, purpose, consent[purpose]),
        explicit: consent[purpose] === true || consent[purpose] === false,
      }));
    });
  }

  async consentHistory(ids: readonly string[]): Promise<ConsentRecord[][]> {
    const rows = await this.executor.read(Q.consentOfProfiles, { ids });
    const byId = new Map(
      rows.map((row) => [
        row.id as string,
        (row.records as Array<Record<string, unknown>>).map((r) => ({
          purpose: r.purpose as string,
          granted: r.granted as boolean,
          at: toDate(r.at) ?? new Date(0),
          source: r.source as string,
          actor: (r.actor as string | null) ?? null,
        })),
      ]),
    );
    return ids.map((id) => byId.get(id) ?? []);
  }
}
