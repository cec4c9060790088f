/**
 * Ciphertext of a data key sealed inside a PKCS#11 token by a Coffer AES-256 key
 * (docs/security/crypto-format.md §KMS backends). Persisted with every SSE-S3/SSE-KMS object,
 * so versioned and self-describing:
 *
 *   "CP11" (4 bytes, ASCII) ‖ version 0x01 ‖ iv (12 random bytes) ‖ C ‖ tag (16)
 *   where C ‖ tag = CKM_AES_GCM(key in the token, iv, plaintext, AAD = canonical context)
 *
 * Version 0x01 fixes: AES-256-GCM in the token, 96-bit random iv, 128-bit tag, AAD = the
 * canonical JSON context (keys sorted, sealed-data-key.ts) — the context every backend binds.
 * A later version gets a new byte; readers keep accepting 0x01.
 * Invariants: parse accepts exactly this header and a body of 17–1040 bytes; anything else is
 * NotAuthentic before the token sees it. Keys imported from the static KMS are not AES keys
 * in the token and keep the static format (sealed-data-key.ts), recognised by key type.
 */
import { KmsError } from '../key-manager.js';

const MAGIC = Buffer.from('CP11', 'ascii');
const VERSION = 0x01;
const HEADER = MAGIC.length + 1;
export const GCM_IV = 12;
export const GCM_TAG = 16;
/** Longest sealed plaintext accepted (data keys are 32 bytes), as in sealed-data-key.ts. */
export const MAX_PLAINTEXT = 1024;

export function encodeSealed(iv: Buffer, sealed: Buffer): Buffer {
  return Buffer.concat([MAGIC, Buffer.of(VERSION), iv, sealed]);
}

/** The iv and C ‖ tag of a version-1 ciphertext; NotAuthentic for anything else. */
export function parseSealed(ciphertext: Buffer): { iv: Buffer; sealed: Buffer } {
  const bodyLength = ciphertext.length - HEADER - GCM_IV;
  if (
    bodyLength <= GCM_TAG ||
    bodyLength > MAX_PLAINTEXT + GCM_TAG ||
    !ciphertext.subarray(0, MAGIC.length).equals(MAGIC) ||
    ciphertext[MAGIC.length] !== VERSION
  ) {
    throw new KmsError('NotAuthentic', 'ciphertext is not authentic');
  }
  return { iv: Buffer.from(ciphertext.subarray(HEADER, HEADER + GCM_IV)), sealed: Buffer.from(ciphertext.subarray(HEADER + GCM_IV)) };
}
