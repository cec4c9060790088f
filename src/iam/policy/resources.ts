/**
 * Resource patterns: '*', arn:aws:s3:::<bucket>[/<key>], arn:aws:iam::<account>:<type>/<path+name>,
 * arn:aws:sts::<account>:<type>/<name>, arn:coffer:kms:::<key> (arn:minio:kms::: is an alias).
 * Wildcards '*' (any run, '/' included) and '?' (one character); case-sensitive; policy
 * variables substituted at evaluation (unresolved → the pattern matches nothing). A bucket-level
 * request is 'arn:aws:s3:::b' with no slash, so 'arn:aws:s3:::b/*' never grants bucket actions.
 */
import { literalPrefix, matchGlob, type Glob } from './match.js';
import { hasVariables, matchTemplate, parseTemplate, resolveGlob, templateGlob, type TemplateGlob } from './variables.js';
import type { ConditionContext } from './types.js';

const S3 = 'arn:aws:s3:::';
const KMS = 'arn:coffer:kms:::';
const KMS_ALIAS = 'arn:minio:kms:::';
const ACCOUNT = /^(\d{12}|\*|)$/;
const IAM_TYPES = new Set(['user', 'group', 'role', 'policy', 'oidc-provider', 'saml-provider', 'instance-profile', 'server-certificate', 'mfa']);
const STS_TYPES = new Set(['assumed-role', 'federated-user', 'role']);

/**
 * Whether a bucket-policy resource (after 'arn:aws:s3:::') can match the bucket itself or a key
 * inside it: 'b', 'b/…', and wildcard patterns such as '*' (alone or followed by '/' and '*') or 'b*' that cover it (AWS
 * accepts those). Decided on the literal text before the first wildcard: it must agree with
 * 'bucket/' as far as either reaches, and a pattern without wildcards must be exactly the bucket
 * or start with 'bucket/'.
 */
function canReachBucket(rest: string, bucket: string): boolean {
  if (rest === bucket || rest.startsWith(`${bucket}/`)) return true;
  const wild = rest.search(/[*?]/);
  if (wild < 0) return false;
  const literal = rest.slice(0, wild);
  const target = `${bucket}/`;
  return literal.length <= target.length ? target.startsWith(literal) : literal.startsWith(target);
}

/** Validates a written resource; throws Error(message). `bucket`: bucket policies only. */
export function validateResource(r: string, isBucketPolicy: boolean, bucket: string | undefined): void {
  const q = JSON.stringify(r);
  if (isBucketPolicy) {
    if (!r.startsWith(S3)) throw new Error(`resource ${q} must be an arn:aws:s3::: ARN in a bucket policy`);
    const rest = r.slice(S3.length);
    if (bucket !== undefined && !canReachBucket(rest, bucket)) {
      throw new Error(`resource ${q} is outside bucket ${JSON.stringify(bucket)}: use arn:aws:s3:::${bucket} or arn:aws:s3:::${bucket}/…`);
    }
  }
  if (r === '*') return;
  if (r.startsWith(S3)) {
    const rest = r.slice(S3.length);
    if (rest === '' || rest.startsWith('/')) throw new Error(`malformed S3 resource ${q}: expected arn:aws:s3:::bucket or arn:aws:s3:::bucket/key`);
    return;
  }
  if (r.startsWith(KMS) || r.startsWith(KMS_ALIAS)) {
    const rest = canonicalResource(r).slice(KMS.length);
    if (rest === '' || /[/\\]/.test(rest)) throw new Error(`malformed KMS resource ${q}: expected arn:coffer:kms:::<key-name>`);
    return;
  }
  const m = /^arn:aws:(iam|sts)::([^:]*):(.+)$/s.exec(r);
  if (m === null) throw new Error(`malformed or unsupported resource ${q}`);
  const [, service = '', account = '', rest = ''] = m;
  if (!ACCOUNT.test(account)) throw new Error(`malformed resource ${q}: the account must be 12 digits, "*" or empty`);
  if (rest === '*' || (service === 'iam' && rest === 'root')) return;
  const slash = rest.indexOf('/');
  const type = slash < 0 ? rest : rest.slice(0, slash);
  if (/[*?]/.test(type)) return;
  const types = service === 'iam' ? IAM_TYPES : STS_TYPES;
  if (!types.has(type) || slash < 0 || slash === rest.length - 1) {
    throw new Error(`malformed resource ${q}: expected arn:aws:${service}::<account>:<${[...types].join('|')}>/<name>`);
  }
}

/** Maps the arn:minio:kms::: alias onto arn:coffer:kms::: (policy patterns and requests). */
export function canonicalResource(r: string): string {
  return r.startsWith(KMS_ALIAS) ? KMS + r.slice(KMS_ALIAS.length) : r;
}

/**
 * The resource a request is matched as. '*' means "no resource" (ListAllMyBuckets, kms:Status…);
 * for s3: and kms: actions it is matched as that service's all-resources ARN, so — as in AWS —
 * 'arn:aws:s3:::*' (or '*') grants s3:ListAllMyBuckets while an all-objects pattern
 * ('arn:aws:s3:::*' + '/*') or one bucket does not. Other services' resourceless actions need Resource "*". `action` is lower-cased.
 */
export function requestResource(action: string, resource: string): string {
  if (resource === '*') {
    if (action.startsWith('s3:')) return `${S3}*`;
    if (action.startsWith('kms:')) return `${KMS}*`;
    return resource;
  }
  return canonicalResource(resource);
}

export interface ResourcePattern {
  /** Set for patterns without policy variables. */
  readonly glob: Glob | undefined;
  /** Set for patterns with policy variables (resolved per request). */
  readonly template: TemplateGlob | undefined;
}

/** A statement's Resource/NotResource list plus the literal prefix every match shares. */
export interface ResourceSet {
  readonly lead: string;
  readonly patterns: readonly ResourcePattern[];
}

/** Throws Error(message) on a malformed policy variable. */
export function compileResource(r: string, variables: boolean): ResourcePattern {
  const template = parseTemplate(canonicalResource(r), variables);
  if (hasVariables(template)) return { glob: undefined, template: templateGlob(template) };
  const glob = resolveGlob(template, undefined);
  if (glob === undefined) throw new Error('unreachable: static resource did not resolve');
  return { glob, template: undefined };
}

function commonPrefix(a: string, b: string): string {
  let i = 0;
  while (i < a.length && i < b.length && a.charCodeAt(i) === b.charCodeAt(i)) i++;
  return a.slice(0, i);
}

export function compileResources(list: readonly string[], variables: boolean): ResourceSet {
  const patterns = list.map((r) => compileResource(r, variables));
  const leads = patterns.map((p) => (p.glob !== undefined ? literalPrefix(p.glob) : (p.template as TemplateGlob).lead));
  return { lead: leads.reduce(commonPrefix), patterns };
}

export function matchResources(set: ResourceSet, resource: string, ctx: ConditionContext): boolean {
  if (!resource.startsWith(set.lead)) return false;
  for (const p of set.patterns) {
    if (p.glob !== undefined ? matchGlob(p.glob, resource) : matchTemplate(p.template as TemplateGlob, resource, ctx)) return true;
  }
  return false;
}
