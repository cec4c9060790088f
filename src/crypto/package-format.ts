/**
 * The package format "coffer-dare-v1" (docs/security/crypto-format.md §4): one package seals up
 * to 64 KiB of plaintext.
 *
 * Protects: confidentiality and integrity of object content, and the order and completeness of
 * the package sequence.
 * Construction: stream key = HMAC-SHA256(key, "coffer-dare-v1 stream-key"); stream nonce = 12
 * random bytes per encrypted stream, top bit cleared (carried in every header, so a reader can
 * start at any package; random because a part key repeats when a part is re-uploaded). Package
 * i = header(16) ‖ AES-256-GCM ciphertext ‖ tag(16); header = version 0x01 ‖ cipher byte (0x00
 * AES-256-GCM, bit 0x80 = empty payload) ‖ uint16 LE (payload length − 1, 0 when empty) ‖ nonce
 * (12) where nonce = stream nonce, sequence number i XORed into bytes 8–11 (uint32 LE), top bit
 * of byte 0 set on the final package. GCM associated data = header ‖ uint32 LE sequence number
 * (the reader's expected one).
 * Bound: key (derived GCM key), sequence number (AAD, and the nonce the reader recomputes), final
 * flag, payload length, stream (all packages of one read must carry the same stream nonce).
 * Invariants: (key, nonce) pairs do not repeat even when a part key is reused (95 random bits
 * per stream, sequence in the low 32); a reader never releases a package's plaintext before its
 * tag verified; only the final package may be shorter than 64 KiB; only an empty stream has an
 * empty package.
 */
import { createCipheriv, createDecipheriv, createHmac, createSecretKey, randomBytes, type KeyObject } from 'node:crypto';
import { CryptoError, checkKey } from './errors.js';

export const STREAM_FORMAT = 'coffer-dare-v1';
export const PACKAGE_VERSION = 0x01;
export const CIPHER_AES_256_GCM = 0x00;
const EMPTY_FLAG = 0x80;
const FINAL_FLAG = 0x80;
export const HEADER_SIZE = 16;
export const TAG_SIZE = 16;
export const PACKAGE_OVERHEAD = HEADER_SIZE + TAG_SIZE;
/** Plaintext bytes in every package but the final one. */
export const PAYLOAD_SIZE = 65536;
/** Encrypted size of a full package. */
export const PACKAGE_SIZE = PAYLOAD_SIZE + PACKAGE_OVERHEAD;
export const MAX_SEQUENCE = 0xffffffff;

export interface StreamKeys {
  /** A KeyObject: imported once per stream, not once per package. */
  readonly key: KeyObject;
  /** 12-byte stream nonce, top bit clear; random per encrypted stream, learnt from a header when reading. */
  nonce: Buffer | undefined;
}

/** Keys for encrypting one stream: derived stream key, fresh random stream nonce. */
export function encryptionKeys(key: Buffer): StreamKeys {
  const nonce = randomBytes(12);
  nonce[0] = nonce[0]! & ~FINAL_FLAG;
  return { key: streamKey(key), nonce };
}

/** Keys for reading: the stream nonce is taken from the first package read (learnNonce). */
export function decryptionKeys(key: Buffer): StreamKeys {
  return { key: streamKey(key), nonce: undefined };
}

function streamKey(key: Buffer): KeyObject {
  checkKey(key);
  return createSecretKey(createHmac('sha256', key).update(`${STREAM_FORMAT} stream-key`, 'utf8').digest());
}

function packageNonce(keys: StreamKeys, sequence: number, final: boolean): Buffer {
  if (!Number.isInteger(sequence) || sequence < 0 || sequence > MAX_SEQUENCE) {
    throw new CryptoError('InvalidInput', 'package sequence number out of range');
  }
  if (!keys.nonce) throw new CryptoError('InvalidInput', 'stream nonce unknown');
  const nonce = Buffer.from(keys.nonce);
  nonce.writeUInt32LE((nonce.readUInt32LE(8) ^ sequence) >>> 0, 8);
  if (final) nonce[0] = nonce[0]! | FINAL_FLAG;
  return nonce;
}

/** Encrypts one payload (≤ 64 KiB; < 64 KiB or empty only when final) into a package. */
export function sealPackage(keys: StreamKeys, sequence: number, final: boolean, payload: Buffer): Buffer {
  return Buffer.concat(sealPackageParts(keys, sequence, final, payload));
}

/** The same package as its pieces in order (header, ciphertext…, tag): a stream pushes them without copying the payload again. */
export function sealPackageParts(keys: StreamKeys, sequence: number, final: boolean, payload: Buffer): Buffer[] {
  if (payload.length > PAYLOAD_SIZE || (!final && payload.length !== PAYLOAD_SIZE)) {
    throw new CryptoError('InvalidInput', 'invalid package payload length');
  }
  const header = Buffer.allocUnsafe(HEADER_SIZE);
  header[0] = PACKAGE_VERSION;
  header[1] = CIPHER_AES_256_GCM | (payload.length === 0 ? EMPTY_FLAG : 0);
  header.writeUInt16LE(payload.length === 0 ? 0 : payload.length - 1, 2);
  packageNonce(keys, sequence, final).copy(header, 4);
  const cipher = createCipheriv('aes-256-gcm', keys.key, header.subarray(4, HEADER_SIZE));
  cipher.setAAD(associatedData(header, sequence));
  const body = cipher.update(payload);
  const rest = cipher.final();
  const parts = [header];
  if (body.length > 0) parts.push(body);
  if (rest.length > 0) parts.push(rest);
  parts.push(cipher.getAuthTag());
  return parts;
}

/** AAD = header(16) ‖ uint32 LE sequence: binds the position even though the nonce is read from the header. */
function associatedData(pkg: Buffer, sequence: number): Buffer {
  const aad = Buffer.allocUnsafe(HEADER_SIZE + 4);
  pkg.copy(aad, 0, 0, HEADER_SIZE);
  aad.writeUInt32LE(sequence, HEADER_SIZE);
  return aad;
}

function notAuthentic(message: string): CryptoError {
  return new CryptoError('NotAuthentic', message);
}

/** Total encrypted length of the package whose 16-byte header is given; checks version/cipher. */
export function packageLength(header: Buffer): number {
  if (header[0] !== PACKAGE_VERSION) throw notAuthentic('unknown package version');
  const cipher = header[1]!;
  if ((cipher & ~EMPTY_FLAG) !== CIPHER_AES_256_GCM) throw notAuthentic('unknown package cipher');
  if (cipher & EMPTY_FLAG) {
    if (header.readUInt16LE(2) !== 0) throw notAuthentic('malformed empty package');
    return PACKAGE_OVERHEAD;
  }
  return PACKAGE_OVERHEAD + header.readUInt16LE(2) + 1;
}

/** Verifies and decrypts package `sequence` (the whole package bytes). Throws NotAuthentic. */
export function openPackage(keys: StreamKeys, sequence: number, pkg: Buffer): { plaintext: Buffer; final: boolean } {
  if (pkg.length < PACKAGE_OVERHEAD || packageLength(pkg) !== pkg.length) throw notAuthentic('malformed package');
  if (sequence > MAX_SEQUENCE) throw notAuthentic('package sequence number overflow');
  const final = (pkg[4]! & FINAL_FLAG) !== 0;
  const payloadLength = pkg.length - PACKAGE_OVERHEAD;
  if (!final && payloadLength !== PAYLOAD_SIZE) throw notAuthentic('short package before the final one');
  if (payloadLength === 0 && sequence !== 0) throw notAuthentic('empty package inside a stream');
  if (!keys.nonce) {
    // First package of this read: the stream nonce is its nonce without the final flag and
    // sequence number. Later packages must carry the same stream nonce.
    const learnt = Buffer.from(pkg.subarray(4, HEADER_SIZE));
    learnt[0] = learnt[0]! & ~FINAL_FLAG;
    learnt.writeUInt32LE((learnt.readUInt32LE(8) ^ sequence) >>> 0, 8);
    keys.nonce = learnt;
  }
  const nonce = packageNonce(keys, sequence, final);
  if (!nonce.equals(pkg.subarray(4, HEADER_SIZE))) throw notAuthentic('package out of sequence or from another stream');
  try {
    const decipher = createDecipheriv('aes-256-gcm', keys.key, nonce);
    decipher.setAAD(associatedData(pkg, sequence));
    decipher.setAuthTag(pkg.subarray(pkg.length - TAG_SIZE));
    const body = decipher.update(pkg.subarray(HEADER_SIZE, pkg.length - TAG_SIZE));
    const rest = decipher.final();
    return { plaintext: rest.length === 0 ? body : Buffer.concat([body, rest]), final };
  } catch (cause) {
    throw new CryptoError('NotAuthentic', 'package failed authentication', { cause });
  }
}
