/**
 * The STS query API (2011-06-15): AssumeRole, GetCallerIdentity and GetSessionToken (signed),
 * and the federated sign-ins AssumeRoleWithLDAPIdentity / WebIdentity / ClientGrants / Certificate (unsigned).
 */
import type { ActionSpec } from '../action.js';
import { ASSUME_ROLE, GET_CALLER_IDENTITY } from './assume-role.js';
import { GET_SESSION_TOKEN } from './get-session-token.js';

export const STS_VERSION = '2011-06-15';

export const STS_ACTIONS: ReadonlyMap<string, ActionSpec> = new Map([
  ['AssumeRole', ASSUME_ROLE],
  ['GetCallerIdentity', GET_CALLER_IDENTITY],
  ['GetSessionToken', GET_SESSION_TOKEN],
]);

export { FEDERATED_ACTIONS, type FederatedActionSpec } from './federated.js';
