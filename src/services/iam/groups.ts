/**
 * IAM groups and membership. A user belongs to at most 10 groups (AWS). A disabled group's
 * policies stop applying to its members (effective-policies.ts). Deleting a group with members
 * or policies is a DeleteConflict unless forced; forcing removes memberships and attachments
 * in the same transaction.
 */
import { AppError } from '../../core/index.js';
import { newUniqueId } from '../../iam/credentials/index.js';
import { groupArn } from './arns.js';
import { alreadyExists, limitExceeded, noSuch, type IamContext } from './context.js';
import type { Links } from './links.js';
import { groupName, iamPath, invalid, LIMITS } from './names.js';
import { pageOf } from './paging.js';
import { decodeGroup, encodeGroup, type Group } from './records.js';
import type { EntityStatus, GroupInfo, ListOptions, Page } from './types.js';
import type { Users } from './users.js';

export class Groups {
  readonly #ctx: IamContext;
  readonly #links: Links;
  readonly #users: Users;

  constructor(ctx: IamContext, links: Links, users: Users) {
    this.#ctx = ctx;
    this.#links = links;
    this.#users = users;
  }

  create(input: { name: string; path?: string }): Promise<GroupInfo> {
    return this.#ctx.mutate(async () => {
      const name = groupName(input.name);
      const now = this.#ctx.now();
      const group: Group = { name, groupId: newUniqueId('AGPA'), path: iamPath(input.path), status: 'enabled', inline: {}, createdAt: now, updatedAt: now };
      if (await this.#ctx.get('group', name)) throw alreadyExists('Group', name);
      await this.#ctx.apply([{ op: 'put', entity: encodeGroup(group), mode: 'create' }]);
      return this.info(group);
    });
  }

  async get(name: string): Promise<GroupInfo> {
    return this.info(await this.load(name));
  }

  async list(options?: ListOptions): Promise<Page<GroupInfo>> {
    const page = await pageOf(this.#ctx, 'group', options, decodeGroup);
    return { ...page, items: await Promise.all(page.items.map((g) => this.info(g))) };
  }

  async setStatus(name: string, status: EntityStatus): Promise<void> {
    if (status !== 'enabled' && status !== 'disabled') throw invalid('Status must be enabled or disabled');
    return this.#ctx.mutate(async () => {
      const group = await this.load(name);
      await this.#ctx.apply([{ op: 'put', entity: encodeGroup({ ...group, status, updatedAt: this.#ctx.now() }), mode: 'replace' }]);
    });
  }

  delete(name: string, options?: { force?: boolean }): Promise<void> {
    return this.#ctx.mutate(async () => {
      const group = await this.load(name);
      const members = await this.#links.membersOf(group.name);
      const attached = await this.#links.attachedTo({ type: 'group', name: group.name });
      if (options?.force !== true && (members.length > 0 || attached.length > 0 || Object.keys(group.inline).length > 0)) {
        throw new AppError('DeleteConflict', { message: 'Cannot delete entity, must remove users, attached policies and inline policies from the group first.' });
      }
      await this.#ctx.apply([
        { op: 'delete', kind: 'group', name: group.name, mustExist: true },
        { op: 'unlinkAll', kind: 'member', from: group.name },
        { op: 'unlinkAll', kind: 'attached', from: `group:${group.name}` },
      ]);
    });
  }

  addUser(group: string, user: string): Promise<void> {
    return this.#ctx.mutate(async () => {
      const g = await this.load(group);
      const u = await this.#users.load(user);
      const current = await this.#links.groupsOf(u.name);
      if (current.includes(g.name)) return;
      if (current.length >= LIMITS.groupsPerUser) throw limitExceeded(`Cannot exceed quota for GroupsPerUser: ${LIMITS.groupsPerUser}`);
      await this.#ctx.apply([{ op: 'link', kind: 'member', from: g.name, to: u.name }]);
    });
  }

  removeUser(group: string, user: string): Promise<void> {
    return this.#ctx.mutate(async () => {
      const g = await this.load(group);
      const u = await this.#users.load(user);
      await this.#ctx.apply([{ op: 'unlink', kind: 'member', from: g.name, to: u.name }]);
    });
  }

  async load(name: string): Promise<Group> {
    const entity = typeof name === 'string' ? await this.#ctx.get('group', name) : undefined;
    if (!entity) throw noSuch('group', String(name).slice(0, 128));
    return decodeGroup(entity);
  }

  async info(group: Group): Promise<GroupInfo> {
    return {
      name: group.name,
      groupId: group.groupId,
      arn: groupArn(group.path, group.name),
      path: group.path,
      status: group.status,
      createdAt: group.createdAt,
      members: await this.#links.membersOf(group.name),
      attachedPolicies: await this.#links.attachedTo({ type: 'group', name: group.name }),
      inlinePolicies: Object.keys(group.inline).sort(),
    };
  }
}
