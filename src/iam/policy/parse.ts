/**
 * parsePolicy: the only way a policy document enters Coffer (managed, inline, access-key,
 * session, bucket and trust policies). Protects the authorizer from documents that would mean
 * something other than what their author (or reviewer) read.
 * Construction: size cap on the raw text before JSON.parse → strict JSON (one object, no
 * duplicate keys) → AWS grammar per kind (parse-statement.ts) → normalised text (fixed key
 * order, no whitespace; session/trust size is measured on it, as AWS counts packed size) →
 * compiled form cached for evaluate(). Invariants: every accepted action exists in the
 * catalogue (or a wildcard matches some); every Resource of a bucket policy is inside the
 * bucket; Principal appears exactly in bucket/trust policies; unknown fields are errors.
 */
import { compiled } from './compile.js';
import { PolicyError } from './errors.js';
import { byteLength, checkSize, readJsonObject } from './json.js';
import { parseStatement } from './parse-statement.js';
import type { ParsedPolicy, PolicyKind, Statement } from './types.js';

export interface ParseOptions {
  /** Bucket policies: every Resource must be this bucket or inside it. */
  readonly bucket?: string;
  /** Overrides the kind's size cap in bytes. */
  readonly maxBytes?: number;
}

const DEFAULT_LIMIT: Record<PolicyKind, number> = { identity: 20480, bucket: 20480, session: 2048, trust: 2048 };
/** Kinds whose limit applies to the normalised text (the raw text may carry whitespace). */
const MEASURED_NORMALISED: ReadonlySet<PolicyKind> = new Set(['session', 'trust']);
const RAW_FACTOR = 10;
const TOP_FIELDS = new Set(['Version', 'Id', 'Statement']);
const STATEMENT_ORDER = ['Sid', 'Effect', 'Principal', 'NotPrincipal', 'Action', 'NotAction', 'Resource', 'NotResource', 'Condition'];

export function parsePolicy(input: string, kind: PolicyKind, options: ParseOptions = {}): ParsedPolicy {
  if (typeof input !== 'string') throw new PolicyError('policy: the document must be a string');
  const limit = options.maxBytes ?? DEFAULT_LIMIT[kind];
  const normalisedLimit = MEASURED_NORMALISED.has(kind);
  checkSize(input, normalisedLimit ? limit * RAW_FACTOR : limit, normalisedLimit ? 'raw document' : 'document');
  const doc = readJsonObject(input);

  for (const key of Object.keys(doc)) {
    if (!TOP_FIELDS.has(key)) throw new PolicyError(`${key}: unknown top-level field ${JSON.stringify(key)}`, undefined, key);
  }
  if (!('Version' in doc)) throw new PolicyError('Version: missing; use "2012-10-17"', undefined, 'Version');
  const version = doc.Version;
  if (version !== '2012-10-17' && version !== '2008-10-17') {
    throw new PolicyError('Version: must be "2012-10-17" (or the legacy "2008-10-17")', undefined, 'Version');
  }
  if ('Id' in doc && typeof doc.Id !== 'string') throw new PolicyError('Id: must be a string', undefined, 'Id');
  if (!('Statement' in doc)) throw new PolicyError('Statement: missing', undefined, 'Statement');
  const raw = doc.Statement;
  const list: unknown[] = Array.isArray(raw) ? raw : typeof raw === 'object' && raw !== null ? [raw] : [];
  if (!Array.isArray(raw) && (typeof raw !== 'object' || raw === null)) {
    throw new PolicyError('Statement: must be an object or an array of objects', undefined, 'Statement');
  }
  if (list.length === 0) throw new PolicyError('Statement: must not be an empty array', undefined, 'Statement');

  const opts = { kind, variables: version === '2012-10-17', bucket: options.bucket };
  const statements: Statement[] = list.map((s, i) => parseStatement(s, i, opts));
  if (kind === 'identity' || kind === 'session') checkUniqueSids(statements);

  const text = normalise(doc, list);
  if (normalisedLimit && byteLength(text) > limit) {
    throw new PolicyError(`policy: the document is ${byteLength(text)} bytes without whitespace; the limit for ${kind} policies is ${limit} bytes`);
  }
  const policy: ParsedPolicy = { kind, version, id: doc.Id as string | undefined, statements, text };
  compiled(policy);
  return policy;
}

function checkUniqueSids(statements: readonly Statement[]): void {
  const seen = new Set<string>();
  for (const s of statements) {
    if (s.sid === undefined || s.sid === '') continue;
    if (seen.has(s.sid)) {
      throw new PolicyError(`Statement[${s.index}] (Sid ${JSON.stringify(s.sid)}).Sid: duplicate Sid; Sids must be unique in a policy`, s.index, 'Sid');
    }
    seen.add(s.sid);
  }
}

/** Fixed key order, values as written, no whitespace. */
function normalise(doc: Record<string, unknown>, list: readonly unknown[]): string {
  const statements = list.map((s) => {
    const o = s as Record<string, unknown>;
    const out: Record<string, unknown> = {};
    for (const key of STATEMENT_ORDER) if (key in o) out[key] = o[key];
    return out;
  });
  const top: Record<string, unknown> = { Version: doc.Version };
  if ('Id' in doc) top.Id = doc.Id;
  top.Statement = Array.isArray(doc.Statement) ? statements : statements[0];
  return JSON.stringify(top);
}
