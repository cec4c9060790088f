/**
 * Single sign-on on the admin API (`coffer admin idp …`):
 *   GET  /idp/status                  admin:ServerInfo              which providers are configured (no secrets)
 *   GET  /idp/ldap/policies           admin:ListUserPolicies        policies mapped to LDAP user/group DNs
 *   POST /idp/ldap/policies/attach    admin:AttachUserOrGroupPolicy { policy, user: DN } or { policy, group: DN }
 *   POST /idp/ldap/policies/detach    admin:AttachUserOrGroupPolicy the same body
 *   POST /idp/ldap/sync               admin:ServerInfo              run the directory check now (revokes leavers)
 *   POST /idp/ldap/access-keys        admin:CreateServiceAccount    { user: DN, name?, description?, expiration?, policy? }
 *   GET  /idp/ldap/access-keys?user=DN admin:ListServiceAccounts    (delete with DELETE /access-keys/{id})
 * Mapping checks name the policy (iam:PolicyARN), so a delegate can be limited to some policies.
 */
import { AppError } from '../../../core/index.js';
import { policyArn } from '../caller.js';
import type { AdminEndpoint } from '../endpoint.js';
import type { AccessKeyInfo, NewAccessKey } from '../../../services/index.js';
import { noBody, objectBody, optStr, optTimestamp, queryParams, str, type Fields } from '../input.js';
import { accessKeyView, newAccessKeyView } from '../views.js';

export interface AdminIdpDeps {
  /** An access key for an LDAP user DN (the directory must know the user). */
  createLdapAccessKey?: ((dn: string, input: { name?: string; description?: string; expiresAt?: Date; policy?: string }) => Promise<NewAccessKey>) | undefined;
  listLdapAccessKeys?: ((dn: string) => Promise<AccessKeyInfo[]>) | undefined;
  status(): { ldap?: { server: string; tls: string; syncIntervalSeconds: number } | undefined; openid: Array<{ name: string; issuer: string; clientId: string; roleArn?: string | undefined; claimName?: string | undefined }> };
  /** Runs the LDAP directory check now; undefined when LDAP is not configured. */
  syncLdap?: (() => Promise<{ subjects: number; revoked: number; updated: number }>) | undefined;
}

const ALL_USERS = 'arn:aws:iam::000000000000:user/*';
const ldapMissing = () => new AppError('NotImplemented', { message: 'LDAP is not configured (set COFFER_IDENTITY_LDAP_SERVER_ADDR).' });

function mappingTarget(fields: Fields): { type: 'user' | 'group'; dn: string } {
  const given = (['user', 'group'] as const).filter((t) => fields[t] !== undefined);
  if (given.length !== 1) throw new AppError('InvalidInput', { message: 'Name exactly one of user (a DN) or group (a DN).' });
  const type = given[0] as 'user' | 'group';
  return { type, dn: str(fields, type, 1024) };
}

function mapping(attach: boolean): AdminEndpoint {
  return {
    name: attach ? 'AttachLdapPolicy' : 'DetachLdapPolicy',
    method: 'POST',
    path: attach ? '/idp/ldap/policies/attach' : '/idp/ldap/policies/detach',
    plan({ body, query }, { identity }) {
      queryParams(query, []);
      const fields = objectBody(body, ['policy', 'user', 'group'], ['policy']);
      const policy = str(fields, 'policy', 2048);
      const target = mappingTarget(fields);
      const conditions = { 'iam:PolicyARN': [policyArn(policy)] };
      return {
        checks: [{ action: 'admin:AttachUserOrGroupPolicy', resource: policyArn(policy), conditions }],
        run: async () => {
          await (attach ? identity.attachIdpPolicy(target.type, target.dn, policy) : identity.detachIdpPolicy(target.type, target.dn, policy));
          return { status: 204 };
        },
      };
    },
  };
}

export function idpEndpoints(deps: AdminIdpDeps): readonly AdminEndpoint[] {
  return [
    { name: 'IdpStatus', method: 'GET', path: '/idp/status', plan({ body, query }) {
      noBody(body);
      queryParams(query, []);
      return { checks: [{ action: 'admin:ServerInfo' }], run: async () => ({ status: 200, body: deps.status() }) };
    } },
    { name: 'ListLdapPolicies', method: 'GET', path: '/idp/ldap/policies', plan({ body, query }, { identity }) {
      noBody(body);
      queryParams(query, []);
      return { checks: [{ action: 'admin:ListUserPolicies', resource: policyArn('*') }], run: async () => ({ status: 200, body: { mappings: await identity.listIdpPolicies() } }) };
    } },
    mapping(true),
    mapping(false),
    { name: 'CreateLdapAccessKey', method: 'POST', path: '/idp/ldap/access-keys', plan({ body, query }) {
      queryParams(query, []);
      const fields = objectBody(body, ['user', 'name', 'description', 'expiration', 'policy'], ['user']);
      const dn = str(fields, 'user', 1024);
      const name = optStr(fields, 'name', 256);
      const description = optStr(fields, 'description', 2048);
      const expiresAt = optTimestamp(fields, 'expiration') ?? undefined;
      const policy = optStr(fields, 'policy', 20 * 1024);
      return { checks: [{ action: 'admin:CreateServiceAccount', resource: ALL_USERS }], run: async () => {
        if (!deps.createLdapAccessKey) throw ldapMissing();
        const key = await deps.createLdapAccessKey(dn, { ...(name === undefined ? {} : { name }), ...(description === undefined ? {} : { description }), ...(expiresAt === undefined ? {} : { expiresAt }), ...(policy === undefined ? {} : { policy }) });
        return { status: 200, body: newAccessKeyView(key) };
      } };
    } },
    { name: 'ListLdapAccessKeys', method: 'GET', path: '/idp/ldap/access-keys', plan({ body, query }) {
      noBody(body);
      const dn = queryParams(query, ['user']).user;
      if (dn === undefined || dn === '') throw new AppError('InvalidInput', { message: 'The query parameter user (a DN) is required.' });
      return { checks: [{ action: 'admin:ListServiceAccounts', resource: ALL_USERS }], run: async () => {
        if (!deps.listLdapAccessKeys) throw ldapMissing();
        return { status: 200, body: { items: (await deps.listLdapAccessKeys(dn)).map(accessKeyView) } };
      } };
    } },
    { name: 'SyncLdap', method: 'POST', path: '/idp/ldap/sync', plan({ body, query }) {
      noBody(body);
      queryParams(query, []);
      return { checks: [{ action: 'admin:ServerInfo' }], run: async () => {
        if (!deps.syncLdap) throw ldapMissing();
        return { status: 200, body: await deps.syncLdap() };
      } };
    } },
  ];
}
