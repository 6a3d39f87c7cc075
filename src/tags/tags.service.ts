import { randomUUID } from 'node:crypto';
import type { AudiencesService } from '../audiences/audiences.service';
import { PortraitError, badInput, notFound } from '../common/errors';
import type { Executor, TxRunner } from '../db/executor';
import { compileRule } from '../rules/compile';
import type { ProfileChanges, Settlement } from '../profiles/profile-changes';
import { mergeSettlements } from '../profiles/profile-changes';
import { DEFAULT_CATALOGUE, type DefaultCategory } from './default-catalogue';
import { TagKind, type TagCategory, type TagChange } from './tag.type';
import type { Catalogue, FiledTag, TagsRepository } from './tags.repository';

const NAME_MAX = 120;

function checkName(name: string, argument = 'name'): string {
  const trimmed = name.trim();
  if (trimmed.length === 0 || trimmed.length > NAME_MAX) {
    throw badInput(`${argument} must be 1 to ${NAME_MAX} characters`, { argument });
  }
  return trimmed;
}

/** The tag catalogue (标签体系): categories and tags, and the MANUAL tags people set. */
export class TagsService {
  constructor(
    private readonly executor: Executor,
    private readonly repository: TagsRepository,
    private readonly audiences: AudiencesService,
    private readonly changes: ProfileChanges,
  ) {}

  catalogue(): Promise<Catalogue> {
    return this.repository.catalogue();
  }

  /** Installs the default catalogue when the database has no tag category yet. Returns whether it did. */
  async installDefaults(): Promise<boolean> {
    return this.executor.writeTx('tags.installDefaults', async (tx) => {
      const existing = await this.repository.catalogue(tx);
      if (existing.categories.length > 0) return false;
      const install = async (
        category: DefaultCategory,
        parentId: string | null,
        position: number,
      ): Promise<void> => {
        await this.repository.createCategory(tx, category.id, category.name, parentId, position);
        for (const tag of category.tags ?? []) {
          // Validated like any rule, so a mistake in the defaults fails loudly at install.
          if (tag.kind === 'RULE') compileRule(tag.rule, { tag: () => null, segment: () => null });
          await this.repository.createTag(tx, {
            id: tag.id,
            name: tag.name,
            kind: tag.kind as TagKind,
            rule: tag.rule ?? null,
            description: tag.description ?? null,
            categoryId: category.id,
          });
        }
        for (const [i, child] of (category.children ?? []).entries()) await install(child, category.id, i);
      };
      for (const [i, category] of DEFAULT_CATALOGUE.entries()) await install(category, null, i);
      await this.audiences.bumpVersion(tx);
      return true;
    });
  }

  async createCategory(name: string, parentId: string | null): Promise<TagCategory> {
    const clean = checkName(name);
    const id = `cat-${randomUUID()}`;
    await this.executor.writeTx('tags.createCategory', async (tx) => {
      const catalogue = await this.repository.catalogue(tx);
      if (parentId !== null && !catalogue.categories.some((c) => c.id === parentId)) {
        throw notFound(`no tag category ${parentId}`, { argument: 'parentId' });
      }
      if (!(await this.repository.createCategory(tx, id, clean, parentId, null))) {
        throw new PortraitError(
          'CONFLICT',
          `a category named ${JSON.stringify(clean)} already exists there`,
          { argument: 'name' },
        );
      }
    });
    return { id, name: clean, parentId };
  }

  async renameCategory(id: string, name: string): Promise<TagCategory> {
    const clean = checkName(name);
    return this.executor.writeTx('tags.renameCategory', async (tx) => {
      const category = (await this.repository.catalogue(tx)).categories.find((c) => c.id === id);
      if (!category) throw notFound(`no tag category ${id}`, { argument: 'id' });
      if (!(await this.repository.renameCategory(tx, id, clean))) {
        throw new PortraitError(
          'CONFLICT',
          `a category named ${JSON.stringify(clean)} already exists there`,
          { argument: 'name' },
        );
      }
      return { ...category, name: clean };
    });
  }

  /** Moves a category under another (null: to the top), refusing to put it under itself or its descendants. */
  async moveCategory(id: string, parentId: string | null): Promise<TagCategory> {
    return this.executor.writeTx('tags.moveCategory', async (tx) => {
      const { categories } = await this.repository.catalogue(tx);
      const category = categories.find((c) => c.id === id);
      if (!category) throw notFound(`no tag category ${id}`, { argument: 'id' });
      if (parentId !== null) {
        if (!categories.some((c) => c.id === parentId))
          throw notFound(`no tag category ${parentId}`, { argument: 'parentId' });
        const parentOf = new Map(categories.map((c) => [c.id, c.parentId]));
        for (let at: string | null = parentId; at !== null; at = parentOf.get(at) ?? null) {
          if (at === id)
            throw badInput('a category cannot move under itself or one of its sub-categories', {
              argument: 'parentId',
            });
        }
        const clash = categories.some(
          (c) => c.parentId === parentId && c.name === category.name && c.id !== id,
        );
        if (clash)
          throw new PortraitError(
            'CONFLICT',
            `the new parent already has a category named ${JSON.stringify(category.name)}`,
          );
      }
      await this.repository.moveCategory(tx, id, parentId);
      return { ...category, parentId };
    });
  }

  /** Deletes an empty category; one with tags or sub-categories must be emptied (tags moved) first. */
  async deleteCategory(id: string): Promise<boolean> {
    return this.executor.writeTx('tags.deleteCategory', async (tx) => {
      const outcome = await this.repository.deleteCategory(tx, id);
      if (!outcome) throw notFound(`no tag category ${id}`, { argument: 'id' });
      if (!outcome.deleted) {
        throw new PortraitError(
          'CONFLICT',
          `the category still holds ${outcome.tags} tag(s) and ${outcome.children} sub-categor${outcome.children === 1 ? 'y' : 'ies'}; move them first`,
          { tags: outcome.tags, children: outcome.children },
        );
      }
      return true;
    });
  }

  async createTag(input: {
    name: string;
    categoryId: string;
    kind: TagKind;
    rule?: unknown;
    description?: string | null;
  }): Promise<TagChange> {
    const name = checkName(input.name);
    if (input.kind === TagKind.MODEL)
      throw badInput('MODEL tags are made by the models; create RULE or MANUAL tags', { argument: 'kind' });
    const hasRule = input.rule !== undefined && input.rule !== null;
    if (input.kind === TagKind.RULE && !hasRule)
      throw badInput('a RULE tag needs a rule', { argument: 'rule' });
    if (input.kind === TagKind.MANUAL && hasRule)
      throw badInput('a MANUAL tag has no rule', { argument: 'rule' });
    const id = `tag-${randomUUID()}`;
    const tag = await this.executor.writeTx('tags.createTag', async (tx) => {
      await this.checkPlacement(tx, input.categoryId, name, null);
      if (input.kind === TagKind.RULE)
        await this.audiences.compileForSave(tx, input.rule, { kind: 'tag', id });
      else await this.audiences.bumpVersion(tx);
      const tag: FiledTag = {
        id,
        name,
        categoryId: input.categoryId,
        kind: input.kind,
        rule: hasRule ? input.rule : null,
        description: input.description ?? null,
      };
      await this.repository.createTag(tx, tag);
      return tag;
    });
    const job =
      tag.kind === TagKind.RULE
        ? await this.audiences.startFullEvaluation({ kind: 'tag', id }, `tag ${name}`)
        : null;
    return { tag, job };
  }

  async updateTag(
    id: string,
    input: { name?: string | null; categoryId?: string | null; rule?: unknown; description?: string | null },
  ): Promise<TagChange> {
    const name = input.name == null ? null : checkName(input.name);
    const newRule = input.rule !== undefined && input.rule !== null;
    const tag = await this.executor.writeTx('tags.updateTag', async (tx) => {
      const current = (await this.repository.catalogue(tx)).tags.find((t) => t.id === id);
      if (!current) throw notFound(`no tag ${id}`, { argument: 'id' });
      if (newRule && current.kind !== TagKind.RULE)
        throw badInput(`only RULE tags have rules; ${current.name} is ${current.kind}`, { argument: 'rule' });
      if (name !== null || input.categoryId)
        await this.checkPlacement(tx, input.categoryId ?? current.categoryId, name ?? current.name, id);
      if (newRule) await this.audiences.compileForSave(tx, input.rule, { kind: 'tag', id });
      await this.repository.updateTag(tx, id, {
        name,
        rule: newRule ? input.rule : null,
        description: input.description ?? null,
        categoryId: input.categoryId ?? null,
      });
      return {
        ...current,
        name: name ?? current.name,
        categoryId: input.categoryId ?? current.categoryId,
        rule: newRule ? input.rule : current.rule,
        description: input.description ?? current.description,
      };
    });
    const job = newRule
      ? await this.audiences.startFullEvaluation({ kind: 'tag', id }, `tag ${tag.name}`)
      : null;
    return { tag, job };
  }

  /** Deletes a tag unless a rule still refers to it (those rules are named). */
  async deleteTag(id: string): Promise<boolean> {
    const settlement = await this.executor.writeTx('tags.deleteTag', async (tx) => {
      const current = (await this.repository.catalogue(tx)).tags.find((t) => t.id === id);
      if (!current) throw notFound(`no tag ${id}`, { argument: 'id' });
      await this.audiences.bumpVersion(tx);
      const users = await this.audiences.referencesTo(tx, { kind: 'tag', id });
      if (users.length > 0) {
        throw new PortraitError(
          'CONFLICT',
          `rules still refer to this tag: ${users.map((u) => `${u.kind} ${u.id}`).join(', ')}`,
          {
            referencedBy: users,
          },
        );
      }
      await this.repository.deleteTag(tx, id);
      return null;
    });
    return settlement === null;
  }

  /**
   * Puts a MANUAL tag on profiles (or takes it off), then settles them so segments that use the tag follow
   * in the same transaction. Profiles are named by id or by identifier.
   */
  async setManual(
    tagId: string,
    profileIds: readonly string[],
    resolved: ReadonlyMap<string, string | null>,
    score: number | null,
    add: boolean,
  ) {
    if (score !== null && !(score >= 0 && score <= 1))
      throw badInput('score must be in [0,1]', { argument: 'score' });
    const wanted = [
      ...new Set([...profileIds, ...[...resolved.values()].filter((id): id is string => id !== null)]),
    ];
    const outcome = await this.executor.writeTx('tags.setManual', async (tx) => {
      const tag = (await this.repository.catalogue(tx)).tags.find((t) => t.id === tagId);
      if (!tag) throw notFound(`no tag ${tagId}`, { argument: 'tagId' });
      if (tag.kind !== TagKind.MANUAL)
        throw badInput(`${tag.name} is a ${tag.kind} tag; only MANUAL tags are set by hand`, {
          argument: 'tagId',
        });
      const found = await this.repository.setManual(tx, tagId, wanted, score, add);
      const settlement: Settlement = await this.changes.settle(tx, found, Date.now());
      return { found, settlement };
    });
    this.changes.committed(mergeSettlements([outcome.settlement]));
    const found = new Set(outcome.found);
    const notFoundList = [
      ...profileIds.filter((id) => !found.has(id)),
      ...[...resolved.entries()].filter(([, id]) => id === null || !found.has(id)).map(([key]) => key),
    ];
    return { profiles: outcome.found.length, notFound: notFoundList };
  }

  private async checkPlacement(
    tx: TxRunner,
    categoryId: string,
    name: string,
    self: string | null,
  ): Promise<void> {
    const { categories, tags } = await this.repository.catalogue(tx);
    if (!categories.some((c) => c.id === categoryId))
      throw notFound(`no tag category ${categoryId}`, { argument: 'categoryId' });
    if (tags.some((t) => t.categoryId === categoryId && t.name === name && t.id !== self)) {
      throw new PortraitError('CONFLICT', `the category already has a tag named ${JSON.stringify(name)}`, {
        argument: 'name',
      });
    }
  }
}
