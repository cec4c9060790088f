/**
 * PolicyAuthorizer: the AWS single-account authorization decision for every request.
 * Protects every bucket, object and identity from callers without a grant.
 *
 * Inputs per request: the verified Principal (undefined = anonymous), the operation's declared
 * checks, the server-derived RequestFacts. Policies come from a PolicySource (the identity
 * service, which caches them): the principal's identity policies, its narrowing policies
 * (access-key inline policy, STS session policy) and, per check, the bucket's policy.
 *
 * Decision per check (AWS semantics, not MinIO's — reference §1.7, §13.1–3):
 *  1. An explicit Deny in any applicable policy (identity, narrowing, bucket) denies.
 *  2. Root (the root key itself) is allowed without identity policies; a bucket policy Deny still
 *     applies to it — except s3:GetBucketPolicy/PutBucketPolicy/DeleteBucketPolicy, which root can
 *     always do so that a bucket whose policy denies everyone can be recovered (AWS's lockout
 *     rule). Turning root off (COFFER_API_ROOT_ACCESS) happens at credential lookup, not here.
 *  3. Any other authenticated principal needs an identity Allow, or a bucket-policy Allow that
 *     names it directly ("*", its ARN or its role's ARN; a statement naming only the account
 *     delegates to identity policies, as in AWS) — and then every narrowing policy must allow
 *     too (intersection: they never grant). Unknown or disabled principals (PrincipalPolicies
 *     undefined) are denied everything. Root credentials that carry a narrowing policy (a root
 *     access key with an inline policy) are narrowed the same way.
 *  4. Anonymous callers are allowed only by a bucket-policy Allow whose Principal is "*".
 *  5. mode 'deny-only': allowed unless an explicit Deny matches (still never for unknown principals).
 * No checks → denied (fail closed). The condition context is built once per request from
 * server-derived values only (request-context.ts). Denials carry the trace in AppError details
 * (debug logs): actions, resources, deciding statement labels — never secrets.
 * Work per request: one principalPolicies() call (root included: the source refuses root when
 * root access is switched off), one bucketPolicy() per distinct bucket, one
 * evaluate() per policy set per check; stored object tags only when a policy reads them.
 */
import { AppError } from '../../core/index.js';
import { evaluate, type Decision, type LabelledPolicy, type RequestPrincipal } from '../policy/index.js';
import { ACCOUNT_ID, type Principal } from '../credentials/index.js';
import {
  resourceArn,
  type AuthorizationCheck,
  type AuthorizationRequest,
  type AuthorizationResult,
  type Authorizer,
  type PolicySource,
  type PrincipalPolicies,
} from './authorizer.js';
import { baseContext, checkContext, usesExistingObjectTags } from './request-context.js';

type TraceEntry = AuthorizationResult['trace'][number];

const NO_POLICIES: PrincipalPolicies = Object.freeze({ identity: [], narrowing: [] });
const NO_DECISION: Decision = Object.freeze({ effect: 'NoDecision', decidedBy: [] });
/** AWS: root can always read, replace and delete a bucket policy, even one that denies it. */
const ROOT_RECOVERY_ACTIONS = new Set(['s3:getbucketpolicy', 's3:putbucketpolicy', 's3:deletebucketpolicy']);
/** Actions whose context includes s3:ExistingObjectTag/<k> (the target version's stored tags). */
const EXISTING_TAG_ACTIONS = new Set(
  ['GetObject', 'GetObjectVersion', 'GetObjectAttributes', 'GetObjectVersionAttributes', 'GetObjectTagging', 'GetObjectVersionTagging',
    'PutObjectTagging', 'PutObjectVersionTagging', 'DeleteObjectTagging', 'DeleteObjectVersionTagging', 'DeleteObjectVersion']
    .map((a) => `s3:${a.toLowerCase()}`),
);

interface RequestState {
  request: AuthorizationRequest;
  principal: Principal | undefined;
  matchAs: RequestPrincipal | undefined;
  policies: PrincipalPolicies | undefined;
  base: Map<string, readonly string[]>;
  bucketPolicies: Map<string, Promise<LabelledPolicy | undefined>>;
  tags: Map<string, Promise<Readonly<Record<string, string>> | undefined>>;
}

export class PolicyAuthorizer implements Authorizer {
  readonly #source: PolicySource;

  constructor(deps: { policies: PolicySource }) {
    this.#source = deps.policies;
  }

  async authorize(request: AuthorizationRequest): Promise<void> {
    const result = await this.#run(request, true);
    if (result.effect === 'Allow') return;
    throw new AppError('AccessDenied', { message: 'Access Denied', details: traceDetails(request.principal, result) });
  }

  async explain(request: AuthorizationRequest): Promise<AuthorizationResult> {
    return this.#run(request, false);
  }

  async #run(request: AuthorizationRequest, stopAtFirstRefusal: boolean): Promise<AuthorizationResult> {
    if (request.checks.length === 0) return { effect: 'NoDecision', trace: [] };
    const principal = request.principal;
    const state: RequestState = {
      request,
      principal,
      matchAs: principal && { arn: principal.arn, account: ACCOUNT_ID, aliases: principal.sourceArn ? [principal.sourceArn, principal.canonicalId] : [principal.canonicalId] },
      // Root too: the source answers undefined when root access is off or its key is stale.
      policies: principal === undefined ? NO_POLICIES : await this.#source.principalPolicies(principal),
      base: baseContext(principal, request.facts),
      bucketPolicies: new Map(),
      tags: new Map(),
    };
    const trace: TraceEntry[] = [];
    let effect: AuthorizationResult['effect'] = 'Allow';
    for (const check of request.checks) {
      const entry = await this.#decide(state, check);
      trace.push(entry);
      if (entry.effect === 'Deny') effect = 'Deny';
      else if (entry.effect === 'NoDecision' && effect === 'Allow') effect = 'NoDecision';
      if (effect !== 'Allow' && stopAtFirstRefusal) break;
    }
    return { effect, trace };
  }

  async #decide(state: RequestState, check: AuthorizationCheck): Promise<TraceEntry> {
    const { principal, policies } = state;
    if (policies === undefined) return { check, effect: 'NoDecision', decidedBy: [], reason: 'unknown or disabled principal' };
    const bucketPolicy = check.bucket !== undefined && check.resource === undefined ? await this.#bucketPolicy(state, check.bucket) : undefined;
    const existingTags = await this.#existingTags(state, check, bucketPolicy);
    const evaluation = { action: check.action, resource: resourceArn(check), principal: state.matchAs, context: checkContext(state.base, check, existingTags) };
    const run = (set: readonly LabelledPolicy[]): Decision => (set.length === 0 ? NO_DECISION : evaluate(set, evaluation));

    const identity = run(policies.identity);
    if (identity.effect === 'Deny') return { check, effect: 'Deny', decidedBy: identity.decidedBy, reason: 'explicit deny' };
    const bucket = bucketPolicy ? run([bucketPolicy]) : NO_DECISION;
    const isRoot = principal?.kind === 'root';
    if (bucket.effect === 'Deny' && !(isRoot && ROOT_RECOVERY_ACTIONS.has(check.action.toLowerCase()))) {
      return { check, effect: 'Deny', decidedBy: bucket.decidedBy, reason: 'explicit deny in the bucket policy' };
    }
    const narrowing = policies.narrowing.map((policy) => run([policy]));
    const narrowingDeny = narrowing.find((d) => d.effect === 'Deny');
    if (narrowingDeny) return { check, effect: 'Deny', decidedBy: narrowingDeny.decidedBy, reason: 'explicit deny' };
    if (state.request.mode === 'deny-only') return { check, effect: 'Allow', decidedBy: [], reason: 'no explicit deny (deny-only check)' };

    let granted: Decision | undefined;
    if (isRoot) granted = { effect: 'Allow', decidedBy: [] };
    else if (identity.effect === 'Allow') granted = identity;
    else if (bucket.effect === 'Allow' && bucketPolicy && grantsDirectly(bucket, bucketPolicy, principal)) granted = bucket;
    if (granted === undefined) return { check, effect: 'NoDecision', decidedBy: [], reason: 'no policy allows' };
    if (narrowing.some((d) => d.effect !== 'Allow')) {
      return { check, effect: 'NoDecision', decidedBy: granted.decidedBy, reason: 'an access-key or session policy does not allow' };
    }
    const decidedBy = narrowing.reduce<TraceEntry['decidedBy']>((all, d) => [...all, ...d.decidedBy], granted.decidedBy);
    return { check, effect: 'Allow', decidedBy, reason: isRoot ? 'root' : undefined };
  }

  #bucketPolicy(state: RequestState, bucket: string): Promise<LabelledPolicy | undefined> {
    let found = state.bucketPolicies.get(bucket);
    if (found === undefined) {
      const lookup = state.request.bucketPolicy ?? ((name: string) => this.#source.bucketPolicy(name));
      found = lookup(bucket).then((policy) => (policy ? { label: `bucket:${bucket}/policy`, policy } : undefined));
      state.bucketPolicies.set(bucket, found);
    }
    return found;
  }

  /** Stored tags of the target version, loaded only when an applicable policy reads them. */
  async #existingTags(state: RequestState, check: AuthorizationCheck, bucketPolicy: LabelledPolicy | undefined): Promise<Readonly<Record<string, string>> | undefined> {
    const load = state.request.objectTags;
    if (load === undefined || check.bucket === undefined || check.key === undefined || !EXISTING_TAG_ACTIONS.has(check.action.toLowerCase())) return undefined;
    const policies = state.policies ?? NO_POLICIES;
    const relevant = [...policies.identity, ...policies.narrowing, ...(bucketPolicy ? [bucketPolicy] : [])];
    if (!relevant.some((p) => usesExistingObjectTags(p.policy))) return undefined;
    const versionId = check.conditions?.['s3:versionid']?.[0];
    const id = JSON.stringify([check.bucket, check.key, versionId]);
    let tags = state.tags.get(id);
    if (tags === undefined) {
      tags = load(check.bucket, check.key, versionId);
      state.tags.set(id, tags);
    }
    return (await tags) ?? {};
  }
}

/**
 * Whether a bucket-policy Allow names the caller itself. AWS: "*", the principal's ARN or its
 * role's ARN grant directly; a Principal naming only the account (its id, root ARN or canonical
 * id) delegates to the account's identity policies and grants nothing on its own.
 */
function grantsDirectly(decision: Decision, bucketPolicy: LabelledPolicy, principal: Principal | undefined): boolean {
  if (principal === undefined) return true; // evaluate() matched only "*" for anonymous callers
  const own = new Set([principal.arn, ...(principal.sourceArn ? [principal.sourceArn] : [])]);
  return decision.decidedBy.some((matched) => {
    const statement = bucketPolicy.policy.statements.find((s) => s.index === matched.index);
    if (statement === undefined || matched.effect !== 'Allow') return false;
    const names = statement.principal;
    if (names === undefined) return true; // NotPrincipal: everyone but the listed
    return names.any || names.aws.some((name) => name === '*' || own.has(name));
  });
}

function traceDetails(principal: Principal | undefined, result: AuthorizationResult): Record<string, unknown> {
  return {
    principal: principal?.arn ?? 'anonymous',
    checks: result.trace.map((t) => ({
      action: t.check.action,
      resource: resourceArn(t.check),
      effect: t.effect,
      reason: t.reason,
      decidedBy: t.decidedBy.map((d) => `${d.label}#${d.sid ?? d.index}`),
    })),
  };
}
