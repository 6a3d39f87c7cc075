import {
  Authorized,
  Arg,
  Ctx,
  FieldResolver,
  Float,
  ID,
  Int,
  Mutation,
  Query,
  Resolver,
  Root,
} from 'type-graphql';
import { badInput, notFound } from '../common/errors';
import { IdentifierInput } from '../identity/identity.input';
import { identifierKey, normalizeValue } from '../identity/namespaces';
import type { Context } from '../server/context';
import {
  CreateTagInput,
  ManualTagging,
  ProfileTag,
  Tag,
  TagCategory,
  TagChange,
  UpdateTagInput,
} from './tag.type';

@Resolver(() => TagCategory)
export class TagCategoryResolver {
  @Authorized('tags:read')
  @Query(() => [TagCategory], { description: 'The top of the tag catalogue; children and tags hang below.' })
  async tagCategories(@Ctx() ctx: Context): Promise<TagCategory[]> {
    return (await ctx.loaders.tags.catalogue()).categories.filter((c) => c.parentId === null);
  }

  @Authorized('tags:read')
  @Query(() => TagCategory, { nullable: true })
  async tagCategory(@Arg('id', () => ID) id: string, @Ctx() ctx: Context): Promise<TagCategory | null> {
    return (await ctx.loaders.tags.catalogue()).categories.find((c) => c.id === id) ?? null;
  }

  @FieldResolver(() => TagCategory, { nullable: true })
  async parent(@Root() category: TagCategory, @Ctx() ctx: Context): Promise<TagCategory | null> {
    if (category.parentId === null) return null;
    return (await ctx.loaders.tags.catalogue()).categories.find((c) => c.id === category.parentId) ?? null;
  }

  @FieldResolver(() => [TagCategory])
  async children(@Root() category: TagCategory, @Ctx() ctx: Context): Promise<TagCategory[]> {
    return (await ctx.loaders.tags.catalogue()).categories.filter((c) => c.parentId === category.id);
  }

  @FieldResolver(() => [Tag])
  async tags(@Root() category: TagCategory, @Ctx() ctx: Context): Promise<Tag[]> {
    return (await ctx.loaders.tags.catalogue()).tags.filter((t) => t.categoryId === category.id);
  }

  @Authorized('tags:write')
  @Mutation(() => TagCategory)
  createTagCategory(
    @Arg('name') name: string,
    @Arg('parentId', () => ID, { nullable: true }) parentId: string | null,
    @Ctx() ctx: Context,
  ): Promise<TagCategory> {
    return ctx.services.tags.createCategory(name, parentId ?? null);
  }

  @Authorized('tags:write')
  @Mutation(() => TagCategory)
  renameTagCategory(
    @Arg('id', () => ID) id: string,
    @Arg('name') name: string,
    @Ctx() ctx: Context,
  ): Promise<TagCategory> {
    return ctx.services.tags.renameCategory(id, name);
  }

  @Authorized('tags:write')
  @Mutation(() => TagCategory, {
    description: 'Moves a category under another, or to the top with parentId null.',
  })
  moveTagCategory(
    @Arg('id', () => ID) id: string,
    @Arg('parentId', () => ID, { nullable: true }) parentId: string | null,
    @Ctx() ctx: Context,
  ): Promise<TagCategory> {
    return ctx.services.tags.moveCategory(id, parentId ?? null);
  }

  @Authorized('tags:write')
  @Mutation(() => Boolean, {
    description: 'Deletes an empty category; move its tags and sub-categories first.',
  })
  deleteTagCategory(@Arg('id', () => ID) id: string, @Ctx() ctx: Context): Promise<boolean> {
    return ctx.services.tags.deleteCategory(id);
  }
}

@Resolver(() => Tag)
export class TagResolver {
  @Authorized('tags:read')
  @Query(() => Tag, { nullable: true })
  async tag(@Arg('id', () => ID) id: string, @Ctx() ctx: Context): Promise<Tag | null> {
    return (await ctx.loaders.tags.catalogue()).tags.find((t) => t.id === id) ?? null;
  }

  @FieldResolver(() => TagCategory)
  async category(@Root() tag: Tag, @Ctx() ctx: Context): Promise<TagCategory> {
    const catalogue = await ctx.loaders.tags.catalogue();
    const categoryId = tag.categoryId ?? catalogue.tags.find((t) => t.id === tag.id)?.categoryId;
    const category = catalogue.categories.find((c) => c.id === categoryId);
    if (!category) throw notFound(`no category for tag ${tag.id}`);
    return category;
  }

  @FieldResolver(() => Int)
  profileCount(@Root() tag: Tag, @Ctx() ctx: Context): Promise<number> {
    return ctx.loaders.tags.profileCount.load(tag.id);
  }

  @Authorized('tags:write')
  @Mutation(() => TagChange, {
    description: 'Creates a RULE or MANUAL tag; a RULE tag is evaluated over all profiles (job).',
  })
  createTag(
    @Arg('input', () => CreateTagInput) input: CreateTagInput,
    @Ctx() ctx: Context,
  ): Promise<TagChange> {
    return ctx.services.tags.createTag(input);
  }

  @Authorized('tags:write')
  @Mutation(() => TagChange)
  updateTag(
    @Arg('id', () => ID) id: string,
    @Arg('input', () => UpdateTagInput) input: UpdateTagInput,
    @Ctx() ctx: Context,
  ): Promise<TagChange> {
    return ctx.services.tags.updateTag(id, input);
  }

  @Authorized('tags:write')
  @Mutation(() => Boolean, { description: 'Deletes a tag; refused while a rule refers to it.' })
  deleteTag(@Arg('id', () => ID) id: string, @Ctx() ctx: Context): Promise<boolean> {
    return ctx.services.tags.deleteTag(id);
  }

  @Authorized('tags:write')
  @Mutation(() => ManualTagging, {
    description: 'Puts a MANUAL tag on profiles, named by id or by identifier.',
  })
  tagProfiles(
    @Arg('tagId', () => ID) tagId: string,
    @Arg('profileIds', () => [ID], { nullable: true }) profileIds: string[] | null,
    @Arg('identifiers', () => [IdentifierInput], { nullable: true }) identifiers: IdentifierInput[] | null,
    @Arg('score', () => Float, { nullable: true }) score: number | null,
    @Ctx() ctx: Context,
  ): Promise<ManualTagging> {
    return this.setManual(ctx, tagId, profileIds, identifiers, score, true);
  }

  @Authorized('tags:write')
  @Mutation(() => ManualTagging, {
    description: 'Takes a MANUAL tag off profiles, named by id or by identifier.',
  })
  untagProfiles(
    @Arg('tagId', () => ID) tagId: string,
    @Arg('profileIds', () => [ID], { nullable: true }) profileIds: string[] | null,
    @Arg('identifiers', () => [IdentifierInput], { nullable: true }) identifiers: IdentifierInput[] | null,
    @Ctx() ctx: Context,
  ): Promise<ManualTagging> {
    return this.setManual(ctx, tagId, profileIds, identifiers, null, false);
  }

  private async setManual(
    ctx: Context,
    tagId: string,
    profileIds: string[] | null,
    identifiers: IdentifierInput[] | null,
    score: number | null,
    add: boolean,
  ): Promise<ManualTagging> {
    const count = (profileIds?.length ?? 0) + (identifiers?.length ?? 0);
    if (count === 0)
      throw badInput('name at least one profile by profileIds or identifiers', {
        arguments: ['profileIds', 'identifiers'],
      });
    if (count > 10_000)
      throw badInput('at most 10000 profiles per call', { arguments: ['profileIds', 'identifiers'] });
    const keys = (identifiers ?? []).map((i) => {
      const namespace = i.namespace.trim().toLowerCase();
      return identifierKey(namespace, normalizeValue(namespace, i.value));
    });
    const profiles = await ctx.loaders.profiles.profileByIdentifier.loadMany(keys);
    const resolved = new Map(keys.map((key, i) => [key, (profiles[i] as { id: string } | null)?.id ?? null]));
    return ctx.services.tags.setManual(tagId, profileIds ?? [], resolved, score, add);
  }
}

@Resolver(() => ProfileTag)
export class ProfileTagResolver {
  @FieldResolver(() => Tag)
  async tag(@Root() profileTag: ProfileTag, @Ctx() ctx: Context): Promise<Tag> {
    if (profileTag.definition) return profileTag.definition;
    const tag = (await ctx.loaders.tags.catalogue()).tags.find((t) => t.id === profileTag.tagId);
    if (!tag) throw notFound(`no tag ${profileTag.tagId}`);
    return tag;
  }
}
