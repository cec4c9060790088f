/**
 * Decryption side of "coffer-dare-v1": packages → plaintext, from any package on.
 *
 * Protects: callers from ever seeing plaintext that did not authenticate. Each package is
 * verified (GCM tag over header and ciphertext, nonce recomputed from the expected sequence
 * number) before any of its bytes are released.
 * Detects: a flipped bit anywhere, packages swapped or dropped (sequence in the nonce), packages
 * of two streams mixed (the stream nonce learnt from the first package must hold), a missing
 * final package (truncation, including to zero bytes), bytes after the final package (extension).
 * With `length` (range reads) the reader stops after `length` bytes and fails if the input ends
 * first; without it the stream must end exactly with the final package.
 * Invariants: memory is at most one package plus the current input chunk; errors are
 * CryptoError('NotAuthentic') raised as stream errors.
 */
import { Transform } from 'node:stream';
import { CryptoError } from './errors.js';
import { asBuffer } from './encrypt-stream.js';
import { HEADER_SIZE, decryptionKeys, openPackage, packageLength, type StreamKeys } from './package-format.js';

export interface DecryptOptions {
  /** Sequence number of the first package in the input (0 unless reading a range). */
  firstSequence?: number;
  /** Plaintext bytes to drop from the start of the first package. */
  skip?: number;
  /** Plaintext bytes to emit; the input may end right after the package holding the last one. */
  length?: number;
}

type Sink = (plaintext: Buffer) => void;

function count(value: number | undefined, fallback: number, what: string): number {
  const n = value ?? fallback;
  if (n !== Infinity && (!Number.isSafeInteger(n) || n < 0)) throw new CryptoError('InvalidInput', `${what} must be a non-negative integer`);
  return n;
}

class Decryptor {
  private readonly keys: StreamKeys;
  private readonly chunks: Buffer[] = [];
  private buffered = 0;
  private sequence: number;
  private skip: number;
  private remaining: number;
  private final = false;

  constructor(key: Buffer, options: DecryptOptions) {
    this.keys = decryptionKeys(key);
    this.sequence = count(options.firstSequence, 0, 'firstSequence');
    this.skip = count(options.skip, 0, 'skip');
    this.remaining = count(options.length, Infinity, 'length');
  }

  private get done(): boolean {
    return this.remaining === 0;
  }

  /** Copies (or slices) the first n buffered bytes; consumes them when `consume`. */
  private read(n: number, consume: boolean): Buffer {
    const first = this.chunks[0]!;
    let out: Buffer;
    if (first.length >= n) out = first.subarray(0, n);
    else {
      out = Buffer.allocUnsafe(n);
      let o = 0;
      for (const c of this.chunks) {
        const k = Math.min(c.length, n - o);
        c.copy(out, o, 0, k);
        o += k;
        if (o === n) break;
      }
    }
    if (consume) {
      let left = n;
      while (left > 0) {
        const c = this.chunks[0]!;
        if (c.length <= left) {
          this.chunks.shift();
          left -= c.length;
        } else {
          this.chunks[0] = c.subarray(left);
          left = 0;
        }
      }
      this.buffered -= n;
    }
    return out;
  }

  write(chunk: Buffer, out: Sink): void {
    if (chunk.length === 0) return;
    if (this.final) throw new CryptoError('NotAuthentic', 'data after the final package');
    if (this.done) return; // a range read ignores the rest of a package that is not the final one
    this.chunks.push(chunk);
    this.buffered += chunk.length;
    while (!this.done && this.buffered >= HEADER_SIZE) {
      if (this.final) throw new CryptoError('NotAuthentic', 'data after the final package');
      const total = packageLength(this.read(HEADER_SIZE, false));
      if (this.buffered < total) break;
      const { plaintext, final } = openPackage(this.keys, this.sequence, this.read(total, true));
      this.sequence += 1;
      this.final = final;
      this.emit(plaintext, out);
    }
    if (this.done) {
      if (this.final && this.buffered > 0) throw new CryptoError('NotAuthentic', 'data after the final package');
      this.chunks.length = 0;
      this.buffered = 0;
    }
  }

  private emit(plaintext: Buffer, out: Sink): void {
    let piece = plaintext;
    if (this.skip > 0) {
      const k = Math.min(this.skip, piece.length);
      piece = piece.subarray(k);
      this.skip -= k;
    }
    if (piece.length > this.remaining) piece = piece.subarray(0, this.remaining);
    this.remaining -= piece.length;
    if (piece.length > 0) out(piece);
    if (this.final && !this.done && this.remaining !== Infinity) {
      throw new CryptoError('NotAuthentic', 'stream ended before the requested range');
    }
  }

  end(): void {
    if (this.done) return;
    if (this.buffered > 0) throw new CryptoError('NotAuthentic', 'truncated package');
    if (!this.final) throw new CryptoError('NotAuthentic', 'stream truncated: final package missing');
  }
}

/** Transform: "coffer-dare-v1" packages → plaintext; failures are NotAuthentic stream errors. */
export function decryptStream(key: Buffer, options: DecryptOptions = {}): Transform {
  const decryptor = new Decryptor(key, options);
  return new Transform({
    transform(chunk: unknown, _encoding, callback) {
      try {
        decryptor.write(asBuffer(chunk), (b) => this.push(b));
        callback();
      } catch (error) {
        callback(error as Error);
      }
    },
    flush(callback) {
      try {
        decryptor.end();
        callback();
      } catch (error) {
        callback(error as Error);
      }
    },
  });
}

/** Decrypts a whole (small) encrypted buffer at once; same checks as decryptStream. */
export function decryptBuffer(key: Buffer, encrypted: Buffer, options: DecryptOptions = {}): Buffer {
  const decryptor = new Decryptor(key, options);
  const parts: Buffer[] = [];
  decryptor.write(asBuffer(encrypted), (b) => parts.push(b));
  decryptor.end();
  return parts.length === 1 ? parts[0]! : Buffer.concat(parts);
}
