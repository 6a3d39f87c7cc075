import type { MiddlewareFn } from 'type-graphql';
import { GraphQLError } from 'graphql';
import { maskIdentifierValue } from '../privacy/masking';
import type { Context } from '../server/context';

/** Reads of personal data that are audited like mutations. */
const AUDITED_READS = new Set([
  'Query.profile',
  'Query.profiles',
  'Query.identityPath',
  'Query.exportProfile',
  'Query.lookalikes',
]);
/** Audited inside their own transaction instead. */
const AUDITED_ELSEWHERE = new Set(['Mutation.forgetProfile']);

/** What a call was about, for the log: ids as they are, identifier values masked, event payloads counted. */
export function auditTarget(args: Record<string, unknown>): string | null {
  const summary: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(args)) {
    if (value === null || value === undefined) continue;
    if (key === 'events' && Array.isArray(value)) summary.events = value.length;
    else if (key === 'identifier' || key === 'from' || key === 'to') {
      const { namespace, value: v } = value as { namespace: string; value: string };
      summary[key] = `${namespace}:${maskIdentifierValue(namespace, String(v))}`;
    } else if (key === 'identifiers' && Array.isArray(value)) summary.identifiers = value.length;
    else summary[key] = value;
  }
  const text = JSON.stringify(summary);
  return text === '{}' ? null : text.slice(0, 1000);
}

/** Whether calls of `Type.field` go to the audit log (mutations and personal-data reads). */
export function isAudited(action: string): boolean {
  return (action.startsWith('Mutation.') || AUDITED_READS.has(action)) && !AUDITED_ELSEWHERE.has(action);
}

/** type-graphql global middleware recording mutations and personal-data reads in the audit log. */
export const auditMiddleware: MiddlewareFn<Context> = async ({ context, info, args }, next) => {
  const action = `${info.parentType.name}.${info.fieldName}`;
  if (!isAudited(action)) return next();
  const target = auditTarget(args as Record<string, unknown>);
  try {
    const result: unknown = await next();
    context.services.audit.record(context.viewer, { action, target, outcome: 'ok' });
    return result;
  } catch (error) {
    const code =
      error instanceof GraphQLError ? String(error.extensions.code ?? 'ERROR') : 'INTERNAL_SERVER_ERROR';
    context.services.audit.record(context.viewer, { action, target, outcome: code });
    throw error;
  }
};
