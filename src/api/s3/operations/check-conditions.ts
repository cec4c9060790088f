/**
 * The action-specific condition keys S3 operations declare with their checks (AWS service
 * authorization reference for S3): s3:versionid, the SSE and storage-class headers, object-lock
 * headers, request tags, copy source and metadata directive, list parameters. Values come from
 * the parsed request, one named header or parameter per key — never a wholesale copy of headers
 * or the query string — and only s3: keys (the authorizer owns aws:* and refuses anything else).
 * A header that does not parse contributes no key: the handler refuses such a request anyway,
 * before anything is stored.
 */
import type { IncomingHttpHeaders } from 'node:http';
import type { AuthorizationCheck } from '../../../iam/authorizer/index.js';
import { parseTaggingHeader, type Tag } from '../../../domain/index.js';
import type { RouteContext } from '../operation.js';
import { parseCopySource, type CopySource } from './copy-source.js';
import { parseIsoDate, remainingRetentionDays } from './object-lock-input.js';

export type Conditions = Record<string, string[]>;

function header(headers: IncomingHttpHeaders, name: string): string | undefined {
  const value = headers[name];
  return typeof value === 'string' ? value : undefined;
}

/** s3:versionid when the request names a version. */
export function versionConditions(versionId: string | undefined): Conditions {
  return versionId === undefined ? {} : { 's3:versionid': [versionId] };
}

const HEADER_KEYS = [
  'x-amz-server-side-encryption',
  'x-amz-server-side-encryption-aws-kms-key-id',
  'x-amz-server-side-encryption-customer-algorithm',
  'x-amz-storage-class',
] as const;

/** s3:x-amz-server-side-encryption(-aws-kms-key-id, -customer-algorithm), s3:x-amz-storage-class. */
export function writeHeaderConditions(headers: IncomingHttpHeaders): Conditions {
  const out: Conditions = {};
  for (const name of HEADER_KEYS) {
    const value = header(headers, name);
    if (value !== undefined) out[`s3:${name}`] = [value];
  }
  return out;
}

/** s3:RequestObjectTag/<k> and s3:RequestObjectTagKeys for a tag set being written. */
export function requestTagConditions(tags: readonly Tag[] | undefined): Conditions {
  if (tags === undefined) return {};
  const out: Conditions = { 's3:requestobjecttagkeys': tags.map((t) => t.key) };
  for (const tag of tags) out[`s3:requestobjecttag/${tag.key}`] = [tag.value];
  return out;
}

export function taggingHeaderTags(headers: IncomingHttpHeaders): Tag[] | undefined {
  const value = header(headers, 'x-amz-tagging');
  if (value === undefined) return undefined;
  try {
    return parseTaggingHeader(value);
  } catch {
    return undefined;
  }
}

/**
 * s3:object-lock-mode, -retain-until-date (normalized to ISO 8601 with milliseconds),
 * -remaining-retention-days (whole days from `now`, rounded up; only when the server time is
 * known) and -legal-hold, from a retention and legal hold a request asks for.
 */
export function lockConditions(retention: { mode: string; retainUntil: Date | undefined } | undefined, legalHold: string | undefined, now: Date | undefined): Conditions {
  const out: Conditions = {};
  if (retention !== undefined) {
    out['s3:object-lock-mode'] = [retention.mode];
    if (retention.retainUntil !== undefined) {
      out['s3:object-lock-retain-until-date'] = [retention.retainUntil.toISOString()];
      if (now !== undefined) out['s3:object-lock-remaining-retention-days'] = [String(remainingRetentionDays(retention.retainUntil, now))];
    }
  }
  if (legalHold !== undefined) out['s3:object-lock-legal-hold'] = [legalHold];
  return out;
}

/** The lock condition keys of the x-amz-object-lock-* write headers (a header that does not parse adds none). */
function lockHeaderConditions(headers: IncomingHttpHeaders, now: Date | undefined): Conditions {
  const mode = header(headers, 'x-amz-object-lock-mode');
  const until = header(headers, 'x-amz-object-lock-retain-until-date');
  const retainUntil = until === undefined ? undefined : parseIsoDate(until);
  const out = lockConditions(mode === undefined ? undefined : { mode, retainUntil }, header(headers, 'x-amz-object-lock-legal-hold'), now);
  if (mode === undefined && retainUntil !== undefined) out['s3:object-lock-retain-until-date'] = [retainUntil.toISOString()];
  return out;
}

/**
 * The checks of a write that creates an object version at bucket/key (PutObject,
 * CreateMultipartUpload, CopyObject's destination): s3:PutObject with its condition keys, plus
 * s3:PutObjectTagging when tags are set, s3:PutObjectRetention / s3:PutObjectLegalHold with
 * lock headers (AWS requires each).
 */
export function objectWriteChecks(route: RouteContext, options: { tags?: boolean; extra?: Conditions } = {}): AuthorizationCheck[] {
  const { bucket, key, headers } = route;
  const tagsSent = options.tags !== false && headers['x-amz-tagging'] !== undefined;
  const tagConditions = tagsSent ? requestTagConditions(taggingHeaderTags(headers)) : {};
  const lock = lockHeaderConditions(headers, route.now);
  const checks: AuthorizationCheck[] = [
    { action: 's3:PutObject', bucket, key, conditions: { ...writeHeaderConditions(headers), ...lock, ...tagConditions, ...options.extra } },
  ];
  if (tagsSent) checks.push({ action: 's3:PutObjectTagging', bucket, key, conditions: tagConditions });
  if (headers['x-amz-object-lock-mode'] !== undefined || headers['x-amz-object-lock-retain-until-date'] !== undefined) {
    checks.push({ action: 's3:PutObjectRetention', bucket, key, conditions: lock });
  }
  if (headers['x-amz-object-lock-legal-hold'] !== undefined) checks.push({ action: 's3:PutObjectLegalHold', bucket, key, conditions: lock });
  return checks;
}

export function copySourceOf(headers: IncomingHttpHeaders): CopySource | undefined {
  try {
    return parseCopySource(headers['x-amz-copy-source']);
  } catch {
    return undefined; // the handler answers the malformed header; authorization declares the destination only
  }
}

/** s3:GetObject (s3:GetObjectVersion with a version id) on a copy source. */
export function copySourceCheck(source: CopySource): AuthorizationCheck {
  return {
    action: source.versionId === undefined ? 's3:GetObject' : 's3:GetObjectVersion',
    bucket: source.bucket,
    key: source.key,
    conditions: versionConditions(source.versionId),
  };
}

/** s3:x-amz-copy-source as the decoded `bucket/key` (no version), so encodings cannot dodge a pattern. */
export function copySourceConditions(source: CopySource | undefined, headers: IncomingHttpHeaders): Conditions {
  const out: Conditions = {};
  if (source) out['s3:x-amz-copy-source'] = [`${source.bucket}/${source.key}`];
  const directive = header(headers, 'x-amz-metadata-directive');
  if (directive !== undefined) out['s3:x-amz-metadata-directive'] = [directive];
  return out;
}

/** s3:prefix, s3:delimiter, s3:max-keys: present exactly when the request sends them (AWS). */
export function listConditions(query: ReadonlyMap<string, string>): Conditions {
  const out: Conditions = {};
  for (const name of ['prefix', 'delimiter', 'max-keys']) {
    const value = query.get(name);
    if (value !== undefined) out[`s3:${name}`] = [value];
  }
  return out;
}

/** The one check of a bucket-level operation: `action` on the bucket ARN, no condition keys. */
export const bucketCheck = (action: string) => (route: { bucket: string | undefined }): AuthorizationCheck[] => [{ action, bucket: route.bucket }];
