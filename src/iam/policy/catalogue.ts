/**
 * The catalogue of actions a policy may name, per service. A literal action outside it is a
 * typo (refused at parse time); a wildcard must match at least one entry. Names are AWS's
 * spelling (matching is case-insensitive, so s3:GetBucketCors and s3:GetBucketCORS are one
 * action). To support a new operation, add its action here.
 */
const S3 = [
  // buckets
  'CreateBucket', 'DeleteBucket', 'ForceDeleteBucket', 'HeadBucket', 'ListBucket', 'ListBucketVersions',
  'ListBucketMultipartUploads', 'ListAllMyBuckets', 'GetBucketLocation',
  'GetBucketPolicy', 'PutBucketPolicy', 'DeleteBucketPolicy', 'GetBucketPolicyStatus',
  'GetBucketNotification', 'PutBucketNotification', 'ListenNotification', 'ListenBucketNotification',
  'GetLifecycleConfiguration', 'PutLifecycleConfiguration',
  'GetEncryptionConfiguration', 'PutEncryptionConfiguration',
  'GetBucketVersioning', 'PutBucketVersioning', 'GetBucketTagging', 'PutBucketTagging',
  'GetBucketObjectLockConfiguration', 'PutBucketObjectLockConfiguration',
  'GetReplicationConfiguration', 'PutReplicationConfiguration', 'ResetBucketReplicationState',
  'GetBucketCORS', 'PutBucketCORS', 'DeleteBucketCors',
  'GetBucketAcl', 'PutBucketAcl', 'GetBucketOwnershipControls', 'PutBucketOwnershipControls',
  'GetBucketPublicAccessBlock', 'PutBucketPublicAccessBlock', 'GetAccelerateConfiguration',
  'PutAccelerateConfiguration', 'GetBucketLogging', 'PutBucketLogging', 'GetBucketWebsite',
  'PutBucketWebsite', 'DeleteBucketWebsite', 'GetBucketRequestPayment', 'PutBucketRequestPayment',
  'GetInventoryConfiguration', 'PutInventoryConfiguration', 'GetMetricsConfiguration',
  'PutMetricsConfiguration', 'GetAnalyticsConfiguration', 'PutAnalyticsConfiguration',
  'GetIntelligentTieringConfiguration', 'PutIntelligentTieringConfiguration',
  // objects
  'GetObject', 'PutObject', 'DeleteObject', 'AbortMultipartUpload', 'ListMultipartUploadParts',
  'GetObjectAttributes', 'GetObjectVersion', 'GetObjectVersionAttributes', 'DeleteObjectVersion',
  'GetObjectTagging', 'PutObjectTagging', 'DeleteObjectTagging', 'GetObjectVersionTagging',
  'PutObjectVersionTagging', 'DeleteObjectVersionTagging', 'GetObjectRetention', 'PutObjectRetention',
  'GetObjectLegalHold', 'PutObjectLegalHold', 'BypassGovernanceRetention', 'RestoreObject',
  'PutObjectFanOut', 'GetObjectAcl', 'PutObjectAcl', 'GetObjectVersionAcl', 'PutObjectVersionAcl',
  'GetObjectTorrent', 'GetObjectVersionTorrent',
  // replication
  'ReplicateObject', 'ReplicateDelete', 'ReplicateTags', 'GetObjectVersionForReplication',
];

const IAM = [
  'CreateUser', 'GetUser', 'UpdateUser', 'DeleteUser', 'ListUsers', 'TagUser', 'UntagUser', 'ListUserTags',
  'CreateGroup', 'GetGroup', 'UpdateGroup', 'DeleteGroup', 'ListGroups', 'ListGroupsForUser',
  'AddUserToGroup', 'RemoveUserFromGroup',
  'CreatePolicy', 'GetPolicy', 'DeletePolicy', 'ListPolicies', 'TagPolicy', 'UntagPolicy', 'ListPolicyTags',
  'CreatePolicyVersion', 'GetPolicyVersion', 'DeletePolicyVersion', 'ListPolicyVersions',
  'SetDefaultPolicyVersion', 'ListEntitiesForPolicy',
  'AttachUserPolicy', 'DetachUserPolicy', 'ListAttachedUserPolicies',
  'AttachGroupPolicy', 'DetachGroupPolicy', 'ListAttachedGroupPolicies',
  'AttachRolePolicy', 'DetachRolePolicy', 'ListAttachedRolePolicies',
  'PutUserPolicy', 'GetUserPolicy', 'DeleteUserPolicy', 'ListUserPolicies',
  'PutGroupPolicy', 'GetGroupPolicy', 'DeleteGroupPolicy', 'ListGroupPolicies',
  'PutRolePolicy', 'GetRolePolicy', 'DeleteRolePolicy', 'ListRolePolicies',
  'PutUserPermissionsBoundary', 'DeleteUserPermissionsBoundary',
  'PutRolePermissionsBoundary', 'DeleteRolePermissionsBoundary',
  'CreateRole', 'GetRole', 'UpdateRole', 'UpdateRoleDescription', 'DeleteRole', 'ListRoles',
  'UpdateAssumeRolePolicy', 'TagRole', 'UntagRole', 'ListRoleTags',
  'CreateAccessKey', 'UpdateAccessKey', 'DeleteAccessKey', 'ListAccessKeys', 'GetAccessKeyLastUsed',
  'CreateLoginProfile', 'GetLoginProfile', 'UpdateLoginProfile', 'DeleteLoginProfile', 'ChangePassword',
  'GetAccountSummary', 'GetAccountAuthorizationDetails',
  'SimulatePrincipalPolicy', 'SimulateCustomPolicy',
  'GetContextKeysForPrincipalPolicy', 'GetContextKeysForCustomPolicy',
  'CreateOpenIDConnectProvider', 'GetOpenIDConnectProvider', 'DeleteOpenIDConnectProvider',
  'ListOpenIDConnectProviders', 'UpdateOpenIDConnectProviderThumbprint',
];

const STS = [
  'AssumeRole', 'AssumeRoleWithWebIdentity', 'AssumeRoleWithLDAPIdentity', 'AssumeRoleWithSAML',
  'AssumeRoleWithClientGrants', 'AssumeRoleWithCertificate', 'AssumeRoleWithCustomToken',
  'GetCallerIdentity', 'GetSessionToken', 'GetFederationToken', 'TagSession', 'SetSourceIdentity',
  'DecodeAuthorizationMessage', 'GetAccessKeyInfo',
];

const ADMIN = [
  'AddUserToGroup', 'AttachUserOrGroupPolicy', 'BandwidthMonitor', 'CancelBatchJob', 'ClusterInfo',
  'ConfigUpdate', 'ConsoleLog', 'CreatePolicy', 'CreateServiceAccount', 'CreateUser', 'DataUsageInfo',
  'Decommission', 'DeletePolicy', 'DeleteUser', 'DescribeBatchJob', 'DisableGroup', 'DisableUser',
  'DriveInfo', 'EnableGroup', 'EnableUser', 'ExportBucketMetadata', 'ExportIAM', 'ForceUnlock',
  'GenerateBatchJob', 'GetBucketQuota', 'GetBucketTarget', 'GetGroup', 'GetPolicy', 'GetUser', 'Heal',
  'ImportBucketMetadata', 'ImportIAM', 'InspectData', 'KMSCreateKey', 'KMSKeyStatus', 'LicenseInfo',
  'ListBatchJobs', 'ListGroups', 'ListServiceAccounts', 'ListTemporaryAccounts', 'ListTier',
  'ListUserPolicies', 'ListUsers', 'OBDInfo', 'PoolInfo', 'PoolList', 'Profiling', 'Prometheus',
  'Rebalance', 'RemoveServiceAccount', 'RemoveUserFromGroup', 'ReplicationDiff', 'ServerInfo',
  'ServerTrace', 'ServerUpdate', 'ServiceFreeze', 'ServiceRestart', 'ServiceStop', 'SetBucketQuota',
  'SetBucketTarget', 'SetInfo', 'SetTier', 'SiteReplicationAdd', 'SiteReplicationDisable',
  'SiteReplicationInfo', 'SiteReplicationOperation', 'SiteReplicationRemove', 'SiteReplicationResync',
  'StartBatchJob', 'StorageInfo', 'TopLocksInfo', 'UpdatePolicyAssociation', 'UpdateServiceAccount',
  // Coffer-specific
  'ExplainPolicy', 'KMSRotateKey',
];

const KMS = [
  'CreateKey', 'DeleteKey', 'ListKeys', 'ImportKey', 'DescribePolicy', 'AssignPolicy', 'DeletePolicy',
  'SetPolicy', 'GetPolicy', 'ListPolicies', 'DescribeIdentity', 'DescribeSelfIdentity', 'DeleteIdentity',
  'ListIdentities', 'KeyStatus', 'Status', 'API', 'Metrics', 'Version', 'AuditLog', 'ErrorLog',
  // AWS KMS data-key operations (SSE-KMS)
  'GenerateDataKey', 'Decrypt', 'Encrypt', 'DescribeKey',
];

function build(): ReadonlyMap<string, ReadonlyMap<string, string>> {
  const services: Array<[string, string[]]> = [['s3', S3], ['iam', IAM], ['sts', STS], ['admin', ADMIN], ['kms', KMS]];
  const out = new Map<string, ReadonlyMap<string, string>>();
  for (const [service, names] of services) {
    const byLower = new Map<string, string>();
    for (const name of names) byLower.set(`${service}:${name}`.toLowerCase(), `${service}:${name}`);
    out.set(service, byLower);
  }
  return out;
}

/** service → (lower-cased 'service:name' → AWS spelling). */
export const ACTION_CATALOGUE = build();
