/**
 * IAM users. A user may get a login access key whose id is its name (MinIO's `admin user add
 * NAME SECRET`). Deleting a user removes, in the same transaction, its access keys, its
 * sessions, its group memberships and its policy attachments (inline policies live in its
 * record). The name 'root' is reserved (access key owners are 'root' or a user name) and so is
 * the root access key id.
 */
import { AppError, type Secret } from '../../core/index.js';
import { newUniqueId, SESSION_KEY_ID } from '../../iam/credentials/index.js';
import type { IamChange } from '../../storage/ports.js';
import type { AccessKeys } from './access-keys.js';
import { userArn } from './arns.js';
import { alreadyExists, noSuch, type IamContext } from './context.js';
import { keyOf } from './keys.js';
import type { Links } from './links.js';
import { customAccessKeyId, iamPath, invalid, mergeTags, userName } from './names.js';
import { pageOf } from './paging.js';
import { decodeUser, encodeUser, type User } from './records.js';
import { decodeSession, ownerOfUser } from './records-credentials.js';
import type { EntityStatus, ListOptions, Page, UserInfo } from './types.js';

export class Users {
  readonly #ctx: IamContext;
  readonly #links: Links;
  readonly #keys: AccessKeys;

  constructor(ctx: IamContext, links: Links, keys: AccessKeys) {
    this.#ctx = ctx;
    this.#links = links;
    this.#keys = keys;
  }

  create(input: { name: string; path?: string; tags?: Record<string, string>; secretKey?: Secret<string> }): Promise<UserInfo> {
    return this.#ctx.mutate(async () => {
      const name = userName(input.name);
      if (keyOf(name) === 'root' || name === this.#ctx.settings.rootAccessKeyId) throw invalid(`UserName ${name} is reserved`);
      const now = this.#ctx.now();
      const user: User = { name, userId: newUniqueId('AIDA'), path: iamPath(input.path), status: 'enabled', tags: mergeTags({}, input.tags), inline: {}, createdAt: now, updatedAt: now };
      if (await this.#ctx.get('user', name)) throw alreadyExists('User', name);
      const changes: IamChange[] = [{ op: 'put', entity: encodeUser(user), mode: 'create' }];
      if (input.secretKey !== undefined) {
        const loginKey = customAccessKeyId(name, 'UserName (the login access key id)');
        if (SESSION_KEY_ID.test(loginKey)) throw invalid(`UserName ${name} is reserved`);
        changes.push(...(await this.#keys.prepare({ owner: ownerOfUser(name), accessKeyId: loginKey, secretKey: input.secretKey })).changes);
      }
      await this.#ctx.apply(changes);
      return this.info(user);
    });
  }

  async get(name: string): Promise<UserInfo> {
    return this.info(await this.load(name));
  }

  async list(options?: ListOptions): Promise<Page<UserInfo>> {
    const page = await pageOf(this.#ctx, 'user', options, decodeUser);
    return { ...page, items: await Promise.all(page.items.map((u) => this.info(u))) };
  }

  async setStatus(name: string, status: EntityStatus): Promise<void> {
    if (status !== 'enabled' && status !== 'disabled') throw invalid('Status must be enabled or disabled');
    return this.#update(name, (user) => ({ ...user, status }));
  }

  async tag(name: string, tags: Record<string, string>): Promise<void> {
    return this.#update(name, (user) => ({ ...user, tags: mergeTags(user.tags, tags) }));
  }

  async untag(name: string, keys: string[]): Promise<void> {
    if (!Array.isArray(keys)) throw invalid('TagKeys must be a list');
    return this.#update(name, (user) => ({ ...user, tags: Object.fromEntries(Object.entries(user.tags).filter(([k]) => !keys.includes(k))) }));
  }

  delete(name: string): Promise<void> {
    return this.#ctx.mutate(async () => {
      const user = await this.load(name);
      const owner = ownerOfUser(user.name);
      // Role sessions this user started are owned by the role: find them by their parent.
      const roleSessions = (await this.#ctx.all('session')).filter((e) => e.owner !== owner && decodeSession(e).parentUser === user.name);
      await this.#ctx.apply([
        { op: 'delete', kind: 'user', name: user.name, mustExist: true },
        { op: 'deleteOwned', kind: 'accesskey', owner },
        { op: 'deleteOwned', kind: 'session', owner },
        ...roleSessions.map((s): IamChange => ({ op: 'delete', kind: 'session', name: s.name })),
        { op: 'unlinkAll', kind: 'member', to: user.name },
        { op: 'unlinkAll', kind: 'attached', from: owner },
      ]);
    });
  }

  async load(name: string): Promise<User> {
    const entity = typeof name === 'string' ? await this.#ctx.get('user', name) : undefined;
    if (!entity) throw noSuch('user', String(name).slice(0, 128));
    return decodeUser(entity);
  }

  async info(user: User): Promise<UserInfo> {
    return {
      name: user.name,
      userId: user.userId,
      arn: userArn(user.path, user.name),
      path: user.path,
      status: user.status,
      tags: { ...user.tags },
      createdAt: user.createdAt,
      updatedAt: user.updatedAt,
      groups: await this.#links.groupsOf(user.name),
      attachedPolicies: await this.#links.attachedTo({ type: 'user', name: user.name }),
      inlinePolicies: Object.keys(user.inline).sort(),
    };
  }

  #update(name: string, change: (user: User) => User): Promise<void> {
    return this.#ctx.mutate(async () => {
      const user = await this.load(name);
      const next = { ...change(user), updatedAt: this.#ctx.now() };
      if (next.name !== user.name) throw new AppError('InternalError', { details: { reason: 'user update renamed the user' } });
      await this.#ctx.apply([{ op: 'put', entity: encodeUser(next), mode: 'replace' }]);
    });
  }
}
