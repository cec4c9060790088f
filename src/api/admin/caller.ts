/**
 * Who the admin caller is, for the self-service and escalation rules (reference §1.7 rule 7,
 * §1.11, §10). Protects identities from being widened by the credentials that act on them:
 *  - deny-only ("allowed unless explicitly denied") applies only to a long-term user acting
 *    on itself with an unrestricted credential: no session, no access-key inline policy
 *    (GHSA-jjjj-jwhf-8rgr). Everything else needs a real Allow (CVE-2022-24842).
 *  - derived credentials (STS sessions, and access keys other than a user's login key, root's
 *    included) cannot create users or change a user's secret.
 *  - restricted credentials (a session, or any narrowing policy) cannot choose or change an
 *    access key's policy or secret, so no key can widen itself (CVE-2024-24747).
 * Resource ARNs name the entity without its IAM path (arn:aws:iam::000000000000:user/NAME).
 */
import { AppError } from '../../core/index.js';
import { ACCOUNT_ID, type Principal } from '../../iam/credentials/index.js';
import type { IdentityService } from '../../services/index.js';

const IAM_ARN = `arn:aws:iam::${ACCOUNT_ID}`;
export const ROOT_ARN = `${IAM_ARN}:root`;
export const userArn = (name: string): string => `${IAM_ARN}:user/${name}`;
export const groupArn = (name: string): string => `${IAM_ARN}:group/${name}`;
export const policyArn = (name: string): string => (name.startsWith('arn:') ? name : `${IAM_ARN}:policy/${name}`);
export const roleArn = (name: string): string => `${IAM_ARN}:role/${name}`;
/** Resource of listings and of an access key whose owner the caller may not learn. */
export const ALL_USERS = `${IAM_ARN}:user/*`;

/** The root key itself (not a root-owned access key, not a session). */
export function isRootKey(principal: Principal): boolean {
  return principal.kind === 'root' && principal.credential === 'root';
}

/** Sessions and access keys other than a user's login key (whose id is the user name). */
export function isDerived(principal: Principal): boolean {
  if (principal.credential === 'session') return true;
  if (principal.credential === 'root') return false;
  return !(principal.kind === 'user' && principal.accessKeyId === principal.userName);
}

/** The owner name the caller acts as by default: 'root', or its (parent) user name. */
export function ownOwner(principal: Principal): string | undefined {
  if (principal.kind === 'root') return 'root';
  return principal.userName;
}

export function denied(reason: string): AppError {
  return new AppError('AccessDenied', { message: 'Access Denied.', details: { reason } });
}

export interface Restrictions {
  /** A session, or a credential with a narrowing (access-key inline or session) policy. */
  restricted: boolean;
  /** The narrowing policies' normalised JSON texts. */
  narrowing: string[];
}

export async function restrictionsOf(identity: IdentityService, principal: Principal): Promise<Restrictions> {
  if (isRootKey(principal)) return { restricted: false, narrowing: [] };
  const policies = await identity.policies.principalPolicies(principal);
  // Unknown or disabled principal: authorization denies anyway; treat as restricted to be safe.
  if (policies === undefined) return { restricted: true, narrowing: [] };
  const narrowing = policies.narrowing.map((p) => p.policy.text);
  return { restricted: principal.credential === 'session' || narrowing.length > 0, narrowing };
}

/**
 * 'deny-only' when a long-term user acts on itself (`target` is its own user name) with an
 * unrestricted credential; 'normal' (a real Allow) in every other case.
 */
export async function selfServiceMode(identity: IdentityService, principal: Principal, target: string): Promise<'deny-only' | 'normal'> {
  if (principal.kind !== 'user' || principal.credential !== 'access-key' || principal.userName !== target) return 'normal';
  const { restricted } = await restrictionsOf(identity, principal);
  return restricted ? 'normal' : 'deny-only';
}
