/**
 * Counts, MD5-hashes (for the ETag) and CRC32-sums (the per-blob bitrot checksum) the decoded
 * payload as it streams to storage, refusing more bytes than were declared.
 */
import { createHash, type Hash } from 'node:crypto';
import { Transform, Writable, type TransformCallback } from 'node:stream';
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
    this.bytes += chunk.length;
    if (this.bytes > this.#limit) {
      callback(new AppError('InvalidRequest', { message: 'The request body is longer than its declared length.' }));
      return;
    }
    this.#md5.update(chunk);
    this.#crc = crc32(chunk, this.#crc);
    callback(null, chunk);
  }

  md5(): Buffer {
    return this.#md5.digest();
  }

  crc32Hex(): string {
    return (this.#crc >>> 0).toString(16).padStart(8, '0');
  }
}

/** Collects a small body into one Buffer (inline storage). */
export class BufferSink extends Writable {
  readonly #chunks: Buffer[] = [];

  override _write(chunk: Buffer, _encoding: BufferEncoding, callback: (error?: Error | null) => void): void {
    this.#chunks.push(chunk);
    callback();
  }

  result(): Buffer {
    return this.#chunks.length === 1 ? (this.#chunks[0] as Buffer) : Buffer.concat(this.#chunks);
  }
}
