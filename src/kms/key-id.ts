import { KmsError } from './key-manager.js';

/** KES/MinIO key names: 1–80 of [A-Za-z0-9-_.], not starting with a dot. Checked before any use. */
const KEY_ID = /^[A-Za-z0-9_-][A-Za-z0-9._-]{0,79}$/;

export function isValidKeyId(keyId: string): boolean {
  return KEY_ID.test(keyId);
}

export function checkKeyId(keyId: string): string {
  if (!isValidKeyId(keyId)) throw new KmsError('InvalidInput', 'a KMS key id is 1–80 characters of A–Z, a–z, 0–9, "-", "_", "."');
  return keyId;
}
