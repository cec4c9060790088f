/**
 * Persisted IAM records (the JSON inside IamEntity.record) and their in-memory forms. Every
 * stored record carries formatVersion 1; dates are ISO strings; maps are [key, value] pairs.
 * Inline policies live inside their principal's record (normalised JSON text by policy name).
 * Access keys and sessions: see records-credentials.ts.
 * Users, groups, roles and policies are stored under their lower-cased name (keys.ts); the
 * record's displayName keeps the name as first written.
 */
import type { IamEntity } from '../../storage/ports.js';
import type { EntityStatus } from './types.js';
import { corrupt, date, num, oneOf, optStr, pairs, recordOf, str, toPairs } from './record-fields.js';

const STATUSES: readonly EntityStatus[] = ['enabled', 'disabled'];

interface Common {
  name: string;
  path: string;
  createdAt: Date;
  updatedAt: Date;
  /** Inline policies: name → normalised JSON. */
  inline: Record<string, string>;
}

export interface User extends Common {
  userId: string;
  status: EntityStatus;
  tags: Record<string, string>;
}

export interface Group extends Common {
  groupId: string;
  status: EntityStatus;
}

export interface Role extends Common {
  roleId: string;
  description: string | undefined;
  trustPolicy: string;
  maxSessionDurationSeconds: number;
  tags: Record<string, string>;
}

export interface PolicyVersion {
  versionId: string;
  document: string;
  createdAt: Date;
}

export interface ManagedPolicy {
  name: string;
  policyId: string;
  path: string;
  description: string | undefined;
  defaultVersionId: string;
  /** The number the next version gets (v1, v2, … never reused). */
  nextVersion: number;
  versions: PolicyVersion[];
  createdAt: Date;
  updatedAt: Date;
}

const common = (c: Common) => ({ displayName: c.name, path: c.path, createdAt: c.createdAt.toISOString(), updatedAt: c.updatedAt.toISOString(), inline: toPairs(c.inline) });

function decodeCommon(entity: IamEntity, record: Record<string, unknown>): Common {
  return {
    name: optStr(entity, record, 'displayName') ?? entity.name,
    path: str(entity, record, 'path'),
    createdAt: date(entity, record, 'createdAt'),
    updatedAt: date(entity, record, 'updatedAt'),
    inline: pairs(entity, record, 'inline'),
  };
}

export function encodeUser(user: User): IamEntity {
  return { kind: 'user', name: user.name, record: { formatVersion: 1, userId: user.userId, status: user.status, tags: toPairs(user.tags), ...common(user) } };
}

export function decodeUser(entity: IamEntity): User {
  const r = recordOf(entity, 1);
  return { ...decodeCommon(entity, r), userId: str(entity, r, 'userId'), status: oneOf(entity, r, 'status', STATUSES), tags: pairs(entity, r, 'tags') };
}

export function encodeGroup(group: Group): IamEntity {
  return { kind: 'group', name: group.name, record: { formatVersion: 1, groupId: group.groupId, status: group.status, ...common(group) } };
}

export function decodeGroup(entity: IamEntity): Group {
  const r = recordOf(entity, 1);
  return { ...decodeCommon(entity, r), groupId: str(entity, r, 'groupId'), status: oneOf(entity, r, 'status', STATUSES) };
}

export function encodeRole(role: Role): IamEntity {
  const { roleId, description, trustPolicy, maxSessionDurationSeconds } = role;
  const record = { formatVersion: 1, roleId, ...(description === undefined ? {} : { description }), trustPolicy, maxSessionDurationSeconds, tags: toPairs(role.tags), ...common(role) };
  return { kind: 'role', name: role.name, record };
}

export function decodeRole(entity: IamEntity): Role {
  const r = recordOf(entity, 1);
  return {
    ...decodeCommon(entity, r),
    roleId: str(entity, r, 'roleId'),
    description: optStr(entity, r, 'description'),
    trustPolicy: str(entity, r, 'trustPolicy'),
    maxSessionDurationSeconds: num(entity, r, 'maxSessionDurationSeconds'),
    tags: pairs(entity, r, 'tags'),
  };
}

export function encodePolicy(policy: ManagedPolicy): IamEntity {
  const { policyId, path, description, defaultVersionId, nextVersion } = policy;
  const versions = policy.versions.map((v) => ({ versionId: v.versionId, document: v.document, createdAt: v.createdAt.toISOString() }));
  const times = { createdAt: policy.createdAt.toISOString(), updatedAt: policy.updatedAt.toISOString() };
  const record = { formatVersion: 1, displayName: policy.name, policyId, path, ...(description === undefined ? {} : { description }), defaultVersionId, nextVersion, versions, ...times };
  return { kind: 'policy', name: policy.name, record };
}

export function decodePolicy(entity: IamEntity): ManagedPolicy {
  const r = recordOf(entity, 1);
  const rawVersions = r.versions;
  if (!Array.isArray(rawVersions) || rawVersions.some((v) => typeof v !== 'object' || v === null)) throw corrupt(entity, 'versions');
  const versions = (rawVersions as Array<Record<string, unknown>>).map((v) => ({
    versionId: str(entity, v, 'versionId'),
    document: str(entity, v, 'document'),
    createdAt: date(entity, v, 'createdAt'),
  }));
  return {
    name: optStr(entity, r, 'displayName') ?? entity.name,
    policyId: str(entity, r, 'policyId'),
    path: str(entity, r, 'path'),
    description: optStr(entity, r, 'description'),
    defaultVersionId: str(entity, r, 'defaultVersionId'),
    nextVersion: num(entity, r, 'nextVersion'),
    versions,
    createdAt: date(entity, r, 'createdAt'),
    updatedAt: date(entity, r, 'updatedAt'),
  };
}
