/**
 * The identity service's public contract: users, groups, managed and inline policies, roles,
 * access keys and STS sessions, plus the two request-path views (credential lookup, policy
 * source). Protocol layers (admin API, IAM query API, STS, console) call these methods after
 * they have authorized the caller; the service validates input, enforces invariants (names,
 * limits, "policy in use", cascades on delete) and keeps secrets sealed at rest.
 * Errors are AppError: NoSuchEntity, EntityAlreadyExists, DeleteConflict, LimitExceeded,
 * MalformedPolicyDocument (message names statement and field), InvalidInput.
 * Names of users, groups, roles and managed policies are unique case-insensitively and found by
 * any case (AWS); results carry the name as first written; lists are in case-insensitive order.
 * Access key ids stay case-sensitive.
 */
import type { Secret } from '../../core/index.js';
import type { PolicySource } from '../../iam/authorizer/index.js';
import type { CredentialStore, Principal } from '../../iam/credentials/index.js';
import type { ExternalIdentity } from '../../iam/identity/index.js';
import type { FederatedRef } from './records-credentials.js';

export type EntityStatus = 'enabled' | 'disabled';

/** Who a policy is attached to / an inline policy belongs to. */
export interface PolicyTarget {
  type: 'user' | 'group' | 'role';
  name: string;
}

export interface Page<T> {
  items: T[];
  /** Pass back as `marker` for the next page; undefined when this is the last page. */
  marker?: string | undefined;
}

export interface ListOptions {
  /** IAM path prefix filter, e.g. '/engineering/'. */
  pathPrefix?: string | undefined;
  marker?: string | undefined;
  /** 1–1000, default 100. */
  maxItems?: number | undefined;
}

export interface UserInfo {
  name: string;
  /** AIDA… unique id (aws:userid). */
  userId: string;
  arn: string;
  path: string;
  status: EntityStatus;
  tags: Record<string, string>;
  createdAt: Date;
  updatedAt: Date;
  groups: string[];
  attachedPolicies: string[];
  inlinePolicies: string[];
}

export interface GroupInfo {
  name: string;
  /** AGPA… */
  groupId: string;
  arn: string;
  path: string;
  status: EntityStatus;
  createdAt: Date;
  members: string[];
  attachedPolicies: string[];
  inlinePolicies: string[];
}

export interface PolicyVersionInfo {
  versionId: string;
  isDefault: boolean;
  createdAt: Date;
  /** Normalised JSON text. */
  document: string;
}

export interface ManagedPolicyInfo {
  name: string;
  /** ANPA… */
  policyId: string;
  /** arn:aws:iam::000000000000:policy/PATH/NAME (built-ins too). */
  arn: string;
  path: string;
  description?: string | undefined;
  builtIn: boolean;
  defaultVersionId: string;
  /** The default version's normalised JSON. */
  document: string;
  attachmentCount: number;
  createdAt: Date;
  updatedAt: Date;
}

export interface AccessKeyInfo {
  accessKeyId: string;
  /** 'root', or the owning user's name. */
  owner: string;
  status: 'Active' | 'Inactive';
  name?: string | undefined;
  description?: string | undefined;
  expiresAt?: Date | undefined;
  /** The key's inline (narrowing) policy, normalised JSON; undefined = inherits the owner's. */
  policy?: string | undefined;
  createdAt: Date;
}

export interface NewAccessKey extends AccessKeyInfo {
  secretAccessKey: Secret<string>;
}

export interface RoleInfo {
  name: string;
  /** AROA… */
  roleId: string;
  arn: string;
  path: string;
  description?: string | undefined;
  /** Normalised trust policy JSON. */
  trustPolicy: string;
  maxSessionDurationSeconds: number;
  tags: Record<string, string>;
  createdAt: Date;
  attachedPolicies: string[];
  inlinePolicies: string[];
}

export interface SessionCredentials {
  accessKeyId: string;
  secretAccessKey: Secret<string>;
  sessionToken: Secret<string>;
  expiration: Date;
  /** For role sessions: arn:aws:sts::000000000000:assumed-role/ROLE/SESSION and AROA…:SESSION. */
  assumedRoleArn?: string | undefined;
  assumedRoleId?: string | undefined;
  /** Bytes the session policy used, as a percentage of the allowed size (STS PackedPolicySize). */
  packedPolicySize?: number | undefined;
}

export interface AssumeRoleInput {
  /** Role to assume; undefined = a session of the calling user itself (MinIO-style AssumeRole). */
  roleArn?: string | undefined;
  roleSessionName?: string | undefined;
  /** 900 s – the role's max session duration (default 1 h; user sessions: the configured max). */
  durationSeconds?: number | undefined;
  /** Session policy JSON (≤ 2048 bytes normalised); only narrows. */
  policy?: string | undefined;
}

/** STS for a federated identity (AssumeRoleWithLDAPIdentity / WebIdentity / ClientGrants). */
export interface FederatedSessionInput {
  /** The STS action, as the role's trust policy sees it. */
  action: 'sts:AssumeRoleWithLDAPIdentity' | 'sts:AssumeRoleWithWebIdentity' | 'sts:AssumeRoleWithClientGrants' | 'sts:AssumeRoleWithCertificate';
  /** The ARN of an IAM role whose trust policy names the provider (OpenID only). */
  roleArn?: string | undefined;
  roleSessionName?: string | undefined;
  /** The provider's issuer URL, for a role's trust policy (OpenID only). */
  issuer?: string | undefined;
  durationSeconds?: number | undefined;
  /** A provider's own cap on session length, in seconds. */
  maxSeconds?: number | undefined;
  policy?: string | undefined;
}

/** A long-term access key for a federated (LDAP) user. */
export interface FederatedKeyInput {
  name?: string;
  description?: string;
  expiresAt?: Date;
  /** Inline narrowing policy JSON. */
  policy?: string;
}

/** A mapping of policies to an LDAP user or group DN (normalised). */
export interface IdpPolicyMapping {
  type: 'user' | 'group';
  dn: string;
  policies: string[];
}

/** Entity counts of the account (GetAccountSummary). Local managed policies only. */
export interface AccountSummary {
  users: number;
  groups: number;
  roles: number;
  policies: number;
  /** Versions of the local managed policies. */
  policyVersionsInUse: number;
}

export interface IdentityService {
  // users
  /** `secretKey` (MinIO `admin user add NAME SECRET`): also creates a login access key whose id is the user name. */
  createUser(input: { name: string; path?: string; tags?: Record<string, string>; secretKey?: Secret<string> }): Promise<UserInfo>;
  getUser(name: string): Promise<UserInfo>;
  listUsers(options?: ListOptions): Promise<Page<UserInfo>>;
  setUserStatus(name: string, status: EntityStatus): Promise<void>;
  tagUser(name: string, tags: Record<string, string>): Promise<void>;
  untagUser(name: string, keys: string[]): Promise<void>;
  /** Removes the user's access keys, sessions, memberships, attachments and inline policies too. */
  deleteUser(name: string): Promise<void>;

  // groups
  createGroup(input: { name: string; path?: string }): Promise<GroupInfo>;
  getGroup(name: string): Promise<GroupInfo>;
  listGroups(options?: ListOptions): Promise<Page<GroupInfo>>;
  setGroupStatus(name: string, status: EntityStatus): Promise<void>;
  /** DeleteConflict while it has members or attached/inline policies, unless `force`. */
  deleteGroup(name: string, options?: { force?: boolean }): Promise<void>;
  addUserToGroup(group: string, user: string): Promise<void>;
  removeUserFromGroup(group: string, user: string): Promise<void>;

  // managed policies (built-ins: readonly, readwrite, writeonly, diagnostics, consoleAdmin, and the
  // AWS managed AmazonS3FullAccess, AmazonS3ReadOnlyAccess, IAMFullAccess, IAMReadOnlyAccess —
  // these by arn:aws:iam::aws:policy/NAME)
  createPolicy(input: { name: string; document: string; description?: string; path?: string }): Promise<ManagedPolicyInfo>;
  /** By name or by ARN. */
  getPolicy(nameOrArn: string): Promise<ManagedPolicyInfo>;
  listPolicies(options?: ListOptions & { scope?: 'All' | 'BuiltIn' | 'Local'; onlyAttached?: boolean }): Promise<Page<ManagedPolicyInfo>>;
  /** DeleteConflict while attached anywhere. Built-ins cannot be deleted. */
  deletePolicy(nameOrArn: string): Promise<void>;
  /** At most 5 versions (LimitExceeded). */
  createPolicyVersion(nameOrArn: string, document: string, setAsDefault: boolean): Promise<PolicyVersionInfo>;
  getPolicyVersion(nameOrArn: string, versionId: string): Promise<PolicyVersionInfo>;
  listPolicyVersions(nameOrArn: string): Promise<PolicyVersionInfo[]>;
  /** DeleteConflict for the default version. */
  deletePolicyVersion(nameOrArn: string, versionId: string): Promise<void>;
  setDefaultPolicyVersion(nameOrArn: string, versionId: string): Promise<void>;
  attachPolicy(target: PolicyTarget, nameOrArn: string): Promise<void>;
  detachPolicy(target: PolicyTarget, nameOrArn: string): Promise<void>;
  listAttachedPolicies(target: PolicyTarget): Promise<ManagedPolicyInfo[]>;
  listPolicyEntities(nameOrArn: string): Promise<PolicyTarget[]>;
  putInlinePolicy(target: PolicyTarget, policyName: string, document: string): Promise<void>;
  getInlinePolicy(target: PolicyTarget, policyName: string): Promise<string>;
  deleteInlinePolicy(target: PolicyTarget, policyName: string): Promise<void>;
  listInlinePolicies(target: PolicyTarget): Promise<string[]>;

  // access keys
  createAccessKey(input: {
    /** 'root' or a user name. */
    owner: string;
    accessKeyId?: string;
    secretKey?: Secret<string>;
    name?: string;
    description?: string;
    expiresAt?: Date;
    /** Inline narrowing policy JSON (≤ 4096 bytes normalised). */
    policy?: string;
  }): Promise<NewAccessKey>;
  getAccessKey(accessKeyId: string): Promise<AccessKeyInfo>;
  /** 'root' or a user name. */
  listAccessKeys(owner: string): Promise<AccessKeyInfo[]>;
  /** `policy: null` removes the inline policy (the key inherits again). */
  updateAccessKey(
    accessKeyId: string,
    update: { status?: 'Active' | 'Inactive'; name?: string; description?: string; expiresAt?: Date | null; policy?: string | null; secretKey?: Secret<string> },
  ): Promise<AccessKeyInfo>;
  deleteAccessKey(accessKeyId: string): Promise<void>;

  // roles
  createRole(input: { name: string; path?: string; trustPolicy: string; description?: string; maxSessionDurationSeconds?: number; tags?: Record<string, string> }): Promise<RoleInfo>;
  getRole(name: string): Promise<RoleInfo>;
  listRoles(options?: ListOptions): Promise<Page<RoleInfo>>;
  updateRole(name: string, update: { description?: string; maxSessionDurationSeconds?: number }): Promise<void>;
  updateAssumeRolePolicy(name: string, trustPolicy: string): Promise<void>;
  /** DeleteConflict while policies are attached or inline. */
  deleteRole(name: string): Promise<void>;

  // STS
  /**
   * Issues temporary credentials. The caller was already allowed `sts:AssumeRole` on the role by
   * its identity policies (protocol layer); this checks the role's trust policy names the caller,
   * that the caller is a long-term user or root (never a session), the duration and the session
   * policy. AccessDenied otherwise.
   */
  assumeRole(caller: Principal, input: AssumeRoleInput): Promise<SessionCredentials>;
  /**
   * STS GetSessionToken: a session of the calling long-term user (or root) — assumeRole without
   * a role. DurationSeconds 900–129600 (default 43200), capped at the configured STS maximum.
   */
  getSessionToken(caller: Principal, input: { durationSeconds?: number | undefined }): Promise<SessionCredentials>;
  /**
   * Whether the role's trust policy allows the caller by its own ARN (a same-account grant that,
   * as in AWS, needs no identity-policy Allow for sts:AssumeRole). False for unknown roles.
   */
  trustPolicyNamesCaller(caller: Principal, roleArn: string): Promise<boolean>;
  /** Revokes sessions before expiry; returns how many. */
  revokeSessions(filter: { user?: string; role?: string; accessKeyId?: string }): Promise<number>;
  /**
   * Issues temporary credentials to a federated identity (verified by iam/identity). AccessDenied
   * when it has no policy (no role) or the role's trust policy does not allow it.
   */
  assumeRoleFederated(identity: ExternalIdentity, input: FederatedSessionInput): Promise<SessionCredentials>;
  /** The live sessions of one provider ('ldap', 'openid:NAME'), for the directory sync. */
  listFederatedSessions(provider: string): Promise<Array<{ accessKeyId: string; federated: FederatedRef }>>;
  /** Revokes every session and access key of one federated subject; returns how many. */
  revokeFederatedSessions(provider: string, subject: string): Promise<number>;
  /** Stores a subject's current groups in its sessions and access keys; returns how many changed. */
  updateFederatedGroups(provider: string, subject: string, groups: string[]): Promise<number>;
  /** Every subject of a provider holding a session or an access key (the directory sync's work list). */
  listFederatedSubjects(provider: string): Promise<string[]>;
  /** A long-term access key for a federated user the directory has just described. */
  createFederatedAccessKey(identity: ExternalIdentity, input: FederatedKeyInput): Promise<NewAccessKey>;

  // LDAP DN policy mappings (DNs normalised by the caller)
  attachIdpPolicy(type: 'user' | 'group', dn: string, nameOrArn: string): Promise<void>;
  detachIdpPolicy(type: 'user' | 'group', dn: string, nameOrArn: string): Promise<void>;
  listIdpPolicies(): Promise<IdpPolicyMapping[]>;

  /** Entity counts for GetAccountSummary. */
  accountSummary(): Promise<AccountSummary>;

  // the request path
  readonly credentials: CredentialStore;
  readonly policies: PolicySource;
}
