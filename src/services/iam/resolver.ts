/**
 * Resolves an access key id (long-term key or STS session) to what the request path needs:
 * the principal, when the credential stops being valid, the sealed secret (and token), whose
 * identity policies apply and which narrowing documents intersect them.
 *
 * Validity (every check fails as "no such credential", never with a reason):
 *  - access key: exists, Active, not expired; owner root → COFFER_API_ROOT_ACCESS on; owner user →
 *    the user exists and is enabled.
 *  - session: exists (revocation deletes it), not expired, and its parent — the key that called
 *    AssumeRole (the root key or a long-term key) — is still valid by the rules above; a role
 *    session also needs its role to exist. So disabling or deleting a user or a key ends the
 *    sessions it started at once, like its keys (MinIO's "parent" rule; AWS keeps role sessions
 *    alive until expiry — we choose the safer side).
 *  - federated access key (LDAP user): exists, Active, not expired; the directory check
 *    deletes it when the user leaves the directory.
 *  - federated session (LDAP / OpenID): exists, not expired; it has no parent key — the
 *    directory sync revokes it (deletes the row) when the user leaves, and a role session of a
 *    web identity also needs its role to exist.
 *  - narrowing: a key's inline policy narrows the key and every session it starts (so a
 *    restricted key cannot escape its policy through AssumeRole without a role); a session
 *    policy narrows its session. Role sessions use the role's policies ∩ the session policy.
 */
import type { Principal } from '../../iam/credentials/index.js';
import type { IamContext } from './context.js';
import type { PrincipalFactory } from './principals.js';
import { decodeAccessKey, decodeSession, ownerOfFederated, type FederatedRef, type Session } from './records-credentials.js';
import { decodeRole, decodeUser, type Role, type User } from './records.js';

export type IdentitySource = { type: 'root' } | { type: 'user'; user: User } | { type: 'role'; role: Role } | { type: 'federated'; federated: FederatedRef };

export interface NarrowingDocument {
  label: string;
  text: string;
  kind: 'identity' | 'session';
}

export interface ResolvedCredential {
  principal: Principal;
  /** Milliseconds since the epoch; Infinity when the credential does not expire. */
  expiresAtMs: number;
  /** Sessions: their own expiry (expiresAtMs is earlier when the parent key expires first). */
  sessionExpiresAtMs?: number | undefined;
  sealedSecret: string;
  sealedToken?: string | undefined;
  identity: IdentitySource;
  narrowing: NarrowingDocument[];
}

export class CredentialResolver {
  readonly #ctx: IamContext;
  readonly #principals: PrincipalFactory;

  constructor(ctx: IamContext, principals: PrincipalFactory) {
    this.#ctx = ctx;
    this.#principals = principals;
  }

  /** A stored key or session (not the root key itself); undefined when unknown or not valid now. */
  async resolve(accessKeyId: string, nowMs: number, options: { expiredSessions?: boolean } = {}): Promise<ResolvedCredential | undefined> {
    return (await this.resolveKey(accessKeyId, nowMs)) ?? (await this.#session(accessKeyId, nowMs, options.expiredSessions === true));
  }

  async resolveKey(accessKeyId: string, nowMs: number): Promise<ResolvedCredential | undefined> {
    const entity = await this.#ctx.get('accesskey', accessKeyId);
    if (!entity) return undefined;
    const key = decodeAccessKey(entity);
    const expiresAtMs = key.expiresAt?.getTime() ?? Number.POSITIVE_INFINITY;
    if (key.status !== 'Active' || !(nowMs < expiresAtMs)) return undefined;
    const narrowing: NarrowingDocument[] = key.policy === undefined ? [] : [{ label: `accesskey:${accessKeyId}/inline`, text: key.policy, kind: 'identity' }];
    const base = { expiresAtMs, sealedSecret: key.sealedSecret, narrowing };
    if (key.federated !== undefined) {
      // A federated (LDAP) user's key: valid until the directory check deletes it.
      if (key.owner !== ownerOfFederated(key.federated.provider, key.federated.subject)) return undefined;
      return { ...base, principal: this.#principals.federated(key.federated, accessKeyId, 'access-key'), identity: { type: 'federated', federated: key.federated } };
    }
    if (key.owner === 'root') {
      if (!this.#ctx.settings.apiRootAccess) return undefined;
      return { ...base, principal: this.#principals.rootCredential(accessKeyId, 'access-key'), identity: { type: 'root' } };
    }
    const user = await this.#enabledUser(key.owner);
    if (!user) return undefined;
    return { ...base, principal: this.#principals.user(user, accessKeyId, 'access-key'), identity: { type: 'user', user } };
  }

  /** `expired`: also a session past its own expiry (still stored), for ExpiredToken; its expiresAtMs tells. */
  async #session(accessKeyId: string, nowMs: number, expired = false): Promise<ResolvedCredential | undefined> {
    const entity = await this.#ctx.get('session', accessKeyId);
    if (!entity) return undefined;
    const session = decodeSession(entity);
    if (!(nowMs < session.expiresAt.getTime())) {
      if (!expired) return undefined;
      nowMs = session.expiresAt.getTime() - 1; // judge the rest (parent, role) as of its last valid instant
    }
    if (session.federated !== undefined) return this.#federated(session, session.federated);
    const parent = await this.#parent(session.parentAccessKeyId, nowMs);
    // A federated key never parents a session (Sessions refuses it; this holds even if one existed).
    if (!parent || parent.identity.type === 'federated') return undefined;
    const parentUser = parent.identity.type === 'user' ? parent.identity.user.name : undefined;
    if (parentUser !== session.parentUser) return undefined;
    const expiresAtMs = Math.min(session.expiresAt.getTime(), parent.expiresAtMs);
    const sessionPolicy: NarrowingDocument[] = session.policy === undefined ? [] : [{ label: `session:${accessKeyId}/policy`, text: session.policy, kind: 'session' }];
    const base = { expiresAtMs, sessionExpiresAtMs: session.expiresAt.getTime(), sealedSecret: session.sealedSecret, sealedToken: session.sealedToken };
    if (session.roleName !== undefined) {
      const roleEntity = await this.#ctx.get('role', session.roleName);
      if (!roleEntity || session.sessionName === undefined) return undefined;
      const role = decodeRole(roleEntity);
      const principal = this.#principals.roleSession(role, session.sessionName, accessKeyId);
      return { ...base, principal, identity: { type: 'role', role }, narrowing: sessionPolicy };
    }
    const narrowing = [...parent.narrowing, ...sessionPolicy];
    if (parent.identity.type === 'user') {
      const { user } = parent.identity;
      return { ...base, principal: this.#principals.user(user, accessKeyId, 'session'), identity: parent.identity, narrowing };
    }
    return { ...base, principal: this.#principals.rootCredential(accessKeyId, 'session'), identity: { type: 'root' }, narrowing };
  }

  async #federated(session: Session, federated: FederatedRef): Promise<ResolvedCredential | undefined> {
    const sessionPolicy: NarrowingDocument[] = session.policy === undefined ? [] : [{ label: `session:${session.accessKeyId}/policy`, text: session.policy, kind: 'session' }];
    const base = { expiresAtMs: session.expiresAt.getTime(), sessionExpiresAtMs: session.expiresAt.getTime(), sealedSecret: session.sealedSecret, sealedToken: session.sealedToken, narrowing: sessionPolicy };
    if (session.roleName !== undefined) {
      const roleEntity = await this.#ctx.get('role', session.roleName);
      if (!roleEntity || session.sessionName === undefined) return undefined;
      const role = decodeRole(roleEntity);
      const principal = { ...this.#principals.roleSession(role, session.sessionName, session.accessKeyId), claims: federated.claims };
      return { ...base, principal, identity: { type: 'role', role } };
    }
    return { ...base, principal: this.#principals.federated(federated, session.accessKeyId), identity: { type: 'federated', federated } };
  }

  /** The key that started a session: the root key (while root access is on) or a valid long-term key. */
  async #parent(accessKeyId: string, nowMs: number): Promise<Pick<ResolvedCredential, 'identity' | 'narrowing' | 'expiresAtMs'> | undefined> {
    if (accessKeyId === this.#ctx.settings.rootAccessKeyId) {
      return this.#ctx.settings.apiRootAccess ? { identity: { type: 'root' }, narrowing: [], expiresAtMs: Number.POSITIVE_INFINITY } : undefined;
    }
    return this.resolveKey(accessKeyId, nowMs);
  }

  async #enabledUser(owner: string): Promise<User | undefined> {
    if (!owner.startsWith('user:')) return undefined;
    const entity = await this.#ctx.get('user', owner.slice('user:'.length));
    const user = entity ? decodeUser(entity) : undefined;
    return user?.status === 'enabled' ? user : undefined;
  }
}
