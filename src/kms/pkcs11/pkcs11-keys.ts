/**
 * Master keys as PKCS#11 objects: how Coffer creates, imports, finds and lists them.
 * Protects: master keys never leave the token. Every key Coffer makes or imports is a token
 * object (CKA_TOKEN), private (needs the user login to be seen), sensitive and not extractable
 * (C_GetAttributeValue of CKA_VALUE is refused, and PKCS#11 forbids turning either back),
 * neither modifiable nor copyable, and allowed exactly one use:
 *  - created keys: CKK_AES, 256 bits, generated in the token, CKA_ENCRYPT/CKA_DECRYPT only
 *    (Coffer's AES-GCM format, pkcs11-format.ts);
 *  - keys imported from the static KMS: CKK_GENERIC_SECRET, 256 bits, CKA_SIGN only — the
 *    token computes HMAC-SHA256(K, iv), the per-ciphertext sealing key of the static format
 *    (sealed-data-key.ts), so data keys the static KMS sealed still open. Using one key for
 *    one mechanism only keeps the HMAC key from ever being used as an AES key, or back.
 * A key is found by CKA_LABEL = key id (checked by key-id.ts first); a label that names no
 * secret key is NotFound, one that names several (created outside Coffer) is refused rather
 * than guessed, and keys that could leave the token or serve other uses are refused too.
 */
import { KmsError } from '../key-manager.js';
import type { Attribute, Handle, Pkcs11 } from './pkcs11-api.js';
import { isSessionLost, type Pkcs11Token } from './pkcs11-session.js';

export type KeyKind = 'aes' | 'static';
export interface TokenKey { readonly handle: Handle; readonly kind: KeyKind }

const KEY_BYTES = 32;

function secretKeys(token: Pkcs11Token, label?: string): Attribute[] {
  const template: Attribute[] = [{ type: token.ck('CKA_CLASS'), value: token.ck('CKO_SECRET_KEY') }, { type: token.ck('CKA_TOKEN'), value: true }];
  if (label !== undefined) template.push({ type: token.ck('CKA_LABEL'), value: label });
  return template;
}

function find(p: Pkcs11, session: Handle, template: Attribute[], max: number): Handle[] {
  p.C_FindObjectsInit(session, template);
  try {
    const found: Handle[] = [];
    for (let batch = p.C_FindObjects(session, 100); batch.length > 0 && found.length < max; batch = p.C_FindObjects(session, 100)) found.push(...batch);
    return found;
  } finally {
    p.C_FindObjectsFinal(session);
  }
}

function ulong(value: Buffer | undefined): number {
  return value && value.length > 0 ? value.readUIntLE(0, Math.min(value.length, 6)) : -1;
}

function flag(value: Buffer | undefined): boolean {
  return value !== undefined && value.length > 0 && value[0] !== 0;
}

/** The key labelled keyId and the format it seals with; NotFound when there is none. */
export function findKey(token: Pkcs11Token, p: Pkcs11, session: Handle, keyId: string): TokenKey {
  const handles = find(p, session, secretKeys(token, keyId), 2);
  const handle = handles[0];
  if (!handle) throw new KmsError('NotFound', `KMS key '${keyId}' does not exist`);
  if (handles.length > 1) throw new KmsError('InvalidInput', `several keys in the PKCS#11 token are labelled '${keyId}'; Coffer will not guess which one seals data`);
  const names = ['CKA_KEY_TYPE', 'CKA_VALUE_LEN', 'CKA_SENSITIVE', 'CKA_EXTRACTABLE', 'CKA_ENCRYPT', 'CKA_DECRYPT', 'CKA_SIGN'] as const;
  const values = p.C_GetAttributeValue(session, handle, names.map((name) => ({ type: token.ck(name) })));
  const a = Object.fromEntries(names.map((name, i) => [name, values[i]?.value])) as Record<(typeof names)[number], Buffer | undefined>;
  if (!flag(a.CKA_SENSITIVE) || flag(a.CKA_EXTRACTABLE) || ulong(a.CKA_VALUE_LEN) !== KEY_BYTES) {
    throw new KmsError('NotSupported', `KMS key '${keyId}' in the PKCS#11 token is not a sensitive, non-extractable 256-bit key; Coffer does not use it`);
  }
  const type = ulong(a.CKA_KEY_TYPE);
  if (type === token.ck('CKK_AES') && flag(a.CKA_ENCRYPT) && flag(a.CKA_DECRYPT) && !flag(a.CKA_SIGN)) return { handle, kind: 'aes' };
  if (type === token.ck('CKK_GENERIC_SECRET') && flag(a.CKA_SIGN) && !flag(a.CKA_ENCRYPT) && !flag(a.CKA_DECRYPT)) return { handle, kind: 'static' };
  throw new KmsError('NotSupported', `KMS key '${keyId}' in the PKCS#11 token is not a key Coffer made or imported`);
}

function exists(token: Pkcs11Token, p: Pkcs11, session: Handle, keyId: string): boolean {
  return find(p, session, secretKeys(token, keyId), 1).length > 0;
}

/** Attributes every Coffer key shares; `uses` are the only CKA_* usages set true. */
function keyTemplate(token: Pkcs11Token, keyId: string, keyType: string, uses: readonly string[]): Attribute[] {
  const usages = ['CKA_ENCRYPT', 'CKA_DECRYPT', 'CKA_SIGN', 'CKA_VERIFY', 'CKA_WRAP', 'CKA_UNWRAP', 'CKA_DERIVE'];
  return [
    ...secretKeys(token, keyId),
    { type: token.ck('CKA_KEY_TYPE'), value: token.ck(keyType) },
    { type: token.ck('CKA_PRIVATE'), value: true },
    { type: token.ck('CKA_SENSITIVE'), value: true },
    { type: token.ck('CKA_EXTRACTABLE'), value: false },
    { type: token.ck('CKA_MODIFIABLE'), value: false },
    { type: token.ck('CKA_COPYABLE'), value: false },
    ...usages.map((name) => ({ type: token.ck(name), value: uses.includes(name) })),
  ];
}

/** C_GenerateKey of a 256-bit AES key labelled keyId; KeyExists when the label is taken. */
export function generateKey(token: Pkcs11Token, p: Pkcs11, session: Handle, keyId: string): void {
  if (exists(token, p, session, keyId)) throw new KmsError('KeyExists', `KMS key '${keyId}' already exists`);
  const template = [...keyTemplate(token, keyId, 'CKK_AES', ['CKA_ENCRYPT', 'CKA_DECRYPT']), { type: token.ck('CKA_VALUE_LEN'), value: KEY_BYTES }];
  p.C_GenerateKey(session, { mechanism: token.ck('CKM_AES_KEY_GEN') }, template);
}

/** C_CreateObject of a static KMS key as an HMAC-only key labelled keyId. */
export function importStaticKey(token: Pkcs11Token, p: Pkcs11, session: Handle, keyId: string, key: Buffer): void {
  if (key.length !== KEY_BYTES) throw new KmsError('InvalidInput', 'an imported key must be 32 bytes');
  if (exists(token, p, session, keyId)) throw new KmsError('KeyExists', `KMS key '${keyId}' already exists`);
  const value = Buffer.from(key);
  try {
    p.C_CreateObject(session, [...keyTemplate(token, keyId, 'CKK_GENERIC_SECRET', ['CKA_SIGN']), { type: token.ck('CKA_VALUE'), value }]);
  } finally {
    value.fill(0);
  }
}

/** Labels of the token's secret keys (at most 100 000 objects are looked at). */
export function listLabels(token: Pkcs11Token, p: Pkcs11, session: Handle): string[] {
  const labels: string[] = [];
  for (const handle of find(p, session, secretKeys(token), 100_000)) {
    const label = p.C_GetAttributeValue(session, handle, [{ type: token.ck('CKA_LABEL') }])[0]?.value;
    if (label && label.length > 0) labels.push(label.toString('utf8'));
  }
  return labels;
}

/**
 * Key lookups by label cost a C_FindObjects each (milliseconds on SoftHSM2 with a few dozen
 * keys), so handles are remembered. Before a remembered handle is used its CKA_LABEL is read
 * again: a key deleted (and its handle reused) behind Coffer's back is looked up afresh, never
 * used under the wrong name. Type and usages cannot change (the keys are not modifiable).
 */
export class KeyCache {
  readonly #keys = new Map<string, TokenKey>();

  get(token: Pkcs11Token, p: Pkcs11, session: Handle, keyId: string): TokenKey {
    const cached = this.#keys.get(keyId);
    if (cached && this.#stillLabelled(token, p, session, cached.handle, keyId)) return cached;
    this.#keys.delete(keyId);
    const key = findKey(token, p, session, keyId);
    if (this.#keys.size >= 1000) this.#keys.clear();
    this.#keys.set(keyId, key);
    return key;
  }

  clear(): void {
    this.#keys.clear();
  }

  #stillLabelled(token: Pkcs11Token, p: Pkcs11, session: Handle, handle: Handle, keyId: string): boolean {
    try {
      const label = p.C_GetAttributeValue(session, handle, [{ type: token.ck('CKA_LABEL') }])[0]?.value;
      return label !== undefined && label.equals(Buffer.from(keyId, 'utf8'));
    } catch (error) {
      if (isSessionLost(error)) throw error;
      return false;
    }
  }
}
