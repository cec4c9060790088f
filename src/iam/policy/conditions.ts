/**
 * Condition blocks: parse, validate and evaluate. Semantics (AWS, detail 4 of §13):
 *  - clauses (operator × key) are ANDed; a clause's policy values are ORed;
 *  - absent key (not in the context, or an empty list): Null true ↔ absent; …IfExists → true;
 *    ForAllValues → true (vacuous); ForAnyValue → false; other negated (Not*) → true;
 *    other positive → false;
 *  - present key: positive per-value test p(r) = "r matches some policy value";
 *    unqualified positive → some r satisfies p; unqualified negated → no r satisfies p
 *    (so a multi-valued request key is ANY-match for every single-valued operator, our choice);
 *    ForAnyValue → some r satisfies p (negated: some r fails p); ForAllValues → every r
 *    satisfies p (negated: every r fails p).
 *  - an unparsable request value satisfies no positive test (so NotIpAddress on garbage is true).
 * Keys are compared lower-cased up to the first '/' (tag keys keep their case).
 */
import { OPERATORS, type BoundTest } from './operators/index.js';
import { canonicalKey, isConditionKeySyntax } from './variables.js';
import type { ConditionClause, ConditionContext } from './types.js';

export interface CompiledClause {
  readonly key: string;
  readonly qualifier: ConditionClause['qualifier'];
  readonly ifExists: boolean;
  readonly negated: boolean;
  /** Null operator only: the presence each policy value asks for (true = absent). */
  readonly nullExpect: readonly boolean[] | undefined;
  readonly test: BoundTest;
}

/** Failure located under Condition (field path after 'Condition.'). */
export class ConditionFieldError extends Error {
  constructor(readonly field: string, message: string) {
    super(message);
  }
}

function splitOperator(op: string): Pick<ConditionClause, 'base' | 'qualifier' | 'ifExists'> {
  let rest = op;
  let qualifier: ConditionClause['qualifier'];
  for (const q of ['ForAllValues', 'ForAnyValue'] as const) {
    if (rest.startsWith(`${q}:`)) {
      qualifier = q;
      rest = rest.slice(q.length + 1);
      break;
    }
  }
  const ifExists = rest.endsWith('IfExists') && rest !== 'IfExists';
  const base = ifExists ? rest.slice(0, -'IfExists'.length) : rest;
  if (base === 'Null') {
    if (ifExists) throw new Error('Null cannot be combined with IfExists');
    if (qualifier !== undefined) throw new Error(`Null cannot be combined with ${qualifier}`);
  } else if (!OPERATORS.has(base)) {
    throw new Error(`unknown condition operator ${JSON.stringify(op)}`);
  }
  return { base, qualifier, ifExists };
}

function stringifyValues(raw: unknown): string[] {
  const list = Array.isArray(raw) ? raw : [raw];
  if (list.length === 0) throw new Error('must not be an empty array');
  return list.map((v: unknown) => {
    if (typeof v === 'string') return v;
    if (typeof v === 'number' && Number.isFinite(v)) return String(v);
    if (typeof v === 'boolean') return String(v);
    throw new Error('values must be strings, numbers or booleans');
  });
}

/** Parses a written Condition block; throws ConditionFieldError. */
export function parseConditions(block: unknown, variables: boolean): ConditionClause[] {
  if (typeof block !== 'object' || block === null || Array.isArray(block)) {
    throw new ConditionFieldError('', 'must be an object of operator → { key → values }');
  }
  const operators = Object.entries(block as Record<string, unknown>);
  if (operators.length === 0) throw new ConditionFieldError('', 'must not be empty');
  const clauses: ConditionClause[] = [];
  for (const [operator, keys] of operators) {
    const parts = wrap(operator, () => splitOperator(operator));
    if (typeof keys !== 'object' || keys === null || Array.isArray(keys)) {
      throw new ConditionFieldError(operator, 'must be an object of condition key → values');
    }
    const entries = Object.entries(keys as Record<string, unknown>);
    if (entries.length === 0) throw new ConditionFieldError(operator, 'must not be empty');
    for (const [key, raw] of entries) {
      const field = `${operator}.${key}`;
      if (!isConditionKeySyntax(key)) throw new ConditionFieldError(field, `malformed condition key ${JSON.stringify(key)}: expected "prefix:name"`);
      const values = wrap(field, () => stringifyValues(raw));
      const clause: ConditionClause = { operator, ...parts, key: canonicalKey(key), values };
      wrap(field, () => compileClause(clause, variables));
      clauses.push(clause);
    }
  }
  return clauses;
}

function wrap<T>(field: string, f: () => T): T {
  try {
    return f();
  } catch (error) {
    if (error instanceof ConditionFieldError) throw error;
    throw new ConditionFieldError(field, (error as Error).message);
  }
}

/** Throws Error(message) on an invalid policy value. */
export function compileClause(c: ConditionClause, variables: boolean): CompiledClause {
  const common = { key: canonicalKey(c.key), qualifier: c.qualifier, ifExists: c.ifExists };
  if (c.base === 'Null') {
    const nullExpect = c.values.map((v) => {
      const l = v.toLowerCase();
      if (l !== 'true' && l !== 'false') throw new Error(`${JSON.stringify(v)} is not a boolean (true or false)`);
      return l === 'true';
    });
    return { ...common, negated: false, nullExpect, test: () => () => false };
  }
  const spec = OPERATORS.get(c.base);
  if (spec === undefined) throw new Error(`unknown condition operator ${JSON.stringify(c.operator)}`);
  return { ...common, negated: spec.negated, nullExpect: undefined, test: spec.compile(c.values, variables) };
}

export function clauseHolds(c: CompiledClause, ctx: ConditionContext): boolean {
  const values = ctx.get(c.key);
  const present = values !== undefined && values.length > 0;
  if (c.nullExpect !== undefined) return c.nullExpect.includes(!present);
  if (!present) {
    if (c.ifExists || c.qualifier === 'ForAllValues') return true;
    if (c.qualifier === 'ForAnyValue') return false;
    return c.negated;
  }
  const p = c.test(ctx);
  if (c.qualifier === 'ForAllValues') {
    for (const r of values) if (p(r) === c.negated) return false;
    return true;
  }
  if (c.qualifier === 'ForAnyValue') {
    for (const r of values) if (p(r) !== c.negated) return true;
    return false;
  }
  for (const r of values) if (p(r)) return !c.negated;
  return c.negated;
}
