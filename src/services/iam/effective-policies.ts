/**
 * The identity policies of a user (its managed and inline policies, and those of each ENABLED
 * group it belongs to) and of a role. A disabled group's policies simply stop applying to its
 * members — the AWS-leaning reading of "disabled" (MinIO instead removes all of the member's
 * policies, which turns disabling a group into a way to lock its members out of everything;
 * group Deny statements of a disabled group stop applying too, so disable with care).
 */
import { BUILT_IN_POLICIES, type LabelledPolicy } from '../../iam/policy/index.js';
import type { IamContext } from './context.js';
import { keyOf, keyOfHolder } from './keys.js';
import { builtInNamed } from './policies.js';
import type { StoredPolicies } from './policy-docs.js';
import type { FederatedRef } from './records-credentials.js';
import { decodeGroup, decodePolicy, type Role, type User } from './records.js';

export class EffectivePolicies {
  readonly #ctx: IamContext;
  readonly #stored: StoredPolicies;

  constructor(ctx: IamContext, stored: StoredPolicies) {
    this.#ctx = ctx;
    this.#stored = stored;
  }

  async ofUser(user: User): Promise<LabelledPolicy[]> {
    const out = await this.#of(`user:${user.name}`, user.inline);
    for (const { from: groupName } of await this.#ctx.store.listIamLinks('member', { to: keyOf(user.name) })) {
      const entity = await this.#ctx.get('group', groupName);
      if (!entity) continue;
      const group = decodeGroup(entity);
      if (group.status !== 'enabled') continue;
      out.push(...(await this.#of(`group:${group.name}`, group.inline)));
    }
    return out;
  }

  ofRole(role: Role): Promise<LabelledPolicy[]> {
    return this.#of(`role:${role.name}`, role.inline);
  }

  /**
   * A federated user's policies: LDAP — those mapped to its DN and to each of its groups' DNs
   * (read now, so a mapping removed applies at once); OpenID — the policies the provider named
   * (claim or role policy), by name; names that match no policy grant nothing.
   */
  async ofFederated(ref: FederatedRef): Promise<LabelledPolicy[]> {
    if (ref.provider === 'ldap') {
      const out = await this.#of(ldapHolder('user', ref.subject), {});
      for (const group of ref.groups) out.push(...(await this.#of(ldapHolder('group', group), {})));
      return out;
    }
    const out: LabelledPolicy[] = [];
    for (const name of ref.policies) out.push(...(await this.#named(`${ref.provider}`, name)));
    return out;
  }

  /** Managed (attached) policies of `holder`, then its inline ones. */
  async #of(holder: string, inline: Readonly<Record<string, string>>): Promise<LabelledPolicy[]> {
    const out: LabelledPolicy[] = [];
    for (const { to: name } of await this.#ctx.store.listIamLinks('attached', { from: keyOfHolder(holder) })) {
      out.push(...(await this.#named(holder, name))); // nothing when detached meanwhile by another node
    }
    for (const [name, text] of Object.entries(inline)) out.push({ label: `${holder}/inline:${name}`, policy: this.#stored.parse(text, 'identity') });
    return out;
  }

  /** The built-in or managed policy called `name` (its default version); [] when there is none. */
  async #named(holder: string, name: string): Promise<LabelledPolicy[]> {
    const builtInName = builtInNamed(name);
    const builtIn = builtInName === undefined ? undefined : BUILT_IN_POLICIES.get(builtInName);
    if (builtIn) return [{ label: `${holder}/policy:${builtInName}`, policy: builtIn }];
    const entity = await this.#ctx.get('policy', name);
    if (!entity) return [];
    const policy = decodePolicy(entity);
    const version = policy.versions.find((v) => v.versionId === policy.defaultVersionId);
    return version ? [{ label: `${holder}/policy:${policy.name}`, policy: this.#stored.parse(version.document, 'identity') }] : [];
  }
}

/** The attachment holder of an LDAP user or group DN (normalised): `ldapuser:DN` / `ldapgroup:DN`. */
export const ldapHolder = (type: 'user' | 'group', dn: string): string => `ldap${type}:${dn}`;
