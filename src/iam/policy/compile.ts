/**
 * The compiled (evaluation-ready) form of a ParsedPolicy: action sets, resource globs, condition
 * tests. Built once at parse time and kept in a WeakMap keyed by the ParsedPolicy object, so
 * the public model stays plain data; a ParsedPolicy built elsewhere (e.g. deserialised) is
 * compiled on first use from its model fields.
 */
import { compileActions, matchActions, type ActionMatcher } from './actions.js';
import { compileClause, type CompiledClause } from './conditions.js';
import { PolicyError } from './errors.js';
import { compileResources, type ResourceSet } from './resources.js';
import type { Effect, ParsedPolicy, PrincipalBlock, Statement } from './types.js';

export interface CompiledStatement {
  readonly source: Statement;
  readonly effect: Effect;
  readonly actions: ActionMatcher;
  readonly notAction: boolean;
  /** undefined: no resource element (trust policies) → any resource. */
  readonly resources: ResourceSet | undefined;
  readonly notResource: boolean;
  readonly principal: PrincipalBlock | undefined;
  readonly notPrincipal: boolean;
  readonly conditions: readonly CompiledClause[];
}

export interface CompiledPolicy {
  readonly checkPrincipal: boolean;
  readonly statements: readonly CompiledStatement[];
  /** Memo: lower-cased action → statements whose Action/NotAction element admits it, in order. */
  readonly byAction: Map<string, readonly CompiledStatement[]>;
}

/** Actions come from server code (a closed set), but bound the memo anyway. */
const MAX_MEMO = 2048;

/** The statements of `c` whose action element applies to `action` (lower-cased). */
export function statementsFor(c: CompiledPolicy, action: string): readonly CompiledStatement[] {
  let list = c.byAction.get(action);
  if (list === undefined) {
    list = c.statements.filter((s) => matchActions(s.actions, action) !== s.notAction);
    if (c.byAction.size < MAX_MEMO) c.byAction.set(action, list);
  }
  return list;
}

const cache = new WeakMap<ParsedPolicy, CompiledPolicy>();

function compileStatement(s: Statement, variables: boolean): CompiledStatement {
  const actions = s.actions ?? s.notActions ?? [];
  const resources = s.resources ?? s.notResources;
  return {
    source: s,
    effect: s.effect,
    actions: compileActions(actions),
    notAction: s.actions === undefined,
    resources: resources === undefined ? undefined : compileResources(resources, variables),
    notResource: s.resources === undefined && s.notResources !== undefined,
    principal: s.principal ?? s.notPrincipal,
    notPrincipal: s.principal === undefined && s.notPrincipal !== undefined,
    conditions: s.conditions.map((c) => compileClause(c, variables)),
  };
}

function build(policy: ParsedPolicy): CompiledPolicy {
  const variables = policy.version === '2012-10-17';
  return {
    checkPrincipal: policy.kind === 'bucket' || policy.kind === 'trust',
    byAction: new Map(),
    statements: policy.statements.map((s) => {
      try {
        return compileStatement(s, variables);
      } catch (error) {
        throw new PolicyError(`Statement[${s.index}]: ${(error as Error).message}`, s.index);
      }
    }),
  };
}

export function compiled(policy: ParsedPolicy): CompiledPolicy {
  let c = cache.get(policy);
  if (c === undefined) {
    c = build(policy);
    cache.set(policy, c);
  }
  return c;
}
