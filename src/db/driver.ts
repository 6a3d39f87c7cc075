import neo4j, { type Driver } from 'neo4j-driver';
import type { Config } from '../config';

/** The driver for the configured Neo4j. Integers come back as JS numbers (every count and time fits). */
export function createDriver(
  config: Pick<Config, 'NEO4J_URI' | 'NEO4J_USER' | 'NEO4J_PASSWORD' | 'NEO4J_RETRY_MS'>,
): Driver {
  // No user: a server with authentication off (the local launcher on loopback).
  const auth = config.NEO4J_USER ? neo4j.auth.basic(config.NEO4J_USER, config.NEO4J_PASSWORD) : undefined;
  return neo4j.driver(config.NEO4J_URI, auth, {
    disableLosslessIntegers: true,
    maxConnectionPoolSize: 50,
    connectionAcquisitionTimeout: 30_000,
    maxTransactionRetryTime: config.NEO4J_RETRY_MS,
    connectionTimeout: 5_000,
    userAgent: 'portrait/0.1',
  });
}
