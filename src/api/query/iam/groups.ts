/** IAM groups: CreateGroup, GetGroup (with its users), ListGroups, DeleteGroup, membership. */
import { AppError } from '../../../core/index.js';
import type { GroupInfo, IdentityService, UserInfo } from '../../../services/index.js';
import { check, type ActionInput, type ActionSpec } from '../action.js';
import { listParams, members, paginate, truncation } from '../render.js';
import { entityArn, groupXml, userNameParam, userXml } from './common.js';

const groupCheck = (action: string) => ({ params }: ActionInput) => check(`iam:${action}`, entityArn('group', params.required('GroupName')));

/** Looks entities up one by one, skipping ones deleted meanwhile. */
async function existing<T>(names: readonly string[], get: (name: string) => Promise<T>): Promise<T[]> {
  const out: T[] = [];
  for (const name of names) {
    try {
      out.push(await get(name));
    } catch (error) {
      if (!(error instanceof AppError && error.code === 'NoSuchEntity')) throw error;
    }
  }
  return out;
}

export function usersNamed(identity: IdentityService, names: readonly string[]): Promise<UserInfo[]> {
  return existing(names, (name) => identity.getUser(name));
}

export function groupsNamed(identity: IdentityService, names: readonly string[]): Promise<GroupInfo[]> {
  return existing(names, (name) => identity.getGroup(name));
}

export const GROUP_ACTIONS: Record<string, ActionSpec> = {
  CreateGroup: {
    admit: groupCheck('CreateGroup'),
    handle: async ({ params, identity }) => {
      const group = await identity.createGroup({
        name: params.required('GroupName'),
        ...(params.has('Path') ? { path: params.required('Path') } : {}),
      });
      return { Group: groupXml(group) };
    },
  },
  GetGroup: {
    admit: groupCheck('GetGroup'),
    handle: async ({ params, identity }) => {
      const group = await identity.getGroup(params.required('GroupName'));
      const { page, truncation: more } = paginate(group.members, listParams(params));
      const users = await usersNamed(identity, page);
      return { Group: groupXml(group), Users: members(users.map((u) => userXml(u, false))), ...more };
    },
  },
  ListGroups: {
    admit: () => check('iam:ListGroups', '*'),
    handle: async ({ params, identity }) => {
      const page = await identity.listGroups(listParams(params));
      return { Groups: members(page.items.map(groupXml)), ...truncation(page.marker) };
    },
  },
  DeleteGroup: {
    admit: groupCheck('DeleteGroup'),
    handle: async ({ params, identity }) => {
      await identity.deleteGroup(params.required('GroupName'));
      return undefined;
    },
  },
  AddUserToGroup: {
    admit: groupCheck('AddUserToGroup'),
    handle: async ({ params, identity }) => {
      await identity.addUserToGroup(params.required('GroupName'), userNameParam(params));
      return undefined;
    },
  },
  RemoveUserFromGroup: {
    admit: groupCheck('RemoveUserFromGroup'),
    handle: async ({ params, identity }) => {
      await identity.removeUserFromGroup(params.required('GroupName'), userNameParam(params));
      return undefined;
    },
  },
  ListGroupsForUser: {
    admit: ({ params }) => check('iam:ListGroupsForUser', entityArn('user', userNameParam(params))),
    handle: async ({ params, identity }) => {
      const user = await identity.getUser(userNameParam(params));
      const { page, truncation: more } = paginate(user.groups, listParams(params));
      return { Groups: members((await groupsNamed(identity, page)).map(groupXml)), ...more };
    },
  },
};
