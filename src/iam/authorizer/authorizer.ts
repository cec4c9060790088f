/**
 * The authorization seam. Every operation declares the IAM checks it needs (action + resource +
 * the action's condition keys it derived from the parsed request); the pipeline hands them here
 * before any body byte is read and before any precondition or existence check. Protects every
 * bucket, object and identity from callers without a grant. Fails closed: no checks → denied.
 */
import { AppError } from '../../core/index.js';
import type { ParsedPolicy, LabelledPolicy } from '../policy/index.js';
import type { Principal } from '../credentials/index.js';

export interface AuthorizationCheck {
  /** IAM action exactly as AWS writes it, e.g. 's3:GetObject', 'iam:CreateUser', 'admin:CreateUser'. */
  action: string;
  bucket?: string;
  key?: string;
  /** A full ARN for non-S3 resources (iam users, roles, policies); wins over bucket/key. */
  resource?: string;
  /**
   * Action-specific condition keys derived by the server from the parsed request, lower-cased
   * names (e.g. 's3:prefix', 's3:versionid', 's3:x-amz-server-side-encryption'). Never copied
   * wholesale from headers or query strings.
   */
  conditions?: Readonly<Record<string, readonly string[]>>;
}

/** Facts about the connection and signature, derived by the server (global condition keys). */
export interface RequestFacts {
  /** aws:SourceIp: the TCP peer, or the right-most untrusted forwarded hop behind trusted proxies. */
  sourceIp: string;
  /** aws:SecureTransport */
  secureTransport: boolean;
  /** s3:authType: 'REST-HEADER' | 'REST-QUERY-STRING' | 'POST'; undefined for anonymous. */
  authType?: 'REST-HEADER' | 'REST-QUERY-STRING' | 'POST' | undefined;
  /** s3:signatureAge in milliseconds (presigned URLs: time since X-Amz-Date). */
  signatureAgeMs?: number | undefined;
  /** s3:x-amz-content-sha256 as signed. */
  contentSha256?: string | undefined;
  userAgent?: string | undefined;
  referer?: string | undefined;
  /** Server time the request was admitted (aws:CurrentTime, aws:EpochTime). */
  now: Date;
}

export interface AuthorizationRequest {
  principal: Principal | undefined;
  checks: readonly AuthorizationCheck[];
  /** Absent only in unit tests of callers that do not care; the real pipeline always sets it. */
  facts?: RequestFacts;
  /**
   * 'deny-only': allowed unless an explicit Deny matches (self-service operations of
   * unrestricted long-term users only; the caller decides when that applies).
   */
  mode?: 'normal' | 'deny-only';
  /**
   * Loads the stored tags of an object version for s3:ExistingObjectTag/<k> (undefined: no such
   * object or version). Called lazily, only for object-tag-aware actions and only when some
   * applicable policy has a condition on an existing-object-tag key. Absent: those keys are absent.
   */
  objectTags?: (bucket: string, key: string, versionId: string | undefined) => Promise<Readonly<Record<string, string>> | undefined>;
  /**
   * Request-scoped source of bucket policies, used instead of PolicySource.bucketPolicy: the
   * pipeline reads each bucket record once per request and shares it with its existence check.
   */
  bucketPolicy?: (bucket: string) => Promise<ParsedPolicy | undefined>;
}

/** The policies that apply to one principal, resolved from the identity store. */
export interface PrincipalPolicies {
  /** User's managed + inline, its enabled groups' managed + inline; or the role's. */
  identity: readonly LabelledPolicy[];
  /**
   * Narrowing policies: an access key's inline policy, an STS session policy. Each one must
   * also allow the action (intersection); they never grant on their own.
   */
  narrowing: readonly LabelledPolicy[];
}

/** Where the authorizer gets policies. Implemented by the identity service; cached there. */
export interface PolicySource {
  /** undefined: the principal no longer exists or is disabled → everything is denied. */
  principalPolicies(principal: Principal): Promise<PrincipalPolicies | undefined>;
  bucketPolicy(bucket: string): Promise<ParsedPolicy | undefined>;
}

export interface AuthorizationResult {
  effect: 'Allow' | 'Deny' | 'NoDecision';
  /** Per check: which statements decided (for `policy explain` and debug logs). */
  trace: ReadonlyArray<{
    check: AuthorizationCheck;
    effect: 'Allow' | 'Deny' | 'NoDecision';
    decidedBy: ReadonlyArray<{ label: string; sid: string | undefined; index: number; effect: 'Allow' | 'Deny' }>;
    /** Why, in a few words (e.g. 'explicit deny', 'no policy allows', 'session policy does not allow'). */
    reason?: string;
  }>;
}

export interface Authorizer {
  /** Resolves when every check is allowed; throws AccessDenied otherwise. */
  authorize(request: AuthorizationRequest): Promise<void>;
  /** The same evaluation, returned instead of thrown (policy explain, ListBuckets filtering). */
  explain?(request: AuthorizationRequest): Promise<AuthorizationResult>;
}

export function resourceArn(check: AuthorizationCheck): string {
  if (check.resource !== undefined) return check.resource;
  if (check.bucket === undefined) return '*';
  return check.key === undefined ? `arn:aws:s3:::${check.bucket}` : `arn:aws:s3:::${check.bucket}/${check.key}`;
}

export class RootOnlyAuthorizer implements Authorizer {
  async authorize(request: AuthorizationRequest): Promise<void> {
    if (request.checks.length === 0) throw new AppError('AccessDenied', { details: { reason: 'operation declared no checks' } });
    if (request.principal?.kind === 'root') return;
    throw new AppError('AccessDenied', { message: 'Access Denied', details: { actions: request.checks.map((c) => c.action) } });
  }
}
