/**
 * Every S3 operation Coffer recognises, with how a request selects it: method, target
 * (service / bucket / object), the sub-resource query key or header that distinguishes it.
 * Operations without an implementation answer NotImplemented, never a wrong success.
 * Order matters within a method+target: the first matching entry wins, the entry without a
 * selector is the default.
 */
export type Target = 'service' | 'bucket' | 'object';

export interface RouteSelector {
  query?: string;
  queryValue?: string;
  /** Additional query key that must also be present. */
  alsoQuery?: string;
  header?: string;
}

export interface RouteEntry extends RouteSelector {
  name: string;
  method: string;
  target: Target;
}

type Row = [name: string, selector?: RouteSelector];

const sub = (name: string, query: string): Row => [name, { query }];

const BUCKET_GET: Row[] = [
  sub('GetBucketAccelerateConfiguration', 'accelerate'), sub('GetBucketAcl', 'acl'),
  sub('GetBucketAnalyticsConfiguration', 'analytics'), sub('GetBucketCors', 'cors'),
  sub('GetBucketEncryption', 'encryption'), sub('GetBucketIntelligentTieringConfiguration', 'intelligent-tiering'),
  sub('GetBucketInventoryConfiguration', 'inventory'), sub('GetBucketLifecycleConfiguration', 'lifecycle'),
  sub('GetBucketLocation', 'location'), sub('GetBucketLogging', 'logging'),
  sub('GetBucketMetricsConfiguration', 'metrics'), sub('GetBucketNotificationConfiguration', 'notification'),
  sub('GetObjectLockConfiguration', 'object-lock'), sub('GetBucketOwnershipControls', 'ownershipControls'),
  sub('GetBucketPolicy', 'policy'), sub('GetBucketPolicyStatus', 'policyStatus'),
  sub('GetPublicAccessBlock', 'publicAccessBlock'), sub('GetBucketReplication', 'replication'),
  sub('GetBucketRequestPayment', 'requestPayment'), sub('GetBucketTagging', 'tagging'),
  sub('ListMultipartUploads', 'uploads'), sub('GetBucketVersioning', 'versioning'),
  sub('ListObjectVersions', 'versions'), sub('GetBucketWebsite', 'website'),
  sub('CreateSession', 'session'), sub('GetBucketMetadataTableConfiguration', 'metadataTable'),
  ['ListObjectsV2', { query: 'list-type', queryValue: '2' }],
  ['ListObjects'],
];

const BUCKET_PUT: Row[] = [
  sub('PutBucketAccelerateConfiguration', 'accelerate'), sub('PutBucketAcl', 'acl'),
  sub('PutBucketAnalyticsConfiguration', 'analytics'), sub('PutBucketCors', 'cors'),
  sub('PutBucketEncryption', 'encryption'), sub('PutBucketIntelligentTieringConfiguration', 'intelligent-tiering'),
  sub('PutBucketInventoryConfiguration', 'inventory'), sub('PutBucketLifecycleConfiguration', 'lifecycle'),
  sub('PutBucketLogging', 'logging'), sub('PutBucketMetricsConfiguration', 'metrics'),
  sub('PutBucketNotificationConfiguration', 'notification'), sub('PutObjectLockConfiguration', 'object-lock'),
  sub('PutBucketOwnershipControls', 'ownershipControls'), sub('PutBucketPolicy', 'policy'),
  sub('PutPublicAccessBlock', 'publicAccessBlock'), sub('PutBucketReplication', 'replication'),
  sub('PutBucketRequestPayment', 'requestPayment'), sub('PutBucketTagging', 'tagging'),
  sub('PutBucketVersioning', 'versioning'), sub('PutBucketWebsite', 'website'),
  ['CreateBucket'],
];

const BUCKET_DELETE: Row[] = [
  sub('DeleteBucketAnalyticsConfiguration', 'analytics'), sub('DeleteBucketCors', 'cors'),
  sub('DeleteBucketEncryption', 'encryption'), sub('DeleteBucketIntelligentTieringConfiguration', 'intelligent-tiering'),
  sub('DeleteBucketInventoryConfiguration', 'inventory'), sub('DeleteBucketLifecycle', 'lifecycle'),
  sub('DeleteBucketMetricsConfiguration', 'metrics'), sub('DeleteBucketOwnershipControls', 'ownershipControls'),
  sub('DeleteBucketPolicy', 'policy'), sub('DeletePublicAccessBlock', 'publicAccessBlock'),
  sub('DeleteBucketReplication', 'replication'), sub('DeleteBucketTagging', 'tagging'),
  sub('DeleteBucketWebsite', 'website'), sub('DeleteBucketMetadataTableConfiguration', 'metadataTable'),
  ['DeleteBucket'],
];

const OBJECT_GET: Row[] = [
  sub('GetObjectAcl', 'acl'), sub('GetObjectAttributes', 'attributes'), sub('GetObjectLegalHold', 'legal-hold'),
  sub('GetObjectRetention', 'retention'), sub('GetObjectTagging', 'tagging'), sub('GetObjectTorrent', 'torrent'),
  sub('ListParts', 'uploadId'), ['GetObject'],
];

const OBJECT_PUT: Row[] = [
  sub('PutObjectAcl', 'acl'), sub('PutObjectLegalHold', 'legal-hold'), sub('PutObjectRetention', 'retention'),
  sub('PutObjectTagging', 'tagging'),
  ['UploadPartCopy', { query: 'uploadId', alsoQuery: 'partNumber', header: 'x-amz-copy-source' }],
  ['UploadPart', { query: 'uploadId', alsoQuery: 'partNumber' }],
  ['CopyObject', { header: 'x-amz-copy-source' }],
  ['PutObject'],
];

const OBJECT_POST: Row[] = [
  sub('CreateMultipartUpload', 'uploads'), sub('CompleteMultipartUpload', 'uploadId'),
  sub('RestoreObject', 'restore'), sub('SelectObjectContent', 'select'), sub('WriteGetObjectResponse', 'writeGetObjectResponse'),
];

const TABLE: Array<[method: string, target: Target, rows: Row[]]> = [
  ['GET', 'service', [['ListBuckets']]],
  ['POST', 'service', [['AssumeRole']]],
  ['GET', 'bucket', BUCKET_GET],
  ['HEAD', 'bucket', [['HeadBucket']]],
  ['PUT', 'bucket', BUCKET_PUT],
  ['DELETE', 'bucket', BUCKET_DELETE],
  ['POST', 'bucket', [sub('DeleteObjects', 'delete'), ['PostObject']]],
  ['OPTIONS', 'bucket', [['OptionsPreflight']]],
  ['GET', 'object', OBJECT_GET],
  ['HEAD', 'object', [['HeadObject']]],
  ['PUT', 'object', OBJECT_PUT],
  ['POST', 'object', OBJECT_POST],
  ['DELETE', 'object', [sub('DeleteObjectTagging', 'tagging'), sub('AbortMultipartUpload', 'uploadId'), ['DeleteObject']]],
  ['OPTIONS', 'object', [['OptionsPreflight']]],
];

export const ROUTES: readonly RouteEntry[] = TABLE.flatMap(([method, target, rows]) =>
  rows.map(([name, selector]) => ({ name, method, target, ...selector })),
);

export const OPERATION_NAMES: ReadonlySet<string> = new Set(ROUTES.map((r) => r.name));
