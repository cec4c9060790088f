/** Entity counts of the account (IAM GetAccountSummary); quotas are the protocol layer's. */
import type { IamContext } from './context.js';
import { decodePolicy } from './records.js';
import type { AccountSummary } from './types.js';

export async function accountSummary(ctx: IamContext): Promise<AccountSummary> {
  const [users, groups, roles, policies] = await Promise.all([ctx.all('user'), ctx.all('group'), ctx.all('role'), ctx.all('policy')]);
  return {
    users: users.length,
    groups: groups.length,
    roles: roles.length,
    policies: policies.length,
    policyVersionsInUse: policies.reduce((sum, p) => sum + decodePolicy(p).versions.length, 0),
  };
}
