import { defineQueries } from '../db/cypher';
import type { Executor, TxRunner } from '../db/executor';
import { toDate } from '../common/scalars';
import type { TagKind } from './tag.type';
import { ProfileTag, type Tag, type TagCategory } from './tag.type';

const Q = defineQueries('tags', [
  'categories',
  'create-category',
  'rename-category',
  'move-category',
  'delete-category',
  'tags-all',
  'create-tag',
  'update-tag',
  'delete-tag',
  'tag-profile-counts',
  'tags-of-profiles',
  'set-manual-tags',
] as const);

/** A tag as the catalogue holds it: always filed under a category. */
export type FiledTag = Tag & { categoryId: string };

export interface Catalogue {
  categories: TagCategory[];
  tags: FiledTag[];
}

export function toTag(row: Record<string, unknown>): Tag {
  const t = row;
  return {
    id: t.id as string,
    name: t.name as string,
    kind: t.kind as TagKind,
    rule: typeof t.rule === 'string' ? (JSON.parse(t.rule) as unknown) : null,
    description: (t.description as string | null) ?? null,
  };
}

/**
 * A profile's tag from a row with its `score`, `since`, and `tagId` or the `definition` read with it. An
 * instance of the class: type-graphql copies a plain root into a new instance for every field resolver.
 */
export function toProfileTag(row: Record<string, unknown>, definition?: Tag): ProfileTag {
  return Object.assign(new ProfileTag(), {
    tagId: definition?.id ?? (row.tagId as string),
    score: (row.score as number | null) ?? null,
    since: toDate(row.since) ?? new Date(0),
    ...(definition && { definition }),
  });
}

/** The tag catalogue (categories and tags) and profiles' tags. */
export class TagsRepository {
  constructor(private readonly executor: Executor) {}

  /** The whole catalogue in one read: it is small (hundreds of nodes), and every query needs its shape. */
  async catalogue(tx?: TxRunner): Promise<Catalogue> {
    const run = async (q: typeof Q.categories) => (tx ? tx.run(q) : this.executor.read(q));
    const categories = (await run(Q.categories)).map((row) => ({
      id: row.id as string,
      name: row.name as string,
      parentId: (row.parentId as string | null) ?? null,
    }));
    const tags = (await run(Q.tagsAll)).map((row) => ({
      ...toTag(row.tag as Record<string, unknown>),
      categoryId: row.categoryId as string,
    }));
    return { categories, tags };
  }

  async createCategory(
    tx: TxRunner,
    id: string,
    name: string,
    parentId: string | null,
    position: number | null,
  ): Promise<boolean> {
    return (await tx.run(Q.createCategory, { id, name, parentId, now: Date.now(), position })).length > 0;
  }

  async renameCategory(tx: TxRunner, id: string, name: string): Promise<boolean> {
    return (await tx.run(Q.renameCategory, { id, name })).length > 0;
  }

  async moveCategory(tx: TxRunner, id: string, parentId: string | null): Promise<void> {
    await tx.run(Q.moveCategory, { id, parentId });
  }

  async deleteCategory(
    tx: TxRunner,
    id: string,
  ): Promise<{ tags: number; children: number; deleted: boolean } | null> {
    const [row] = await tx.run(Q.deleteCategory, { id });
    return row
      ? { tags: row.tags as number, children: row.children as number, deleted: (row.deleted as number) > 0 }
      : null;
  }

  async createTag(
    tx: TxRunner,
    tag: {
      id: string;
      name: string;
      kind: TagKind;
      rule: unknown;
      description: string | null;
      categoryId: string;
    },
  ): Promise<boolean> {
    const rows = await tx.run(Q.createTag, {
      ...tag,
      rule: tag.rule === null || tag.rule === undefined ? null : JSON.stringify(tag.rule),
      now: Date.now(),
    });
    return rows.length > 0;
  }

  async updateTag(
    tx: TxRunner,
    id: string,
    changes: { name: string | null; rule: unknown; description: string | null; categoryId: string | null },
  ): Promise<boolean> {
    const rows = await tx.run(Q.updateTag, {
      id,
      name: changes.name,
      rule: changes.rule === null || changes.rule === undefined ? null : JSON.stringify(changes.rule),
      description: changes.description,
      categoryId: changes.categoryId,
      now: Date.now(),
    });
    return rows.length > 0;
  }

  async deleteTag(tx: TxRunner, id: string): Promise<boolean> {
    return (await tx.run(Q.deleteTag, { id, now: Date.now() })).length > 0;
  }

  async profileCounts(ids: readonly string[]): Promise<number[]> {
    const rows = await this.executor.read(Q.tagProfileCounts, { ids });
    const byId = new Map(rows.map((row) => [row.id as string, row.profiles as number]));
    return ids.map((id) => byId.get(id) ?? 0);
  }

  async tagsOf(ids: readonly string[]): Promise<ProfileTag[][]> {
    const rows = await this.executor.read(Q.tagsOfProfiles, { ids });
    const byId = new Map(
      rows.map((row) => [
        row.id as string,
        (row.tags as Array<Record<string, unknown>>).map((t) => toProfileTag(t)),
      ]),
    );
    return ids.map((id) => byId.get(id) ?? []);
  }

  /** Adds or removes a MANUAL tag; returns the profile ids that exist. */
  async setManual(
    tx: TxRunner,
    tagId: string,
    profileIds: readonly string[],
    score: number | null,
    add: boolean,
  ): Promise<string[]> {
    const rows = await tx.run(Q.setManualTags, { tagId, profileIds, score, add, now: Date.now() });
    return rows.map((row) => row.profileId as string);
  }
}
