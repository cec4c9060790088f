/**
 * Process-wide registry of loaded PKCS#11 libraries. Cryptoki state is per process, not per
 * caller: C_Initialize may run once per library, C_Finalize ends every session of the process,
 * and a login holds for every session on that token. So every Pkcs11Token of one library
 * shares one entry here — initialised by the first, finalised after the last closes — and the
 * login on each token is counted, so one token's close never logs another out.
 * Protects: the PIN is never stored; only a SHA-256 digest of it per logged-in token, compared
 * in constant time, so a second token handle in the process with another PIN is refused
 * instead of riding on the first one's login (PKCS#11 would answer USER_ALREADY_LOGGED_IN).
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import { KmsError } from '../key-manager.js';
import { ckrName, loadPkcs11js, type ModuleImporter, type Pkcs11, type Pkcs11Module } from './pkcs11-api.js';

export interface Pkcs11Library {
  readonly module: Pkcs11Module;
  readonly p: Pkcs11;
  readonly path: string;
  users: number;
  /** Logged-in tokens by slot (hex): the PIN digest and how many handles rely on the login. */
  readonly logins: Map<string, { pinDigest: Buffer; users: number }>;
}

const libraries = new Map<string, Promise<Pkcs11Library>>();

async function open(path: string, importer: ModuleImporter | undefined): Promise<Pkcs11Library> {
  const module = await loadPkcs11js(importer);
  const p = new module.PKCS11();
  try {
    p.load(path);
  } catch (cause) {
    throw new KmsError('InvalidInput', 'COFFER_KMS_PKCS11_MODULE: the PKCS#11 library could not be loaded', { cause });
  }
  try {
    p.C_Initialize();
  } catch (cause) {
    if (ckrName(cause) !== 'CKR_CRYPTOKI_ALREADY_INITIALIZED') {
      p.close();
      throw new KmsError('Unavailable', `the PKCS#11 library failed to initialise (${ckrName(cause) || 'error'})`, { cause });
    }
  }
  return { module, p, path, users: 0, logins: new Map() };
}

/** The shared, initialised library at `path` (loaded on first use). Pair with releaseLibrary. */
export async function acquireLibrary(path: string, importer?: ModuleImporter): Promise<Pkcs11Library> {
  let pending = libraries.get(path);
  if (!pending) {
    pending = open(path, importer);
    libraries.set(path, pending);
    pending.catch(() => libraries.delete(path));
  }
  const library = await pending;
  library.users++;
  return library;
}

/** After the last user: C_Finalize and unload, so a later acquire starts clean (and rescans). */
export function releaseLibrary(library: Pkcs11Library): void {
  library.users--;
  if (library.users > 0) return;
  libraries.delete(library.path);
  try {
    library.p.C_Finalize();
  } catch {
    // already finalised or the device is gone: nothing left to release
  }
  library.p.close();
}

export function pinDigest(pin: string): Buffer {
  return createHash('sha256').update('coffer-pkcs11-pin\0').update(pin, 'utf8').digest();
}

export function samePin(a: Buffer, b: Buffer): boolean {
  return a.length === b.length && timingSafeEqual(a, b);
}
