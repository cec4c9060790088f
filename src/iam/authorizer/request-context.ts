/**
 * The condition context of one request: which values a policy's Condition block and policy
 * variables see.
 * Protects: the integrity of every global condition key. A policy that says "Deny unless
 * aws:SecureTransport" or "Allow only from aws:SourceIp 10.0.0.0/8" is only as good as the
 * values it is compared with, so they come from the server alone:
 *  - aws:* keys (and the signature facts s3:authType, s3:signatureAge, s3:signatureversion,
 *    s3:x-amz-content-sha256) are built here from RequestFacts (socket, verified signature,
 *    server clock) and the authenticated Principal — never from headers or query strings;
 *  - an operation's check may add action-specific keys, but only in the s3: and iam: namespaces
 *    (e.g. s3:prefix, iam:PolicyARN — values the server derived from the parsed request) and never
 *    one of the authorizer-owned keys above or s3:ExistingObjectTag/<k> (stored tags, loaded
 *    here). A check that tries is a programming error and fails closed (InternalError), so a
 *    client value can never shadow or add to a trusted key (MinIO's CVE class, reference §1.5).
 * Construction: the base map is built once per request; a check without conditions reuses it,
 * a check with conditions gets a copy with its keys added. Keys are lower-cased up to the first
 * '/', tag keys after it keep their case (the policy engine's convention).
 */
import { AppError } from '../../core/index.js';
import type { ConditionContext } from '../policy/index.js';
import type { Principal } from '../credentials/index.js';
import type { AuthorizationCheck, RequestFacts } from './authorizer.js';

/** s3:-namespace keys the authorizer owns: a check may never supply them. */
const OWNED_S3_KEYS = new Set(['s3:authtype', 's3:signatureage', 's3:signatureversion', 's3:x-amz-content-sha256']);
const EXISTING_TAG_PREFIX = 's3:existingobjecttag/';

const PRINCIPAL_TYPES: Record<Principal['kind'], string> = { root: 'Account', user: 'User', 'assumed-role': 'AssumedRole', federated: 'FederatedUser' };

/** 'AWS:SourceIp' → 'aws:sourceip'; 's3:RequestObjectTag/Project' → 's3:requestobjecttag/Project'. */
export function normaliseKey(key: string): string {
  const slash = key.indexOf('/');
  return slash < 0 ? key.toLowerCase() : key.slice(0, slash).toLowerCase() + key.slice(slash);
}

/** aws:PrincipalArn: a role session answers with its role's ARN, as in AWS. */
function principalArn(principal: Principal): string {
  return principal.kind === 'assumed-role' && principal.sourceArn !== undefined ? principal.sourceArn : principal.arn;
}

export function baseContext(principal: Principal | undefined, facts: RequestFacts | undefined): Map<string, readonly string[]> {
  const context = new Map<string, readonly string[]>();
  context.set('aws:principaltype', [principal ? PRINCIPAL_TYPES[principal.kind] : 'Anonymous']);
  if (principal) {
    context.set('aws:userid', [principal.userId]);
    context.set('aws:principalarn', [principalArn(principal)]);
    context.set('aws:principalaccount', [principal.arn.split(':')[4] ?? '']);
    if (principal.userName !== undefined) context.set('aws:username', [principal.userName]);
    for (const [key, value] of Object.entries(principal.tags ?? {})) context.set(`aws:principaltag/${key}`, [value]);
    // Identity-provider claims live in their own namespaces (ldap:, jwt:, tls:): never aws: or s3:.
    for (const [key, values] of Object.entries(principal.claims ?? {})) if (/^(ldap|jwt|tls):/.test(key)) context.set(key, values);
  }
  if (facts) {
    const seconds = Math.floor(facts.now.getTime() / 1000);
    context.set('aws:currenttime', [new Date(seconds * 1000).toISOString().replace('.000Z', 'Z')]);
    context.set('aws:epochtime', [String(seconds)]);
    context.set('aws:sourceip', [facts.sourceIp]);
    context.set('aws:securetransport', [facts.secureTransport ? 'true' : 'false']);
    if (facts.userAgent !== undefined) context.set('aws:useragent', [facts.userAgent]);
    if (facts.referer !== undefined) context.set('aws:referer', [facts.referer]);
    if (facts.authType !== undefined) {
      context.set('s3:authtype', [facts.authType]);
      context.set('s3:signatureversion', ['AWS4-HMAC-SHA256']);
    }
    if (facts.signatureAgeMs !== undefined) context.set('s3:signatureage', [String(Math.max(0, Math.floor(facts.signatureAgeMs)))]);
    if (facts.contentSha256 !== undefined) context.set('s3:x-amz-content-sha256', [facts.contentSha256]);
  }
  return context;
}

/** The base context plus the check's own s3:/iam: keys (validated) and the stored object tags, if loaded. */
export function checkContext(
  base: ReadonlyMap<string, readonly string[]>,
  check: AuthorizationCheck,
  existingTags: Readonly<Record<string, string>> | undefined,
): ConditionContext {
  const conditions = check.conditions === undefined ? [] : Object.entries(check.conditions);
  if (conditions.length === 0 && existingTags === undefined) return base;
  const context = new Map(base);
  for (const [raw, values] of conditions) {
    const key = normaliseKey(raw);
    const namespaceOk = key.startsWith('s3:') || key.startsWith('iam:');
    if (!namespaceOk || OWNED_S3_KEYS.has(key) || key.startsWith(EXISTING_TAG_PREFIX)) {
      throw new AppError('InternalError', { details: { reason: `check for ${check.action} may not supply condition key ${key}` } });
    }
    context.set(key, values);
  }
  for (const [key, value] of Object.entries(existingTags ?? {})) context.set(`${EXISTING_TAG_PREFIX}${key}`, [value]);
  return context;
}

/** Whether a condition in the policy reads s3:ExistingObjectTag/<k> (memoised per parsed policy). */
const referencesTags = new WeakMap<object, boolean>();

export function usesExistingObjectTags(policy: { statements: ReadonlyArray<{ conditions: ReadonlyArray<{ key: string }> }> }): boolean {
  let known = referencesTags.get(policy);
  if (known === undefined) {
    known = policy.statements.some((s) => s.conditions.some((c) => c.key.startsWith(EXISTING_TAG_PREFIX)));
    referencesTags.set(policy, known);
  }
  return known;
}
