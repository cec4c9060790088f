/**
 * Resource patterns: '*', arn:aws:s3:::<bucket>[/<key>], arn:aws:iam::<account>:<type>/<path+name>,
 * arn:aws:sts::<account>:<type>/<name>, arn:coffer:kms:::<key> (arn:minio:kms::: is an alias).
 * Wildcards '*' (any run, '/' included) and '?' (one character); case-sensitive; policy
 * variables substituted at evaluation (unresolved → the pattern matches nothing). A bucket-level
 * request is 'arn:aws:s3:::b' with no slash, so 'arn:aws:s3:::b/*' never grants bucket actions.
 */
import { matchGlob, type Glob } from './match.js';
import { hasVariables, matchTemplate, parseTemplate, resolveGlob, templateGlob, type TemplateGlob } from './variables.js';
import type { ConditionContext } from './types.js';

const S3 = 'arn:aws:s3:::';
const KMS = 'arn:coffer:kms:::';
const KMS_ALIAS = 'arn:minio:kms:::';
const ACCOUNT = /^(\d{12}|\*|)$/;
const IAM_TYPES = new Set(['user', 'group', 'role', 'policy', 'oidc-provider', 'saml-provider', 'instance-profile', 'server-certificate', 'mfa']);
const STS_TYPES = new Set(['assumed-role', 'federated-user', 'role']);

/** Validates a written resource; throws Error(message). `bucket`: bucket policies only. */
export function validateResource(r: string, isBucketPolicy: boolean, bucket: string | undefined): void {
  const q = JSON.stringify(r);
  if (isBucketPolicy) {
    if (!r.startsWith(S3)) throw new Error(`resource ${q} must be an arn:aws:s3::: ARN in a bucket policy`);
    const rest = r.slice(S3.length);
    if (bucket !== undefined && rest !== bucket && !rest.startsWith(`${bucket}/`)) {
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
    const rest = r.slice(KMS.length);
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

export type ResourcePattern =
  | { readonly glob: Glob; readonly template?: undefined }
  | { readonly glob?: undefined; readonly template: TemplateGlob };

/** Throws Error(message) on a malformed policy variable. */
export function compileResource(r: string, variables: boolean): ResourcePattern {
  const template = parseTemplate(canonicalResource(r), variables);
  if (hasVariables(template)) return { template: templateGlob(template) };
  const glob = resolveGlob(template, undefined);
  if (glob === undefined) throw new Error('unreachable: static resource did not resolve');
  return { glob };
}

export function matchResources(patterns: readonly ResourcePattern[], resource: string, ctx: ConditionContext): boolean {
  for (const p of patterns) {
    if (p.glob !== undefined) {
      if (matchGlob(p.glob, resource)) return true;
    } else if (matchTemplate(p.template, resource, ctx)) {
      return true;
    }
  }
  return false;
}
