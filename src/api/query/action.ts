/**
 * What one query-protocol action declares: the authorization checks it needs, derived from its
 * parameters and the caller, and its handler. The pipeline runs `admit`, hands the checks to the
 * Authorizer, and only then calls `handle` — a handler never decides on its own whether the
 * caller may act (STYLE §4). `'none'` is reserved for calls AWS answers without any permission
 * (sts:GetCallerIdentity); the signature is still verified for them.
 */
import type { AuthorizationCheck } from '../../iam/authorizer/index.js';
import type { Principal } from '../../iam/credentials/index.js';
import type { IdentityService } from '../../services/index.js';
import type { XmlNode } from '../common/index.js';
import type { QueryParams } from './params.js';

export interface ActionInput {
  readonly params: QueryParams;
  readonly principal: Principal;
  readonly identity: IdentityService;
}

export interface Admission {
  checks: AuthorizationCheck[];
  /** 'deny-only' only where the action says why (self-service of unrestricted callers). */
  mode?: 'normal' | 'deny-only';
}

export interface ActionContext extends ActionInput {
  readonly requestId: string;
  readonly now: Date;
}

export interface ActionSpec {
  admit(input: ActionInput): Admission | 'none' | Promise<Admission | 'none'>;
  /** The `<ActionResult>` content; undefined for actions whose response has no result element. */
  handle(ctx: ActionContext): Promise<XmlNode | undefined>;
}

/** One check on one resource ARN: the common case. */
export function check(action: string, resource: string, conditions?: Readonly<Record<string, readonly string[]>>): Admission {
  return { checks: [conditions === undefined ? { action, resource } : { action, resource, conditions }] };
}
