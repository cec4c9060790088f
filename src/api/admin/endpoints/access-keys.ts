/**
 * Access keys (MinIO service accounts): create, list, get, update, delete.
 * Protects every user's keys from other principals and every key from widening itself:
 *  - creating a key for yourself is deny-only on admin:CreateServiceAccount only for an
 *    unrestricted long-term user credential; for anyone else (targetUser ≠ self) a real Allow
 *    on that user's ARN (CVE-2022-24842). Root-owned keys: only the root key itself.
 *  - a restricted caller (session or narrowing policy) cannot choose the new key's policy: the
 *    key inherits the caller's own narrowing policy, so it is never wider (GHSA-jjjj-jwhf-8rgr).
 *  - every update needs a real Allow on admin:UpdateServiceAccount, even for your own key, and a
 *    restricted caller cannot change any key's policy, secret or expiry (CVE-2024-24747).
 *  - a key named by id is resolved to its owner before authorization (the owner names the
 *    resource). An unknown key, and a root-owned key asked about by a non-root caller, are
 *    authorized against every user (user/*) and then answer NoSuchEntity: a caller allowed only
 *    on some users cannot tell unknown keys from other users' keys.
 * The new secret is answered once (Cache-Control: no-store) and never logged.
 */
import { AppError, isAppError, Secret } from '../../../core/index.js';
import type { Principal } from '../../../iam/credentials/index.js';
import type { AccessKeyInfo, IdentityService } from '../../../services/index.js';
import { ALL_USERS, denied, isRootKey, ownOwner, restrictionsOf, ROOT_ARN, selfServiceMode, userArn } from '../caller.js';
import type { AdminEndpoint } from '../endpoint.js';
import { noBody, objectBody, optNullableStr, optStr, optTimestamp, queryParams, str } from '../input.js';
import { accessKeyView, newAccessKeyView } from '../views.js';

function ownerResource(owner: string, principal: Principal): string {
  if (owner !== 'root') return userArn(owner);
  if (!isRootKey(principal)) throw denied('only the root key manages root-owned access keys');
  return ROOT_ARN;
}

function targetOwner(requested: string | undefined, principal: Principal): string {
  const owner = requested ?? ownOwner(principal);
  if (owner === undefined) throw new AppError('InvalidInput', { message: 'The field user is required for this caller.' });
  return owner;
}

const createAccessKey: AdminEndpoint = {
  name: 'CreateAccessKey',
  method: 'POST',
  path: '/access-keys',
  async plan({ body, query }, { principal, identity }) {
    queryParams(query, []);
    const fields = objectBody(body, ['user', 'accessKey', 'secretKey', 'name', 'description', 'expiration', 'policy']);
    const owner = targetOwner(optStr(fields, 'user', 128), principal);
    const accessKeyId = optStr(fields, 'accessKey', 128);
    const secret = optStr(fields, 'secretKey', 128);
    const name = optStr(fields, 'name', 256);
    const description = optStr(fields, 'description', 2048);
    const expiresAt = optTimestamp(fields, 'expiration') ?? undefined;
    let policy = optStr(fields, 'policy', 20 * 1024);
    const resource = ownerResource(owner, principal);
    const { restricted, narrowing } = await restrictionsOf(identity, principal);
    if (restricted) {
      if (policy !== undefined) throw denied('a restricted credential cannot choose the policy of a new access key');
      if (narrowing.length > 1) throw denied('a credential with several narrowing policies cannot create access keys');
      policy = narrowing[0];
    }
    return {
      checks: [{ action: 'admin:CreateServiceAccount', resource }],
      mode: owner === 'root' ? 'normal' : await selfServiceMode(identity, principal, owner),
      run: async () => {
        const key = await identity.createAccessKey({
          owner,
          ...(accessKeyId === undefined ? {} : { accessKeyId }),
          ...(secret === undefined ? {} : { secretKey: new Secret(secret) }),
          ...(name === undefined ? {} : { name }),
          ...(description === undefined ? {} : { description }),
          ...(expiresAt === undefined ? {} : { expiresAt }),
          ...(policy === undefined ? {} : { policy }),
        });
        return { status: 201, body: newAccessKeyView(key) };
      },
    };
  },
};

const listAccessKeys: AdminEndpoint = {
  name: 'ListAccessKeys',
  method: 'GET',
  path: '/access-keys',
  plan({ body, query }, { principal, identity }) {
    noBody(body);
    const owner = targetOwner(queryParams(query, ['user']).user, principal);
    return {
      checks: [{ action: 'admin:ListServiceAccounts', resource: ownerResource(owner, principal) }],
      run: async () => ({ status: 200, body: { items: (await identity.listAccessKeys(owner)).map(accessKeyView) } }),
    };
  },
};

/** The key and the resource it is authorized against (see the design note above). */
async function resolveKey(identity: IdentityService, id: string, principal: Principal): Promise<{ key: AccessKeyInfo | undefined; resource: string }> {
  let key: AccessKeyInfo | undefined;
  try {
    key = await identity.getAccessKey(id);
  } catch (error) {
    if (!isAppError(error) || error.code !== 'NoSuchEntity') throw error;
  }
  if (key === undefined || (key.owner === 'root' && !isRootKey(principal))) return { key: undefined, resource: ALL_USERS };
  return { key, resource: ownerResource(key.owner, principal) };
}

function found(key: AccessKeyInfo | undefined): AccessKeyInfo {
  if (key === undefined) throw new AppError('NoSuchEntity', { message: 'The access key does not exist.' });
  return key;
}

const getAccessKey: AdminEndpoint = {
  name: 'GetAccessKey',
  method: 'GET',
  path: '/access-keys/{id}',
  async plan({ body, query, params }, { principal, identity }) {
    noBody(body);
    queryParams(query, []);
    const { key, resource } = await resolveKey(identity, params.id as string, principal);
    return {
      checks: [{ action: 'admin:ListServiceAccounts', resource }],
      run: async () => ({ status: 200, body: accessKeyView(found(key)) }),
    };
  },
};

const updateAccessKey: AdminEndpoint = {
  name: 'UpdateAccessKey',
  method: 'PATCH',
  path: '/access-keys/{id}',
  async plan({ body, query, params }, { principal, identity }) {
    queryParams(query, []);
    const fields = objectBody(body, ['status', 'name', 'description', 'expiration', 'policy', 'secretKey']);
    if (Object.keys(fields).length === 0) throw new AppError('InvalidInput', { message: 'Name at least one field to change.' });
    const status = optStr(fields, 'status', 16);
    if (status !== undefined && status !== 'Active' && status !== 'Inactive') throw new AppError('InvalidInput', { message: 'The field status must be "Active" or "Inactive".' });
    const name = optStr(fields, 'name', 256);
    const description = optStr(fields, 'description', 2048);
    const expiresAt = optTimestamp(fields, 'expiration');
    const policy = optNullableStr(fields, 'policy', 20 * 1024);
    const secret = fields.secretKey === undefined ? undefined : new Secret(str(fields, 'secretKey', 128));
    const { key, resource } = await resolveKey(identity, params.id as string, principal);
    if ((policy !== undefined || secret !== undefined || expiresAt !== undefined) && (await restrictionsOf(identity, principal)).restricted) {
      throw denied('a restricted credential cannot change the policy, secret or expiry of an access key');
    }
    return {
      checks: [{ action: 'admin:UpdateServiceAccount', resource }],
      run: async () => {
        const updated = await identity.updateAccessKey(found(key).accessKeyId, {
          ...(status === undefined ? {} : { status }),
          ...(name === undefined ? {} : { name }),
          ...(description === undefined ? {} : { description }),
          ...(expiresAt === undefined ? {} : { expiresAt }),
          ...(policy === undefined ? {} : { policy }),
          ...(secret === undefined ? {} : { secretKey: secret }),
        });
        return { status: 200, body: accessKeyView(updated) };
      },
    };
  },
};

const deleteAccessKey: AdminEndpoint = {
  name: 'DeleteAccessKey',
  method: 'DELETE',
  path: '/access-keys/{id}',
  async plan({ body, query, params }, { principal, identity }) {
    noBody(body);
    queryParams(query, []);
    const { key, resource } = await resolveKey(identity, params.id as string, principal);
    return {
      checks: [{ action: 'admin:RemoveServiceAccount', resource }],
      run: async () => {
        await identity.deleteAccessKey(found(key).accessKeyId);
        return { status: 204 };
      },
    };
  },
};

export const ACCESS_KEY_ENDPOINTS: readonly AdminEndpoint[] = [createAccessKey, listAccessKeys, getAccessKey, updateAccessKey, deleteAccessKey];
