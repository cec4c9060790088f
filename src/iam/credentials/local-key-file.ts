/**
 * The IAM sealing key: <dataDir>/.coffer/iam.key.
 *
 * Protects: the key that seals every stored secret access key and session token (secret-box.ts).
 * Construction: 32 bytes from the CSPRNG. Without a KMS the file holds it as JSON
 * {formatVersion 1, algorithm, key}. With a KMS (envelope encryption, format 2) the file holds
 * only the key sealed under a KMS data key: AES-256-GCM(dataKey, nonce, key, AAD =
 * "coffer-iam-key:v2:" + kmsKeyId) and the data key as the KMS encrypted it — so the data folder
 * and its backups are useless without the KMS. A v1 file found while a KMS is configured is
 * rewritten as v2 (same key, nothing else changes). Files are written to a 0600 temp file in a
 * 0700 folder, fsynced, then published (link() for a new key — it refuses to replace, so two
 * processes starting at once end up with the same key; rename() for the v1 → v2 rewrite, atomic)
 * and the folder fsynced.
 * Invariants: a key file that group or others can read or write is refused (the server does not
 * start) rather than used; so is a file that is not exactly a v1 or v2 key of 32 bytes, and a v2
 * file when no KMS is configured (the message names the KMS key it needs). The key is never
 * logged or printed. Losing this file (or, with v2, the KMS key) makes every stored secret
 * unusable: back it up with the data folder but store the backups apart.
 */
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { link, mkdir, open, readFile, rename, stat, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { LocalKeySealer, SEALING_KEY_BYTES } from './secret-box.js';

export const IAM_KEY_FILE = join('.coffer', 'iam.key');

/** What the key file needs of a KMS (app/ adapts the KeyManager; this layer may not import kms/). */
export interface IamKeyWrapper {
  /** The KMS key new files are sealed under. */
  readonly keyId: string;
  generateDataKey(keyId: string): Promise<{ plaintext: Buffer; ciphertext: Buffer }>;
  decrypt(keyId: string, ciphertext: Buffer): Promise<Buffer>;
}

interface KeyFileV1 {
  formatVersion: 1;
  algorithm: 'AES-256-GCM';
  key: string;
}

interface KeyFileV2 {
  formatVersion: 2;
  algorithm: 'AES-256-GCM';
  kmsKeyId: string;
  /** The data key as the KMS encrypted it (base64). */
  dataKey: string;
  /** base64(nonce ‖ sealed key ‖ tag). */
  sealedKey: string;
}

export class KeyFileError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'KeyFileError';
  }
}

const aad = (kmsKeyId: string): Buffer => Buffer.from(`coffer-iam-key:v2:${kmsKeyId}`, 'utf8');

/**
 * Loads the sealing key, creating it on first start; with `wrapper` the key is kept sealed by the
 * KMS (and a plain v1 file is converted). Throws KeyFileError when the file is unsafe, unreadable,
 * or sealed by a KMS that is not configured; KMS errors (unreachable, wrong key) pass through.
 */
export async function loadOrCreateLocalSealer(dataDir: string, wrapper?: IamKeyWrapper): Promise<LocalKeySealer> {
  const dir = join(dataDir, '.coffer');
  const path = join(dataDir, IAM_KEY_FILE);
  const existing = await readKeyFile(path);
  if (existing?.formatVersion === 2) {
    if (!wrapper) throw new KeyFileError(`${path} is sealed by the KMS key '${existing.kmsKeyId}': configure the KMS that holds it`);
    return new LocalKeySealer(await unwrap(path, existing, wrapper));
  }
  if (existing) {
    const key = Buffer.from(existing.key, 'base64');
    if (wrapper) await publish(dir, path, await wrap(key, wrapper), 'replace');
    return new LocalKeySealer(key);
  }
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const key = randomBytes(SEALING_KEY_BYTES);
  const file: KeyFileV1 | KeyFileV2 = wrapper ? await wrap(key, wrapper) : { formatVersion: 1, algorithm: 'AES-256-GCM', key: key.toString('base64') };
  await publish(dir, path, file, 'create');
  // Read back what was published: another process may have won the race.
  const published = await readKeyFile(path);
  if (!published) throw new KeyFileError(`${path} could not be created`);
  if (published.formatVersion === 1) return new LocalKeySealer(Buffer.from(published.key, 'base64'));
  if (!wrapper) throw new KeyFileError(`${path} is sealed by the KMS key '${published.kmsKeyId}': configure the KMS that holds it`);
  return new LocalKeySealer(await unwrap(path, published, wrapper));
}

async function wrap(key: Buffer, wrapper: IamKeyWrapper): Promise<KeyFileV2> {
  const dataKey = await wrapper.generateDataKey(wrapper.keyId);
  try {
    const nonce = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', dataKey.plaintext, nonce, { authTagLength: 16 });
    cipher.setAAD(aad(wrapper.keyId));
    const sealed = Buffer.concat([nonce, cipher.update(key), cipher.final(), cipher.getAuthTag()]);
    return { formatVersion: 2, algorithm: 'AES-256-GCM', kmsKeyId: wrapper.keyId, dataKey: dataKey.ciphertext.toString('base64'), sealedKey: sealed.toString('base64') };
  } finally {
    dataKey.plaintext.fill(0);
  }
}

async function unwrap(path: string, file: KeyFileV2, wrapper: IamKeyWrapper): Promise<Buffer> {
  const dataKey = await wrapper.decrypt(file.kmsKeyId, Buffer.from(file.dataKey, 'base64'));
  const raw = Buffer.from(file.sealedKey, 'base64');
  try {
    const decipher = createDecipheriv('aes-256-gcm', dataKey, raw.subarray(0, 12), { authTagLength: 16 });
    decipher.setAAD(aad(file.kmsKeyId));
    decipher.setAuthTag(raw.subarray(raw.length - 16));
    const key = Buffer.concat([decipher.update(raw.subarray(12, raw.length - 16)), decipher.final()]);
    if (key.length !== SEALING_KEY_BYTES) throw new Error('length');
    return key;
  } catch {
    throw new KeyFileError(`${path}: the sealed IAM key does not authenticate under KMS key '${file.kmsKeyId}'`);
  } finally {
    dataKey.fill(0);
  }
}

async function publish(dir: string, path: string, file: KeyFileV1 | KeyFileV2, mode: 'create' | 'replace'): Promise<void> {
  const temp = join(dir, `iam.key.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
  const handle = await open(temp, 'wx', 0o600);
  try {
    await handle.writeFile(`${JSON.stringify(file)}\n`);
    await handle.sync();
  } finally {
    await handle.close();
  }
  if (mode === 'replace') {
    await rename(temp, path);
  } else {
    try {
      await link(temp, path);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    } finally {
      await unlink(temp);
    }
  }
  const dirHandle = await open(dir, 'r');
  await dirHandle.sync().finally(() => dirHandle.close());
}

async function readKeyFile(path: string): Promise<KeyFileV1 | KeyFileV2 | undefined> {
  let mode: number;
  try {
    mode = (await stat(path)).mode;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
  if ((mode & 0o077) !== 0) throw new KeyFileError(`${path} must not be accessible to group or others (chmod 600 it)`);
  let parsed: { formatVersion?: unknown; algorithm?: unknown; key?: unknown; kmsKeyId?: unknown; dataKey?: unknown; sealedKey?: unknown };
  try {
    parsed = JSON.parse(await readFile(path, 'utf8')) as typeof parsed;
  } catch {
    throw new KeyFileError(`${path} is not a Coffer IAM key file`);
  }
  if (parsed.algorithm === 'AES-256-GCM' && parsed.formatVersion === 1 && typeof parsed.key === 'string' && Buffer.from(parsed.key, 'base64').length === SEALING_KEY_BYTES) {
    return { formatVersion: 1, algorithm: 'AES-256-GCM', key: parsed.key };
  }
  const { kmsKeyId, dataKey, sealedKey } = parsed;
  if (parsed.algorithm === 'AES-256-GCM' && parsed.formatVersion === 2 && typeof kmsKeyId === 'string' && typeof dataKey === 'string' && typeof sealedKey === 'string' && Buffer.from(sealedKey, 'base64').length === 12 + SEALING_KEY_BYTES + 16) {
    return { formatVersion: 2, algorithm: 'AES-256-GCM', kmsKeyId, dataKey, sealedKey };
  }
  throw new KeyFileError(`${path} is not a Coffer IAM key file (format 1 or 2, AES-256-GCM, 32-byte key)`);
}
