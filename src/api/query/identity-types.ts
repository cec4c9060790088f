/** The identity service's contract, as the query actions use it (one import point). */
export type {
  AccessKeyInfo,
  AssumeRoleInput,
  GroupInfo,
  IdentityService,
  ManagedPolicyInfo,
  PolicyTarget,
  PolicyVersionInfo,
  RoleInfo,
  UserInfo,
} from '../../services/index.js';
