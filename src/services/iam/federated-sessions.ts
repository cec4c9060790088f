/**
 * STS sessions for federated users: people an LDAP directory (AssumeRoleWithLDAPIdentity) or an
 * OpenID provider (AssumeRoleWithWebIdentity / ClientGrants) vouched for.
 *
 * Protects: that only a verified identity gets credentials, only with policies meant for it,
 * and never for longer than allowed. The identity comes from iam/identity (a directory answer
 * or a verified token) — never from request parameters. Two shapes:
 *  - a federated-user session (no role): its policies are found at request time — LDAP: the
 *    policies mapped to the user's DN and its groups' DNs; OpenID: the policy names of the
 *    provider (claim or role policy). No policy at issue time → AccessDenied (as MinIO);
 *  - a role session (OpenID with the ARN of an IAM role): the role's trust policy must Allow
 *    sts:AssumeRoleWithWebIdentity for the provider as Federated principal, with the token's
 *    claims as condition keys (jwt:sub, jwt:aud …, and AWS's `<issuer host/path>:sub|aud`).
 * Durations: DurationSeconds 900 s up to COFFER_STS_MAX_DURATION (and the role's maximum);
 * default 1 h; an OpenID token's `exp` caps the session unless DurationSeconds asks for less.
 * Stored like every session (secret and token sealed); the owner `fed:PROVIDER:SUBJECT` lets
 * the directory sync revoke a user's sessions together.
 */
import { AppError } from '../../core/index.js';
import type { ExternalIdentity } from '../../iam/identity/index.js';
import { evaluate } from '../../iam/policy/index.js';
import { parseRoleArn, roleArn as arnOfRole } from './arns.js';
import type { IamContext } from './context.js';
import { ldapHolder } from './effective-policies.js';
import { keyOfHolder } from './keys.js';
import { roleSessionName } from './names.js';
import { builtInNamed } from './policies.js';
import { StoredPolicies } from './policy-docs.js';
import { decodeAccessKey, decodeSession, encodeAccessKey, encodeSession, ownerOfFederated, type FederatedRef } from './records-credentials.js';
import { decodeRole, type Role } from './records.js';
import { SESSION_SECONDS, sessionPolicy, storeSession } from './sessions.js';
import { info as keyInfo, type AccessKeys } from './access-keys.js';
import type { FederatedKeyInput, FederatedSessionInput, NewAccessKey, SessionCredentials } from './types.js';

const refused = () => new AppError('AccessDenied', { message: 'Access denied: the identity has no policy that allows this request.' });
const badParameter = (message: string) => new AppError('InvalidParameterValue', { message });

export class FederatedSessions {
  readonly #ctx: IamContext;
  readonly #keys: AccessKeys;
  readonly #trust = new StoredPolicies();

  constructor(ctx: IamContext, keys: AccessKeys) {
    this.#ctx = ctx;
    this.#keys = keys;
  }

  /**
   * A long-term access key for a federated (LDAP) user, as the directory describes it now. It
   * carries the user's DN and groups; its policies are found at request time like a session's,
   * and the directory check deletes it when the user leaves. No mapped policy → AccessDenied.
   */
  createKey(identity: ExternalIdentity, input: FederatedKeyInput): Promise<NewAccessKey> {
    return this.#ctx.mutate(async () => {
      if (!(await this.#hasPolicy(identity))) throw refused();
      const federated = refOf(identity);
      const owner = ownerOfFederated(identity.provider, identity.subject);
      const { key, secret, changes } = await this.#keys.prepare({ ...input, owner, federated });
      await this.#ctx.apply(changes);
      return { ...keyInfo(key), secretAccessKey: secret };
    });
  }

  async issue(identity: ExternalIdentity, input: FederatedSessionInput): Promise<SessionCredentials> {
    const now = this.#ctx.now();
    const nowS = Math.floor(now.getTime() / 1000);
    let role: Role | undefined;
    let sessionName: string | undefined;
    if (input.roleArn !== undefined) {
      sessionName = roleSessionName(input.roleSessionName ?? identity.name.replace(/[^\w+=,.@-]/g, '_').slice(0, 64).padEnd(2, '_'));
      role = await this.#trustedRole(identity, input);
    } else if (!(await this.#hasPolicy(identity))) {
      throw refused();
    }
    const max = Math.min(role?.maxSessionDurationSeconds ?? Number.POSITIVE_INFINITY, this.#ctx.settings.stsMaxDurationSeconds, input.maxSeconds ?? Number.POSITIVE_INFINITY);
    if (input.durationSeconds !== undefined && (!Number.isInteger(input.durationSeconds) || input.durationSeconds < SESSION_SECONDS.min || input.durationSeconds > max)) {
      throw badParameter(`DurationSeconds must be between ${SESSION_SECONDS.min} and ${max}`);
    }
    let expiresS = nowS + (input.durationSeconds ?? (identity.notAfter ? max : Math.min(SESSION_SECONDS.default, max)));
    if (identity.notAfter) expiresS = Math.min(expiresS, Math.floor(identity.notAfter.getTime() / 1000));
    if (!(expiresS > nowS)) throw new AppError('ExpiredToken', { message: 'The identity token has expired.' });
    const policy = input.policy === undefined ? undefined : sessionPolicy(input.policy);

    return storeSession(this.#ctx, {
      owner: ownerOfFederated(identity.provider, identity.subject),
      parentAccessKeyId: '',
      parentUser: undefined,
      roleName: role?.name,
      sessionName,
      policy,
      federated: refOf(identity),
      createdAt: now,
      expiresAt: new Date(expiresS * 1000),
    }, role);
  }

  /** The sessions of one provider, for the directory sync. */
  async list(provider: string): Promise<Array<{ accessKeyId: string; federated: FederatedRef }>> {
    const out: Array<{ accessKeyId: string; federated: FederatedRef }> = [];
    for (const entity of await this.#ctx.all('session')) {
      const session = decodeSession(entity);
      if (session.federated?.provider === provider) out.push({ accessKeyId: session.accessKeyId, federated: session.federated });
    }
    return out;
  }

  /** Every subject of one provider that holds a session or an access key, for the directory sync. */
  async subjects(provider: string): Promise<string[]> {
    const out = new Set((await this.list(provider)).map((s) => s.federated.subject));
    for (const entity of await this.#ctx.all('accesskey')) {
      const key = decodeAccessKey(entity);
      if (key.federated?.provider === provider) out.add(key.federated.subject);
    }
    return [...out];
  }

  /** Revokes every session and access key of one federated subject; returns how many. */
  revoke(provider: string, subject: string): Promise<number> {
    return this.#ctx.mutate(async () => {
      const doomed = (await this.list(provider)).filter((s) => s.federated.subject === subject);
      const owner = ownerOfFederated(provider, subject);
      const keys = await this.#ctx.all('accesskey', owner);
      if (doomed.length + keys.length === 0) return 0;
      await this.#ctx.apply([
        ...doomed.map((s) => ({ op: 'delete' as const, kind: 'session' as const, name: s.accessKeyId })),
        ...(keys.length > 0 ? [{ op: 'deleteOwned' as const, kind: 'accesskey' as const, owner }] : []),
      ]);
      return doomed.length + keys.length;
    });
  }

  /** Replaces the stored groups of a subject's sessions (the directory's current answer); returns how many changed. */
  updateGroups(provider: string, subject: string, groups: string[]): Promise<number> {
    return this.#ctx.mutate(async () => {
      const sorted = [...groups].sort();
      const changes = [];
      for (const entity of await this.#ctx.all('session')) {
        const session = decodeSession(entity);
        const f = session.federated;
        if (f?.provider !== provider || f.subject !== subject || [...f.groups].sort().join('\n') === sorted.join('\n')) continue;
        const claims = f.provider === 'ldap' ? { ...f.claims, 'ldap:groups': sorted } : f.claims;
        changes.push({ op: 'put' as const, entity: encodeSession({ ...session, federated: { ...f, groups: sorted, claims } }), mode: 'replace' as const });
      }
      for (const entity of await this.#ctx.all('accesskey', ownerOfFederated(provider, subject))) {
        const key = decodeAccessKey(entity);
        const f = key.federated;
        if (f === undefined || [...f.groups].sort().join('\n') === sorted.join('\n')) continue;
        const claims = f.provider === 'ldap' ? { ...f.claims, 'ldap:groups': sorted } : f.claims;
        changes.push({ op: 'put' as const, entity: encodeAccessKey({ ...key, federated: { ...f, groups: sorted, claims }, updatedAt: this.#ctx.now() }), mode: 'replace' as const });
      }
      if (changes.length > 0) await this.#ctx.apply(changes);
      return changes.length;
    });
  }

  async #hasPolicy(identity: ExternalIdentity): Promise<boolean> {
    // A certificate's CN names its policy (MinIO): refused unless that policy exists now.
    if (identity.provider === 'tls') return identity.policies.length === 1 && (builtInNamed(identity.policies[0] as string) !== undefined || (await this.#ctx.get('policy', identity.policies[0] as string)) !== undefined);
    if (identity.provider !== 'ldap') return identity.policies.length > 0;
    for (const holder of [ldapHolder('user', identity.subject), ...identity.groups.map((g: string) => ldapHolder('group', g))]) {
      if ((await this.#ctx.store.listIamLinks('attached', { from: keyOfHolder(holder) })).length > 0) return true;
    }
    return false;
  }

  /** The IAM role named by RoleArn whose trust policy allows this web identity; AccessDenied otherwise. */
  async #trustedRole(identity: ExternalIdentity, input: FederatedSessionInput): Promise<Role> {
    const ref = parseRoleArn(input.roleArn ?? '');
    const entity = ref ? await this.#ctx.get('role', ref.name) : undefined;
    const role = entity ? decodeRole(entity) : undefined;
    if (!role || arnOfRole(role.path, role.name) !== input.roleArn || input.issuer === undefined) throw refused();
    const now = this.#ctx.now();
    const context = new Map<string, readonly string[]>([
      ['aws:principaltype', ['WebIdentityUser']],
      ['aws:currenttime', [now.toISOString()]],
      ['aws:epochtime', [String(Math.floor(now.getTime() / 1000))]],
    ]);
    const host = input.issuer.replace(/^https?:\/\//, '').replace(/\/$/, '');
    for (const [key, values] of Object.entries(identity.claims) as Array<[string, string[]]>) {
      context.set(key, values);
      const claim = key.slice('jwt:'.length);
      if (key.startsWith('jwt:') && ['sub', 'aud', 'amr', 'azp', 'email', 'oaud'].includes(claim)) context.set(`${host}:${claim}`, values);
    }
    const principal = { arn: `arn:aws:iam::000000000000:oidc-provider/${host}`, account: '', aliases: [input.issuer, host] };
    const trust = this.#trust.parse(role.trustPolicy, 'trust');
    const decision = evaluate([{ label: `role:${role.name}/trust`, policy: trust }], { action: input.action, resource: input.roleArn as string, principal, context });
    if (decision.effect !== 'Allow') throw refused();
    return role;
  }
}

function refOf(identity: ExternalIdentity): FederatedRef {
  return {
    provider: identity.provider,
    subject: identity.subject,
    name: identity.name,
    groups: [...identity.groups],
    policies: [...identity.policies],
    claims: identity.claims,
  };
}
