/**
 * Persisted access keys and STS sessions. Secrets and session tokens are stored only sealed
 * (secret-box.ts: AES-256-GCM, AAD bound to purpose and access key id); nothing here ever holds
 * them in clear. Entity owner: 'root' or `user:NAME` for keys; `user:NAME`, `role:NAME` or
 * 'root' for sessions — so a user's or role's credentials are listed and removed with it.
 */
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
  createdAt: Date;
  updatedAt: Date;
}

export interface Session {
  accessKeyId: string;
  /** `user:NAME`, `role:NAME` or 'root'. */
  owner: string;
  sealedSecret: string;
  sealedToken: string;
  /** The long-term key (or root key) that called AssumeRole; the session lives only while it is valid. */
  parentAccessKeyId: string;
  /** The user who assumed (undefined for root). */
  parentUser: string | undefined;
  roleName: string | undefined;
  sessionName: string | undefined;
  /** Session policy, normalised JSON. */
  policy: string | undefined;
  createdAt: Date;
  expiresAt: Date;
}

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
    createdAt: date(entity, r, 'createdAt'),
    expiresAt: date(entity, r, 'expiresAt'),
  };
}
