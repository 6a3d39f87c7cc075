import { Arg, Authorized, Ctx, ID, Int, Mutation, Query, Resolver } from 'type-graphql';
import { AuditEntryConnection } from '../audit/audit.type';
import type { Context } from '../server/context';
import { ApiKey, CreateApiKeyInput, CreatedApiKey } from './api-key.type';

@Resolver()
export class SecurityResolver {
  @Authorized('keys:admin')
  @Mutation(() => CreatedApiKey, {
    description: 'Creates an API key; its secret is in the answer and never shown again.',
  })
  createApiKey(
    @Arg('input', () => CreateApiKeyInput) input: CreateApiKeyInput,
    @Ctx() ctx: Context,
  ): Promise<CreatedApiKey> {
    return ctx.services.apiKeys.create(
      input.name,
      input.role,
      input.scopes ?? [],
      ctx.viewer?.id ?? 'unknown',
    );
  }

  @Authorized('keys:admin')
  @Mutation(() => ApiKey, { description: 'Revokes an API key (within 10 seconds on every instance).' })
  revokeApiKey(@Arg('id', () => ID) id: string, @Ctx() ctx: Context): Promise<ApiKey> {
    return ctx.services.apiKeys.revoke(id);
  }

  @Authorized('keys:admin')
  @Query(() => [ApiKey])
  apiKeys(@Ctx() ctx: Context): Promise<ApiKey[]> {
    return ctx.services.apiKeys.list();
  }

  @Authorized('audit:read')
  @Query(() => AuditEntryConnection, {
    description: 'The audit log, newest first: mutations, personal-data reads, erasures.',
  })
  auditLog(
    @Arg('first', () => Int, { nullable: true, defaultValue: 50 }) first: number | null,
    @Arg('after', () => String, { nullable: true }) after: string | null,
    @Arg('actor', () => String, { nullable: true }) actor: string | null,
    @Arg('action', () => String, { nullable: true }) action: string | null,
    @Ctx() ctx: Context,
  ): Promise<AuditEntryConnection> {
    return ctx.services.audit.page(first ?? 50, after, actor ?? null, action ?? null);
  }
}
