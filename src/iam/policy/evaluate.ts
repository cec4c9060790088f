/**
 * evaluate: the decision for one request over a set of labelled policies (AWS logic).
 * A statement applies when its action matches (NotAction: does not), its resource matches
 * (NotResource: no pattern does; trust policies have none), its principal matches (bucket and
 * trust policies only; NotPrincipal: does not) and every condition clause holds. Any applicable
 * Deny → Deny, reporting every applicable Deny; else any Allow → Allow with every applicable
 * Allow; else NoDecision (an implicit deny — callers must treat it as "not allowed").
 * Cheap checks first: each compiled policy memoises, per action, the statements whose action
 * element applies; then resource globs, principal, conditions. Nothing is compiled per request
 * except patterns that contain policy variables (resolved to a string compare when possible).
 */
import { compiled, statementsFor, type CompiledStatement } from './compile.js';
import { clauseHolds } from './conditions.js';
import { principalMatches } from './principals.js';
import { matchResources, requestResource } from './resources.js';
import type { Decision, EvaluationRequest, LabelledPolicy, MatchedStatement } from './types.js';

/** The action element was already checked (statementsFor). */
function applies(s: CompiledStatement, resource: string, checkPrincipal: boolean, request: EvaluationRequest): boolean {
  if (s.resources !== undefined && matchResources(s.resources, resource, request.context) === s.notResource) return false;
  if (checkPrincipal) {
    if (s.principal === undefined || principalMatches(s.principal, request.principal) === s.notPrincipal) return false;
  }
  for (const c of s.conditions) if (!clauseHolds(c, request.context)) return false;
  return true;
}

export function evaluate(policies: readonly LabelledPolicy[], request: EvaluationRequest): Decision {
  const action = request.action.toLowerCase();
  const resource = requestResource(action, request.resource);
  const denies: MatchedStatement[] = [];
  const allows: MatchedStatement[] = [];
  for (const { label, policy } of policies) {
    const c = compiled(policy);
    for (const s of statementsFor(c, action)) {
      if (s.effect === 'Allow' && denies.length > 0) continue;
      if (!applies(s, resource, c.checkPrincipal, request)) continue;
      const m: MatchedStatement = { label, sid: s.source.sid, index: s.source.index, effect: s.effect };
      (s.effect === 'Deny' ? denies : allows).push(m);
    }
  }
  if (denies.length > 0) return { effect: 'Deny', decidedBy: denies };
  if (allows.length > 0) return { effect: 'Allow', decidedBy: allows };
  return { effect: 'NoDecision', decidedBy: [] };
}
