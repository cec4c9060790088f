/**
 * Groups: create (optionally with members), list, get, add/remove members, enable/disable,
 * delete. MinIO has no CreateGroup/DeleteGroup actions: creating a group and adding members is
 * admin:AddUserToGroup, deleting it and removing members is admin:RemoveUserFromGroup.
 */
import { groupArn } from '../caller.js';
import type { AdminEndpoint } from '../endpoint.js';
import { listOptions, noBody, objectBody, optStr, queryBool, queryParams, statusBody, str, strList } from '../input.js';
import { groupView, pageView } from '../views.js';

const ALL_GROUPS = groupArn('*');

const createGroup: AdminEndpoint = {
  name: 'CreateGroup',
  method: 'POST',
  path: '/groups',
  plan({ body, query }, { identity }) {
    queryParams(query, []);
    const fields = objectBody(body, ['name', 'path', 'members'], ['name']);
    const name = str(fields, 'name', 256);
    const path = optStr(fields, 'path', 512);
    const members = fields.members === undefined ? [] : strList(fields, 'members');
    return {
      checks: [{ action: 'admin:AddUserToGroup', resource: groupArn(name) }],
      run: async () => {
        for (const member of members) await identity.getUser(member); // unknown member: nothing is created
        await identity.createGroup({ name, ...(path === undefined ? {} : { path }) });
        for (const member of members) await identity.addUserToGroup(name, member);
        return { status: 201, body: groupView(await identity.getGroup(name)) };
      },
    };
  },
};

const listGroups: AdminEndpoint = {
  name: 'ListGroups',
  method: 'GET',
  path: '/groups',
  plan({ body, query }, { identity }) {
    noBody(body);
    const options = listOptions(queryParams(query, ['pathPrefix', 'marker', 'maxItems']));
    return {
      checks: [{ action: 'admin:ListGroups', resource: ALL_GROUPS }],
      run: async () => ({ status: 200, body: pageView(await identity.listGroups(options), groupView) }),
    };
  },
};

const getGroup: AdminEndpoint = {
  name: 'GetGroup',
  method: 'GET',
  path: '/groups/{name}',
  plan({ body, query, params }, { identity }) {
    noBody(body);
    queryParams(query, []);
    const name = params.name as string;
    return {
      checks: [{ action: 'admin:GetGroup', resource: groupArn(name) }],
      run: async () => ({ status: 200, body: groupView(await identity.getGroup(name)) }),
    };
  },
};

const addMembers: AdminEndpoint = {
  name: 'AddUserToGroup',
  method: 'POST',
  path: '/groups/{name}/members',
  plan({ body, query, params }, { identity }) {
    queryParams(query, []);
    const users = strList(objectBody(body, ['users'], ['users']), 'users');
    const name = params.name as string;
    return {
      checks: [{ action: 'admin:AddUserToGroup', resource: groupArn(name) }],
      run: async () => {
        for (const user of users) await identity.addUserToGroup(name, user);
        return { status: 200, body: groupView(await identity.getGroup(name)) };
      },
    };
  },
};

const removeMember: AdminEndpoint = {
  name: 'RemoveUserFromGroup',
  method: 'DELETE',
  path: '/groups/{name}/members/{user}',
  plan({ body, query, params }, { identity }) {
    noBody(body);
    queryParams(query, []);
    const name = params.name as string;
    const user = params.user as string;
    return {
      checks: [{ action: 'admin:RemoveUserFromGroup', resource: groupArn(name) }],
      run: async () => {
        await identity.removeUserFromGroup(name, user);
        return { status: 204 };
      },
    };
  },
};

const setGroupStatus: AdminEndpoint = {
  name: 'SetGroupStatus',
  method: 'PUT',
  path: '/groups/{name}/status',
  plan({ body, query, params }, { identity }) {
    queryParams(query, []);
    const status = statusBody(body);
    const name = params.name as string;
    return {
      checks: [{ action: status === 'enabled' ? 'admin:EnableGroup' : 'admin:DisableGroup', resource: groupArn(name) }],
      run: async () => {
        await identity.setGroupStatus(name, status);
        return { status: 204 };
      },
    };
  },
};

const deleteGroup: AdminEndpoint = {
  name: 'DeleteGroup',
  method: 'DELETE',
  path: '/groups/{name}',
  plan({ body, query, params }, { identity }) {
    noBody(body);
    const force = queryBool(queryParams(query, ['force']).force, 'force');
    const name = params.name as string;
    return {
      checks: [{ action: 'admin:RemoveUserFromGroup', resource: groupArn(name) }],
      run: async () => {
        await identity.deleteGroup(name, { force: force ?? false });
        return { status: 204 };
      },
    };
  },
};

export const GROUP_ENDPOINTS: readonly AdminEndpoint[] = [createGroup, listGroups, getGroup, addMembers, removeMember, setGroupStatus, deleteGroup];
