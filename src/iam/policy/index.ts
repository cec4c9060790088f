// Placeholder until the engine lands: the model types. parse/evaluate arrive with the engine.
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
