/**
 * Roles with trust policies: create, list, get, delete, attach/detach managed policies. The
 * admin action catalogue has no role actions, so these use AWS's iam:*Role* actions.
 */
import type { AdminEndpoint } from '../endpoint.js';
import { roleArn } from '../caller.js';
import { listOptions, noBody, objectBody, optInt, optStr, optStringMap, policyText, queryParams, str } from '../input.js';
import { pageView, roleView } from '../views.js';
import { attachmentChecks } from './policies.js';

const createRole: AdminEndpoint = {
  name: 'CreateRole',
  method: 'POST',
  path: '/roles',
  plan({ body, query }, { identity }) {
    queryParams(query, []);
    const fields = objectBody(body, ['name', 'trustPolicy', 'path', 'description', 'maxSessionDurationSeconds', 'tags'], ['name', 'trustPolicy']);
    const name = str(fields, 'name', 256);
    const trustPolicy = policyText(fields, 'trustPolicy');
    const path = optStr(fields, 'path', 512);
    const description = optStr(fields, 'description', 1000);
    const maxSessionDurationSeconds = optInt(fields, 'maxSessionDurationSeconds', 1, 7 * 24 * 3600);
    const tags = optStringMap(fields, 'tags');
    return {
      checks: [{ action: 'iam:CreateRole', resource: roleArn(name) }],
      run: async () => {
        const role = await identity.createRole({
          name,
          trustPolicy,
          ...(path === undefined ? {} : { path }),
          ...(description === undefined ? {} : { description }),
          ...(maxSessionDurationSeconds === undefined ? {} : { maxSessionDurationSeconds }),
          ...(tags === undefined ? {} : { tags }),
        });
        return { status: 201, body: roleView(role) };
      },
    };
  },
};

const listRoles: AdminEndpoint = {
  name: 'ListRoles',
  method: 'GET',
  path: '/roles',
  plan({ body, query }, { identity }) {
    noBody(body);
    const options = listOptions(queryParams(query, ['pathPrefix', 'marker', 'maxItems']));
    return {
      checks: [{ action: 'iam:ListRoles', resource: roleArn('*') }],
      run: async () => ({ status: 200, body: pageView(await identity.listRoles(options), roleView) }),
    };
  },
};

const getRole: AdminEndpoint = {
  name: 'GetRole',
  method: 'GET',
  path: '/roles/{name}',
  plan({ body, query, params }, { identity }) {
    noBody(body);
    queryParams(query, []);
    const name = params.name as string;
    return {
      checks: [{ action: 'iam:GetRole', resource: roleArn(name) }],
      run: async () => ({ status: 200, body: roleView(await identity.getRole(name)) }),
    };
  },
};

const deleteRole: AdminEndpoint = {
  name: 'DeleteRole',
  method: 'DELETE',
  path: '/roles/{name}',
  plan({ body, query, params }, { identity }) {
    noBody(body);
    queryParams(query, []);
    const name = params.name as string;
    return {
      checks: [{ action: 'iam:DeleteRole', resource: roleArn(name) }],
      run: async () => {
        await identity.deleteRole(name);
        return { status: 204 };
      },
    };
  },
};

const attachRolePolicy: AdminEndpoint = {
  name: 'AttachRolePolicy',
  method: 'POST',
  path: '/roles/{name}/policies',
  plan({ body, query, params }, { identity }) {
    queryParams(query, []);
    const policy = str(objectBody(body, ['policy'], ['policy']), 'policy', 2048);
    const target = { type: 'role' as const, name: params.name as string };
    return {
      checks: attachmentChecks(target, policy, true),
      run: async () => {
        await identity.attachPolicy(target, policy);
        return { status: 204 };
      },
    };
  },
};

const detachRolePolicy: AdminEndpoint = {
  name: 'DetachRolePolicy',
  method: 'DELETE',
  path: '/roles/{name}/policies/{policy}',
  plan({ body, query, params }, { identity }) {
    noBody(body);
    queryParams(query, []);
    const policy = params.policy as string;
    const target = { type: 'role' as const, name: params.name as string };
    return {
      checks: attachmentChecks(target, policy, false),
      run: async () => {
        await identity.detachPolicy(target, policy);
        return { status: 204 };
      },
    };
  },
};

export const ROLE_ENDPOINTS: readonly AdminEndpoint[] = [createRole, listRoles, getRole, deleteRole, attachRolePolicy, detachRolePolicy];
