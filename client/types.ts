/** The admin API's JSON shapes (docs/admin-api.md). Dates are RFC 3339 strings. */

export type EntityStatus = 'enabled' | 'disabled';
export type PolicyDocument = Record<string, unknown>;

export interface Page<T> {
  items: T[];
  /** Pass back as `marker` for the next page; absent on the last page. */
  marker?: string;
}

export interface ListOptions {
  pathPrefix?: string;
  marker?: string;
  maxItems?: number;
}

export interface User {
  name: string;
  userId: string;
  arn: string;
  path: string;
  status: EntityStatus;
  tags: Record<string, string>;
  createdAt: string;
  updatedAt: string;
  groups: string[];
  attachedPolicies: string[];
  inlinePolicies: string[];
}

export interface Group {
  name: string;
  groupId: string;
  arn: string;
  path: string;
  status: EntityStatus;
  createdAt: string;
  members: string[];
  attachedPolicies: string[];
  inlinePolicies: string[];
}

export interface Policy {
  name: string;
  policyId: string;
  arn: string;
  path: string;
  description?: string;
  builtIn: boolean;
  defaultVersionId: string;
  document: PolicyDocument;
  attachmentCount: number;
  createdAt: string;
  updatedAt: string;
}

export interface PolicyEntities {
  policy: string;
  users: string[];
  groups: string[];
  roles: string[];
}

export type PolicyTarget = { user: string } | { group: string } | { role: string };

export interface AccessKey {
  accessKeyId: string;
  /** 'root' or the owning user's name. */
  owner: string;
  status: 'Active' | 'Inactive';
  name?: string;
  description?: string;
  expiresAt?: string;
  /** The key's inline (narrowing) policy; absent: the key has its owner's rights. */
  policy?: PolicyDocument;
  createdAt: string;
}

/** Returned once, by createAccessKey. */
export interface NewAccessKey extends AccessKey {
  secretAccessKey: string;
}

export interface Role {
  name: string;
  roleId: string;
  arn: string;
  path: string;
  description?: string;
  trustPolicy: PolicyDocument;
  maxSessionDurationSeconds: number;
  tags: Record<string, string>;
  createdAt: string;
  attachedPolicies: string[];
  inlinePolicies: string[];
}

export interface Explanation {
  accessKey: string;
  principal: { arn: string; type: 'root' | 'user' | 'assumed-role'; userName?: string; credential: 'root' | 'access-key' | 'session' };
  action: string;
  resource: string;
  decision: 'Allow' | 'Deny' | 'NoDecision';
  allowed: boolean;
  reason?: string;
  statements: Array<{ policy: string; sid?: string; index: number; effect: 'Allow' | 'Deny' }>;
}

export interface ServerInfo {
  version: string;
  region: string;
  uptimeSeconds: number;
  counts: { users: number; groups: number; policies: number; roles: number };
}

export interface CreateUserInput {
  name: string;
  secretKey?: string;
  path?: string;
  tags?: Record<string, string>;
}

export interface CreateAccessKeyInput {
  /** Owner; defaults to the caller. */
  user?: string;
  accessKey?: string;
  secretKey?: string;
  name?: string;
  description?: string;
  /** RFC 3339. */
  expiration?: string;
  /** Inline policy JSON text (narrows the owner's rights). */
  policy?: string;
}

export interface UpdateAccessKeyInput {
  status?: 'Active' | 'Inactive';
  name?: string;
  description?: string;
  /** RFC 3339; null removes the expiry. */
  expiration?: string | null;
  /** Policy JSON text; null removes the inline policy (the key inherits again). */
  policy?: string | null;
  secretKey?: string;
}

export interface CreateRoleInput {
  name: string;
  /** Trust policy JSON text. */
  trustPolicy: string;
  path?: string;
  description?: string;
  maxSessionDurationSeconds?: number;
  tags?: Record<string, string>;
}

export interface ExplainInput {
  accessKey: string;
  action: string;
  resource: string;
  conditions?: Record<string, string | string[]>;
}

/** GET /kms/status. Never carries credentials (API keys, client keys, the static key). */
export interface KmsStatus {
  backend: 'static' | 'kes' | 'pkcs11';
  online: boolean;
  /** The key SSE-S3 (and SSE-KMS without a key id) uses. */
  defaultKeyId: string;
  /** KES with the old static key kept as a fallback (COFFER_KMS_SECRET_KEY_LEGACY): its name. */
  legacyKeyId?: string;
  /** Per KES endpoint. */
  endpoints?: KmsEndpointStatus[];
}

export interface KmsEndpointStatus {
  endpoint: string;
  online: boolean;
  latencyMs?: number;
  error?: string;
}

export interface KmsKeyList {
  keys: string[];
}

export interface KmsCreatedKey {
  key: string;
  created: true;
}

export interface KmsImportedKey {
  key: string;
  importedTo: 'kes' | 'pkcs11';
}

/** POST /kms/rotate: which versions to re-wrap, and under which key (see docs/security/crypto-format.md). */
export interface KmsRotateInput {
  /** Target key for every rotated version; absent: SSE-S3 → the default key, SSE-KMS → its own key. */
  key?: string;
  /** Only versions whose data key came from this KMS key. */
  fromKey?: string;
  bucket?: string;
  prefix?: string;
  /** Continue the last unfinished rotation with its own options (no other field with it). */
  resume?: boolean;
}

/** GET /kms/rotate (and the answer of POST): the key rotation job, store-wide. */
export interface KmsRotationStatus {
  state: 'idle' | 'running' | 'done' | 'failed';
  options: { key?: string; fromKey?: string; bucket?: string; prefix?: string };
  /** Encrypted versions in scope (absent while the job counts them). */
  total?: number;
  processed: number;
  rotated: number;
  skipped: number;
  failed: number;
  skippedBy: { 'sse-c': number; 'other-key': number; changed: number; gone: number };
  /** The first failed versions (at most 20) and why. */
  failures: Array<{ bucket: string; key: string; versionId: string; reason: string }>;
  startedAt?: string;
  updatedAt?: string;
  finishedAt?: string;
  error?: string;
  /** The last version processed; a resumed job continues after it. */
  marker?: { bucket: string; key: string; versionId: string };
}

/** GET /idp/status: the configured identity providers (no secrets). */
export interface IdpStatus {
  ldap?: { server: string; tls: string; syncIntervalSeconds: number };
  openid: Array<{ name: string; issuer: string; clientId: string; roleArn?: string; claimName?: string }>;
}

export interface LdapPolicyMappings {
  mappings: Array<{ type: 'user' | 'group'; dn: string; policies: string[] }>;
}

export interface LdapSyncResult {
  subjects: number;
  revoked: number;
  updated: number;
}
