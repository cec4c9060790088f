/**
 * How an admin endpoint is declared. An endpoint turns the parsed request into a Plan: the IAM
 * checks it needs (action + resource ARN, and 'deny-only' for the self-service cases) and a
 * `run` closure that does the work. Only the pipeline calls `run`, and only after the
 * Authorizer has allowed every check, so no endpoint can forget its authorization or touch
 * state first. `plan` validates input and may read what authorization itself depends on (the
 * caller's own narrowing policies; the owner of an access key named by id) — never anything
 * that changes the answer for a caller who is not allowed.
 */
import type { AuthorizationCheck, Authorizer, RequestFacts } from '../../iam/authorizer/index.js';
import type { Principal } from '../../iam/credentials/index.js';
import type { IdentityService } from '../../services/index.js';
import type { JsonValue } from './strict-json.js';

export interface AdminRequest {
  /** Path parameters, percent-decoded. */
  params: Readonly<Record<string, string>>;
  query: URLSearchParams;
  /** The strictly parsed JSON body; undefined when the request had none. */
  body: JsonValue | undefined;
}

export interface ServerFacts {
  version: string;
  startedAt: Date;
  region: string;
}

export interface AdminContext {
  principal: Principal;
  identity: IdentityService;
  authorizer: Authorizer;
  facts: RequestFacts;
  server: ServerFacts;
  requestId: string;
  now: Date;
}

export interface AdminReply {
  status: number;
  /** Serialised as JSON; undefined → empty body. */
  body?: unknown;
}

export interface Plan {
  checks: AuthorizationCheck[];
  mode?: 'normal' | 'deny-only';
  run(): Promise<AdminReply>;
}

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

export interface AdminEndpoint {
  /** Audit name, e.g. 'CreateUser'. */
  name: string;
  method: HttpMethod;
  /** Below /coffer/admin/v1, with {param} segments, e.g. '/users/{name}/status'. */
  path: string;
  plan(request: AdminRequest, ctx: AdminContext): Promise<Plan> | Plan;
}
