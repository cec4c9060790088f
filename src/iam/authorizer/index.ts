export { RootOnlyAuthorizer, resourceArn } from './authorizer.js';
export type {
  Authorizer,
  AuthorizationCheck,
  AuthorizationRequest,
  AuthorizationResult,
  PolicySource,
  PrincipalPolicies,
  RequestFacts,
} from './authorizer.js';
