/**
 * The policy model shared by the parser, the evaluator and everything that stores or explains
 * policies. Pure data: no I/O. See parse.ts / evaluate.ts for the design notes.
 */

/** Where a document is used; decides which fields are allowed and required. */
export type PolicyKind =
  /** Managed, inline (user/group/role) and access-key policies: no Principal, Version required. */
  | 'identity'
  /** STS session policies: like identity, and at most 2048 bytes once normalised. */
  | 'session'
  /** Bucket policies: every statement needs Principal; every Resource inside `bucket`. */
  | 'bucket'
  /** Role trust policies: Principal required, actions sts:*, no Resource. */
  | 'trust';

export type Effect = 'Allow' | 'Deny';

/** One parsed condition clause: `Operator` (with qualifier and IfExists split out) × key × values. */
export interface ConditionClause {
  /** As written, e.g. 'ForAnyValue:StringLikeIfExists'. */
  readonly operator: string;
  /** Base operator family name, e.g. 'StringLike'. */
  readonly base: string;
  readonly qualifier: 'ForAllValues' | 'ForAnyValue' | undefined;
  readonly ifExists: boolean;
  /** Condition key, lower-cased up to its first '/' (tag keys after '/' keep their case). */
  readonly key: string;
  readonly values: readonly string[];
}

/** Principal block of a bucket or trust policy, normalised. '*' means everyone (anonymous too). */
export interface PrincipalBlock {
  readonly any: boolean;
  /** ARNs / account ids / canonical ids listed under "AWS" (and "CanonicalUser"). */
  readonly aws: readonly string[];
  readonly service: readonly string[];
  readonly federated: readonly string[];
}

export interface Statement {
  /** Position in the document (0-based), used in traces and error messages. */
  readonly index: number;
  readonly sid: string | undefined;
  readonly effect: Effect;
  /** Exactly one of actions / notActions is set (lower-cased patterns, e.g. 's3:get*'). */
  readonly actions: readonly string[] | undefined;
  readonly notActions: readonly string[] | undefined;
  /** Exactly one of resources / notResources is set, except trust policies (neither). */
  readonly resources: readonly string[] | undefined;
  readonly notResources: readonly string[] | undefined;
  readonly principal: PrincipalBlock | undefined;
  readonly notPrincipal: PrincipalBlock | undefined;
  readonly conditions: readonly ConditionClause[];
}

export interface ParsedPolicy {
  readonly kind: PolicyKind;
  readonly version: '2012-10-17' | '2008-10-17';
  readonly id: string | undefined;
  readonly statements: readonly Statement[];
  /** The normalised JSON text (stable key order, no whitespace): what gets stored and returned. */
  readonly text: string;
}

/** A policy with a label saying where it came from, e.g. 'user:app1/policy:readonly'. */
export interface LabelledPolicy {
  readonly label: string;
  readonly policy: ParsedPolicy;
}

/**
 * Request-side values of condition keys. Keys are lower-cased up to their first '/'
 * (e.g. 'aws:sourceip', 's3:existingobjecttag/Project'). Built only from server-derived values.
 * A key that is absent from the map is absent (not empty).
 */
export type ConditionContext = ReadonlyMap<string, readonly string[]>;

/** Who is asking, as resource and trust policies match it. Undefined: anonymous. */
export interface RequestPrincipal {
  /** e.g. arn:aws:iam::000000000000:user/app1, arn:aws:sts::000000000000:assumed-role/r/s */
  readonly arn: string;
  /** The account id, e.g. '000000000000'; "AWS": "000000000000" or "arn:aws:iam::000000000000:root" name the whole account. */
  readonly account: string;
  /** Extra names the principal answers to (e.g. the role ARN behind an assumed-role session, canonical id). */
  readonly aliases?: readonly string[];
}

export interface EvaluationRequest {
  /** As AWS writes it, e.g. 's3:GetObject' (matched case-insensitively). */
  readonly action: string;
  /** The ARN the action is on, e.g. 'arn:aws:s3:::b/k', 'arn:aws:s3:::b', or '*' (no resource). */
  readonly resource: string;
  readonly principal: RequestPrincipal | undefined;
  /** Condition key values; also the source of policy variables (${aws:username} …). */
  readonly context: ConditionContext;
}

export interface MatchedStatement {
  readonly label: string;
  readonly sid: string | undefined;
  readonly index: number;
  readonly effect: Effect;
}

export interface Decision {
  /** 'Deny': an explicit Deny matched. 'Allow': no Deny and some Allow matched. 'NoDecision': nothing matched. */
  readonly effect: 'Allow' | 'Deny' | 'NoDecision';
  /** The statements that decided: every matching Deny, else every matching Allow. */
  readonly decidedBy: readonly MatchedStatement[];
}
