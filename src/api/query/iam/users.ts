/** IAM users: CreateUser, GetUser, ListUsers, UpdateUser, DeleteUser and the user tag actions. */
import { AppError } from '../../../core/index.js';
import { ACCOUNT_ID } from '../../../iam/credentials/index.js';
import type { IdentityService } from '../../../services/index.js';
import { check, type ActionInput, type ActionSpec } from '../action.js';
import { isoDate, listParams, members, paginate, tagList, truncation } from '../render.js';
import { entityArn, keyOwner, notSupported, ROOT_ARN, userNameParam, userXml } from './common.js';

const userCheck = (action: string) => ({ params }: ActionInput) => check(`iam:${action}`, entityArn('user', userNameParam(params)));

/** AWS refuses to delete a user that still has keys, policies or groups (Terraform relies on it). */
async function assertUserDeletable(identity: IdentityService, name: string): Promise<void> {
  const user = await identity.getUser(name);
  const conflict = (message: string): AppError => new AppError('DeleteConflict', { message });
  if ((await identity.listAccessKeys(name)).length > 0) throw conflict('Cannot delete entity, must delete access keys first.');
  if (user.inlinePolicies.length > 0) throw conflict('Cannot delete entity, must delete policies first.');
  if (user.attachedPolicies.length > 0) throw conflict('Cannot delete entity, must detach all policies first.');
  if (user.groups.length > 0) throw conflict('Cannot delete entity, must remove user from all groups first.');
}

export const USER_ACTIONS: Record<string, ActionSpec> = {
  CreateUser: {
    admit: ({ params }) => check('iam:CreateUser', entityArn('user', params.required('UserName'))),
    handle: async ({ params, identity }) => {
      if (params.has('PermissionsBoundary')) throw notSupported('PermissionsBoundary');
      if (params.required('UserName').toLowerCase() === 'root') throw new AppError('InvalidInput', { message: 'The user name root is reserved.' });
      const tags = params.tags();
      const user = await identity.createUser({
        name: userNameParam(params),
        ...(params.has('Path') ? { path: params.required('Path') } : {}),
        ...(tags === undefined ? {} : { tags }),
      });
      return { User: userXml(user, true) };
    },
  },
  GetUser: {
    admit: ({ params, principal }) => check('iam:GetUser', keyOwner(params, principal).arn),
    handle: async ({ params, principal, identity }) => {
      const owner = keyOwner(params, principal);
      if (owner.userName === undefined) {
        return { User: { UserId: ACCOUNT_ID, Arn: ROOT_ARN, CreateDate: isoDate(new Date(0)) } };
      }
      return { User: userXml(await identity.getUser(owner.userName), true) };
    },
  },
  ListUsers: {
    admit: () => check('iam:ListUsers', '*'),
    handle: async ({ params, identity }) => {
      const list = listParams(params);
      const page = await identity.listUsers(list);
      return { Users: members(page.items.map((u) => userXml(u, false))), ...truncation(page.marker) };
    },
  },
  UpdateUser: {
    admit: userCheck('UpdateUser'),
    handle: async ({ params, identity }) => {
      const name = userNameParam(params);
      const user = await identity.getUser(name);
      const newName = params.string('NewUserName');
      const newPath = params.string('NewPath');
      if ((newName !== undefined && newName !== name) || (newPath !== undefined && newPath !== user.path)) {
        throw notSupported('Renaming a user or changing its path');
      }
      return undefined;
    },
  },
  DeleteUser: {
    admit: userCheck('DeleteUser'),
    handle: async ({ params, identity }) => {
      const name = userNameParam(params);
      await assertUserDeletable(identity, name);
      await identity.deleteUser(name);
      return undefined;
    },
  },
  TagUser: {
    admit: userCheck('TagUser'),
    handle: async ({ params, identity }) => {
      const tags = params.tags();
      if (tags === undefined) params.required('Tags');
      await identity.tagUser(userNameParam(params), tags!);
      return undefined;
    },
  },
  UntagUser: {
    admit: userCheck('UntagUser'),
    handle: async ({ params, identity }) => {
      const keys = params.list('TagKeys');
      if (keys.length === 0) params.required('TagKeys');
      await identity.untagUser(userNameParam(params), keys);
      return undefined;
    },
  },
  ListUserTags: {
    admit: userCheck('ListUserTags'),
    handle: async ({ params, identity }) => {
      const user = await identity.getUser(userNameParam(params));
      const { page, truncation: more } = paginate(Object.entries(user.tags), listParams(params));
      return { Tags: tagList(Object.fromEntries(page)), ...more };
    },
  },
};
