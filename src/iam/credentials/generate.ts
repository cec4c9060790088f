/**
 * Random identifiers and credentials, all from the CSPRNG (crypto.randomBytes), never derived
 * from user input. Shapes follow AWS: unique ids AIDA/AGPA/ANPA/AROA + 17 characters and access
 * key ids AKIA/ASIA + 16 characters of upper-case base32 (A–Z, 2–7); secrets 40 characters of
 * base64 (240 bits); session tokens 48 random bytes as base64url (384 bits).
 */
import { randomBytes } from 'node:crypto';
import { Secret } from '../../core/index.js';

const BASE32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

export type UniqueIdPrefix = 'AIDA' | 'AGPA' | 'ANPA' | 'AROA';

function base32(length: number): string {
  // 32 divides 256: taking 5 bits of each byte is uniform.
  const bytes = randomBytes(length);
  let out = '';
  for (const byte of bytes) out += BASE32[byte & 31];
  return out;
}

/** AIDA… / AGPA… / ANPA… / AROA…: 21 characters, as AWS unique ids. */
export function newUniqueId(prefix: UniqueIdPrefix): string {
  return prefix + base32(17);
}

/** AKIA… (long-term) or ASIA… (STS session): 20 characters. */
export function newAccessKeyId(kind: 'long-term' | 'session'): string {
  return (kind === 'long-term' ? 'AKIA' : 'ASIA') + base32(16);
}

/** The shape of a generated session key id; such ids are reserved for STS. */
export const SESSION_KEY_ID = /^ASIA[A-Z2-7]{16}$/;

/** 40 characters of base64, like AWS secret access keys. */
export function newSecretAccessKey(): Secret<string> {
  return new Secret(randomBytes(30).toString('base64'));
}

/** An opaque STS session token: 48 random bytes, base64url (64 characters). */
export function newSessionToken(): Secret<string> {
  return new Secret(randomBytes(48).toString('base64url'));
}
