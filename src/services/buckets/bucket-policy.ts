/**
 * Bucket policies as the authorizer sees them: the stored text parsed once (memoised by bucket
 * and text, bounded), and AWS's "is this policy public" rule for GetBucketPolicyStatus.
 * Protects: a stored policy is only ever evaluated in its parsed, validated form. A stored
 * text the current parser refuses (a stricter engine after an upgrade) is not ignored — that
 * would drop its Deny statements — but replaced by a deny-everyone policy on the bucket, which
 * root can still replace or delete (the authorizer's lockout-recovery rule).
 */
import { parsePolicy, PolicyError, type ConditionClause, type ParsedPolicy, type Statement } from '../../iam/policy/index.js';

const MEMO_LIMIT = 1024;
const memo = new Map<string, ParsedPolicy>();

function denyEveryone(bucket: string): ParsedPolicy {
  const text = JSON.stringify({
    Version: '2012-10-17',
    Statement: [{ Sid: 'UnreadableStoredPolicy', Effect: 'Deny', Principal: '*', Action: 's3:*', Resource: [`arn:aws:s3:::${bucket}`, `arn:aws:s3:::${bucket}/*`] }],
  });
  return parsePolicy(text, 'bucket', { bucket });
}

/** The parsed policy for a stored text; the same object for the same (bucket, text). */
export function parsedBucketPolicy(bucket: string, text: string): ParsedPolicy {
  const id = `${bucket}\n${text}`;
  let parsed = memo.get(id);
  if (parsed === undefined) {
    try {
      parsed = parsePolicy(text, 'bucket', { bucket });
    } catch (error) {
      if (!(error instanceof PolicyError)) throw error;
      parsed = denyEveryone(bucket);
    }
    if (memo.size >= MEMO_LIMIT) memo.delete(memo.keys().next().value as string);
    memo.set(id, parsed);
  }
  return parsed;
}

/**
 * Condition keys whose fixed values make an Allow to "*" non-public (AWS "The meaning of
 * public"): the caller's network, the calling service or account, a KMS key, an org.
 */
const FIXING_KEYS = new Set([
  'aws:sourceip', 'aws:sourcearn', 'aws:sourcevpc', 'aws:sourcevpce', 'aws:sourceaccount', 'aws:sourceowner',
  'aws:sourceorgid', 'aws:sourceorgpaths', 'aws:principalaccount', 'aws:principalarn', 'aws:principalorgid',
  'aws:principalorgpaths', 'aws:userid', 's3:x-amz-server-side-encryption-aws-kms-key-id', 's3:dataaccesspointarn',
  's3:dataaccesspointaccount',
]);
const FIXING_OPERATORS = new Set(['StringEquals', 'StringEqualsIgnoreCase', 'StringLike', 'ArnEquals', 'ArnLike', 'IpAddress']);

/** An IPv4 range wider than /8 or an IPv6 range wider than /32 is "everyone" for this rule. */
function narrowCidr(value: string): boolean {
  const [address, bits] = value.split('/');
  if (address === undefined) return false;
  const v6 = address.includes(':');
  const length = bits === undefined ? (v6 ? 128 : 32) : Number(bits);
  return Number.isInteger(length) && length >= (v6 ? 32 : 8);
}

function fixes(clause: ConditionClause): boolean {
  if (clause.ifExists || clause.qualifier === 'ForAllValues' || !FIXING_OPERATORS.has(clause.base)) return false;
  if (!FIXING_KEYS.has(clause.key) || clause.values.length === 0) return false;
  if (clause.key === 'aws:sourceip') return clause.base === 'IpAddress' && clause.values.every(narrowCidr);
  if (clause.base === 'IpAddress') return false;
  const wildcard = clause.base.endsWith('Like') && clause.values.some((v) => /[*?]/.test(v));
  return !wildcard && clause.values.every((v) => v !== '');
}

function allowsEveryone(statement: Statement): boolean {
  if (statement.effect !== 'Allow') return false;
  const everyone = statement.notPrincipal !== undefined || statement.principal?.any === true || statement.principal?.aws.includes('*') === true;
  return everyone && !statement.conditions.some(fixes);
}

/** GetBucketPolicyStatus IsPublic: some Allow reaches everyone without a fixing condition. */
export function isPublicPolicy(policy: ParsedPolicy): boolean {
  return policy.statements.some(allowsEveryone);
}
