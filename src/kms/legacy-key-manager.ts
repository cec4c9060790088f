/**
 * KES with the old static key kept next to it (COFFER_KMS_SECRET_KEY_LEGACY=true): the bridge
 * for moving from the static KMS to KES without re-encrypting anything.
 *
 * Protects: readability of objects sealed by the static key while (and after) it moves into
 * KES. Construction: every call goes to KES; for the static key's name only, a KES answer of
 * NotFound / Unavailable / NotAuthentic falls back to the local static key (same key, same
 * ciphertext format, so the results are interchangeable). `importLegacyKey` copies the static
 * key into KES under its name — after that, the static key can be removed from the config.
 * Invariants: other key ids never touch the static key; the raw key leaves only towards KES.
 */
import { KmsError, type DataKey, type KeyManager, type KmsContext, type KmsStatus } from './key-manager.js';
import type { KesKeyManager } from './kes/index.js';
import type { StaticKeyManager } from './static/index.js';

const FALLBACK = new Set(['NotFound', 'Unavailable', 'NotAuthentic']);

export class LegacyKeyManager implements KeyManager {
  readonly backend = 'kes' as const;
  readonly defaultKeyId: string;
  readonly legacyKeyId: string;

  constructor(private readonly kes: KesKeyManager, private readonly legacy: StaticKeyManager) {
    this.defaultKeyId = kes.defaultKeyId;
    this.legacyKeyId = legacy.defaultKeyId;
  }

  async status(): Promise<KmsStatus> {
    return { ...(await this.kes.status()), legacyKeyId: this.legacyKeyId };
  }

  createKey(keyId: string): Promise<void> {
    return this.kes.createKey(keyId);
  }

  async listKeys(prefix = ''): Promise<string[]> {
    const names = new Set(await this.kes.listKeys(prefix));
    for (const name of await this.legacy.listKeys(prefix)) names.add(name);
    return [...names].sort();
  }

  generateDataKey(keyId: string, context: KmsContext): Promise<DataKey> {
    return this.#withFallback(keyId, () => this.kes.generateDataKey(keyId, context), () => this.legacy.generateDataKey(keyId, context), new Set(['NotFound']));
  }

  decrypt(keyId: string, ciphertext: Buffer, context: KmsContext): Promise<Buffer> {
    return this.#withFallback(keyId, () => this.kes.decrypt(keyId, ciphertext, context), () => this.legacy.decrypt(keyId, ciphertext, context), FALLBACK);
  }

  importKey(keyId: string, key: Buffer): Promise<void> {
    return this.kes.importKey(keyId, key);
  }

  /** Copies the static key into KES under its own name (KeyExists when KES already has it). */
  importLegacyKey(keyId: string): Promise<void> {
    if (keyId !== this.legacyKeyId) return Promise.reject(new KmsError('NotFound', `'${keyId}' is not the static key`));
    return this.kes.importKey(keyId, this.legacy.exportForImport(keyId));
  }

  async close(): Promise<void> {
    await this.kes.close();
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
