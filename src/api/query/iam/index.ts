/** The IAM query API (2010-05-08): every supported action, by its AWS name. */
import type { ActionSpec } from '../action.js';
import { ACCESS_KEY_ACTIONS } from './access-keys.js';
import { ACCOUNT_ACTIONS } from './account.js';
import { ENTITY_POLICY_ACTIONS } from './entity-policies.js';
import { GROUP_ACTIONS } from './groups.js';
import { POLICY_ACTIONS } from './policies.js';
import { ROLE_ACTIONS } from './roles.js';
import { USER_ACTIONS } from './users.js';

export const IAM_VERSION = '2010-05-08';

export const IAM_ACTIONS: ReadonlyMap<string, ActionSpec> = new Map(
  Object.entries({ ...USER_ACTIONS, ...ACCESS_KEY_ACTIONS, ...GROUP_ACTIONS, ...POLICY_ACTIONS, ...ENTITY_POLICY_ACTIONS, ...ROLE_ACTIONS, ...ACCOUNT_ACTIONS }),
);
