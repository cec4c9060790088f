/**
 * Policies of users, groups and roles: managed policy attachments (at most 10 per principal,
 * AWS's default quota) and inline policies (stored inside the principal's record; the
 * aggregate normalised size is capped as in AWS: 2048 bytes for a user, 5120 for a group, 10240
 * for a role → LimitExceeded).
 */
import { AppError } from '../../core/index.js';
import type { IamEntity } from '../../storage/ports.js';
import { limitExceeded, noSuch, type IamContext } from './context.js';
import { holderOf, type Links } from './links.js';
import { groupName, invalid, LIMITS, policyName, roleName, userName } from './names.js';
import type { Policies } from './policies.js';
import { byteLength, parseDocument } from './policy-docs.js';
import { decodeGroup, decodeRole, decodeUser, encodeGroup, encodeRole, encodeUser } from './records.js';
import type { ManagedPolicyInfo, PolicyTarget } from './types.js';

interface Holder {
  name: string;
  inline: Record<string, string>;
  /** The holder's record with `inline` replaced, ready to store. */
  withInline(inline: Record<string, string>, now: Date): IamEntity;
}

export class Attachments {
  readonly #ctx: IamContext;
  readonly #links: Links;
  readonly #policies: Policies;

  constructor(ctx: IamContext, links: Links, policies: Policies) {
    this.#ctx = ctx;
    this.#links = links;
    this.#policies = policies;
  }

  attach(target: PolicyTarget, nameOrArn: string): Promise<void> {
    return this.#ctx.mutate(async () => {
      const holder = await this.#holder(target);
      const policy = await this.#policies.load(nameOrArn);
      const attached = await this.#links.attachedTo(target);
      if (attached.includes(policy.name)) return;
      if (attached.length >= LIMITS.attachedPolicies) throw limitExceeded(`Cannot exceed quota for PoliciesPerEntity: ${LIMITS.attachedPolicies}`);
      await this.#ctx.apply([{ op: 'link', kind: 'attached', from: holderOf({ type: target.type, name: holder.name }), to: policy.name }]);
    });
  }

  detach(target: PolicyTarget, nameOrArn: string): Promise<void> {
    return this.#ctx.mutate(async () => {
      await this.#holder(target);
      const policy = await this.#policies.load(nameOrArn);
      if (!(await this.#links.attachedTo(target)).includes(policy.name)) {
        throw new AppError('NoSuchEntity', { message: `Policy ${policy.name} is not attached to ${target.type} ${target.name}.` });
      }
      await this.#ctx.apply([{ op: 'unlink', kind: 'attached', from: holderOf(target), to: policy.name }]);
    });
  }

  async listAttached(target: PolicyTarget): Promise<ManagedPolicyInfo[]> {
    await this.#holder(target);
    const names = await this.#links.attachedTo(target);
    const out: ManagedPolicyInfo[] = [];
    for (const name of names) {
      try {
        out.push(await this.#policies.get(name));
      } catch (error) {
        // Deleted by another node between the two reads: it is no longer attached.
        if (!(error instanceof AppError && error.code === 'NoSuchEntity')) throw error;
      }
    }
    return out;
  }

  async listEntities(nameOrArn: string): Promise<PolicyTarget[]> {
    const policy = await this.#policies.load(nameOrArn);
    return this.#links.holdersOf(policy.name);
  }

  putInline(target: PolicyTarget, name: string, document: string): Promise<void> {
    return this.#ctx.mutate(async () => {
      const holder = await this.#holder(target);
      const text = parseDocument(document, 'identity').text;
      const inline = { ...holder.inline, [policyName(name)]: text };
      const cap = LIMITS.inlineBytes[target.type];
      const total = Object.values(inline).reduce((sum, t) => sum + byteLength(t), 0);
      if (total > cap) throw limitExceeded(`Maximum policy size of ${cap} bytes exceeded for ${target.type} ${holder.name}`);
      await this.#ctx.apply([{ op: 'put', entity: holder.withInline(inline, this.#ctx.now()), mode: 'replace' }]);
    });
  }

  async getInline(target: PolicyTarget, name: string): Promise<string> {
    const holder = await this.#holder(target);
    const text = Object.hasOwn(holder.inline, name) ? holder.inline[name] : undefined;
    if (text === undefined) throw noSuch(`${target.type} policy`, String(name).slice(0, 128));
    return text;
  }

  deleteInline(target: PolicyTarget, name: string): Promise<void> {
    return this.#ctx.mutate(async () => {
      const holder = await this.#holder(target);
      if (!Object.hasOwn(holder.inline, name)) throw noSuch(`${target.type} policy`, String(name).slice(0, 128));
      const inline = Object.fromEntries(Object.entries(holder.inline).filter(([n]) => n !== name));
      await this.#ctx.apply([{ op: 'put', entity: holder.withInline(inline, this.#ctx.now()), mode: 'replace' }]);
    });
  }

  async listInline(target: PolicyTarget): Promise<string[]> {
    return Object.keys((await this.#holder(target)).inline).sort();
  }

  async #holder(target: PolicyTarget): Promise<Holder> {
    if (typeof target !== 'object' || target === null) throw invalid('A user, group or role is required');
    if (target.type === 'user') {
      const entity = await this.#ctx.get('user', userName(target.name));
      if (!entity) throw noSuch('user', target.name);
      const user = decodeUser(entity);
      return { name: user.name, inline: user.inline, withInline: (inline, updatedAt) => encodeUser({ ...user, inline, updatedAt }) };
    }
    if (target.type === 'group') {
      const entity = await this.#ctx.get('group', groupName(target.name));
      if (!entity) throw noSuch('group', target.name);
      const group = decodeGroup(entity);
      return { name: group.name, inline: group.inline, withInline: (inline, updatedAt) => encodeGroup({ ...group, inline, updatedAt }) };
    }
    if (target.type === 'role') {
      const entity = await this.#ctx.get('role', roleName(target.name));
      if (!entity) throw noSuch('role', target.name);
      const role = decodeRole(entity);
      return { name: role.name, inline: role.inline, withInline: (inline, updatedAt) => encodeRole({ ...role, inline, updatedAt }) };
    }
    throw invalid('The policy target type must be user, group or role');
  }
}
