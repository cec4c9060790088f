/**
 * The local IAM sealing key: <dataDir>/.coffer/iam.key.
 *
 * Protects: the key that seals every stored secret access key and session token (secret-box.ts).
 * Construction: 32 bytes from the CSPRNG, written once as JSON {formatVersion, algorithm, key}
 * to a 0600 temp file in a 0700 folder, fsynced, then published with link() — which refuses to
 * replace an existing file, so two processes starting at once end up with the same key — and the
 * folder fsynced. Later starts read it.
 * Invariants: a key file that group or others can read or write is refused (the server does not
 * start) rather than used; so is a file that is not exactly a v1 key of 32 bytes. The key is never
 * logged or printed. Losing this file makes every stored secret unusable: back it up with the
 * data folder but store the backups apart. A KMS replaces it later (SecretSealer is the seam).
 */
import { randomBytes } from 'node:crypto';
import { link, mkdir, open, readFile, stat, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { LocalKeySealer, SEALING_KEY_BYTES } from './secret-box.js';

export const IAM_KEY_FILE = join('.coffer', 'iam.key');

interface KeyFileV1 {
  formatVersion: 1;
  algorithm: 'AES-256-GCM';
  key: string;
}

export class KeyFileError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'KeyFileError';
  }
}

/** Loads the sealing key, creating it on first start; throws KeyFileError when it is unsafe or unreadable. */
export async function loadOrCreateLocalSealer(dataDir: string): Promise<LocalKeySealer> {
  const dir = join(dataDir, '.coffer');
  const path = join(dataDir, IAM_KEY_FILE);
  const existing = await readKeyFile(path);
  if (existing) return new LocalKeySealer(existing);
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const key = randomBytes(SEALING_KEY_BYTES);
  const file: KeyFileV1 = { formatVersion: 1, algorithm: 'AES-256-GCM', key: key.toString('base64') };
  const temp = join(dir, `iam.key.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
  const handle = await open(temp, 'wx', 0o600);
  try {
    await handle.writeFile(`${JSON.stringify(file)}\n`);
    await handle.sync();
  } finally {
    await handle.close();
  }
  try {
    await link(temp, path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  } finally {
    await unlink(temp);
  }
  const dirHandle = await open(dir, 'r');
  await dirHandle.sync().finally(() => dirHandle.close());
  // Read back what was published: another process may have won the race.
  const published = await readKeyFile(path);
  if (!published) throw new KeyFileError(`${path} could not be created`);
  return new LocalKeySealer(published);
}

async function readKeyFile(path: string): Promise<Buffer | undefined> {
  let mode: number;
  try {
    mode = (await stat(path)).mode;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
  if ((mode & 0o077) !== 0) throw new KeyFileError(`${path} must not be accessible to group or others (chmod 600 it)`);
  let parsed: Partial<KeyFileV1>;
  try {
    parsed = JSON.parse(await readFile(path, 'utf8')) as Partial<KeyFileV1>;
  } catch {
    throw new KeyFileError(`${path} is not a Coffer IAM key file`);
  }
  const key = typeof parsed.key === 'string' ? Buffer.from(parsed.key, 'base64') : undefined;
  if (parsed.formatVersion !== 1 || parsed.algorithm !== 'AES-256-GCM' || key?.length !== SEALING_KEY_BYTES) {
    throw new KeyFileError(`${path} is not a Coffer IAM key file (format 1, AES-256-GCM, 32-byte key)`);
  }
  return key;
}
