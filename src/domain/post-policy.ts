/**
 * The POST Object policy document (browser form uploads), as AWS defines it: base64 JSON
 * `{ "expiration": ISO8601, "conditions": [...] }`.
 * Protects: a signed policy is the only thing that lets a browser form write to a bucket; every
 * constraint the signer wrote is enforced, and the form cannot carry anything the signer did not
 * cover. Conditions: `{ "field": "value" }` and `["eq", "$field", "value"]` (exact match),
 * `["starts-with", "$field", "prefix"]` (Content-Type: every comma-separated value),
 * `["content-length-range", min, max]`. Field names compare case-insensitively, values exactly.
 * Invariants: an expired policy fails before any condition; every form field except
 * x-amz-signature, file, policy, x-ignore-* (and, for a SigV2 form, AWSAccessKeyId and
 * signature: the caller passes them as `exempt`) must be named by a condition (AWS rule), so an
 * unsigned field cannot change the stored object; `bucket` is the bucket of the URL.
 * Pure: the caller verified the signature over the base64 text and passes server time.
 */
import { AppError } from '../core/index.js';

export type PostCondition =
  | { op: 'eq' | 'starts-with'; field: string; value: string; source: string }
  | { op: 'content-length-range'; min: number; max: number; source: string };

export interface PostPolicy {
  expiration: Date;
  conditions: PostCondition[];
}

export interface PostPolicyOutcome {
  /** Inclusive byte range the file must fall in, when the policy sets one. */
  lengthRange: { min: number; max: number } | undefined;
}

const MAX_CONDITIONS = 256;
const EXPIRATION = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?Z$/;
const EXEMPT = new Set(['x-amz-signature', 'file', 'policy']);

function invalid(reason: string): AppError {
  return new AppError('InvalidPolicyDocument', { message: `Invalid Policy: ${reason}` });
}

function denied(reason: string): AppError {
  return new AppError('AccessDenied', { message: `Invalid according to Policy: ${reason}` });
}

function fieldName(ref: unknown, source: string): string {
  if (typeof ref !== 'string' || !ref.startsWith('$') || ref.length < 2) throw invalid(`Invalid Condition: ${source}`);
  return ref.slice(1).toLowerCase();
}

function lengthBound(value: unknown, source: string): number {
  const n = typeof value === 'string' && /^\d{1,16}$/.test(value) ? Number(value) : value;
  if (typeof n !== 'number' || !Number.isSafeInteger(n) || n < 0) throw invalid(`Invalid content-length-range condition: ${source}`);
  return n;
}

function parseCondition(raw: unknown): PostCondition[] {
  const source = JSON.stringify(raw) ?? 'undefined';
  if (Array.isArray(raw)) {
    const [op, a, b] = raw as unknown[];
    if (raw.length !== 3 || typeof op !== 'string') throw invalid(`Invalid Condition: ${source}`);
    const operator = op.toLowerCase();
    if (operator === 'content-length-range') {
      const min = lengthBound(a, source);
      const max = lengthBound(b, source);
      if (min > max) throw invalid(`Invalid content-length-range condition: ${source}`);
      return [{ op: 'content-length-range', min, max, source }];
    }
    if (operator !== 'eq' && operator !== 'starts-with') throw invalid(`Invalid Condition: unknown operator ${JSON.stringify(op)}`);
    if (typeof b !== 'string') throw invalid(`Invalid Condition: ${source}`);
    return [{ op: operator, field: fieldName(a, source), value: b, source }];
  }
  if (typeof raw === 'object' && raw !== null) {
    const entries = Object.entries(raw);
    if (entries.length !== 1) throw invalid('Invalid Simple-Condition: Simple-Conditions must have exactly one property specified.');
    const [name, value] = entries[0] as [string, unknown];
    if (typeof value !== 'string') throw invalid(`Invalid Simple-Condition: value must be a string: ${source}`);
    return [{ op: 'eq', field: name.replace(/^\$/, '').toLowerCase(), value, source: JSON.stringify(['eq', `$${name}`, value]) }];
  }
  throw invalid(`Invalid Condition: ${source}`);
}

/** Decodes and validates the base64 policy field; the signature over it is checked elsewhere. */
export function parsePostPolicy(base64: string): PostPolicy {
  if (base64.length === 0 || base64.length % 4 !== 0 || !/^[A-Za-z0-9+/]+={0,2}$/.test(base64)) throw invalid('Invalid JSON.');
  let doc: unknown;
  try {
    doc = JSON.parse(Buffer.from(base64, 'base64').toString('utf8'));
  } catch {
    throw invalid('Invalid JSON.');
  }
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) throw invalid('Invalid JSON.');
  const { expiration, conditions } = doc as { expiration?: unknown; conditions?: unknown };
  if (expiration === undefined) throw invalid('Policy missing expiration.');
  if (typeof expiration !== 'string' || !EXPIRATION.test(expiration) || Number.isNaN(Date.parse(expiration))) {
    throw invalid(`Invalid 'expiration' value: '${String(expiration).slice(0, 64)}'`);
  }
  if (conditions === undefined) throw invalid('Policy missing conditions.');
  if (!Array.isArray(conditions) || conditions.length > MAX_CONDITIONS) throw invalid('Invalid conditions.');
  return { expiration: new Date(expiration), conditions: conditions.flatMap(parseCondition) };
}

function holds(condition: Extract<PostCondition, { field: string }>, actual: string | undefined): boolean {
  if (actual === undefined) return condition.op === 'starts-with' && condition.value === '';
  if (condition.op === 'eq') return actual === condition.value;
  if (condition.field === 'content-type') return actual.split(',').every((part) => part.trim().startsWith(condition.value));
  return actual.startsWith(condition.value);
}

/**
 * Checks a parsed policy against the form. `fields` is keyed by lower-case field name (the key
 * already has `${filename}` substituted); `bucket` is the bucket the URL names.
 */
export function checkPostPolicy(
  policy: PostPolicy,
  input: { now: Date; bucket: string; fields: ReadonlyMap<string, string>; exempt?: readonly string[] },
): PostPolicyOutcome {
  if (input.now.getTime() >= policy.expiration.getTime()) throw denied('Policy expired.');
  const covered = new Set<string>();
  let lengthRange: PostPolicyOutcome['lengthRange'];
  for (const condition of policy.conditions) {
    if (condition.op === 'content-length-range') {
      lengthRange = lengthRange
        ? { min: Math.max(lengthRange.min, condition.min), max: Math.min(lengthRange.max, condition.max) }
        : { min: condition.min, max: condition.max };
      continue;
    }
    covered.add(condition.field);
    const actual = condition.field === 'bucket' ? input.bucket : input.fields.get(condition.field);
    if (!holds(condition, actual)) throw denied(`Policy Condition failed: ${condition.source}`);
  }
  const extra = [...input.fields.keys()].filter((name) => !EXEMPT.has(name) && !input.exempt?.includes(name) && !name.startsWith('x-ignore-') && !covered.has(name));
  if (extra.length > 0) throw denied(`Extra input fields: ${extra.join(', ')}`);
  return { lengthRange };
}
