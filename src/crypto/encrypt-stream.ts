/**
 * Encryption side of "coffer-dare-v1": plaintext → packages (package-format.ts).
 *
 * Protects: object content under a one-stream key (an object key or a part key).
 * Construction: the plaintext is cut into 64 KiB payloads at fixed offsets whatever the input
 * chunking; the last payload (1 B–64 KiB, or the one empty payload of an empty stream) is sealed
 * with the final flag, so the encryptor holds back one payload until it knows whether more comes.
 * Invariants: memory is one 64 KiB staging buffer plus the current input chunk; the Transform
 * keeps Node's back-pressure (its write callback waits while the readable side is full); package
 * boundaries do not depend on the input chunking; each call draws a fresh random stream nonce.
 */
import { Transform } from 'node:stream';
import { CryptoError } from './errors.js';
import { MAX_SEQUENCE, PAYLOAD_SIZE, encryptionKeys, sealPackageParts, type StreamKeys } from './package-format.js';

type Sink = (encrypted: Buffer) => void;

/** Incremental encryptor shared by encryptStream and encryptBuffer. */
class Encryptor {
  private readonly keys: StreamKeys;
  private readonly pending = Buffer.allocUnsafe(PAYLOAD_SIZE);
  private fill = 0;
  private sequence = 0;

  constructor(key: Buffer) {
    this.keys = encryptionKeys(key);
  }

  private seal(payload: Buffer, final: boolean, out: Sink): void {
    if (this.sequence > MAX_SEQUENCE) throw new CryptoError('InvalidInput', 'stream too long for coffer-dare-v1');
    for (const part of sealPackageParts(this.keys, this.sequence, final, payload)) out(part);
    this.sequence += 1;
  }

  write(chunk: Buffer, out: Sink): void {
    let offset = 0;
    while (offset < chunk.length) {
      if (this.fill === PAYLOAD_SIZE) {
        // More plaintext follows, so the held-back payload is not the final one.
        this.seal(this.pending, false, out);
        this.fill = 0;
      }
      if (this.fill === 0 && chunk.length - offset > PAYLOAD_SIZE) {
        this.seal(chunk.subarray(offset, offset + PAYLOAD_SIZE), false, out);
        offset += PAYLOAD_SIZE;
        continue;
      }
      const n = Math.min(PAYLOAD_SIZE - this.fill, chunk.length - offset);
      chunk.copy(this.pending, this.fill, offset, offset + n);
      this.fill += n;
      offset += n;
    }
  }

  end(out: Sink): void {
    this.seal(this.pending.subarray(0, this.fill), true, out);
    this.fill = 0;
  }
}

function asBuffer(chunk: unknown): Buffer {
  if (Buffer.isBuffer(chunk)) return chunk;
  if (chunk instanceof Uint8Array) return Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
  if (typeof chunk === 'string') return Buffer.from(chunk, 'utf8');
  throw new CryptoError('InvalidInput', 'stream chunks must be bytes');
}

/** Transform: plaintext → "coffer-dare-v1" packages under `key` (32 bytes, one stream only). */
export function encryptStream(key: Buffer): Transform {
  const encryptor = new Encryptor(key);
  return new Transform({
    transform(chunk: unknown, _encoding, callback) {
      try {
        encryptor.write(asBuffer(chunk), (b) => this.push(b));
        callback();
      } catch (error) {
        callback(error as Error);
      }
    },
    flush(callback) {
      try {
        encryptor.end((b) => this.push(b));
        callback();
      } catch (error) {
        callback(error as Error);
      }
    },
  });
}

/** Encrypts a whole (small) plaintext at once; same format as encryptStream. */
export function encryptBuffer(key: Buffer, plaintext: Buffer): Buffer {
  const encryptor = new Encryptor(key);
  const parts: Buffer[] = [];
  encryptor.write(asBuffer(plaintext), (b) => parts.push(b));
  encryptor.end((b) => parts.push(b));
  return parts.length === 1 ? parts[0]! : Buffer.concat(parts);
}

export { asBuffer };
