/**
 * Persisted access keys and STS sessions. Secrets and session tokens are stored only sealed
 * (secret-box.ts: AES-256-GCM, AAD bound to purpose and access key id); nothing here ever holds
 * them in clear. Entity owner: 'root' or `user:NAME` for keys; `user:NAME`, `role:NAME`,
 * 'root' or `fed:PROVIDER:SUBJECT` for sessions — so a user's or role's credentials are listed
 * and removed with it, and a federated user's sessions are revoked together.
 */
import type { ExternalIdentity } from '../../iam/identity/index.js';
import type { IamEntity } from '../../storage/ports.js';
import { corrupt, date, oneOf, optDate, optStr, recordOf, str } from './record-fields.js';

export type KeyStatus = 'Active' | 'Inactive';

export interface AccessKey {
  accessKeyId: string;
  /** 'root' or `user:NAME`. */
  owner: string;
  sealedSecret: string;
  status: KeyStatus;
  name: string | undefined;
  description: string | undefined;
  expiresAt: Date | undefined;
  /** Inline narrowing policy, normalised JSON; undefined = inherits the owner's policies. */
  policy: string | undefined;
  /** Set for keys of a federated (LDAP) user; owner `fed:PROVIDER:SUBJECT`. */
  federated?: FederatedRef | undefined;
  createdAt: Date;
  updatedAt: Date;
}

/**
 * Who an identity provider said the caller was, as of the STS call (or the last directory
 * sync): everything the request path needs to find the federated user's policies — provider,
 * subject (LDAP DN / OpenID sub), name, LDAP group DNs, the provider's policy names, and the
 * policy-variable claims.
 */
export type FederatedRef = Omit<ExternalIdentity, 'notAfter'>;

export interface Session {
  accessKeyId: string;
  /** `user:NAME`, `role:NAME`, 'root' or `fed:PROVIDER:SUBJECT`. */
  owner: string;
  sealedSecret: string;
  sealedToken: string;
  /**
   * The long-term key (or root key) that called AssumeRole; the session lives only while it is
   * valid. Empty for a federated session: its parent is the external identity (`federated`).
   */
  parentAccessKeyId: string;
  /** The user who assumed (undefined for root). */
  parentUser: string | undefined;
  roleName: string | undefined;
  sessionName: string | undefined;
  /** Session policy, normalised JSON. */
  policy: string | undefined;
  /** Set for sessions from AssumeRoleWithLDAPIdentity / WebIdentity / ClientGrants. */
  federated?: FederatedRef | undefined;
  createdAt: Date;
  expiresAt: Date;
}

export const ownerOfFederated = (provider: string, subject: string): string => `fed:${provider}:${subject}`;

const optional = <K extends string, V>(key: K, value: V | undefined): Partial<Record<K, V>> => (value === undefined ? {} : ({ [key]: value } as Record<K, V>));

export const ownerOfUser = (user: string): string => `user:${user}`;
export const ownerOfRole = (role: string): string => `role:${role}`;

export function encodeAccessKey(key: AccessKey): IamEntity {
  const record = {
    formatVersion: 1,
    sealedSecret: key.sealedSecret,
    status: key.status,
    ...optional('name', key.name),
    ...optional('description', key.description),
    ...optional('expiresAt', key.expiresAt?.toISOString()),
    ...optional('policy', key.policy),
    ...optional('federated', key.federated),
    createdAt: key.createdAt.toISOString(),
    updatedAt: key.updatedAt.toISOString(),
  };
  return { kind: 'accesskey', name: key.accessKeyId, owner: key.owner, expiresAt: key.expiresAt, record };
}

export function decodeAccessKey(entity: IamEntity): AccessKey {
  const r = recordOf(entity, 1);
  if (entity.owner === undefined) throw corrupt(entity, 'owner');
  return {
    accessKeyId: entity.name,
    owner: entity.owner,
    sealedSecret: str(entity, r, 'sealedSecret'),
    status: oneOf(entity, r, 'status', ['Active', 'Inactive'] as const),
    name: optStr(entity, r, 'name'),
    description: optStr(entity, r, 'description'),
    expiresAt: optDate(entity, r, 'expiresAt'),
    policy: optStr(entity, r, 'policy'),
    federated: federatedOf(entity, r.federated),
    createdAt: date(entity, r, 'createdAt'),
    updatedAt: date(entity, r, 'updatedAt'),
  };
}

export function encodeSession(session: Session): IamEntity {
  const record = {
    formatVersion: 1,
    sealedSecret: session.sealedSecret,
    sealedToken: session.sealedToken,
    parentAccessKeyId: session.parentAccessKeyId,
    ...optional('parentUser', session.parentUser),
    ...optional('roleName', session.roleName),
    ...optional('sessionName', session.sessionName),
    ...optional('policy', session.policy),
    ...optional('federated', session.federated),
    createdAt: session.createdAt.toISOString(),
    expiresAt: session.expiresAt.toISOString(),
  };
  return { kind: 'session', name: session.accessKeyId, owner: session.owner, expiresAt: session.expiresAt, record };
}

export function decodeSession(entity: IamEntity): Session {
  const r = recordOf(entity, 1);
  if (entity.owner === undefined) throw corrupt(entity, 'owner');
  return {
    accessKeyId: entity.name,
    owner: entity.owner,
    sealedSecret: str(entity, r, 'sealedSecret'),
    sealedToken: str(entity, r, 'sealedToken'),
    parentAccessKeyId: str(entity, r, 'parentAccessKeyId'),
    parentUser: optStr(entity, r, 'parentUser'),
    roleName: optStr(entity, r, 'roleName'),
    sessionName: optStr(entity, r, 'sessionName'),
    policy: optStr(entity, r, 'policy'),
    federated: federatedOf(entity, r.federated),
    createdAt: date(entity, r, 'createdAt'),
    expiresAt: date(entity, r, 'expiresAt'),
  };
}

const isStrings = (v: unknown): v is string[] => Array.isArray(v) && v.every((x) => typeof x === 'string');

function federatedOf(entity: IamEntity, value: unknown): FederatedRef | undefined {
  if (value === undefined) return undefined;
  const f = value as Partial<FederatedRef> | null;
  const claimsOk = typeof f?.claims === 'object' && f.claims !== null && Object.values(f.claims).every(isStrings);
  if (typeof f?.provider !== 'string' || typeof f.subject !== 'string' || typeof f.name !== 'string' || !isStrings(f.groups) || !isStrings(f.policies) || !claimsOk) {
    throw corrupt(entity, 'federated');
  }
  return { provider: f.provider, subject: f.subject, name: f.name, groups: f.groups, policies: f.policies, claims: f.claims as Record<string, string[]> };
}
