/**
 * Counts, MD5-hashes (for the ETag) and CRC32-sums (the per-blob bitrot checksum) the decoded
 * payload as it streams to storage, refusing more bytes than were declared.
 */
import { createHash, type Hash } from 'node:crypto';
import { Transform, type Readable, type TransformCallback } from 'node:stream';
import { crc32 } from 'node:zlib';
import { AppError } from '../../core/index.js';

export class BodyTap extends Transform {
  readonly #md5: Hash = createHash('md5');
  readonly #limit: number;
  #crc = 0;
  bytes = 0;

  constructor(limit: number) {
    super({ highWaterMark: 1 << 20 });
    this.#limit = limit;
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    try {
      this.absorb(chunk);
    } catch (error) {
      callback(error as Error);
      return;
    }
    callback(null, chunk);
  }

  /** Counts and hashes one chunk; throws once more bytes than declared arrived. */
  absorb(chunk: Buffer): void {
    this.bytes += chunk.length;
    if (this.bytes > this.#limit) throw new AppError('InvalidRequest', { message: 'The request body is longer than its declared length.' });
    this.#md5.update(chunk);
    this.#crc = crc32(chunk, this.#crc);
  }

  md5(): Buffer {
    return this.#md5.digest();
  }

  crc32Hex(): string {
    return (this.#crc >>> 0).toString(16).padStart(8, '0');
  }
}

/**
 * Reads a small body (inline storage) into one Buffer through `tap`, with plain listeners rather
 * than a stream pipeline: for a 4 KiB object the pipeline machinery (two more streams, an
 * AbortController and its DOMException, end-of-stream watchers) cost more than the bytes.
 * Same outcome as pipeline(body, tap, sink): resolves only after a clean 'end'; rejects with the
 * body's error, the tap's error (the body is then destroyed) or IncompleteBody when the body
 * closes before its end.
 */
export function collectBody(body: Readable, tap: BodyTap): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let settled = false;
    const settle = (error: unknown): void => {
      if (settled) return;
      settled = true;
      body.off('data', onData);
      body.off('end', onEnd);
      body.off('close', onClose);
      // The 'error' listener stays: an error emitted later must not become an uncaught exception.
      if (error === undefined) resolve(chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks));
      else {
        body.destroy();
        reject(error);
      }
    };
    const onData = (chunk: Buffer): void => {
      try {
        tap.absorb(chunk);
      } catch (error) {
        settle(error);
        return;
      }
      chunks.push(chunk);
    };
    const onEnd = (): void => settle(undefined);
    const onClose = (): void => settle(new AppError('IncompleteBody', { details: { reason: 'the request body closed before its end' } }));
    body.on('data', onData);
    body.on('end', onEnd);
    body.on('close', onClose);
    body.on('error', (error) => settle(error));
  });
}
