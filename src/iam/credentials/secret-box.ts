/**
 * Secret sealing for IAM credentials at rest.
 *
 * Protects: S3 secret access keys and STS session tokens stored in the metadata database. They
 * must stay usable (SigV4 needs the secret itself for HMAC; the session token is compared as
 * presented), so they are encrypted, not hashed. Someone who reads the database file, a backup
 * or a replica learns nothing without the sealing key, which lives elsewhere (a 0600 key file
 * now, a KMS later — the SecretSealer interface is that seam).
 *
 * Construction (format v1): AES-256-GCM under a 256-bit key, a fresh random 96-bit nonce per
 * seal (CSPRNG; at 2^32 seals per key the collision chance stays below 2^-32), 128-bit tag.
 * Sealed form: "v1:" + base64(nonce ‖ ciphertext ‖ tag).
 *
 * Bound into the tag (AAD): "coffer-iam-<purpose>:v1:" + accessKeyId, purpose 'secret' or
 * 'session-token'. A sealed value copied to another access key's row, or a sealed secret
 * presented as a session token, fails authentication instead of decrypting.
 *
 * Invariants: open() fails closed with one SealError that says nothing about what was wrong
 * (callers treat the credential as unknown); plaintext is only
 * handled as Secret<string>; the key never leaves the module (no getter, no toJSON).
 * Threats considered: DB file theft (confidentiality), row swapping between keys (AAD),
 * tampering (GCM tag), nonce reuse (random 96-bit nonces, keys are not long-lived in volume).
 */
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { Secret } from '../../core/index.js';

export type SealPurpose = 'secret' | 'session-token';

/** What a sealed value is bound to: its purpose and the access key id it belongs to. */
export interface SealBinding {
  purpose: SealPurpose;
  accessKeyId: string;
}

/** The seam a KMS-backed implementation replaces. */
export interface SecretSealer {
  seal(plaintext: Secret<string>, binding: SealBinding): Promise<string>;
  /** Throws SealError when the value is malformed, was sealed for another binding, or was tampered with. */
  open(sealed: string, binding: SealBinding): Promise<Secret<string>>;
}

export class SealError extends Error {
  constructor() {
    super('sealed secret cannot be opened');
    this.name = 'SealError';
  }
}

const VERSION = 'v1:';
const NONCE_BYTES = 12;
const TAG_BYTES = 16;
export const SEALING_KEY_BYTES = 32;

export function sealAad(binding: SealBinding): Buffer {
  return Buffer.from(`coffer-iam-${binding.purpose}:v1:${binding.accessKeyId}`, 'utf8');
}

/** AES-256-GCM with a key held in memory (loaded from the local key file, see local-key-file.ts). */
export class LocalKeySealer implements SecretSealer {
  readonly #key: Buffer;

  constructor(key: Buffer) {
    if (key.length !== SEALING_KEY_BYTES) throw new Error(`the IAM sealing key must be ${SEALING_KEY_BYTES} bytes`);
    this.#key = Buffer.from(key);
  }

  async seal(plaintext: Secret<string>, binding: SealBinding): Promise<string> {
    const nonce = randomBytes(NONCE_BYTES);
    const cipher = createCipheriv('aes-256-gcm', this.#key, nonce, { authTagLength: TAG_BYTES });
    cipher.setAAD(sealAad(binding));
    const body = Buffer.concat([cipher.update(plaintext.reveal(), 'utf8'), cipher.final()]);
    return VERSION + Buffer.concat([nonce, body, cipher.getAuthTag()]).toString('base64');
  }

  async open(sealed: string, binding: SealBinding): Promise<Secret<string>> {
    if (!sealed.startsWith(VERSION)) throw new SealError();
    const raw = Buffer.from(sealed.slice(VERSION.length), 'base64');
    if (raw.length < NONCE_BYTES + TAG_BYTES) throw new SealError();
    try {
      const decipher = createDecipheriv('aes-256-gcm', this.#key, raw.subarray(0, NONCE_BYTES), { authTagLength: TAG_BYTES });
      decipher.setAAD(sealAad(binding));
      decipher.setAuthTag(raw.subarray(raw.length - TAG_BYTES));
      const plain = Buffer.concat([decipher.update(raw.subarray(NONCE_BYTES, raw.length - TAG_BYTES)), decipher.final()]);
      return new Secret(plain.toString('utf8'));
    } catch {
      throw new SealError();
    }
  }

  toJSON(): string {
    return '[LocalKeySealer]';
  }
}
