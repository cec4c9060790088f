/**
 * Versioning rules as values: which version ids a request may name, and how a bucket's
 * versioning state may change (never back to unversioned; S3 has no such transition).
 */
import { AppError } from '../core/index.js';
import { NULL_VERSION_ID, type BucketVersioning } from './version-id.js';

/** newVersionId(): 24 random bytes, base64url. */
const VERSION_ID_PATTERN = /^[A-Za-z0-9_-]{32}$/;

export function isValidVersionId(id: string): boolean {
  return id === NULL_VERSION_ID || VERSION_ID_PATTERN.test(id);
}

/** InvalidArgument as S3 words it, for a version id that Coffer could never have issued. */
export function assertValidVersionId(id: string, argumentName = 'versionId'): void {
  if (id === '') {
    throw new AppError('InvalidArgument', { message: 'Version id cannot be the empty string', fields: { ArgumentName: argumentName, ArgumentValue: id } });
  }
  if (!isValidVersionId(id)) {
    throw new AppError('InvalidArgument', { message: 'Invalid version id specified', fields: { ArgumentName: argumentName, ArgumentValue: id } });
  }
}

/** The states a client may set with PutBucketVersioning. */
export type VersioningStatus = Exclude<BucketVersioning, 'Unversioned'>;

export function isVersioningStatus(value: string): value is VersioningStatus {
  return value === 'Enabled' || value === 'Suspended';
}
