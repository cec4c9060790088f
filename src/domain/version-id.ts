/** Version ids: opaque, URL-safe, random (never derived from content or time); 'null' for writes
 * while a bucket is unversioned or suspended, as S3 does. */
import { randomBytes } from 'node:crypto';

export type BucketVersioning = 'Unversioned' | 'Enabled' | 'Suspended';

export const NULL_VERSION_ID = 'null';

export function newVersionId(): string {
  return randomBytes(24).toString('base64url');
}

/** The version id a new write (PUT, copy, complete, delete marker) gets in a bucket in `state`. */
export function versionIdForWrite(state: BucketVersioning): string {
  return state === 'Enabled' ? newVersionId() : NULL_VERSION_ID;
}
