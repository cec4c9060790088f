/**
 * The IAM policy engine: parse + validate policy documents (AWS IAM grammar and semantics) and
 * evaluate them against a request. Pure: imports only src/core.
 */
export { PolicyError } from './errors.js';
export { parsePolicy } from './parse.js';
export { evaluate } from './evaluate.js';
export { AWS_MANAGED_POLICY_NAMES, BUILT_IN_POLICIES } from './built-ins.js';
export type {
  ConditionClause,
  ConditionContext,
  Decision,
  Effect,
  EvaluationRequest,
  LabelledPolicy,
  MatchedStatement,
  ParsedPolicy,
  PolicyKind,
  PrincipalBlock,
  RequestPrincipal,
  Statement,
} from './types.js';
