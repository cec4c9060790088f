/** Key rotation: which errors end the job and which only fail one version, in words without key material. */
import { isAppError } from '../../core/index.js';
import type { MetadataStore, VersionCursor } from '../../storage/ports.js';
import type { RotationOptions } from './rotation-state.js';

/** A reason when the error concerns this one version only (its KMS key is gone, its sealed key does not authenticate). */
export function versionFailure(error: unknown): string | undefined {
  if (!isAppError(error)) return undefined;
  if (error.code === 'KMS.NotFoundException') return 'The KMS key of this version does not exist.';
  if (error.code === 'StorageCorrupt') return 'The sealed key of this version does not authenticate.';
  return undefined;
}

/** Why the whole job stopped: what the operator reads in the status. */
export function fatalReason(error: unknown): string {
  const resume = 'The marker stays on the last finished version; continue with --resume.';
  if (isAppError(error)) {
    switch (error.code) {
      case 'ServiceUnavailable':
        return `The KMS is unavailable. ${resume}`;
      case 'AccessDenied':
        return `The KMS refused the request. ${resume}`;
      case 'KMS.NotFoundException':
        return `The target KMS key does not exist. ${resume}`;
      default:
        break;
    }
  }
  if ((error as { name?: unknown } | null)?.name === 'StorageError') return `The metadata store failed (${String((error as { code?: unknown }).code)}). ${resume}`;
  return `Internal error. ${resume}`;
}

/** How many encrypted versions lie in scope after `after` (the progress bar's total). */
export async function countInScope(store: MetadataStore, options: RotationOptions, after: VersionCursor | undefined, pageSize: number): Promise<number> {
  let count = 0;
  let cursor = after;
  for (;;) {
    const page = await store.listEncryptedVersions({ bucket: options.bucket, prefix: options.prefix, after: cursor, limit: Math.max(pageSize, 1000) });
    count += page.versions.length;
    if (!page.next) return count;
    cursor = page.next;
  }
}
