import { z } from 'zod';
import {
  DEFAULT_NAMESPACES,
  NAMESPACE_PATTERN,
  defaultIdentityRules,
  type IdentityRules,
  type NamespaceRule,
} from './namespaces';

/**
 * Identity rules as configured (a JSON file named by IDENTITY_RULES_FILE, or the setIdentityRules
 * mutation): namespaces with their kind, limit and priority, the shared-device threshold, and extra blocked
 * values. Namespaces not listed keep their defaults; the built-in placeholder values stay blocked.
 */
export interface IdentityRulesConfig {
  namespaces: NamespaceRule[];
  sharedAfterAccounts: number;
  blockedValues: string[];
}

const namespaceRuleSchema = z
  .object({
    namespace: z.string().regex(NAMESPACE_PATTERN, 'must be a lower-case word like "wechat_openid"'),
    kind: z.enum(['ACCOUNT', 'DEVICE', 'CONTACT']),
    limit: z.number().int().min(1).max(10_000),
    priority: z.number().int().min(1).max(1000),
  })
  .strict();

export const identityRulesSchema = z
  .object({
    namespaces: z.array(namespaceRuleSchema).max(200).default([]),
    sharedAfterAccounts: z.number().int().min(1).max(10_000).default(3),
    blockedValues: z.array(z.string().max(256)).max(10_000).default([]),
  })
  .strict()
  .superRefine((rules, ctx) => {
    const seen = new Set<string>();
    rules.namespaces.forEach((rule, i) => {
      if (seen.has(rule.namespace)) {
        ctx.addIssue({
          code: 'custom',
          path: ['namespaces', i, 'namespace'],
          message: `${rule.namespace} is listed twice`,
        });
      }
      seen.add(rule.namespace);
    });
  });

export class IdentityRulesError extends Error {
  constructor(readonly problems: Array<{ path: string; message: string }>) {
    super(`invalid identity rules: ${problems.map((p) => `${p.path}: ${p.message}`).join('; ')}`);
    this.name = 'IdentityRulesError';
  }
}

/** Validates configured rules, filling defaults; throws IdentityRulesError naming every problem by path. */
export function parseIdentityRules(input: unknown): IdentityRulesConfig {
  const parsed = identityRulesSchema.safeParse(input);
  if (!parsed.success) {
    throw new IdentityRulesError(
      parsed.error.issues.map((issue) => ({
        path: ['rules', ...issue.path].join('.'),
        message: issue.message,
      })),
    );
  }
  const byNamespace = new Map(DEFAULT_NAMESPACES.map((rule) => [rule.namespace, { ...rule }]));
  for (const rule of parsed.data.namespaces) byNamespace.set(rule.namespace, rule);
  return {
    namespaces: [...byNamespace.values()].sort(
      (a, b) => a.priority - b.priority || (a.namespace < b.namespace ? -1 : 1),
    ),
    sharedAfterAccounts: parsed.data.sharedAfterAccounts,
    blockedValues: [...new Set(parsed.data.blockedValues.map((v) => v.trim().toLowerCase()))].sort(),
  };
}

export function defaultRulesConfig(): IdentityRulesConfig {
  return parseIdentityRules({});
}

/** The rules stitching applies, from their configuration. */
export function toIdentityRules(config: IdentityRulesConfig): IdentityRules {
  const base = defaultIdentityRules();
  return {
    namespaces: new Map(config.namespaces.map((rule) => [rule.namespace, rule])),
    sharedAfterAccounts: config.sharedAfterAccounts,
    blockedValues: new Set([...base.blockedValues, ...config.blockedValues]),
  };
}

/** What a change of rules can affect, so that only those identifiers' components are recomputed. */
export interface RulesChange {
  /** Namespaces whose kind, limit or priority changed. */
  namespaces: string[];
  /** Kinds that changed, to be written on stored identifiers. */
  kinds: Array<{ namespace: string; kind: string }>;
  /** Values newly blocked or unblocked. */
  blocked: string[];
  unblocked: string[];
  /** The lower of the old and new shared thresholds when it changed, else null. */
  sharedThreshold: number | null;
}

export function diffRules(before: IdentityRulesConfig, after: IdentityRulesConfig): RulesChange {
  const old = new Map(before.namespaces.map((r) => [r.namespace, r]));
  const now = new Map(after.namespaces.map((r) => [r.namespace, r]));
  const namespaces = [...new Set([...old.keys(), ...now.keys()])]
    .filter((ns) => JSON.stringify(old.get(ns)) !== JSON.stringify(now.get(ns)))
    .sort();
  const kinds = namespaces
    .filter((ns) => now.get(ns) && old.get(ns)?.kind !== now.get(ns)?.kind)
    .map((ns) => ({ namespace: ns, kind: now.get(ns)!.kind }));
  const oldBlocked = new Set(before.blockedValues);
  const newBlocked = new Set(after.blockedValues);
  return {
    namespaces,
    kinds,
    blocked: [...newBlocked].filter((v) => !oldBlocked.has(v)),
    unblocked: [...oldBlocked].filter((v) => !newBlocked.has(v)),
    sharedThreshold:
      before.sharedAfterAccounts === after.sharedAfterAccounts
        ? null
        : Math.min(before.sharedAfterAccounts, after.sharedAfterAccounts),
  };
}

export function isEmptyChange(change: RulesChange): boolean {
  return (
    change.namespaces.length === 0 &&
    change.blocked.length === 0 &&
    change.unblocked.length === 0 &&
    change.sharedThreshold === null
  );
}
