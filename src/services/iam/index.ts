export { IamIdentityService } from './identity-service.js';
export type { IdentityServiceDeps } from './identity-service.js';
export type {
  AccessKeyInfo,
  AccountSummary,
  AssumeRoleInput,
  FederatedKeyInput,
  FederatedSessionInput,
  IdpPolicyMapping,
  EntityStatus,
  GroupInfo,
  IdentityService,
  ListOptions,
  ManagedPolicyInfo,
  NewAccessKey,
  Page,
  PolicyTarget,
  PolicyVersionInfo,
  RoleInfo,
  SessionCredentials,
  UserInfo,
} from './types.js';
export type { FederatedRef } from './records-credentials.js';
