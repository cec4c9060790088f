/**
 * Shared pieces of the IAM actions: resource ARNs for authorization, the caller-implied user
 * (`UserName` omitted), and the XML shapes of users, groups, roles and policies.
 * Authorization ARNs name users, groups and roles without their path (the path of an existing
 * entity is not read before the caller is authorized); policies use the ARN the caller gives.
 * The name `root` never reaches the identity service as a user: it is the service's owner
 * value for root's own keys, so an explicit `UserName=root` is an unknown user.
 */
import { AppError } from '../../../core/index.js';
import { ACCOUNT_ID, type Principal } from '../../../iam/credentials/index.js';
import type { GroupInfo, ManagedPolicyInfo, RoleInfo, UserInfo } from '../../../services/index.js';
import type { XmlNode } from '../../common/index.js';
import type { QueryParams } from '../params.js';
import { encodeDocument, isoDate, tagList } from '../render.js';

export type EntityType = 'user' | 'group' | 'role';

export const ROOT_ARN = `arn:aws:iam::${ACCOUNT_ID}:root`;

export function entityArn(type: EntityType, name: string): string {
  return `arn:aws:iam::${ACCOUNT_ID}:${type}/${name}`;
}

export function policyArnFor(path: string | undefined, name: string): string {
  return `arn:aws:iam::${ACCOUNT_ID}:policy${path ?? '/'}${name}`;
}

/** `PolicyArn`, checked for shape (AWS: "ARN … is not valid."). */
export function policyArnParam(params: QueryParams, name = 'PolicyArn'): string {
  const arn = params.required(name);
  if (arn.length > 2048 || !/^arn:aws:iam::[0-9a-z]*:policy\/\S+$/.test(arn)) {
    throw new AppError('InvalidInput', { message: `ARN ${arn.slice(0, 256)} is not valid.` });
  }
  return arn;
}

function noSuchUser(name: string): AppError {
  return new AppError('NoSuchEntity', { message: `The user with name ${name.slice(0, 128)} cannot be found.` });
}

/** A `UserName` parameter that must name an IAM user. */
export function userNameParam(params: QueryParams, name = 'UserName'): string {
  const user = params.required(name);
  if (user.toLowerCase() === 'root') throw noSuchUser(user);
  return user;
}

export interface KeyOwner {
  /** The identity service's owner value: a user name, or 'root'. */
  owner: string;
  arn: string;
  userName: string | undefined;
}

/** `UserName`, or — when omitted — the user who signed the request, as AWS does. */
export function keyOwner(params: QueryParams, principal: Principal): KeyOwner {
  if (params.string('UserName') !== undefined) {
    const name = userNameParam(params);
    return { owner: name, arn: entityArn('user', name), userName: name };
  }
  if (principal.kind === 'root') return { owner: 'root', arn: ROOT_ARN, userName: undefined };
  if (principal.kind === 'user' && principal.userName !== undefined) {
    return { owner: principal.userName, arn: entityArn('user', principal.userName), userName: principal.userName };
  }
  throw new AppError('InvalidParameterValue', { message: 'Must specify userName when calling with non-User credentials' });
}

export function userXml(user: UserInfo, withTags: boolean): XmlNode {
  const tags = withTags && Object.keys(user.tags).length > 0 ? { Tags: tagList(user.tags) } : {};
  return { Path: user.path, UserName: user.name, UserId: user.userId, Arn: user.arn, CreateDate: isoDate(user.createdAt), ...tags };
}

export function groupXml(group: GroupInfo): XmlNode {
  return { Path: group.path, GroupName: group.name, GroupId: group.groupId, Arn: group.arn, CreateDate: isoDate(group.createdAt) };
}

export function roleXml(role: RoleInfo, withTags: boolean): XmlNode {
  const tags = withTags && Object.keys(role.tags).length > 0 ? { Tags: tagList(role.tags) } : {};
  return {
    Path: role.path,
    RoleName: role.name,
    RoleId: role.roleId,
    Arn: role.arn,
    CreateDate: isoDate(role.createdAt),
    AssumeRolePolicyDocument: encodeDocument(role.trustPolicy),
    Description: role.description,
    MaxSessionDuration: role.maxSessionDurationSeconds,
    ...tags,
    RoleLastUsed: {},
  };
}

export function policyXml(policy: ManagedPolicyInfo): XmlNode {
  return {
    PolicyName: policy.name,
    PolicyId: policy.policyId,
    Arn: policy.arn,
    Path: policy.path,
    DefaultVersionId: policy.defaultVersionId,
    AttachmentCount: policy.attachmentCount,
    PermissionsBoundaryUsageCount: 0,
    IsAttachable: true,
    Description: policy.description,
    CreateDate: isoDate(policy.createdAt),
    UpdateDate: isoDate(policy.updatedAt),
  };
}

export function notSupported(what: string): AppError {
  return new AppError('NotImplemented', { message: `${what} is not supported by Coffer.` });
}
