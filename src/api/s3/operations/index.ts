import type { OperationSpec } from '../operation.js';
import { CreateBucket, DeleteBucket, GetBucketLocation, HeadBucket } from './bucket-operations.js';
import { DeleteBucketPolicy, GetBucketPolicy, GetBucketPolicyStatus, PutBucketPolicy } from './bucket-policy.js';
import { DeleteBucketTagging, GetBucketTagging, PutBucketTagging } from './bucket-tagging.js';
import { DeleteBucketEncryption, GetBucketEncryption, PutBucketEncryption } from './bucket-encryption.js';
import { CopyObject } from './copy-object.js';
import { GetObjectAttributes } from './get-object-attributes.js';
import { ListBuckets } from './list-buckets.js';
import { DeleteObjectTagging, GetObjectTagging, PutObjectTagging } from './object-tagging.js';
import { DeleteObject, DeleteObjects } from './delete-objects.js';
import { GetObject, HeadObject } from './get-object.js';
import { ListObjects, ListObjectsV2 } from './list-objects.js';
import { PutObject } from './put-object.js';
import { DeleteBucketCors, GetBucketCors, PutBucketCors } from './bucket-cors.js';
import { OptionsPreflight } from './options-preflight.js';
import { PostObject } from './post-object.js';
import { GetBucketVersioning, PutBucketVersioning } from './bucket-versioning.js';
import { ListObjectVersions } from './list-object-versions.js';
import { AbortMultipartUpload } from './multipart-abort.js';
import { CompleteMultipartUpload } from './multipart-complete.js';
import { CreateMultipartUpload } from './multipart-create.js';
import { ListMultipartUploads, ListParts } from './multipart-list.js';
import { UploadPart } from './multipart-upload-part.js';
import { UploadPartCopy } from './multipart-upload-part-copy.js';
import { GetObjectLegalHold, PutObjectLegalHold } from './object-legal-hold.js';
import { GetObjectLockConfiguration, PutObjectLockConfiguration } from './object-lock-configuration.js';
import { GetObjectRetention, PutObjectRetention } from './object-retention.js';

export { notImplemented } from './not-implemented.js';

export const IMPLEMENTED_OPERATIONS: readonly OperationSpec[] = [
  ListBuckets, CreateBucket, HeadBucket, DeleteBucket, GetBucketLocation,
  PutBucketCors, GetBucketCors, DeleteBucketCors, OptionsPreflight, PostObject,
  PutObject, GetObject, HeadObject, DeleteObject, DeleteObjects, ListObjects, ListObjectsV2,
  PutBucketVersioning, GetBucketVersioning, ListObjectVersions,
  CreateMultipartUpload, UploadPart, UploadPartCopy, CompleteMultipartUpload, AbortMultipartUpload, ListParts, ListMultipartUploads,
  CopyObject, GetObjectAttributes,
  PutObjectTagging, GetObjectTagging, DeleteObjectTagging, PutBucketTagging, GetBucketTagging, DeleteBucketTagging,
  PutBucketPolicy, GetBucketPolicy, DeleteBucketPolicy, GetBucketPolicyStatus,
  PutObjectLockConfiguration, GetObjectLockConfiguration, PutObjectRetention, GetObjectRetention,
  PutObjectLegalHold, GetObjectLegalHold,
  PutBucketEncryption, GetBucketEncryption, DeleteBucketEncryption,
];
