/**
 * IdentityService over the IAM document store (MetadataStore.iam). Each area lives in its own
 * module (users, groups, policies, attachments, access-keys, roles, sessions); the request path
 * is credential-lookup.ts and policy-source.ts over one shared resolver and cache.
 * Construction: app/ passes the store, the secret sealer (local key file, later a KMS), the
 * clock, the root credentials and the IAM settings, and where bucket policies come from.
 */
import type { Secret } from '../../core/index.js';
import type { CredentialStore, Principal } from '../../iam/credentials/index.js';
import type { PolicySource } from '../../iam/authorizer/index.js';
import { AccessKeys } from './access-keys.js';
import { Attachments } from './attachments.js';
import { IamContext, type IamContextDeps } from './context.js';
import { IamCredentialStore } from './credential-lookup.js';
import { EffectivePolicies } from './effective-policies.js';
import { Groups } from './groups.js';
import { Links } from './links.js';
import { builtInNamed, Policies } from './policies.js';
import { StoredPolicies } from './policy-docs.js';
import { IamPolicySource } from './policy-source.js';
import { PrincipalFactory } from './principals.js';
import { CredentialResolver } from './resolver.js';
import { Roles } from './roles.js';
import { Sessions } from './sessions.js';
import { FederatedSessions } from './federated-sessions.js';
import { IdpMappings } from './idp-mappings.js';
import { accountSummary } from './summary.js';
import type { AssumeRoleInput, EntityStatus, IdentityService, ListOptions, PolicyTarget } from './types.js';
import { Users } from './users.js';

export interface IdentityServiceDeps extends Omit<IamContextDeps, 'rootAccessKeyId'> {
  root: { accessKeyId: string; secretKey: Secret<string> };
}

type Svc = IdentityService;

export class IamIdentityService implements IdentityService {
  readonly credentials: CredentialStore;
  readonly policies: PolicySource;
  readonly #users: Users;
  readonly #groups: Groups;
  readonly #policies: Policies;
  readonly #attachments: Attachments;
  readonly #keys: AccessKeys;
  readonly #roles: Roles;
  readonly #sessions: Sessions;
  readonly #federated: FederatedSessions;
  readonly #idp: IdpMappings;
  readonly #ctx: IamContext;

  constructor(deps: IdentityServiceDeps) {
    const ctx = new IamContext({ ...deps, rootAccessKeyId: deps.root.accessKeyId });
    this.#ctx = ctx;
    const links = new Links(ctx, builtInNamed);
    const stored = new StoredPolicies();
    const resolver = new CredentialResolver(ctx, new PrincipalFactory(deps.root.accessKeyId));
    this.#keys = new AccessKeys(ctx);
    this.#users = new Users(ctx, links, this.#keys);
    this.#groups = new Groups(ctx, links, this.#users);
    this.#policies = new Policies(ctx, links);
    this.#attachments = new Attachments(ctx, links, this.#policies);
    this.#roles = new Roles(ctx, links);
    this.#sessions = new Sessions(ctx, resolver);
    this.#federated = new FederatedSessions(ctx, this.#keys);
    this.#idp = new IdpMappings(ctx, this.#policies);
    this.credentials = new IamCredentialStore(ctx, resolver, deps.root.secretKey);
    this.policies = new IamPolicySource(ctx, resolver, new EffectivePolicies(ctx, stored), stored);
  }

  /** Deletes sessions that expired before `now`; for the periodic sweep. Returns how many. */
  pruneExpired(now?: Date): Promise<number> {
    return this.#sessions.prune(now);
  }

  // users
  createUser: Svc['createUser'] = async (input) => this.#users.create(input);
  getUser: Svc['getUser'] = async (name) => this.#users.get(name);
  listUsers = async (options?: ListOptions) => this.#users.list(options);
  setUserStatus = async (name: string, status: EntityStatus) => this.#users.setStatus(name, status);
  tagUser: Svc['tagUser'] = async (name, tags) => this.#users.tag(name, tags);
  untagUser: Svc['untagUser'] = async (name, keys) => this.#users.untag(name, keys);
  deleteUser: Svc['deleteUser'] = async (name) => this.#users.delete(name);

  // groups
  createGroup: Svc['createGroup'] = async (input) => this.#groups.create(input);
  getGroup: Svc['getGroup'] = async (name) => this.#groups.get(name);
  listGroups = async (options?: ListOptions) => this.#groups.list(options);
  setGroupStatus = async (name: string, status: EntityStatus) => this.#groups.setStatus(name, status);
  deleteGroup: Svc['deleteGroup'] = async (name, options) => this.#groups.delete(name, options);
  addUserToGroup: Svc['addUserToGroup'] = async (group, user) => this.#groups.addUser(group, user);
  removeUserFromGroup: Svc['removeUserFromGroup'] = async (group, user) => this.#groups.removeUser(group, user);

  // managed policies
  createPolicy: Svc['createPolicy'] = async (input) => this.#policies.create(input);
  getPolicy: Svc['getPolicy'] = async (ref) => this.#policies.get(ref);
  listPolicies: Svc['listPolicies'] = async (options) => this.#policies.list(options);
  deletePolicy: Svc['deletePolicy'] = async (ref) => this.#policies.delete(ref);
  createPolicyVersion: Svc['createPolicyVersion'] = async (ref, document, setAsDefault) => this.#policies.createVersion(ref, document, setAsDefault);
  getPolicyVersion: Svc['getPolicyVersion'] = async (ref, versionId) => this.#policies.getVersion(ref, versionId);
  listPolicyVersions: Svc['listPolicyVersions'] = async (ref) => this.#policies.listVersions(ref);
  deletePolicyVersion: Svc['deletePolicyVersion'] = async (ref, versionId) => this.#policies.deleteVersion(ref, versionId);
  setDefaultPolicyVersion: Svc['setDefaultPolicyVersion'] = async (ref, versionId) => this.#policies.setDefaultVersion(ref, versionId);
  attachPolicy = async (target: PolicyTarget, ref: string) => this.#attachments.attach(target, ref);
  detachPolicy = async (target: PolicyTarget, ref: string) => this.#attachments.detach(target, ref);
  listAttachedPolicies = async (target: PolicyTarget) => this.#attachments.listAttached(target);
  listPolicyEntities: Svc['listPolicyEntities'] = async (ref) => this.#attachments.listEntities(ref);
  putInlinePolicy = async (target: PolicyTarget, name: string, document: string) => this.#attachments.putInline(target, name, document);
  getInlinePolicy = async (target: PolicyTarget, name: string) => this.#attachments.getInline(target, name);
  deleteInlinePolicy = async (target: PolicyTarget, name: string) => this.#attachments.deleteInline(target, name);
  listInlinePolicies = async (target: PolicyTarget) => this.#attachments.listInline(target);

  // access keys
  createAccessKey: Svc['createAccessKey'] = async (input) => this.#keys.create(input);
  getAccessKey: Svc['getAccessKey'] = async (id) => this.#keys.get(id);
  listAccessKeys: Svc['listAccessKeys'] = async (owner) => this.#keys.list(owner);
  updateAccessKey: Svc['updateAccessKey'] = async (id, update) => this.#keys.update(id, update);
  deleteAccessKey: Svc['deleteAccessKey'] = async (id) => this.#keys.delete(id);

  // roles
  createRole: Svc['createRole'] = async (input) => this.#roles.create(input);
  getRole: Svc['getRole'] = async (name) => this.#roles.get(name);
  listRoles = async (options?: ListOptions) => this.#roles.list(options);
  updateRole: Svc['updateRole'] = async (name, update) => this.#roles.update(name, update);
  updateAssumeRolePolicy: Svc['updateAssumeRolePolicy'] = async (name, trustPolicy) => this.#roles.updateTrustPolicy(name, trustPolicy);
  deleteRole: Svc['deleteRole'] = async (name) => this.#roles.delete(name);

  // STS
  assumeRole = async (caller: Principal, input: AssumeRoleInput) => this.#sessions.assumeRole(caller, input);
  trustPolicyNamesCaller = async (caller: Principal, roleArn: string) => this.#sessions.trustNamesCaller(caller, roleArn);
  getSessionToken: Svc['getSessionToken'] = async (caller, input) => this.#sessions.getSessionToken(caller, input);
  revokeSessions: Svc['revokeSessions'] = async (filter) => this.#sessions.revoke(filter);
  assumeRoleFederated: Svc['assumeRoleFederated'] = async (identity, input) => this.#federated.issue(identity, input);
  listFederatedSessions: Svc['listFederatedSessions'] = async (provider) => this.#federated.list(provider);
  revokeFederatedSessions: Svc['revokeFederatedSessions'] = async (provider, subject) => this.#federated.revoke(provider, subject);
  updateFederatedGroups: Svc['updateFederatedGroups'] = async (provider, subject, groups) => this.#federated.updateGroups(provider, subject, groups);
  listFederatedSubjects: Svc['listFederatedSubjects'] = async (provider) => this.#federated.subjects(provider);
  createFederatedAccessKey: Svc['createFederatedAccessKey'] = async (identity, input) => this.#federated.createKey(identity, input);

  // LDAP DN policy mappings
  attachIdpPolicy: Svc['attachIdpPolicy'] = async (type, dn, ref) => this.#idp.attach(type, dn, ref);
  detachIdpPolicy: Svc['detachIdpPolicy'] = async (type, dn, ref) => this.#idp.detach(type, dn, ref);
  listIdpPolicies: Svc['listIdpPolicies'] = async () => this.#idp.list();

  accountSummary: Svc['accountSummary'] = async () => accountSummary(this.#ctx);
}
