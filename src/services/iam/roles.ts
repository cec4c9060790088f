/**
 * IAM roles: a trust policy (who may assume the role: parsed as kind 'trust'), managed and inline
 * policies (what its sessions may do), a maximum session duration of 1–12 hours (default 1 h).
 * Deleting a role with policies is a DeleteConflict; deleting it ends its sessions.
 */
import { AppError } from '../../core/index.js';
import { newUniqueId } from '../../iam/credentials/index.js';
import { roleArn } from './arns.js';
import { alreadyExists, noSuch, type IamContext } from './context.js';
import type { Links } from './links.js';
import { description, iamPath, invalid, mergeTags, roleName } from './names.js';
import { pageOf } from './paging.js';
import { parseDocument } from './policy-docs.js';
import { ownerOfRole } from './records-credentials.js';
import { decodeRole, encodeRole, type Role } from './records.js';
import type { IdentityService, ListOptions, Page, RoleInfo } from './types.js';

type CreateInput = Parameters<IdentityService['createRole']>[0];

export const ROLE_SESSION_SECONDS = { min: 3600, max: 43200, default: 3600 } as const;

function maxSession(value: unknown): number {
  if (value === undefined) return ROLE_SESSION_SECONDS.default;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < ROLE_SESSION_SECONDS.min || value > ROLE_SESSION_SECONDS.max) {
    throw invalid(`MaxSessionDuration must be between ${ROLE_SESSION_SECONDS.min} and ${ROLE_SESSION_SECONDS.max} seconds`);
  }
  return value;
}

export class Roles {
  readonly #ctx: IamContext;
  readonly #links: Links;

  constructor(ctx: IamContext, links: Links) {
    this.#ctx = ctx;
    this.#links = links;
  }

  create(input: CreateInput): Promise<RoleInfo> {
    return this.#ctx.mutate(async () => {
      const name = roleName(input.name);
      const now = this.#ctx.now();
      const role: Role = {
        name,
        roleId: newUniqueId('AROA'),
        path: iamPath(input.path),
        description: description(input.description),
        trustPolicy: validTrustPolicy(input.trustPolicy),
        maxSessionDurationSeconds: maxSession(input.maxSessionDurationSeconds),
        tags: mergeTags({}, input.tags),
        inline: {},
        createdAt: now,
        updatedAt: now,
      };
      if (await this.#ctx.get('role', name)) throw alreadyExists('Role', name);
      await this.#ctx.apply([{ op: 'put', entity: encodeRole(role), mode: 'create' }]);
      return this.info(role);
    });
  }

  async get(name: string): Promise<RoleInfo> {
    return this.info(await this.load(name));
  }

  async list(options?: ListOptions): Promise<Page<RoleInfo>> {
    const page = await pageOf(this.#ctx, 'role', options, decodeRole);
    return { ...page, items: await Promise.all(page.items.map((r) => this.info(r))) };
  }

  update(name: string, update: { description?: string; maxSessionDurationSeconds?: number }): Promise<void> {
    return this.#replace(name, (role) => ({
      ...role,
      ...(update.description === undefined ? {} : { description: update.description === '' ? undefined : description(update.description) }),
      ...(update.maxSessionDurationSeconds === undefined ? {} : { maxSessionDurationSeconds: maxSession(update.maxSessionDurationSeconds) }),
    }));
  }

  updateTrustPolicy(name: string, trustPolicy: string): Promise<void> {
    return this.#replace(name, (role) => ({ ...role, trustPolicy: validTrustPolicy(trustPolicy) }));
  }

  delete(name: string): Promise<void> {
    return this.#ctx.mutate(async () => {
      const role = await this.load(name);
      if ((await this.#links.attachedTo({ type: 'role', name: role.name })).length > 0 || Object.keys(role.inline).length > 0) {
        throw new AppError('DeleteConflict', { message: 'Cannot delete entity, must detach all policies first.' });
      }
      await this.#ctx.apply([
        { op: 'delete', kind: 'role', name: role.name, mustExist: true },
        { op: 'deleteOwned', kind: 'session', owner: ownerOfRole(role.name) },
      ]);
    });
  }

  async load(name: string): Promise<Role> {
    const entity = typeof name === 'string' ? await this.#ctx.get('role', name) : undefined;
    if (!entity) throw noSuch('role', String(name).slice(0, 128));
    return decodeRole(entity);
  }

  async info(role: Role): Promise<RoleInfo> {
    return {
      name: role.name,
      roleId: role.roleId,
      arn: roleArn(role.path, role.name),
      path: role.path,
      ...(role.description === undefined ? {} : { description: role.description }),
      trustPolicy: role.trustPolicy,
      maxSessionDurationSeconds: role.maxSessionDurationSeconds,
      tags: { ...role.tags },
      createdAt: role.createdAt,
      attachedPolicies: await this.#links.attachedTo({ type: 'role', name: role.name }),
      inlinePolicies: Object.keys(role.inline).sort(),
    };
  }

  #replace(name: string, change: (role: Role) => Role): Promise<void> {
    return this.#ctx.mutate(async () => {
      const role = await this.load(name);
      await this.#ctx.apply([{ op: 'put', entity: encodeRole({ ...change(role), updatedAt: this.#ctx.now() }), mode: 'replace' }]);
    });
  }
}

/** A trust policy is validated, then kept as written (AWS returns it as submitted). */
function validTrustPolicy(document: string): string {
  parseDocument(document, 'trust');
  return document;
}
