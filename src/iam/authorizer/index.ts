export { RootOnlyAuthorizer, resourceArn } from './authorizer.js';
export { PolicyAuthorizer } from './policy-authorizer.js';
export type {
  Authorizer,
  AuthorizationCheck,
  AuthorizationRequest,
  AuthorizationResult,
  PolicySource,
  PrincipalPolicies,
  RequestFacts,
} from './authorizer.js';
