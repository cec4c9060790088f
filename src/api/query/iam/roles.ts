/** IAM roles: CreateRole, GetRole, ListRoles, UpdateRole(Description), UpdateAssumeRolePolicy, DeleteRole, role tags. */
import { check, type ActionInput, type ActionSpec } from '../action.js';
import { listParams, members, paginate, tagList, truncation } from '../render.js';
import { entityArn, notSupported, roleXml } from './common.js';

const roleCheck = (action: string) => ({ params }: ActionInput) => check(`iam:${action}`, entityArn('role', params.required('RoleName')));
const MAX_SESSION = [3600, 43200] as const;

export const ROLE_ACTIONS: Record<string, ActionSpec> = {
  CreateRole: {
    admit: roleCheck('CreateRole'),
    handle: async ({ params, identity }) => {
      if (params.has('PermissionsBoundary')) throw notSupported('PermissionsBoundary');
      const description = params.string('Description');
      const maxSession = params.integer('MaxSessionDuration', ...MAX_SESSION);
      const tags = params.tags();
      const role = await identity.createRole({
        name: params.required('RoleName'),
        trustPolicy: params.required('AssumeRolePolicyDocument'),
        ...(params.has('Path') ? { path: params.required('Path') } : {}),
        ...(description === undefined ? {} : { description }),
        ...(maxSession === undefined ? {} : { maxSessionDurationSeconds: maxSession }),
        ...(tags === undefined ? {} : { tags }),
      });
      return { Role: roleXml(role, true) };
    },
  },
  GetRole: {
    admit: roleCheck('GetRole'),
    handle: async ({ params, identity }) => ({ Role: roleXml(await identity.getRole(params.required('RoleName')), true) }),
  },
  ListRoles: {
    admit: () => check('iam:ListRoles', '*'),
    handle: async ({ params, identity }) => {
      const page = await identity.listRoles(listParams(params));
      return { Roles: members(page.items.map((r) => roleXml(r, false))), ...truncation(page.marker) };
    },
  },
  UpdateRole: {
    admit: roleCheck('UpdateRole'),
    handle: async ({ params, identity }) => {
      const description = params.string('Description');
      const maxSession = params.integer('MaxSessionDuration', ...MAX_SESSION);
      await identity.updateRole(params.required('RoleName'), {
        ...(description === undefined ? {} : { description }),
        ...(maxSession === undefined ? {} : { maxSessionDurationSeconds: maxSession }),
      });
      return {};
    },
  },
  UpdateRoleDescription: {
    admit: roleCheck('UpdateRoleDescription'),
    handle: async ({ params, identity }) => {
      const name = params.required('RoleName');
      await identity.updateRole(name, { description: params.string('Description') ?? '' });
      return { Role: roleXml(await identity.getRole(name), true) };
    },
  },
  UpdateAssumeRolePolicy: {
    admit: roleCheck('UpdateAssumeRolePolicy'),
    handle: async ({ params, identity }) => {
      await identity.updateAssumeRolePolicy(params.required('RoleName'), params.required('PolicyDocument'));
      return undefined;
    },
  },
  DeleteRole: {
    admit: roleCheck('DeleteRole'),
    handle: async ({ params, identity }) => {
      await identity.deleteRole(params.required('RoleName'));
      return undefined;
    },
  },
  ListRoleTags: {
    admit: roleCheck('ListRoleTags'),
    handle: async ({ params, identity }) => {
      const role = await identity.getRole(params.required('RoleName'));
      const { page, truncation: more } = paginate(Object.entries(role.tags), listParams(params));
      return { Tags: tagList(Object.fromEntries(page)), ...more };
    },
  },
  // The identity service takes role tags at creation only.
  TagRole: {
    admit: roleCheck('TagRole'),
    handle: async () => {
      throw notSupported('Changing the tags of an existing role');
    },
  },
  UntagRole: {
    admit: roleCheck('UntagRole'),
    handle: async () => {
      throw notSupported('Changing the tags of an existing role');
    },
  },
};
