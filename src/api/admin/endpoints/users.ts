/** Users: create, list, get, enable/disable, change secret, delete (admin:*User actions). */
import { AppError, isAppError, Secret } from '../../../core/index.js';
import type { IdentityService } from '../../../services/index.js';
import { ALL_USERS, denied, isDerived, selfServiceMode, userArn } from '../caller.js';
import type { AdminEndpoint } from '../endpoint.js';
import { listOptions, noBody, objectBody, optStr, optStringMap, queryParams, statusBody, str } from '../input.js';
import { pageView, userView } from '../views.js';

const createUser: AdminEndpoint = {
  name: 'CreateUser',
  method: 'POST',
  path: '/users',
  plan({ body, query }, { principal, identity }) {
    queryParams(query, []);
    const fields = objectBody(body, ['name', 'secretKey', 'path', 'tags'], ['name']);
    const name = str(fields, 'name', 256);
    const secret = optStr(fields, 'secretKey', 128);
    const path = optStr(fields, 'path', 512);
    const tags = optStringMap(fields, 'tags');
    if (isDerived(principal)) throw denied('temporary credentials and access keys cannot create users');
    return {
      checks: [{ action: 'admin:CreateUser', resource: userArn(name) }],
      run: async () => {
        const user = await identity.createUser({
          name,
          ...(path === undefined ? {} : { path }),
          ...(tags === undefined ? {} : { tags }),
          ...(secret === undefined ? {} : { secretKey: new Secret(secret) }),
        });
        return { status: 201, body: userView(user) };
      },
    };
  },
};

const listUsers: AdminEndpoint = {
  name: 'ListUsers',
  method: 'GET',
  path: '/users',
  plan({ body, query }, { identity }) {
    noBody(body);
    const options = listOptions(queryParams(query, ['pathPrefix', 'marker', 'maxItems']));
    return {
      checks: [{ action: 'admin:ListUsers', resource: ALL_USERS }],
      run: async () => ({ status: 200, body: pageView(await identity.listUsers(options), userView) }),
    };
  },
};

const getUser: AdminEndpoint = {
  name: 'GetUser',
  method: 'GET',
  path: '/users/{name}',
  plan({ body, query, params }, { identity }) {
    noBody(body);
    queryParams(query, []);
    const name = params.name as string;
    return {
      checks: [{ action: 'admin:GetUser', resource: userArn(name) }],
      run: async () => ({ status: 200, body: userView(await identity.getUser(name)) }),
    };
  },
};

const setUserStatus: AdminEndpoint = {
  name: 'SetUserStatus',
  method: 'PUT',
  path: '/users/{name}/status',
  plan({ body, query, params }, { identity }) {
    queryParams(query, []);
    const status = statusBody(body);
    const name = params.name as string;
    return {
      checks: [{ action: status === 'enabled' ? 'admin:EnableUser' : 'admin:DisableUser', resource: userArn(name) }],
      run: async () => {
        await identity.setUserStatus(name, status);
        return { status: 204 };
      },
    };
  },
};

/**
 * Sets the secret of the user's login key (the access key whose id is the user name), creating
 * it when the user has none. The body takes the secret and nothing else (CVE-2021-43858).
 * A user may change its own secret with its own unrestricted login key unless denied.
 */
const setUserSecret: AdminEndpoint = {
  name: 'SetUserSecret',
  method: 'PUT',
  path: '/users/{name}/secret',
  async plan({ body, query, params }, { principal, identity }) {
    queryParams(query, []);
    const secret = new Secret(str(objectBody(body, ['secretKey'], ['secretKey']), 'secretKey', 128));
    const name = params.name as string;
    if (isDerived(principal)) throw denied('temporary credentials and access keys cannot change user secrets');
    return {
      checks: [{ action: 'admin:CreateUser', resource: userArn(name) }],
      mode: await selfServiceMode(identity, principal, name),
      run: async () => {
        await setLoginSecret(identity, name, secret);
        return { status: 204 };
      },
    };
  },
};

async function setLoginSecret(identity: IdentityService, name: string, secret: Secret<string>): Promise<void> {
  await identity.getUser(name);
  let owner: string | undefined;
  try {
    owner = (await identity.getAccessKey(name)).owner;
  } catch (error) {
    if (!isAppError(error) || error.code !== 'NoSuchEntity') throw error;
  }
  if (owner === undefined) await identity.createAccessKey({ owner: name, accessKeyId: name, secretKey: secret });
  else if (owner === name) await identity.updateAccessKey(name, { secretKey: secret });
  else throw new AppError('EntityAlreadyExists', { message: 'An access key with this user name belongs to another owner.' });
}

const deleteUser: AdminEndpoint = {
  name: 'DeleteUser',
  method: 'DELETE',
  path: '/users/{name}',
  plan({ body, query, params }, { identity }) {
    noBody(body);
    queryParams(query, []);
    const name = params.name as string;
    return {
      checks: [{ action: 'admin:DeleteUser', resource: userArn(name) }],
      run: async () => {
        await identity.deleteUser(name);
        return { status: 204 };
      },
    };
  },
};

export const USER_ENDPOINTS: readonly AdminEndpoint[] = [createUser, listUsers, getUser, setUserStatus, setUserSecret, deleteUser];
