/**
 * One statement: field-by-field validation (AWS grammar) producing the Statement model.
 * Every error names the statement index, its Sid when present, and the field.
 */
import { validateAction } from './actions.js';
import { ConditionFieldError, parseConditions } from './conditions.js';
import { PolicyError } from './errors.js';
import { PrincipalFieldError, parsePrincipal } from './principals.js';
import { compileResource, validateResource } from './resources.js';
import type { Effect, PolicyKind, PrincipalBlock, Statement } from './types.js';

const FIELDS = new Set(['Sid', 'Effect', 'Action', 'NotAction', 'Resource', 'NotResource', 'Principal', 'NotPrincipal', 'Condition']);

export interface StatementOptions {
  readonly kind: PolicyKind;
  /** Version 2012-10-17: policy variables are recognised. */
  readonly variables: boolean;
  readonly bucket: string | undefined;
}

class Where {
  sid: string | undefined;
  constructor(readonly index: number) {}
  fail(field: string, message: string): never {
    const sid = this.sid === undefined ? '' : ` (Sid ${JSON.stringify(this.sid)})`;
    const at = field === '' ? '' : `.${field}`;
    const name = field.replace(/\[\d+\]/g, '');
    return failWith(new PolicyError(`Statement[${this.index}]${sid}${at}: ${message}`, this.index, name || undefined));
  }
}

function failWith(e: PolicyError): never {
  throw e;
}

/** A string or a non-empty array of non-empty strings. */
function stringList(w: Where, field: string, raw: unknown): string[] {
  if (typeof raw === 'string') {
    if (raw === '') w.fail(field, 'must not be an empty string');
    return [raw];
  }
  if (!Array.isArray(raw)) return w.fail(field, 'must be a string or an array of strings');
  if (raw.length === 0) w.fail(field, 'must not be an empty array');
  return raw.map((v: unknown, i) => {
    if (typeof v !== 'string' || v === '') return w.fail(`${field}[${i}]`, 'must be a non-empty string');
    return v;
  });
}

/** Validates each item; the message quotes the offending value, so the path is the element. */
function eachItem<T>(w: Where, field: string, list: string[], f: (v: string) => T): T[] {
  return list.map((v) => {
    try {
      return f(v);
    } catch (error) {
      return w.fail(field, (error as Error).message);
    }
  });
}

function exactlyOne(w: Where, o: Record<string, unknown>, a: string, b: string, required: boolean): string | undefined {
  if (a in o && b in o) w.fail(b, `a statement cannot have both ${a} and ${b}`);
  if (a in o) return a;
  if (b in o) return b;
  if (required) w.fail(a, `missing: a statement needs ${a} or ${b}`);
  return undefined;
}

export function parseStatement(raw: unknown, index: number, opts: StatementOptions): Statement {
  const w = new Where(index);
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return w.fail('', 'must be an object');
  const o = raw as Record<string, unknown>;
  if (typeof o.Sid === 'string' && o.Sid.length <= 128) w.sid = o.Sid;
  for (const key of Object.keys(o)) if (!FIELDS.has(key)) w.fail(key, `unknown field ${JSON.stringify(key)}`);
  if ('Sid' in o && (typeof o.Sid !== 'string' || o.Sid.length > 128)) w.fail('Sid', 'must be a string of at most 128 characters');
  if (o.Effect !== 'Allow' && o.Effect !== 'Deny') {
    w.fail('Effect', 'Effect' in o ? 'must be "Allow" or "Deny"' : 'missing: must be "Allow" or "Deny"');
  }
  const effect = o.Effect as Effect;

  const actionField = exactlyOne(w, o, 'Action', 'NotAction', true) as 'Action' | 'NotAction';
  const actions = eachItem(w, actionField, stringList(w, actionField, o[actionField]), (a) => {
    const lower = validateAction(a);
    if (opts.kind === 'trust' && !lower.startsWith('sts:')) throw new Error(`trust policies allow only sts: actions, not ${JSON.stringify(a)}`);
    if (opts.kind === 'bucket' && lower !== '*' && !lower.startsWith('s3:')) throw new Error(`bucket policies allow only s3: actions, not ${JSON.stringify(a)}`);
    return lower;
  });

  let resourceField: string | undefined;
  let resources: string[] | undefined;
  if (opts.kind === 'trust') {
    for (const f of ['Resource', 'NotResource']) if (f in o) w.fail(f, 'trust policies cannot have a Resource');
  } else {
    resourceField = exactlyOne(w, o, 'Resource', 'NotResource', true) as string;
    const rf = resourceField;
    resources = eachItem(w, rf, stringList(w, rf, o[rf]), (r) => {
      validateResource(r, opts.kind === 'bucket', opts.bucket);
      compileResource(r, opts.variables);
      return r;
    });
  }

  const principalField = exactlyOne(w, o, 'Principal', 'NotPrincipal', false);
  let principal: PrincipalBlock | undefined;
  if (opts.kind === 'identity' || opts.kind === 'session') {
    if (principalField !== undefined) w.fail(principalField, `${principalField} is not allowed in ${opts.kind} policies`);
  } else {
    if (principalField === undefined) return w.fail('Principal', `missing: ${opts.kind} policies need Principal or NotPrincipal`);
    if (principalField === 'NotPrincipal' && opts.kind === 'trust' && effect === 'Allow') {
      w.fail('NotPrincipal', 'trust policies cannot use NotPrincipal with Effect Allow');
    }
    try {
      principal = parsePrincipal(o[principalField]);
    } catch (error) {
      const sub = error instanceof PrincipalFieldError && error.sub !== '' ? `.${error.sub}` : '';
      w.fail(`${principalField}${sub}`, (error as Error).message);
    }
  }

  let conditions: Statement['conditions'] = [];
  if ('Condition' in o) {
    try {
      conditions = parseConditions(o.Condition, opts.variables);
    } catch (error) {
      const sub = error instanceof ConditionFieldError && error.field !== '' ? `.${error.field}` : '';
      w.fail(`Condition${sub}`, (error as Error).message);
    }
  }

  return {
    index,
    sid: w.sid,
    effect,
    actions: actionField === 'Action' ? actions : undefined,
    notActions: actionField === 'NotAction' ? actions : undefined,
    resources: resourceField === 'Resource' ? resources : undefined,
    notResources: resourceField === 'NotResource' ? resources : undefined,
    principal: principalField === 'Principal' ? principal : undefined,
    notPrincipal: principalField === 'NotPrincipal' ? principal : undefined,
    conditions,
  };
}
