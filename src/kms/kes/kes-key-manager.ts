/**
 * KeyManager backed by a KES server (https://github.com/minio/kes, API in reference §7.4):
 * master keys live in KES and never come here; data keys are generated and unsealed there.
 *
 * Protects: data keys (KES seals them with the named master key), bound to the context,
 * which is sent as the base64 canonical JSON (sealed-data-key.ts) — the same associated data
 * the static backend binds, so a static key imported into KES opens its old ciphertexts.
 * Inputs: key ids are checked (key-id.ts) before they become URL paths; KES answers are
 * validated (base64, 32-byte data keys) before use. Invariants: every KES error becomes a
 * KmsError (404 NotFound, "exists" KeyExists, "not authentic" NotAuthentic, 401/403 Denied,
 * other 4xx InvalidInput, 501 NotSupported); no endpoint → Unavailable.
 */
import { KmsError, type DataKey, type KeyManager, type KmsContext, type KmsStatus } from '../key-manager.js';
import { checkKeyId } from '../key-id.js';
import { canonicalContext } from '../sealed-data-key.js';
import { KesTransport, type KesResponse, type KesSettings } from './kes-transport.js';

function kesError(res: KesResponse, what: string): KmsError {
  const message = typeof (res.body as { message?: unknown } | undefined)?.message === 'string' ? (res.body as { message: string }).message : '';
  if (res.status === 404) return new KmsError('NotFound', `${what}: KMS key does not exist`);
  if (res.status === 401 || res.status === 403) return new KmsError('Denied', `${what}: KES refused the request (not authorized)`);
  if (res.status === 501) return new KmsError('NotSupported', `${what}: not supported by this KES server`);
  if (/already exists/i.test(message)) return new KmsError('KeyExists', `${what}: KMS key already exists`);
  if (/not authentic|decryption failed|invalid ciphertext/i.test(message)) return new KmsError('NotAuthentic', 'ciphertext is not authentic');
  return new KmsError('InvalidInput', `${what}: KES answered ${res.status}`);
}

function base64Field(body: unknown, field: string, length?: number): Buffer {
  const value = (body as Record<string, unknown> | undefined)?.[field];
  if (typeof value !== 'string' || !/^[A-Za-z0-9+/]*={0,2}$/.test(value)) throw new KmsError('Unavailable', `KES answer lacks ${field}`);
  const bytes = Buffer.from(value, 'base64');
  if (length !== undefined && bytes.length !== length) throw new KmsError('Unavailable', `KES answer has a malformed ${field}`);
  return bytes;
}

export class KesKeyManager implements KeyManager {
  readonly backend = 'kes' as const;
  readonly defaultKeyId: string;
  readonly #transport: KesTransport;

  constructor(settings: KesSettings) {
    this.defaultKeyId = checkKeyId(settings.defaultKeyId);
    this.#transport = new KesTransport(settings);
  }

  /** Creates the default key when missing (MinIO does the same at start); "exists" is fine. */
  async start(): Promise<void> {
    try {
      await this.createKey(this.defaultKeyId);
    } catch (error) {
      if (!(error instanceof KmsError && (error.code === 'KeyExists' || error.code === 'Denied'))) throw error;
    }
  }

  async status(): Promise<KmsStatus> {
    const endpoints = await this.#transport.probe();
    return { backend: 'kes', online: endpoints.some((e) => e.online), defaultKeyId: this.defaultKeyId, endpoints };
  }

  async createKey(keyId: string): Promise<void> {
    const res = await this.#transport.send('PUT', `/v1/key/create/${checkKeyId(keyId)}`);
    if (res.status !== 200) throw kesError(res, 'CreateKey');
  }

  async listKeys(prefix = ''): Promise<string[]> {
    if (prefix !== '' && !/^[A-Za-z0-9._-]{1,80}$/.test(prefix)) throw new KmsError('InvalidInput', 'invalid key prefix');
    const names = new Set<string>();
    let from = prefix;
    for (let page = 0; page < 1000; page++) {
      const res = await this.#transport.send('GET', `/v1/key/list/${encodeURIComponent(from)}`);
      if (res.status !== 200) throw kesError(res, 'ListKeys');
      const body = res.body as { names?: unknown; continue_at?: unknown } | undefined;
      const batch = Array.isArray(body?.names) ? body.names.filter((n): n is string => typeof n === 'string' && n.startsWith(prefix)) : [];
      for (const name of batch) names.add(name);
      const next = typeof body?.continue_at === 'string' ? body.continue_at : '';
      if (next === '' || next === from || batch.length === 0 || !next.startsWith(prefix)) break;
      from = next;
    }
    return [...names].sort();
  }

  async generateDataKey(keyId: string, context: KmsContext): Promise<DataKey> {
    const res = await this.#transport.send('PUT', `/v1/key/generate/${checkKeyId(keyId)}`, {
      context: canonicalContext(context).toString('base64'),
    });
    if (res.status !== 200) throw kesError(res, 'GenerateDataKey');
    return { plaintext: base64Field(res.body, 'plaintext', 32), ciphertext: base64Field(res.body, 'ciphertext') };
  }

  async decrypt(keyId: string, ciphertext: Buffer, context: KmsContext): Promise<Buffer> {
    const res = await this.#transport.send('PUT', `/v1/key/decrypt/${checkKeyId(keyId)}`, {
      ciphertext: ciphertext.toString('base64'),
      context: canonicalContext(context).toString('base64'),
    });
    if (res.status !== 200) throw kesError(res, 'Decrypt');
    return base64Field(res.body, 'plaintext');
  }

  async importKey(keyId: string, key: Buffer): Promise<void> {
    if (key.length !== 32) throw new KmsError('InvalidInput', 'an imported key must be 32 bytes');
    const res = await this.#transport.send('PUT', `/v1/key/import/${checkKeyId(keyId)}`, { key: key.toString('base64'), cipher: 'AES256' });
    if (res.status !== 200) throw kesError(res, 'ImportKey');
  }

  async close(): Promise<void> {
    this.#transport.close();
  }
}
