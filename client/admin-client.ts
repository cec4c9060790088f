/** Typed client of Coffer's admin API: one method per endpoint (docs/admin-api.md). */
import type { Credentials } from './sigv4.js';
import { send, type Call, type TransportOptions } from './transport.js';
import type {
  AccessKey,
  CreateAccessKeyInput,
  CreateRoleInput,
  CreateUserInput,
  EntityStatus,
  Explanation,
  ExplainInput,
  Group,
  KmsCreatedKey,
  KmsImportedKey,
  KmsKeyList,
  KmsRotateInput,
  KmsRotationStatus,
  KmsStatus,
  IdpStatus,
  LdapPolicyMappings,
  LdapSyncResult,
  ListOptions,
  NewAccessKey,
  Page,
  Policy,
  PolicyEntities,
  PolicyTarget,
  Role,
  ServerInfo,
  UpdateAccessKeyInput,
  User,
} from './types.js';

export interface AdminClientOptions {
  /** e.g. http://127.0.0.1:9000 */
  endpoint: string;
  credentials: Credentials;
  /** The server's region (the SigV4 scope); default us-east-1. */
  region?: string;
  timeoutMs?: number;
  ca?: string | Buffer;
  /** Skip TLS certificate verification. For tests against self-signed servers only. */
  insecure?: boolean;
}

function listQuery(options: object = {}): Array<[string, string]> {
  return Object.entries(options as Record<string, unknown>)
    .filter(([, v]) => v !== undefined && v !== null)
    .map(([k, v]) => [k, String(v)]);
}

export class AdminClient {
  readonly #transport: TransportOptions;

  constructor(options: AdminClientOptions) {
    this.#transport = {
      endpoint: options.endpoint,
      region: options.region ?? 'us-east-1',
      credentials: options.credentials,
      timeoutMs: options.timeoutMs ?? 30_000,
      ca: options.ca,
      insecure: options.insecure,
    };
  }

  async #call<T>(call: Call): Promise<T> {
    return (await send(this.#transport, call)) as T;
  }

  serverInfo(): Promise<ServerInfo> {
    return this.#call({ method: 'GET', segments: ['info'] });
  }

  // users
  createUser(input: CreateUserInput): Promise<User> {
    return this.#call({ method: 'POST', segments: ['users'], body: input });
  }
  listUsers(options?: ListOptions): Promise<Page<User>> {
    return this.#call({ method: 'GET', segments: ['users'], query: listQuery(options) });
  }
  getUser(name: string): Promise<User> {
    return this.#call({ method: 'GET', segments: ['users', name] });
  }
  setUserStatus(name: string, status: EntityStatus): Promise<void> {
    return this.#call({ method: 'PUT', segments: ['users', name, 'status'], body: { status } });
  }
  /** Sets the secret of the user's login key (whose access key id is the user name). */
  setUserSecret(name: string, secretKey: string): Promise<void> {
    return this.#call({ method: 'PUT', segments: ['users', name, 'secret'], body: { secretKey } });
  }
  deleteUser(name: string): Promise<void> {
    return this.#call({ method: 'DELETE', segments: ['users', name] });
  }

  // groups
  createGroup(input: { name: string; path?: string; members?: string[] }): Promise<Group> {
    return this.#call({ method: 'POST', segments: ['groups'], body: input });
  }
  listGroups(options?: ListOptions): Promise<Page<Group>> {
    return this.#call({ method: 'GET', segments: ['groups'], query: listQuery(options) });
  }
  getGroup(name: string): Promise<Group> {
    return this.#call({ method: 'GET', segments: ['groups', name] });
  }
  addGroupMembers(name: string, users: string[]): Promise<Group> {
    return this.#call({ method: 'POST', segments: ['groups', name, 'members'], body: { users } });
  }
  removeGroupMember(name: string, user: string): Promise<void> {
    return this.#call({ method: 'DELETE', segments: ['groups', name, 'members', user] });
  }
  setGroupStatus(name: string, status: EntityStatus): Promise<void> {
    return this.#call({ method: 'PUT', segments: ['groups', name, 'status'], body: { status } });
  }
  deleteGroup(name: string, options: { force?: boolean } = {}): Promise<void> {
    return this.#call({ method: 'DELETE', segments: ['groups', name], query: options.force ? [['force', 'true']] : [] });
  }

  // policies
  /** `document` is the policy's JSON text, sent as is. */
  createPolicy(input: { name: string; document: string; description?: string; path?: string }): Promise<Policy> {
    return this.#call({ method: 'POST', segments: ['policies'], body: input });
  }
  listPolicies(options?: ListOptions & { scope?: 'All' | 'BuiltIn' | 'Local'; onlyAttached?: boolean }): Promise<Page<Policy>> {
    return this.#call({ method: 'GET', segments: ['policies'], query: listQuery(options) });
  }
  getPolicy(name: string): Promise<Policy> {
    return this.#call({ method: 'GET', segments: ['policies', name] });
  }
  deletePolicy(name: string): Promise<void> {
    return this.#call({ method: 'DELETE', segments: ['policies', name] });
  }
  attachPolicy(name: string, target: PolicyTarget): Promise<void> {
    return this.#call({ method: 'POST', segments: ['policies', name, 'attach'], body: target });
  }
  detachPolicy(name: string, target: PolicyTarget): Promise<void> {
    return this.#call({ method: 'POST', segments: ['policies', name, 'detach'], body: target });
  }
  policyEntities(name: string): Promise<PolicyEntities> {
    return this.#call({ method: 'GET', segments: ['policies', name, 'entities'] });
  }
  explain(input: ExplainInput): Promise<Explanation> {
    return this.#call({ method: 'POST', segments: ['policies', 'explain'], body: input });
  }

  // access keys
  createAccessKey(input: CreateAccessKeyInput = {}): Promise<NewAccessKey> {
    return this.#call({ method: 'POST', segments: ['access-keys'], body: input });
  }
  listAccessKeys(options: { user?: string } = {}): Promise<{ items: AccessKey[] }> {
    return this.#call({ method: 'GET', segments: ['access-keys'], query: listQuery(options) });
  }
  getAccessKey(accessKeyId: string): Promise<AccessKey> {
    return this.#call({ method: 'GET', segments: ['access-keys', accessKeyId] });
  }
  updateAccessKey(accessKeyId: string, update: UpdateAccessKeyInput): Promise<AccessKey> {
    return this.#call({ method: 'PATCH', segments: ['access-keys', accessKeyId], body: update });
  }
  deleteAccessKey(accessKeyId: string): Promise<void> {
    return this.#call({ method: 'DELETE', segments: ['access-keys', accessKeyId] });
  }

  // roles
  createRole(input: CreateRoleInput): Promise<Role> {
    return this.#call({ method: 'POST', segments: ['roles'], body: input });
  }
  listRoles(options?: ListOptions): Promise<Page<Role>> {
    return this.#call({ method: 'GET', segments: ['roles'], query: listQuery(options) });
  }
  getRole(name: string): Promise<Role> {
    return this.#call({ method: 'GET', segments: ['roles', name] });
  }
  deleteRole(name: string): Promise<void> {
    return this.#call({ method: 'DELETE', segments: ['roles', name] });
  }
  attachRolePolicy(role: string, policy: string): Promise<void> {
    return this.#call({ method: 'POST', segments: ['roles', role, 'policies'], body: { policy } });
  }
  detachRolePolicy(role: string, policy: string): Promise<void> {
    return this.#call({ method: 'DELETE', segments: ['roles', role, 'policies', policy] });
  }

  // KMS (encryption at rest)
  /** Backend, reachability and default key; never credentials. NotImplemented without a KMS. */
  kmsStatus(): Promise<KmsStatus> {
    return this.#call({ method: 'GET', segments: ['kms', 'status'] });
  }
  listKmsKeys(prefix?: string): Promise<KmsKeyList> {
    return this.#call({ method: 'GET', segments: ['kms', 'keys'], query: prefix === undefined || prefix === '' ? [] : [['prefix', prefix]] });
  }
  /** KES or PKCS#11; the static KMS holds one key (NotImplemented). EntityAlreadyExists when present. */
  createKmsKey(name: string): Promise<KmsCreatedKey> {
    return this.#call({ method: 'POST', segments: ['kms', 'keys', name] });
  }
  /** Copies the legacy static key (COFFER_KMS_SECRET_KEY_LEGACY=true) into KES or the PKCS#11 token under its name. */
  importKmsKey(name: string, options: { to: 'kes' | 'pkcs11' }): Promise<KmsImportedKey> {
    return this.#call({ method: 'POST', segments: ['kms', 'keys', name, 'import'], query: [['to', options.to]] });
  }

  /** Starts (or resumes) re-wrapping object keys in the background; answers the job's status. */
  startKmsRotation(input: KmsRotateInput = {}): Promise<KmsRotationStatus> {
    return this.#call({ method: 'POST', segments: ['kms', 'rotate'], body: input });
  }

  kmsRotationStatus(): Promise<KmsRotationStatus> {
    return this.#call({ method: 'GET', segments: ['kms', 'rotate'] });
  }

  // single sign-on (LDAP / OpenID)
  /** Which identity providers the server has (never secrets). */
  idpStatus(): Promise<IdpStatus> {
    return this.#call({ method: 'GET', segments: ['idp', 'status'] });
  }
  listLdapPolicies(): Promise<LdapPolicyMappings> {
    return this.#call({ method: 'GET', segments: ['idp', 'ldap', 'policies'] });
  }
  /** Maps `policy` to an LDAP user DN or group DN. */
  attachLdapPolicy(policy: string, target: { user: string } | { group: string }): Promise<void> {
    return this.#call({ method: 'POST', segments: ['idp', 'ldap', 'policies', 'attach'], body: { policy, ...target } });
  }
  detachLdapPolicy(policy: string, target: { user: string } | { group: string }): Promise<void> {
    return this.#call({ method: 'POST', segments: ['idp', 'ldap', 'policies', 'detach'], body: { policy, ...target } });
  }
  /** A long-term access key for an LDAP user (by DN); the directory check deletes it when the user leaves. */
  createLdapAccessKey(input: { user: string; name?: string; description?: string; expiration?: string; policy?: string }): Promise<NewAccessKey> {
    return this.#call({ method: 'POST', segments: ['idp', 'ldap', 'access-keys'], body: input });
  }
  listLdapAccessKeys(user: string): Promise<{ items: AccessKey[] }> {
    return this.#call({ method: 'GET', segments: ['idp', 'ldap', 'access-keys'], query: [['user', user]] });
  }
  /** Runs the directory check now: revokes the sessions of users who left the directory. */
  syncLdap(): Promise<LdapSyncResult> {
    return this.#call({ method: 'POST', segments: ['idp', 'ldap', 'sync'] });
  }
}
