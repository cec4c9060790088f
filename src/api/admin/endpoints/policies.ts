/**
 * Managed policies: create (from the JSON document's text), list, get, delete, attach/detach to
 * a user, group or role, and list the entities a policy is attached to. Attaching checks the
 * target (user/group via admin:AttachUserOrGroupPolicy, role via iam:AttachRolePolicy) and the
 * policy itself, so a grant can limit both who receives policies and which ones.
 */
import { AppError } from '../../../core/index.js';
import type { PolicyTarget } from '../../../services/index.js';
import type { AuthorizationCheck } from '../../../iam/authorizer/index.js';
import { groupArn, policyArn, roleArn, userArn } from '../caller.js';
import type { AdminEndpoint } from '../endpoint.js';
import { listOptions, noBody, objectBody, optStr, policyText, queryBool, queryParams, str, type Fields } from '../input.js';
import { pageView, policyView } from '../views.js';

const ALL_POLICIES = policyArn('*');

const createPolicy: AdminEndpoint = {
  name: 'CreatePolicy',
  method: 'POST',
  path: '/policies',
  plan({ body, query }, { identity }) {
    queryParams(query, []);
    const fields = objectBody(body, ['name', 'document', 'description', 'path'], ['name', 'document']);
    const name = str(fields, 'name', 256);
    const document = policyText(fields, 'document');
    const description = optStr(fields, 'description', 1000);
    const path = optStr(fields, 'path', 512);
    return {
      checks: [{ action: 'admin:CreatePolicy', resource: policyArn(name) }],
      run: async () => {
        const policy = await identity.createPolicy({
          name,
          document,
          ...(description === undefined ? {} : { description }),
          ...(path === undefined ? {} : { path }),
        });
        return { status: 201, body: policyView(policy) };
      },
    };
  },
};

const SCOPES = ['All', 'BuiltIn', 'Local'] as const;

const listPolicies: AdminEndpoint = {
  name: 'ListPolicies',
  method: 'GET',
  path: '/policies',
  plan({ body, query }, { identity }) {
    noBody(body);
    const q = queryParams(query, ['scope', 'onlyAttached', 'pathPrefix', 'marker', 'maxItems']);
    const scope = SCOPES.find((s) => s === q.scope);
    if (q.scope !== undefined && scope === undefined) throw new AppError('InvalidInput', { message: 'The query parameter scope must be All, BuiltIn or Local.' });
    const onlyAttached = queryBool(q.onlyAttached, 'onlyAttached');
    const options = listOptions(q);
    return {
      checks: [{ action: 'admin:ListUserPolicies', resource: ALL_POLICIES }],
      run: async () => {
        const page = await identity.listPolicies({ ...options, scope, onlyAttached });
        return { status: 200, body: pageView(page, policyView) };
      },
    };
  },
};

const getPolicy: AdminEndpoint = {
  name: 'GetPolicy',
  method: 'GET',
  path: '/policies/{name}',
  plan({ body, query, params }, { identity }) {
    noBody(body);
    queryParams(query, []);
    const name = params.name as string;
    return {
      checks: [{ action: 'admin:GetPolicy', resource: policyArn(name) }],
      run: async () => ({ status: 200, body: policyView(await identity.getPolicy(name)) }),
    };
  },
};

const deletePolicy: AdminEndpoint = {
  name: 'DeletePolicy',
  method: 'DELETE',
  path: '/policies/{name}',
  plan({ body, query, params }, { identity }) {
    noBody(body);
    queryParams(query, []);
    const name = params.name as string;
    return {
      checks: [{ action: 'admin:DeletePolicy', resource: policyArn(name) }],
      run: async () => {
        await identity.deletePolicy(name);
        return { status: 204 };
      },
    };
  },
};

/** {"user"} | {"group"} | {"role"}: exactly one. */
export function policyTarget(fields: Fields): PolicyTarget {
  const given = (['user', 'group', 'role'] as const).filter((type) => fields[type] !== undefined);
  if (given.length !== 1) throw new AppError('InvalidInput', { message: 'Name exactly one of user, group or role.' });
  const type = given[0] as PolicyTarget['type'];
  return { type, name: str(fields, type, 128) };
}

/** The checks for attaching or detaching `policy` to/from `target`. */
export function attachmentChecks(target: PolicyTarget, policy: string, attach: boolean): AuthorizationCheck[] {
  // iam:PolicyARN lets an administrator limit which managed policies a delegate may attach.
  const conditions = { 'iam:PolicyARN': [policyArn(policy)] };
  if (target.type === 'role') {
    const action = attach ? 'iam:AttachRolePolicy' : 'iam:DetachRolePolicy';
    return [{ action, resource: roleArn(target.name), conditions }, { action, resource: policyArn(policy), conditions }];
  }
  const resource = target.type === 'user' ? userArn(target.name) : groupArn(target.name);
  const action = 'admin:AttachUserOrGroupPolicy';
  return [{ action, resource, conditions }, { action, resource: policyArn(policy), conditions }];
}

function attachment(attach: boolean): AdminEndpoint {
  return {
    name: attach ? 'AttachPolicy' : 'DetachPolicy',
    method: 'POST',
    path: attach ? '/policies/{name}/attach' : '/policies/{name}/detach',
    plan({ body, query, params }, { identity }) {
      queryParams(query, []);
      const target = policyTarget(objectBody(body, ['user', 'group', 'role']));
      const name = params.name as string;
      return {
        checks: attachmentChecks(target, name, attach),
        run: async () => {
          await (attach ? identity.attachPolicy(target, name) : identity.detachPolicy(target, name));
          return { status: 204 };
        },
      };
    },
  };
}

const policyEntities: AdminEndpoint = {
  name: 'ListPolicyEntities',
  method: 'GET',
  path: '/policies/{name}/entities',
  plan({ body, query, params }, { identity }) {
    noBody(body);
    queryParams(query, []);
    const name = params.name as string;
    return {
      checks: [{ action: 'admin:GetPolicy', resource: policyArn(name) }],
      run: async () => {
        const entities = await identity.listPolicyEntities(name);
        const names = (type: PolicyTarget['type']): string[] => entities.filter((e) => e.type === type).map((e) => e.name);
        return { status: 200, body: { policy: name, users: names('user'), groups: names('group'), roles: names('role') } };
      },
    };
  },
};

export const POLICY_ENDPOINTS: readonly AdminEndpoint[] = [
  createPolicy, listPolicies, getPolicy, deletePolicy, attachment(true), attachment(false), policyEntities,
];
