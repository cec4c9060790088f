/**
 * IAM access keys: CreateAccessKey, ListAccessKeys, UpdateAccessKey, DeleteAccessKey,
 * GetAccessKeyLastUsed. Authorization is on the owning user's ARN (the caller itself when
 * `UserName` is omitted; root always passes the authorizer). Because that check names the user,
 * Update/Delete then verify that the key really belongs to that user: a caller allowed on its own
 * user can never touch another user's (or root's) key by passing its id.
 */
import { AppError } from '../../../core/index.js';
import type { AccessKeyInfo, IdentityService } from '../../../services/index.js';
import { check, type ActionSpec } from '../action.js';
import type { QueryParams } from '../params.js';
import { isoDate, listParams, members, paginate } from '../render.js';
import { entityArn, keyOwner, ROOT_ARN, type KeyOwner } from './common.js';

function keyNotFound(id: string): AppError {
  return new AppError('NoSuchEntity', { message: `The Access Key with id ${id.slice(0, 128)} cannot be found.` });
}

function keyXml(key: AccessKeyInfo): Record<string, string> {
  return {
    ...(key.owner === 'root' ? {} : { UserName: key.owner }),
    AccessKeyId: key.accessKeyId,
    Status: key.status,
    CreateDate: isoDate(key.createdAt),
  };
}

async function findKey(identity: IdentityService, id: string): Promise<AccessKeyInfo | undefined> {
  try {
    return await identity.getAccessKey(id);
  } catch (error) {
    if (error instanceof AppError && error.code === 'NoSuchEntity') return undefined;
    throw error;
  }
}

/** The key named by `AccessKeyId`, which must belong to `owner`; NoSuchEntity otherwise. */
async function ownedKey(identity: IdentityService, params: QueryParams, owner: KeyOwner): Promise<AccessKeyInfo> {
  const id = params.required('AccessKeyId');
  const key = await findKey(identity, id);
  if (key === undefined || key.owner.toLowerCase() !== owner.owner.toLowerCase()) throw keyNotFound(id);
  return key;
}

function status(params: QueryParams): 'Active' | 'Inactive' {
  const value = params.required('Status');
  if (value !== 'Active' && value !== 'Inactive') {
    throw new AppError('InvalidParameterValue', {
      message: `1 validation error detected: Value '${value.slice(0, 32)}' at 'status' failed to satisfy constraint: Member must satisfy enum value set: [Active, Inactive]`,
    });
  }
  return value;
}

export const ACCESS_KEY_ACTIONS: Record<string, ActionSpec> = {
  CreateAccessKey: {
    admit: ({ params, principal }) => check('iam:CreateAccessKey', keyOwner(params, principal).arn),
    handle: async ({ params, principal, identity }) => {
      const key = await identity.createAccessKey({ owner: keyOwner(params, principal).owner });
      return { AccessKey: { ...keyXml(key), SecretAccessKey: key.secretAccessKey.reveal() } };
    },
  },
  ListAccessKeys: {
    admit: ({ params, principal }) => check('iam:ListAccessKeys', keyOwner(params, principal).arn),
    handle: async ({ params, principal, identity }) => {
      const keys = await identity.listAccessKeys(keyOwner(params, principal).owner);
      const { page, truncation } = paginate(keys, listParams(params));
      return { AccessKeyMetadata: members(page.map(keyXml)), ...truncation };
    },
  },
  UpdateAccessKey: {
    admit: ({ params, principal }) => check('iam:UpdateAccessKey', keyOwner(params, principal).arn),
    handle: async ({ params, principal, identity }) => {
      const wanted = status(params);
      const key = await ownedKey(identity, params, keyOwner(params, principal));
      await identity.updateAccessKey(key.accessKeyId, { status: wanted });
      return undefined;
    },
  },
  DeleteAccessKey: {
    admit: ({ params, principal }) => check('iam:DeleteAccessKey', keyOwner(params, principal).arn),
    handle: async ({ params, principal, identity }) => {
      const key = await ownedKey(identity, params, keyOwner(params, principal));
      await identity.deleteAccessKey(key.accessKeyId);
      return undefined;
    },
  },
  GetAccessKeyLastUsed: {
    // The resource is the key's owner, so the key is looked up first; an unknown key is checked
    // against every user (user/*), so only a caller allowed on all users learns it is unknown.
    admit: async ({ params, identity }) => {
      const owner = (await findKey(identity, params.required('AccessKeyId')))?.owner;
      return check('iam:GetAccessKeyLastUsed', owner === 'root' ? ROOT_ARN : entityArn('user', owner ?? '*'));
    },
    handle: async ({ params, identity }) => {
      const id = params.required('AccessKeyId');
      const key = await findKey(identity, id);
      if (key === undefined) throw keyNotFound(id);
      return {
        ...(key.owner === 'root' ? {} : { UserName: key.owner }),
        AccessKeyLastUsed: { ServiceName: 'N/A', Region: 'N/A' },
      };
    },
  },
};
