/**
 * KeyManager backed by a PKCS#11 token (an HSM; SoftHSM2 in the tests): master keys live in
 * the token as non-extractable, sensitive 256-bit keys (pkcs11-keys.ts) and never come here.
 *
 * Protects: data keys, sealed in the token and bound to the encryption context.
 * Construction: generateDataKey draws 32 random bytes (node:crypto) and seals them —
 *  - under a key Coffer created: CKM_AES_GCM in the token, random 96-bit iv, AAD = canonical
 *    context; ciphertext "CP11" ‖ 0x01 ‖ iv ‖ C ‖ tag (pkcs11-format.ts);
 *  - under a key imported from the static KMS: the static format (sealed-data-key.ts) with
 *    its sealing key HMAC-SHA256(K, iv) computed by the token (CKM_SHA256_HMAC), so objects
 *    written before the move decrypt, and the imported key keeps one use. The derived key is
 *    specific to one random iv and reveals nothing about K (HMAC is a PRF); K stays in the token.
 * decrypt picks the format by the key's type, so a ciphertext is never tried under another
 * construction. Inputs: key ids (key-id.ts), context, ciphertext (lengths capped before the
 * token sees them). Invariants: decrypt returns the sealed bytes or NotAuthentic; the token
 * being away is Unavailable; random 96-bit ivs keep GCM safe up to 2^32 seals per key (NIST
 * SP 800-38D) — create a new key well before (`coffer admin kms key create`).
 */
import { randomBytes } from 'node:crypto';
import { KmsError, type DataKey, type KeyManager, type KmsContext, type KmsStatus } from '../key-manager.js';
import { checkKeyId } from '../key-id.js';
import { canonicalContext, openWithSealingKey, sealWithSealingKey } from '../sealed-data-key.js';
import type { Handle, ModuleImporter, Pkcs11 } from './pkcs11-api.js';
import { encodeSealed, GCM_IV, GCM_TAG, parseSealed } from './pkcs11-format.js';
import { generateKey, importStaticKey, KeyCache, listLabels, type TokenKey } from './pkcs11-keys.js';
import { isSessionLost, Pkcs11Token, type Pkcs11TokenSettings } from './pkcs11-session.js';

export interface Pkcs11Settings extends Pkcs11TokenSettings {
  /** The key SSE-S3 (and SSE-KMS without a key id) uses; created at start when missing. */
  readonly defaultKeyId: string;
}

export class Pkcs11KeyManager implements KeyManager {
  readonly backend = 'pkcs11' as const;
  readonly defaultKeyId: string;
  readonly #token: Pkcs11Token;
  readonly #keys = new KeyCache();

  private constructor(token: Pkcs11Token, defaultKeyId: string) {
    this.#token = token;
    this.defaultKeyId = defaultKeyId;
  }

  /** Loads the library, logs in to the token; `createDefaultKey` creates the default key if missing. */
  static async open(settings: Pkcs11Settings, options: { createDefaultKey?: boolean; importer?: ModuleImporter } = {}): Promise<Pkcs11KeyManager> {
    const defaultKeyId = checkKeyId(settings.defaultKeyId);
    const manager = new Pkcs11KeyManager(await Pkcs11Token.open(settings, options.importer), defaultKeyId);
    if (options.createDefaultKey !== false) {
      await manager.createKey(defaultKeyId).catch((error: unknown) => {
        if (error instanceof KmsError && error.code === 'KeyExists') return;
        manager.#token.close();
        throw error;
      });
    }
    return manager;
  }

  async status(): Promise<KmsStatus> {
    const started = Date.now();
    const endpoint = `PKCS#11 token '${this.#token.tokenLabel}'`;
    try {
      const online = this.#token.loggedIn();
      const probe = { endpoint, online, latencyMs: Date.now() - started, ...(online ? {} : { error: 'not logged in' }) };
      return { backend: 'pkcs11', online, defaultKeyId: this.defaultKeyId, endpoints: [probe] };
    } catch (error) {
      const message = error instanceof KmsError ? error.message : 'unavailable';
      return { backend: 'pkcs11', online: false, defaultKeyId: this.defaultKeyId, endpoints: [{ endpoint, online: false, error: message }] };
    }
  }

  async createKey(keyId: string): Promise<void> {
    checkKeyId(keyId);
    this.#token.run((p, session) => generateKey(this.#token, p, session, keyId));
  }

  async listKeys(prefix = ''): Promise<string[]> {
    const labels = this.#token.run((p, session) => listLabels(this.#token, p, session));
    return [...new Set(labels.filter((label) => label.startsWith(prefix)))].sort();
  }

  async generateDataKey(keyId: string, context: KmsContext): Promise<DataKey> {
    checkKeyId(keyId);
    const aad = canonicalContext(context);
    const plaintext = randomBytes(32);
    const ciphertext = this.#token.run((p, session) => {
      const key = this.#keys.get(this.#token, p, session, keyId);
      if (key.kind === 'static') return sealWithSealingKey((iv) => this.#hmac(p, session, key, iv), plaintext, aad);
      const iv = randomBytes(GCM_IV);
      p.C_EncryptInit(session, this.#gcm(iv, aad), key.handle);
      return encodeSealed(iv, Buffer.from(p.C_Encrypt(session, plaintext, Buffer.alloc(plaintext.length + GCM_TAG))));
    });
    return { plaintext, ciphertext };
  }

  async decrypt(keyId: string, ciphertext: Buffer, context: KmsContext): Promise<Buffer> {
    checkKeyId(keyId);
    const aad = canonicalContext(context);
    return this.#token.run((p, session) => {
      const key = this.#keys.get(this.#token, p, session, keyId);
      if (key.kind === 'static') return openWithSealingKey((iv) => this.#hmac(p, session, key, iv), ciphertext, aad);
      const { iv, sealed } = parseSealed(ciphertext);
      p.C_DecryptInit(session, this.#gcm(iv, aad), key.handle);
      try {
        return Buffer.from(p.C_Decrypt(session, sealed, Buffer.alloc(sealed.length)));
      } catch (error) {
        if (isSessionLost(error)) throw error;
        throw new KmsError('NotAuthentic', 'ciphertext is not authentic');
      }
    });
  }

  /** Stores a static KMS key in the token (HMAC-only, non-extractable) under keyId. */
  async importKey(keyId: string, key: Buffer): Promise<void> {
    checkKeyId(keyId);
    if (key.length !== 32) throw new KmsError('InvalidInput', 'an imported key must be 32 bytes');
    this.#token.run((p, session) => importStaticKey(this.#token, p, session, keyId, key));
  }

  async close(): Promise<void> {
    this.#keys.clear();
    this.#token.close();
  }

  #gcm(iv: Buffer, aad: Buffer): { mechanism: number; parameter: unknown } {
    return { mechanism: this.#token.ck('CKM_AES_GCM'), parameter: { type: this.#token.ck('CK_PARAMS_AES_GCM'), iv, aad, tagBits: GCM_TAG * 8 } };
  }

  /** HMAC-SHA256(K, iv) by the token: the static format's sealing key for this one iv. */
  #hmac(p: Pkcs11, session: Handle, key: TokenKey, iv: Buffer): Buffer {
    p.C_SignInit(session, { mechanism: this.#token.ck('CKM_SHA256_HMAC') }, key.handle);
    return Buffer.from(p.C_Sign(session, iv, Buffer.alloc(32)));
  }
}
