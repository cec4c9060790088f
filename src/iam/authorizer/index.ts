export { RootOnlyAuthorizer, resourceArn } from './authorizer.js';
export type { Authorizer, AuthorizationCheck, AuthorizationRequest } from './authorizer.js';
