/**
 * The slice of pkcs11js (an optional, native dependency) the PKCS#11 backend uses, and its
 * lazy loader. pkcs11js is imported only when a PKCS#11 KMS is configured, so Coffer installs
 * and runs without a C++ compiler; configuring PKCS#11 without it fails with a clear KmsError.
 * The types are restated here (structurally) so type-checking does not need the package.
 */
import { KmsError } from '../key-manager.js';

export type Handle = Buffer;
export type AttributeValue = number | boolean | string | Buffer;
export interface Attribute { type: number; value?: AttributeValue }
export interface Mechanism { mechanism: number; parameter?: unknown }

export interface TokenInfo { label: string; flags: number }
export interface SessionInfo { slotID: Handle; state: number; flags: number }

/** One loaded PKCS#11 library (pkcs11js' PKCS11 class). Every call is synchronous. */
export interface Pkcs11 {
  load(path: string): void;
  close(): void;
  C_Initialize(options?: unknown): void;
  C_Finalize(): void;
  C_GetSlotList(tokenPresent?: boolean): Handle[];
  C_GetTokenInfo(slot: Handle): TokenInfo;
  C_OpenSession(slot: Handle, flags: number): Handle;
  C_CloseSession(session: Handle): void;
  C_GetSessionInfo(session: Handle): SessionInfo;
  C_Login(session: Handle, userType: number, pin?: string): void;
  C_Logout(session: Handle): void;
  C_FindObjectsInit(session: Handle, template: Attribute[]): void;
  C_FindObjects(session: Handle, maxObjectCount: number): Handle[];
  C_FindObjectsFinal(session: Handle): void;
  C_GetAttributeValue(session: Handle, object: Handle, template: Attribute[]): Array<{ type: number; value: Buffer }>;
  C_CreateObject(session: Handle, template: Attribute[]): Handle;
  C_GenerateKey(session: Handle, mechanism: Mechanism, template: Attribute[]): Handle;
  C_EncryptInit(session: Handle, mechanism: Mechanism, key: Handle): void;
  C_Encrypt(session: Handle, inData: Buffer, outData: Buffer): Buffer;
  C_DecryptInit(session: Handle, mechanism: Mechanism, key: Handle): void;
  C_Decrypt(session: Handle, inData: Buffer, outData: Buffer): Buffer;
  C_SignInit(session: Handle, mechanism: Mechanism, key: Handle): void;
  C_Sign(session: Handle, inData: Buffer, outData: Buffer): Buffer;
}

/** The module's default export: the PKCS11 class plus the CK* constants by name. */
export interface Pkcs11Module {
  PKCS11: new () => Pkcs11;
  [constant: string]: unknown;
}

export type ModuleImporter = (name: string) => Promise<unknown>;

const PACKAGE = 'pkcs11js';
const defaultImporter: ModuleImporter = (name) => import(name);

/** Imports pkcs11js (default import: its CommonJS exports, where the CK* constants live). */
export async function loadPkcs11js(importer: ModuleImporter = defaultImporter): Promise<Pkcs11Module> {
  let loaded: unknown;
  try {
    loaded = await importer(PACKAGE);
  } catch (cause) {
    throw new KmsError('NotSupported', 'the PKCS#11 KMS needs the optional package pkcs11js, which is not installed (npm install pkcs11js@2.1.7 — it builds with node-gyp, so a C++ compiler is needed)', { cause });
  }
  const module = ((loaded as { default?: unknown }).default ?? loaded) as Partial<Pkcs11Module>;
  if (typeof module.PKCS11 !== 'function' || typeof module.CKM_AES_GCM !== 'number') {
    throw new KmsError('NotSupported', 'the installed pkcs11js package does not look like pkcs11js 2.x');
  }
  return module as Pkcs11Module;
}

/** A CK* constant by name (numbers only); a missing one is a broken installation. */
export function ck(module: Pkcs11Module, name: string): number {
  const value = module[name];
  if (typeof value !== 'number') throw new KmsError('NotSupported', `pkcs11js lacks the constant ${name}`);
  return value;
}

/** The CKR_* name of a pkcs11js error ('' for anything else). Never carries PINs or key bytes. */
export function ckrName(error: unknown): string {
  const message = error instanceof Error ? error.message : '';
  return /^(CKR_[A-Z0-9_]+)/.exec(message)?.[1] ?? '';
}
