/**
 * One upload into the blob store: a temp file, then fsync → close → rename into its shard →
 * fsync the shard directory. Only after commit() resolves may metadata reference the blob.
 */
import { WriteStream, type createWriteStream } from 'node:fs';
import { mkdir, open, rename, unlink, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import { randomId } from '../../core/index.js';
import type { BlobWriter } from '../ports.js';
import { DIR_MODE, errnoCode, FILE_MODE, fsyncDir, IO_CHUNK_BYTES, TEMP_SUFFIX, toStorageError, type BlobLayout } from './layout.js';

type WriteCallback = (error?: Error | null) => void;
type WriteStreamOptions = Exclude<Parameters<typeof createWriteStream>[1], string | undefined>;
type FsWriteStreamConstructor = new (path: string, options: WriteStreamOptions) => WriteStream;

/** fs.WriteStream whose write errors arrive as StorageError (ENOSPC → NoSpace) at the caller's pipeline. */
export class BlobWriteStream extends (WriteStream as unknown as FsWriteStreamConstructor) {
  override _write(chunk: unknown, encoding: BufferEncoding, callback: WriteCallback): void {
    super._write(chunk, encoding, (error) => callback(error ? (toStorageError(error, 'blob write') as Error) : error));
  }

  override _writev(chunks: Array<{ chunk: unknown; encoding: BufferEncoding }>, callback: WriteCallback): void {
    super._writev?.(chunks, (error) => callback(error ? (toStorageError(error, 'blob write') as Error) : error));
  }
}

export async function createBlobWriter(layout: BlobLayout, fsyncEnabled: boolean): Promise<BlobWriter> {
  const tempPath = join(layout.tmpDir, `${randomId()}${TEMP_SUFFIX}`);
  let handle: FileHandle;
  try {
    handle = await open(tempPath, 'wx', FILE_MODE);
  } catch (error) {
    throw toStorageError(error, 'blob temp file');
  }
  // autoClose off: the file must stay open after 'finish' for the fsync; closeStream() closes it.
  const stream = new BlobWriteStream(tempPath, { fd: handle, highWaterMark: IO_CHUNK_BYTES, autoClose: false });
  // The caller's pipeline sees write errors; this listener only keeps a stray one from crashing the process.
  stream.on('error', () => undefined);
  let state: 'open' | 'committing' | 'done' = 'open';
  const discard = async (paths: string[]) => {
    await closeStream(stream).catch(() => undefined);
    for (const path of paths) await unlink(path).catch(() => undefined);
  };

  return {
    stream,
    async commit() {
      if (state !== 'open') throw new Error(`blob writer already ${state === 'done' ? 'finished' : 'committing'}`);
      state = 'committing';
      const blobId = randomId();
      const finalPath = layout.blobPath(blobId);
      let renamed = false;
      try {
        await finishStream(stream);
        if (fsyncEnabled) await handle.sync();
        await closeStream(stream);
        const shard = layout.shardDir(blobId);
        if (await makeDir(shard)) {
          if (fsyncEnabled) await fsyncDir(layout.blobsDir);
        }
        await rename(tempPath, finalPath);
        renamed = true;
        if (fsyncEnabled) await fsyncDir(shard);
        state = 'done';
        return { blobId, size: stream.bytesWritten };
      } catch (error) {
        state = 'done';
        await discard(renamed ? [finalPath] : [tempPath]);
        throw toStorageError(error, 'blob commit');
      }
    },
    /** Before commit: discards the upload. During or after commit: nothing (commit cleans up after itself). */
    async abort() {
      if (state !== 'open') return;
      state = 'done';
      await discard([tempPath]);
    },
  };
}

/** Ends the stream if the caller did not, and waits until every byte reached the file. */
async function finishStream(stream: WriteStream): Promise<void> {
  if (stream.errored) throw stream.errored;
  if (stream.writableFinished) return;
  if (stream.destroyed) throw new Error('the blob stream was destroyed before it finished');
  await new Promise<void>((resolve, reject) => {
    const onError = (error: Error) => {
      stream.off('finish', onFinish);
      reject(error);
    };
    const onFinish = () => {
      stream.off('error', onError);
      resolve();
    };
    stream.once('error', onError);
    stream.once('finish', onFinish);
    if (!stream.writableEnded) stream.end();
  });
}

/** Destroys the stream, which closes its file handle, and waits until it is closed. */
async function closeStream(stream: WriteStream): Promise<void> {
  if (stream.closed) return;
  const closed = new Promise<void>((resolve) => stream.once('close', () => resolve()));
  stream.destroy();
  await closed;
}

/** Creates a directory; true when this call created it (its parent then needs an fsync). */
async function makeDir(dir: string): Promise<boolean> {
  try {
    await mkdir(dir, { mode: DIR_MODE });
    return true;
  } catch (error) {
    if (errnoCode(error) === 'EEXIST') return false;
    throw error;
  }
}
