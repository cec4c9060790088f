/**
 * On-disk layout of the blob store and the filesystem helpers it shares.
 *
 *   <root>/blobs/<first 2 chars of id>/<id>   committed blobs (files 0600, directories 0700)
 *   <root>/tmp/<random id>.part               uploads in progress
 *
 * Blob ids come from randomId() and are checked against a strict pattern before any path is
 * built, so no user input and no '/' or '..' can ever reach a path.
 */
import { open } from 'node:fs/promises';
import { join } from 'node:path';
import { StorageError } from '../ports.js';

/** 26 characters of Crockford base32, exactly what core's randomId() produces. */
export const BLOB_ID_PATTERN = /^[0-9A-HJKMNP-TV-Z]{26}$/;
export const TEMP_SUFFIX = '.part';
export const FILE_MODE = 0o600;
export const DIR_MODE = 0o700;
/** Stream chunk size for blob reads and writes. */
export const IO_CHUNK_BYTES = 1024 * 1024;

export interface BlobLayout {
  readonly blobsDir: string;
  readonly tmpDir: string;
  shardDir(blobId: string): string;
  blobPath(blobId: string): string;
}

export function blobLayout(root: string): BlobLayout {
  const blobsDir = join(root, 'blobs');
  const tmpDir = join(root, 'tmp');
  const shardDir = (blobId: string) => join(blobsDir, blobId.slice(0, 2));
  return { blobsDir, tmpDir, shardDir, blobPath: (blobId) => join(shardDir(blobId), blobId) };
}

export function assertBlobId(blobId: string): void {
  if (!BLOB_ID_PATTERN.test(blobId)) throw new StorageError('NotFound', 'not a valid blob id');
}

/** fsync a directory so that entries created or renamed in it survive a crash. */
export async function fsyncDir(dir: string): Promise<void> {
  const handle = await open(dir, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

export function errnoCode(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
}

/** Translates filesystem errors that callers act on; anything else passes through unchanged. */
export function toStorageError(error: unknown, what: string): unknown {
  if (error instanceof StorageError) return error;
  switch (errnoCode(error)) {
    case 'ENOSPC':
    case 'EDQUOT':
      return new StorageError('NoSpace', `${what}: no space left on the data volume`, { cause: error });
    case 'ENOENT':
      return new StorageError('NotFound', `${what}: not found`, { cause: error });
    case 'EROFS':
    case 'EIO':
    case 'EMFILE':
    case 'ENFILE':
      return new StorageError('Unavailable', `${what}: data volume unavailable`, { cause: error });
    default:
      return error;
  }
}
