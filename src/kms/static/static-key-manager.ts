/**
 * The static KMS: one named 256-bit master key from the environment (COFFER_KMS_SECRET_KEY,
 * `name:base64`). Meant for a single server or for trying SSE out; the move to an external KMS
 * is `importKey` of this same key into KES, after which its old ciphertexts decrypt there.
 *
 * Protects: data keys, sealed with the master key in the shared format (sealed-data-key.ts),
 * bound to the caller's encryption context.
 * Inputs: the key id (must equal the one name), context, ciphertext.
 * Invariants: the master key is held in a Secret and never leaves this object except through
 * `exportForImport` (used only by the key-import path into another KMS); there is one key, so
 * createKey and importKey are NotSupported; an unknown key id is NotFound, never a guess.
 */
import { randomBytes } from 'node:crypto';
import { Secret } from '../../core/index.js';
import { KmsError, type DataKey, type KeyManager, type KmsContext, type KmsStatus } from '../key-manager.js';
import { checkKeyId } from '../key-id.js';
import { canonicalContext, openWithMasterKey, sealWithMasterKey } from '../sealed-data-key.js';

export interface StaticKeySettings {
  readonly keyId: string;
  /** 32 bytes. */
  readonly key: Secret<Buffer>;
}

export class StaticKeyManager implements KeyManager {
  readonly backend = 'static' as const;
  readonly defaultKeyId: string;
  readonly #key: Secret<Buffer>;

  constructor(settings: StaticKeySettings) {
    this.defaultKeyId = checkKeyId(settings.keyId);
    if (settings.key.reveal().length !== 32) throw new KmsError('InvalidInput', 'the static KMS key must be 32 bytes');
    this.#key = new Secret(Buffer.from(settings.key.reveal()));
  }

  async status(): Promise<KmsStatus> {
    return { backend: 'static', online: true, defaultKeyId: this.defaultKeyId };
  }

  async createKey(keyId: string): Promise<void> {
    checkKeyId(keyId);
    throw new KmsError('NotSupported', 'the static KMS holds one key; creating keys needs an external KMS (KES)');
  }

  async listKeys(prefix = ''): Promise<string[]> {
    return this.defaultKeyId.startsWith(prefix) ? [this.defaultKeyId] : [];
  }

  async generateDataKey(keyId: string, context: KmsContext): Promise<DataKey> {
    this.#check(keyId);
    const plaintext = randomBytes(32);
    const ciphertext = sealWithMasterKey(this.#key.reveal(), plaintext, canonicalContext(context));
    return { plaintext, ciphertext };
  }

  async decrypt(keyId: string, ciphertext: Buffer, context: KmsContext): Promise<Buffer> {
    this.#check(keyId);
    return openWithMasterKey(this.#key.reveal(), ciphertext, canonicalContext(context));
  }

  async importKey(keyId: string): Promise<void> {
    checkKeyId(keyId);
    throw new KmsError('NotSupported', 'the static KMS holds one key; import it into an external KMS instead');
  }

  async close(): Promise<void> {}

  /** The raw key, for importing it into another KMS under the same name (and nothing else). */
  exportForImport(keyId: string): Buffer {
    this.#check(keyId);
    return Buffer.from(this.#key.reveal());
  }

  #check(keyId: string): void {
    checkKeyId(keyId);
    if (keyId !== this.defaultKeyId) throw new KmsError('NotFound', `KMS key '${keyId}' does not exist`);
  }
}
