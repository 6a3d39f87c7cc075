import type { Driver } from 'neo4j-driver';

export interface HealthReport {
  status: 'ok' | 'unavailable';
  neo4j: 'reachable' | 'unreachable';
  reason?: string;
}

/**
 * Whether Neo4j answers a trivial query within `timeoutMs`. Results are cached for `cacheMs` so that a
 * busy load balancer cannot turn health checks into load.
 */
export function createHealthCheck(driver: Driver, database: string, timeoutMs = 2000, cacheMs = 1000) {
  let cached: { at: number; report: HealthReport } | null = null;
  return async (): Promise<HealthReport> => {
    if (cached && Date.now() - cached.at < cacheMs) return cached.report;
    const session = driver.session({ database, defaultAccessMode: 'READ' });
    let report: HealthReport;
    try {
      await Promise.race([
        session.run('RETURN 1', {}, { timeout: timeoutMs }),
        new Promise((_, reject) =>
          setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs).unref(),
        ),
      ]);
      report = { status: 'ok', neo4j: 'reachable' };
    } catch (error) {
      report = {
        status: 'unavailable',
        neo4j: 'unreachable',
        reason: error instanceof Error ? error.message : String(error),
      };
    } finally {
      void session.close().catch(() => undefined);
    }
    cached = { at: Date.now(), report };
    return report;
  };
}
