/**
 * STS sessions: AssumeRole (of a role, or of the calling user itself), revocation and pruning.
 *
 * Protects: who may obtain temporary credentials and for how long. Only root or a user signing
 * with a long-term key may call it — a session never starts another session (no role chaining),
 * so temporary credentials cannot outlive or escape their parent. With a role, the role's trust
 * policy must Allow sts:AssumeRole for the caller's ARN (evaluated by the policy engine); an
 * unknown role and a refusing trust policy give the same AccessDenied. Durations: 900 s up to
 * the role's maximum and COFFER_STS_MAX_DURATION (default 1 h). A session policy (≤ 2048 bytes
 * as given and once normalised) only narrows.
 * Stored: the session key id, the secret and the session token both sealed (AAD binds each to
 * its purpose and the session key id), the parent key, expiry. The token itself is 48 random
 * bytes, returned once; no signature scheme to get wrong, revocation is deleting the row.
 */
import { AppError } from '../../core/index.js';
import { ACCOUNT_ID, newAccessKeyId, newSecretAccessKey, newSessionToken, type Principal } from '../../iam/credentials/index.js';
import { evaluate } from '../../iam/policy/index.js';
import { assumedRoleArn, parseRoleArn, roleArn as arnOfRole, rootArn } from './arns.js';
import type { IamContext } from './context.js';
import { sameName } from './keys.js';
import { roleName as checkRoleName, roleSessionName, userName } from './names.js';
import { byteLength, parseDocument, StoredPolicies } from './policy-docs.js';
import { decodeSession, encodeSession, ownerOfRole, ownerOfUser, type Session } from './records-credentials.js';
import { decodeRole, type Role } from './records.js';
import type { CredentialResolver } from './resolver.js';
import type { AssumeRoleInput, SessionCredentials } from './types.js';

export const SESSION_SECONDS = { min: 900, default: 3600 } as const;
/** GetSessionToken's range and default (AWS), before the configured STS maximum caps them. */
export const SESSION_TOKEN_SECONDS = { min: 900, max: 129600, default: 43200 } as const;
export const SESSION_POLICY_BYTES = 2048;

const denied = (caller: Principal, resource: string) =>
  new AppError('AccessDenied', { message: `User: ${caller.arn} is not authorized to perform: sts:AssumeRole on resource: ${resource.slice(0, 2048)}` });
const badParameter = (message: string) => new AppError('InvalidParameterValue', { message });

interface Parent {
  accessKeyId: string;
  userName: string | undefined;
}

export class Sessions {
  readonly #ctx: IamContext;
  readonly #resolver: CredentialResolver;
  readonly #trust = new StoredPolicies();

  constructor(ctx: IamContext, resolver: CredentialResolver) {
    this.#ctx = ctx;
    this.#resolver = resolver;
  }

  async assumeRole(caller: Principal, input: AssumeRoleInput): Promise<SessionCredentials> {
    const now = this.#ctx.now();
    const parent = await this.#parent(caller, now.getTime());
    let role: Role | undefined;
    let sessionName: string | undefined;
    if (input.roleArn !== undefined) {
      if (typeof input.roleArn !== 'string' || !parseRoleArn(input.roleArn)) throw badParameter('RoleArn must be the ARN of a role of this account');
      if (input.roleSessionName === undefined) throw new AppError('MissingParameter', { message: 'RoleSessionName is required with RoleArn' });
      sessionName = roleSessionName(input.roleSessionName);
      role = await this.#trustedRole(caller, input.roleArn, now);
    } else if (input.roleSessionName !== undefined) {
      sessionName = roleSessionName(input.roleSessionName);
    }
    const max = Math.min(role?.maxSessionDurationSeconds ?? Number.POSITIVE_INFINITY, this.#ctx.settings.stsMaxDurationSeconds);
    const duration = input.durationSeconds ?? Math.min(SESSION_SECONDS.default, max);
    if (!Number.isInteger(duration) || duration < SESSION_SECONDS.min || duration > max) throw badParameter(`DurationSeconds must be between ${SESSION_SECONDS.min} and ${max}`);
    const policy = input.policy === undefined ? undefined : sessionPolicy(input.policy);

    const expiresAt = new Date(Math.floor(now.getTime() / 1000) * 1000 + duration * 1000);
    return storeSession(this.#ctx, {
      owner: role ? ownerOfRole(role.name) : parent.userName === undefined ? 'root' : ownerOfUser(parent.userName),
      parentAccessKeyId: parent.accessKeyId,
      parentUser: parent.userName,
      roleName: role?.name,
      sessionName,
      policy,
      createdAt: now,
      expiresAt,
    }, role);
  }

  /** GetSessionToken: a session of the caller itself, for the requested time capped at the configured maximum. */
  getSessionToken(caller: Principal, input: { durationSeconds?: number | undefined }): Promise<SessionCredentials> {
    const { min, max, default: fallback } = SESSION_TOKEN_SECONDS;
    const requested = input.durationSeconds ?? fallback;
    if (!Number.isInteger(requested) || requested < min || requested > max) throw badParameter(`DurationSeconds must be between ${min} and ${max}`);
    return this.assumeRole(caller, { durationSeconds: Math.max(min, Math.min(requested, this.#ctx.settings.stsMaxDurationSeconds)) });
  }

  /** Deletes the sessions matching every given field (none given: all sessions); returns how many. */
  revoke(filter: { user?: string; role?: string; accessKeyId?: string }): Promise<number> {
    return this.#ctx.mutate(async () => {
      const user = filter.user === undefined ? undefined : userName(filter.user);
      const role = filter.role === undefined ? undefined : checkRoleName(filter.role);
      const entities = await this.#ctx.all('session');
      const doomed = entities.map(decodeSession).filter(
        (s) =>
          (user === undefined || (s.parentUser !== undefined && sameName(s.parentUser, user))) &&
          (role === undefined || (s.roleName !== undefined && sameName(s.roleName, role))) &&
          (filter.accessKeyId === undefined || s.accessKeyId === filter.accessKeyId || s.parentAccessKeyId === filter.accessKeyId),
      );
      if (doomed.length > 0) await this.#ctx.apply(doomed.map((s) => ({ op: 'delete' as const, kind: 'session' as const, name: s.accessKeyId })));
      return doomed.length;
    });
  }

  /** Removes sessions that expired before `now` (the background sweep); returns how many. */
  async prune(now: Date = this.#ctx.now()): Promise<number> {
    // A session is expired from its expiresAt on (lookups compare now < expiresAt).
    const removed = await this.#ctx.store.deleteExpiredIamEntities('session', new Date(now.getTime() + 1));
    if (removed > 0) this.#ctx.cache.invalidate();
    return removed;
  }

  /** The caller as a session parent: root, or a user signing with a long-term key that is still valid. */
  async #parent(caller: Principal, nowMs: number): Promise<Parent> {
    const refused = new AppError('AccessDenied', { message: 'Only long-term credentials of root or a user can assume a role.' });
    if (caller.credential === 'session' || caller.kind === 'assumed-role') throw refused;
    if (caller.credential === 'root') {
      const { rootAccessKeyId, apiRootAccess } = this.#ctx.settings;
      if (caller.kind !== 'root' || caller.accessKeyId !== rootAccessKeyId || !apiRootAccess) throw refused;
      return { accessKeyId: rootAccessKeyId, userName: undefined };
    }
    const resolved = await this.#resolver.resolveKey(caller.accessKeyId, nowMs);
    if (!resolved || resolved.principal.arn !== caller.arn || resolved.principal.kind !== caller.kind) throw refused;
    // A federated user's key does not start sessions: its user signs in through its provider.
    if (resolved.identity.type === 'federated') throw refused;
    return { accessKeyId: caller.accessKeyId, userName: resolved.identity.type === 'user' ? resolved.identity.user.name : undefined };
  }

  /**
   * Whether the role's trust policy allows `caller` by its own ARN (not merely its account). In
   * AWS such a same-account grant needs no identity-policy Allow for sts:AssumeRole; a grant to
   * the account does. Unknown roles and refusals are simply false.
   */
  async trustNamesCaller(caller: Principal, arn: string): Promise<boolean> {
    if (caller.kind === 'root') return false;
    const ref = parseRoleArn(arn);
    const entity = ref ? await this.#ctx.get('role', ref.name) : undefined;
    const role = entity ? decodeRole(entity) : undefined;
    if (!role || arnOfRole(role.path, role.name) !== arn) return false;
    try {
      await this.#trustedRole(caller, arn, this.#ctx.now());
    } catch {
      return false;
    }
    const trust = this.#trust.parse(role.trustPolicy, 'trust');
    return trust.statements.some((st) => st.effect === 'Allow' && (st.principal?.aws ?? []).includes(caller.arn));
  }

  async #trustedRole(caller: Principal, arn: string, now: Date): Promise<Role> {
    const ref = parseRoleArn(arn);
    const entity = ref ? await this.#ctx.get('role', ref.name) : undefined;
    const role = entity ? decodeRole(entity) : undefined;
    if (!role || arnOfRole(role.path, role.name) !== arn) throw denied(caller, arn);
    const context = new Map<string, readonly string[]>([
      ['aws:principalarn', [caller.arn]],
      ['aws:principalaccount', [ACCOUNT_ID]],
      ['aws:principaltype', [caller.kind === 'root' ? 'Account' : 'User']],
      ['aws:userid', [caller.userId]],
      ['aws:currenttime', [now.toISOString()]],
      ['aws:epochtime', [String(Math.floor(now.getTime() / 1000))]],
    ]);
    if (caller.userName !== undefined) context.set('aws:username', [caller.userName]);
    for (const [key, value] of Object.entries(caller.tags ?? {})) context.set(`aws:principaltag/${key}`, [value]);
    const principal = { arn: caller.kind === 'root' ? rootArn : caller.arn, account: ACCOUNT_ID };
    const trust = this.#trust.parse(role.trustPolicy, 'trust');
    const decision = evaluate([{ label: `role:${role.name}/trust`, policy: trust }], { action: 'sts:AssumeRole', resource: arn, principal, context });
    if (decision.effect !== 'Allow') throw denied(caller, arn);
    return role;
  }
}

/** The normalised session policy; too large → InvalidParameterValue, invalid → MalformedPolicyDocument. */
export function sessionPolicy(document: string): string {
  if (typeof document !== 'string' || byteLength(document) > SESSION_POLICY_BYTES) {
    throw badParameter(`Policy must be at most ${SESSION_POLICY_BYTES} bytes`);
  }
  // Normalising can add a few bytes (e.g. a lone Action becomes a list): parse with room, then check the packed size.
  const text = parseDocument(document, 'session', { maxBytes: 2 * SESSION_POLICY_BYTES }).text;
  if (byteLength(text) > SESSION_POLICY_BYTES) throw badParameter(`Policy must be at most ${SESSION_POLICY_BYTES} bytes once normalised`);
  return text;
}

/**
 * Mints the session key id, secret and token, stores the session with both sealed (AAD: purpose
 * and key id), and returns the credentials — the one place sessions are written.
 */
export async function storeSession(ctx: IamContext, fields: Omit<Session, 'accessKeyId' | 'sealedSecret' | 'sealedToken'>, role: Role | undefined): Promise<SessionCredentials> {
  const accessKeyId = newAccessKeyId('session');
  const secret = newSecretAccessKey();
  const token = newSessionToken();
  const session: Session = {
    ...fields,
    accessKeyId,
    sealedSecret: await ctx.sealer.seal(secret, { purpose: 'secret', accessKeyId }),
    sealedToken: await ctx.sealer.seal(token, { purpose: 'session-token', accessKeyId }),
  };
  await ctx.apply([{ op: 'put', entity: encodeSession(session), mode: 'create' }]);
  const { sessionName, policy } = fields;
  return {
    accessKeyId,
    secretAccessKey: secret,
    sessionToken: token,
    expiration: fields.expiresAt,
    ...(role && sessionName !== undefined ? { assumedRoleArn: assumedRoleArn(role.name, sessionName), assumedRoleId: `${role.roleId}:${sessionName}` } : {}),
    ...(policy === undefined ? {} : { packedPolicySize: Math.ceil((byteLength(policy) * 100) / SESSION_POLICY_BYTES) }),
  };
}
