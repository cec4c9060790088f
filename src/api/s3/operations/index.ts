import type { OperationSpec } from '../operation.js';
import { CreateBucket, DeleteBucket, GetBucketLocation, HeadBucket, ListBuckets } from './bucket-operations.js';
import { DeleteObject, DeleteObjects } from './delete-objects.js';
import { GetObject, HeadObject } from './get-object.js';
import { ListObjects, ListObjectsV2 } from './list-objects.js';
import { PutObject } from './put-object.js';

export { notImplemented } from './not-implemented.js';

export const IMPLEMENTED_OPERATIONS: readonly OperationSpec[] = [
  ListBuckets, CreateBucket, HeadBucket, DeleteBucket, GetBucketLocation,
  PutObject, GetObject, HeadObject, DeleteObject, DeleteObjects, ListObjects, ListObjectsV2,
];
