/**
 * Account-level IAM actions: GetAccountSummary (entity counts and Coffer's quotas, AWS's
 * SummaryMap shape) and the OpenID Connect provider actions. OIDC providers are not supported
 * yet: ListOpenIDConnectProviders answers, correctly, that there are none (tools such as
 * ceph/s3-tests call it in setup and teardown); the others are NotImplemented.
 */
import { AppError } from '../../../core/index.js';
import { check, type ActionSpec } from '../action.js';
import { members } from '../render.js';

/** AWS's default quotas, and Coffer's where it enforces its own (services/iam names.ts LIMITS). */
const QUOTAS: Readonly<Record<string, number>> = {
  UsersQuota: 5000,
  GroupsQuota: 300,
  RolesQuota: 1000,
  PoliciesQuota: 1500,
  InstanceProfilesQuota: 1000,
  ServerCertificatesQuota: 20,
  AccessKeysPerUserQuota: 100,
  SigningCertificatesPerUserQuota: 2,
  GroupsPerUserQuota: 10,
  AttachedPoliciesPerUserQuota: 10,
  AttachedPoliciesPerGroupQuota: 10,
  AttachedPoliciesPerRoleQuota: 10,
  UserPolicySizeQuota: 2048,
  GroupPolicySizeQuota: 5120,
  RolePolicySizeQuota: 10240,
  PolicySizeQuota: 20480,
  AssumeRolePolicySizeQuota: 2048,
  VersionsPerPolicyQuota: 5,
  PolicyVersionsInUseQuota: 10000,
  GlobalEndpointTokenVersion: 1,
};

function oidcNotImplemented(action: string): ActionSpec {
  const refuse = (): never => {
    throw new AppError('NotImplemented', { message: `${action} is not supported by Coffer yet: OpenID Connect providers are not available.` });
  };
  return { admit: refuse, handle: async () => refuse() };
}

export const ACCOUNT_ACTIONS: Record<string, ActionSpec> = {
  GetAccountSummary: {
    admit: () => check('iam:GetAccountSummary', '*'),
    handle: async ({ identity }) => {
      const counts = await identity.accountSummary();
      const summary: Record<string, number> = {
        Users: counts.users,
        Groups: counts.groups,
        Roles: counts.roles,
        Policies: counts.policies,
        PolicyVersionsInUse: counts.policyVersionsInUse,
        InstanceProfiles: 0,
        ServerCertificates: 0,
        Providers: 0,
        MFADevices: 0,
        MFADevicesInUse: 0,
        AccountMFAEnabled: 0,
        AccountAccessKeysPresent: 1,
        AccountSigningCertificatesPresent: 0,
        ...QUOTAS,
      };
      return { SummaryMap: { entry: Object.entries(summary).map(([key, value]) => ({ key, value })) } };
    },
  },
  ListOpenIDConnectProviders: {
    admit: () => check('iam:ListOpenIDConnectProviders', '*'),
    handle: async () => ({ OpenIDConnectProviderList: members([]) }),
  },
  GetOpenIDConnectProvider: oidcNotImplemented('GetOpenIDConnectProvider'),
  CreateOpenIDConnectProvider: oidcNotImplemented('CreateOpenIDConnectProvider'),
  DeleteOpenIDConnectProvider: oidcNotImplemented('DeleteOpenIDConnectProvider'),
};
