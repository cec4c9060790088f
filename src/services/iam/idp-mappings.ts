/**
 * Policies mapped to LDAP user and group DNs (`coffer admin idp ldap policy attach … --user DN
 * | --group DN`, MinIO's `mc idp ldap policy attach`). Stored as attachment links from the
 * holder `ldapuser:DN` / `ldapgroup:DN` (DN normalised by the caller, compared lower-cased) to
 * the policy, so a federated LDAP session finds its policies at request time: detaching takes
 * effect on the next request, and a policy cannot be deleted while a DN holds it.
 */
import { AppError } from '../../core/index.js';
import { normaliseDn } from '../../iam/identity/index.js';
import type { IamContext } from './context.js';
import { ldapHolder } from './effective-policies.js';
import { keyOf, keyOfHolder } from './keys.js';
import { LIMITS } from './names.js';
import type { Policies } from './policies.js';
import type { IdpPolicyMapping } from './types.js';

const MAX_DN = 1024;

/** The DN in the provider's normal form (what a login's subject and groups are compared with). */
function checkDn(dn: string): string {
  const refused = () => new AppError('InvalidInput', { message: `A distinguished name (e.g. uid=alice,ou=people,dc=example,dc=org) of 1–${MAX_DN} characters is required.` });
  if (typeof dn !== 'string' || dn.trim() === '' || dn.length > MAX_DN || /[\0\r\n]/.test(dn)) throw refused();
  try {
    return normaliseDn(dn);
  } catch {
    throw refused();
  }
}

export class IdpMappings {
  readonly #ctx: IamContext;
  readonly #policies: Policies;

  constructor(ctx: IamContext, policies: Policies) {
    this.#ctx = ctx;
    this.#policies = policies;
  }

  attach(type: 'user' | 'group', dn: string, nameOrArn: string): Promise<void> {
    return this.#ctx.mutate(async () => {
      const holder = ldapHolder(type, checkDn(dn));
      const policy = await this.#policies.load(nameOrArn);
      const attached = await this.#attached(holder);
      if (attached.includes(keyOf(policy.name))) return;
      if (attached.length >= LIMITS.attachedPolicies) {
        throw new AppError('LimitExceeded', { message: `Cannot exceed quota for PoliciesPerEntity: ${LIMITS.attachedPolicies}` });
      }
      await this.#ctx.apply([{ op: 'link', kind: 'attached', from: holder, to: policy.name }]);
    });
  }

  detach(type: 'user' | 'group', dn: string, nameOrArn: string): Promise<void> {
    return this.#ctx.mutate(async () => {
      const holder = ldapHolder(type, checkDn(dn));
      const policy = await this.#policies.load(nameOrArn);
      if (!(await this.#attached(holder)).includes(keyOf(policy.name))) {
        throw new AppError('NoSuchEntity', { message: `Policy ${policy.name} is not mapped to that ${type} DN.` });
      }
      await this.#ctx.apply([{ op: 'unlink', kind: 'attached', from: holder, to: policy.name }]);
    });
  }

  async list(): Promise<IdpPolicyMapping[]> {
    const byHolder = new Map<string, IdpPolicyMapping>();
    for (const link of await this.#ctx.store.listIamLinks('attached', {})) {
      const type = link.from.startsWith('ldapuser:') ? 'user' : link.from.startsWith('ldapgroup:') ? 'group' : undefined;
      if (type === undefined) continue;
      const mapping = byHolder.get(link.from) ?? { type, dn: link.from.slice(link.from.indexOf(':') + 1), policies: [] };
      mapping.policies.push((await this.#policies.get(link.to).catch(() => undefined))?.name ?? link.to);
      byHolder.set(link.from, mapping);
    }
    return [...byHolder.values()].sort((a, b) => (a.type === b.type ? a.dn.localeCompare(b.dn) : a.type.localeCompare(b.type)));
  }

  async #attached(holder: string): Promise<string[]> {
    return (await this.#ctx.store.listIamLinks('attached', { from: keyOfHolder(holder) })).map((l) => l.to);
  }
}
