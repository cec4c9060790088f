/** BlobStore on a local (or shared) filesystem; see layout.ts for the on-disk layout. */
import { createReadStream } from 'node:fs';
import { mkdir, open, unlink, type FileHandle } from 'node:fs/promises';
import type { Readable } from 'node:stream';
import type { BlobStore, ByteRange } from '../ports.js';
import { createBlobWriter } from './blob-writer.js';
import { assertBlobId, blobLayout, DIR_MODE, errnoCode, fsyncDir, IO_CHUNK_BYTES, toStorageError } from './layout.js';
import { sweepOrphans } from './sweep.js';

export interface FsBlobStoreOptions {
  root: string;
  /** fsync data and directories before commit() resolves. Default true; turn off only for tests. */
  fsyncEnabled?: boolean;
}

export async function createFsBlobStore(options: FsBlobStoreOptions): Promise<BlobStore> {
  const layout = blobLayout(options.root);
  const fsyncEnabled = options.fsyncEnabled ?? true;
  try {
    await mkdir(layout.blobsDir, { recursive: true, mode: DIR_MODE });
    await mkdir(layout.tmpDir, { recursive: true, mode: DIR_MODE });
    // Make the blobs/ and tmp/ entries themselves durable before anything relies on them.
    if (fsyncEnabled) await fsyncDir(options.root);
  } catch (error) {
    throw toStorageError(error, 'blob store directories');
  }

  return {
    createWriter: () => createBlobWriter(layout, fsyncEnabled),

    async read(blobId: string, range?: ByteRange): Promise<Readable> {
      assertBlobId(blobId);
      if (range && !(Number.isSafeInteger(range.start) && Number.isSafeInteger(range.end) && range.start >= 0 && range.end >= range.start)) {
        throw new RangeError(`invalid byte range ${range.start}-${range.end}`);
      }
      let handle: FileHandle;
      try {
        handle = await open(layout.blobPath(blobId), 'r');
      } catch (error) {
        throw toStorageError(error, 'blob read');
      }
      return createReadStream('', {
        fd: handle,
        highWaterMark: IO_CHUNK_BYTES,
        autoClose: true,
        ...(range ? { start: range.start, end: range.end } : {}),
      });
    },

    async delete(blobId: string): Promise<void> {
      assertBlobId(blobId);
      try {
        await unlink(layout.blobPath(blobId));
      } catch (error) {
        if (errnoCode(error) === 'ENOENT') return;
        throw toStorageError(error, 'blob delete');
      }
    },

    sweepOrphans: (sweep) => sweepOrphans(layout, sweep),
  };
}
