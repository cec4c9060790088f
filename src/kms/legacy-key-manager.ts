/**
 * KES or PKCS#11 with the old static key kept next to it (COFFER_KMS_SECRET_KEY_LEGACY=true):
 * the bridge for moving from the static KMS to an external KMS without re-encrypting anything.
 *
 * Protects: readability of objects sealed by the static key while (and after) it moves into
 * the external KMS. Construction: every call goes to the external KMS; for the static key's
 * name only, an answer of NotFound / Unavailable / NotAuthentic falls back to the local static
 * key (same key, same ciphertext format — KES keeps it, the PKCS#11 backend opens it with the
 * token's HMAC — so the results are interchangeable). `importLegacyKey` copies the static key
 * into the external KMS under its name — after that, the static key can be removed from the
 * config. Invariants: other key ids never touch the static key; the raw key leaves only
 * towards the external KMS.
 */
import { KmsError, type DataKey, type KeyManager, type KmsContext, type KmsStatus } from './key-manager.js';
import type { KesKeyManager } from './kes/index.js';
import type { Pkcs11KeyManager } from './pkcs11/index.js';
import type { StaticKeyManager } from './static/index.js';

const FALLBACK = new Set(['NotFound', 'Unavailable', 'NotAuthentic']);

export class LegacyKeyManager implements KeyManager {
  readonly backend: 'kes' | 'pkcs11';
  readonly defaultKeyId: string;
  readonly legacyKeyId: string;

  constructor(private readonly primary: KesKeyManager | Pkcs11KeyManager, private readonly legacy: StaticKeyManager) {
    this.backend = primary.backend;
    this.defaultKeyId = primary.defaultKeyId;
    this.legacyKeyId = legacy.defaultKeyId;
  }

  async status(): Promise<KmsStatus> {
    return { ...(await this.primary.status()), legacyKeyId: this.legacyKeyId };
  }

  createKey(keyId: string): Promise<void> {
    return this.primary.createKey(keyId);
  }

  async listKeys(prefix = ''): Promise<string[]> {
    const names = new Set(await this.primary.listKeys(prefix));
    for (const name of await this.legacy.listKeys(prefix)) names.add(name);
    return [...names].sort();
  }

  generateDataKey(keyId: string, context: KmsContext): Promise<DataKey> {
    return this.#withFallback(keyId, () => this.primary.generateDataKey(keyId, context), () => this.legacy.generateDataKey(keyId, context), new Set(['NotFound']));
  }

  decrypt(keyId: string, ciphertext: Buffer, context: KmsContext): Promise<Buffer> {
    return this.#withFallback(keyId, () => this.primary.decrypt(keyId, ciphertext, context), () => this.legacy.decrypt(keyId, ciphertext, context), FALLBACK);
  }

  importKey(keyId: string, key: Buffer): Promise<void> {
    return this.primary.importKey(keyId, key);
  }

  /** Copies the static key into the external KMS under its own name (KeyExists when present). */
  importLegacyKey(keyId: string): Promise<void> {
    if (keyId !== this.legacyKeyId) return Promise.reject(new KmsError('NotFound', `'${keyId}' is not the static key`));
    return this.primary.importKey(keyId, this.legacy.exportForImport(keyId));
  }

  async close(): Promise<void> {
    await this.primary.close();
  }

  async #withFallback<T>(keyId: string, primary: () => Promise<T>, fallback: () => Promise<T>, codes: Set<string>): Promise<T> {
    try {
      return await primary();
    } catch (error) {
      if (keyId !== this.legacyKeyId || !(error instanceof KmsError) || !codes.has(error.code)) throw error;
      return fallback();
    }
  }
}
