import { Redis } from 'ioredis';
import type { Logger } from '../common/logger';
import type { SegmentChangeRecord } from '../profiles/profile-changes';

/**
 * Carries committed segment changes to every subscriber of every API instance. It is a fast path only:
 * the change log in Neo4j is the truth, and subscribers fill any gap from it, so a lost message delays a
 * delivery but never loses it.
 */
export interface ChangeBus {
  publish(changes: readonly SegmentChangeRecord[]): Promise<void>;
  subscribe(listener: (changes: readonly SegmentChangeRecord[]) => void): () => void;
  close(): Promise<void>;
}

/** One process: listeners are called directly. */
export class LocalChangeBus implements ChangeBus {
  private readonly listeners = new Set<(changes: readonly SegmentChangeRecord[]) => void>();

  async publish(changes: readonly SegmentChangeRecord[]): Promise<void> {
    if (changes.length === 0) return;
    for (const listener of this.listeners) listener(changes);
  }

  subscribe(listener: (changes: readonly SegmentChangeRecord[]) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  async close(): Promise<void> {
    this.listeners.clear();
  }
}

/**
 * The Redis channel of the change log of the database `databaseId`. Positions mean something only within
 * one log, so instances share a channel exactly when they share a database: a Portrait of another database
 * on the same Redis must never announce its positions here, or streams would take its changes for this
 * log's and skip this log's own changes up to its (higher) positions.
 */
export function changeChannel(databaseId: string): string {
  return `portrait:segment-changes:${databaseId}`;
}

/** Several instances: changes go through the Redis channel of their database (changeChannel). */
export class RedisChangeBus implements ChangeBus {
  private readonly local = new LocalChangeBus();
  private readonly publisher: Redis;
  private readonly subscriber: Redis;

  private constructor(url: string, channel: string, logger: Logger) {
    const options = { lazyConnect: true, maxRetriesPerRequest: 3, enableAutoPipelining: true };
    this.publisher = new Redis(url, options);
    this.subscriber = new Redis(url, { lazyConnect: true });
    for (const client of [this.publisher, this.subscriber]) {
      client.on('error', (error: Error) => logger.warn('redis error', { error: error.message }));
    }
    this.subscriber.on('message', (received: string, message: string) => {
      if (received !== channel) return;
      try {
        void this.local.publish(JSON.parse(message) as SegmentChangeRecord[]);
      } catch (error) {
        logger.warn('unreadable message on the change bus', { error });
      }
    });
    this.channel = channel;
  }

  private readonly channel: string;

  /** Connects both clients and subscribes to `channel`; fails when Redis cannot be reached. */
  static async connect(url: string, channel: string, logger: Logger): Promise<RedisChangeBus> {
    const bus = new RedisChangeBus(url, channel, logger);
    await bus.publisher.connect();
    await bus.subscriber.connect();
    await bus.subscriber.subscribe(channel);
    return bus;
  }

  async publish(changes: readonly SegmentChangeRecord[]): Promise<void> {
    if (changes.length > 0) await this.publisher.publish(this.channel, JSON.stringify(changes));
  }

  subscribe(listener: (changes: readonly SegmentChangeRecord[]) => void): () => void {
    return this.local.subscribe(listener);
  }

  async close(): Promise<void> {
    await this.local.close();
    this.subscriber.disconnect();
    this.publisher.disconnect();
  }
}
