/**
 * The ciphertext format of a data key sealed by a 256-bit master key: shared by the static
 * backend and the KES test server (and MinIO's built-in static KMS / KES for AES256 keys), so
 * a static key imported into KES still opens the data keys it sealed before the move.
 *
 * Protects: the per-object data key at rest, bound to its encryption context.
 * Construction: iv = 16 random bytes, nonce = 12 random bytes, sealing key =
 * HMAC-SHA256(masterKey, iv), AES-256-GCM(sealing key, nonce, plaintext, AAD = canonical
 * context); ciphertext = gcm-output ‖ tag(16) ‖ iv(16) ‖ nonce(12).
 * Inputs bound: master key, context (canonical JSON: keys sorted), every ciphertext byte.
 * Invariants: open returns the exact sealed bytes or throws KmsError 'NotAuthentic' — a wrong
 * key, another context, a flipped or missing byte never yield other bytes. A fresh iv per seal
 * gives a fresh sealing key, so nonce reuse under one key is not a concern.
 */
import { createCipheriv, createDecipheriv, createHmac, randomBytes } from 'node:crypto';
import { KmsError, type KmsContext } from './key-manager.js';

const IV = 16;
const NONCE = 12;
const TAG = 16;
/** Longest sealed value accepted (data keys are 32 bytes; room for other small secrets). */
const MAX_PLAINTEXT = 1024;

/** Keys sorted, JSON-encoded: the associated data every backend binds. */
export function canonicalContext(context: KmsContext): Buffer {
  const sorted: Record<string, string> = {};
  for (const key of Object.keys(context).sort()) {
    const value = context[key];
    if (typeof value !== 'string') throw new KmsError('InvalidInput', 'encryption context values must be strings');
    sorted[key] = value;
  }
  return Buffer.from(JSON.stringify(sorted), 'utf8');
}

function sealingKey(masterKey: Buffer, iv: Buffer): Buffer {
  if (masterKey.length !== 32) throw new KmsError('InvalidInput', 'a master key is 256 bits');
  return createHmac('sha256', masterKey).update(iv).digest();
}

/** The sealing key for one iv, HMAC-SHA256(masterKey, iv): computed here from the key, or by
 * an HSM holding it (PKCS#11 CKM_SHA256_HMAC) so the master key never enters this process. */
export type SealingKeyFor = (iv: Buffer) => Buffer;

export function sealWithMasterKey(masterKey: Buffer, plaintext: Buffer, associatedData: Buffer): Buffer {
  return sealWithSealingKey((iv) => sealingKey(masterKey, iv), plaintext, associatedData);
}

export function openWithMasterKey(masterKey: Buffer, ciphertext: Buffer, associatedData: Buffer): Buffer {
  return openWithSealingKey((iv) => sealingKey(masterKey, iv), ciphertext, associatedData);
}

export function sealWithSealingKey(sealingKeyFor: SealingKeyFor, plaintext: Buffer, associatedData: Buffer): Buffer {
  if (plaintext.length > MAX_PLAINTEXT) throw new KmsError('InvalidInput', 'plaintext too large');
  const iv = randomBytes(IV);
  const nonce = randomBytes(NONCE);
  const cipher = createCipheriv('aes-256-gcm', sealingKeyFor(iv), nonce);
  cipher.setAAD(associatedData);
  const body = Buffer.concat([cipher.update(plaintext), cipher.final()]);
  return Buffer.concat([body, cipher.getAuthTag(), iv, nonce]);
}

/** A failure of sealingKeyFor itself (an HSM that is down) propagates as it is; every failure
 * of the ciphertext is NotAuthentic. */
export function openWithSealingKey(sealingKeyFor: SealingKeyFor, ciphertext: Buffer, associatedData: Buffer): Buffer {
  if (ciphertext.length < TAG + IV + NONCE || ciphertext.length > MAX_PLAINTEXT + TAG + IV + NONCE) {
    throw new KmsError('NotAuthentic', 'ciphertext is not authentic');
  }
  const nonceAt = ciphertext.length - NONCE;
  const ivAt = nonceAt - IV;
  const tagAt = ivAt - TAG;
  const key = sealingKeyFor(Buffer.from(ciphertext.subarray(ivAt, nonceAt)));
  try {
    const decipher = createDecipheriv('aes-256-gcm', key, ciphertext.subarray(nonceAt), { authTagLength: TAG });
    decipher.setAAD(associatedData);
    decipher.setAuthTag(ciphertext.subarray(tagAt, ivAt));
    return Buffer.concat([decipher.update(ciphertext.subarray(0, tagAt)), decipher.final()]);
  } catch (cause) {
    throw new KmsError('NotAuthentic', 'ciphertext is not authentic', { cause });
  }
}
