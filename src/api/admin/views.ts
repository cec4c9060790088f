/**
 * JSON shapes of the admin API (documented in docs/admin-api.md, mirrored by client/types.ts).
 * Dates are RFC 3339 strings; policy documents are JSON objects. Secrets appear only in
 * `newAccessKeyView`, the one-time answer to creating a key.
 */
import type { AccessKeyInfo, GroupInfo, ManagedPolicyInfo, NewAccessKey, Page, RoleInfo, UserInfo } from '../../services/index.js';

const iso = (date: Date | undefined): string | undefined => date?.toISOString();
const document = (text: string | undefined): unknown => (text === undefined ? undefined : JSON.parse(text));

export function userView(user: UserInfo): Record<string, unknown> {
  return {
    name: user.name,
    userId: user.userId,
    arn: user.arn,
    path: user.path,
    status: user.status,
    tags: user.tags,
    createdAt: iso(user.createdAt),
    updatedAt: iso(user.updatedAt),
    groups: user.groups,
    attachedPolicies: user.attachedPolicies,
    inlinePolicies: user.inlinePolicies,
  };
}

export function groupView(group: GroupInfo): Record<string, unknown> {
  return {
    name: group.name,
    groupId: group.groupId,
    arn: group.arn,
    path: group.path,
    status: group.status,
    createdAt: iso(group.createdAt),
    members: group.members,
    attachedPolicies: group.attachedPolicies,
    inlinePolicies: group.inlinePolicies,
  };
}

export function policyView(policy: ManagedPolicyInfo): Record<string, unknown> {
  return {
    name: policy.name,
    policyId: policy.policyId,
    arn: policy.arn,
    path: policy.path,
    description: policy.description,
    builtIn: policy.builtIn,
    defaultVersionId: policy.defaultVersionId,
    document: document(policy.document),
    attachmentCount: policy.attachmentCount,
    createdAt: iso(policy.createdAt),
    updatedAt: iso(policy.updatedAt),
  };
}

export function accessKeyView(key: AccessKeyInfo): Record<string, unknown> {
  return {
    accessKeyId: key.accessKeyId,
    owner: key.owner,
    status: key.status,
    name: key.name,
    description: key.description,
    expiresAt: iso(key.expiresAt),
    policy: document(key.policy),
    createdAt: iso(key.createdAt),
  };
}

/** The only view that reveals a secret: returned once, to the caller that created the key. */
export function newAccessKeyView(key: NewAccessKey): Record<string, unknown> {
  return { ...accessKeyView(key), secretAccessKey: key.secretAccessKey.reveal() };
}

export function roleView(role: RoleInfo): Record<string, unknown> {
  return {
    name: role.name,
    roleId: role.roleId,
    arn: role.arn,
    path: role.path,
    description: role.description,
    trustPolicy: document(role.trustPolicy),
    maxSessionDurationSeconds: role.maxSessionDurationSeconds,
    tags: role.tags,
    createdAt: iso(role.createdAt),
    attachedPolicies: role.attachedPolicies,
    inlinePolicies: role.inlinePolicies,
  };
}

export function pageView<T>(page: Page<T>, view: (item: T) => Record<string, unknown>): Record<string, unknown> {
  return { items: page.items.map(view), marker: page.marker };
}
