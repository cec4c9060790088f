/**
 * Builds the configured KeyManager (app/ calls this once at start). No KMS configured →
 * undefined (SSE-S3/SSE-KMS then answer 501). One external KMS at most (KES or PKCS#11); the
 * static key next to one is refused unless it is explicitly kept as the legacy key (see
 * legacy-key-manager.ts).
 */
import { KmsError, type KeyManager } from './key-manager.js';
import { KesKeyManager, type KesSettings } from './kes/index.js';
import { LegacyKeyManager } from './legacy-key-manager.js';
import { Pkcs11KeyManager, type Pkcs11Settings } from './pkcs11/index.js';
import { StaticKeyManager, type StaticKeySettings } from './static/index.js';

/** Config.kms has this shape (config/ cannot import kms/, so it is restated there). */
export interface KmsSettings {
  readonly staticKey?: StaticKeySettings | undefined;
  readonly kes?: KesSettings | undefined;
  readonly pkcs11?: Pkcs11Settings | undefined;
  /** With kes or pkcs11: keep staticKey as the legacy key (reads of old objects, import). */
  readonly staticKeyLegacy?: boolean | undefined;
}

export type ImportTarget = 'kes' | 'pkcs11';

export async function createKeyManager(settings: KmsSettings | undefined): Promise<KeyManager | undefined> {
  const { staticKey, kes, pkcs11 } = settings ?? {};
  if (kes && pkcs11) throw new KmsError('InvalidInput', 'both KES and a PKCS#11 token are configured: choose one external KMS');
  if (!kes && !pkcs11) return staticKey ? new StaticKeyManager(staticKey) : undefined;
  if (staticKey && !settings?.staticKeyLegacy) {
    throw new KmsError('InvalidInput', `both a static KMS key and ${kes ? 'KES' : 'a PKCS#11 token'} are configured: choose one, or keep the static key as the legacy key next to it`);
  }
  // Do not create a fresh key under the static key's name: it would shadow the key to import.
  const createDefault = !staticKey || staticKey.keyId !== (kes ?? pkcs11)?.defaultKeyId;
  let primary: KesKeyManager | Pkcs11KeyManager;
  if (kes) {
    primary = new KesKeyManager(kes);
    if (createDefault) await startTolerant(primary);
  } else {
    primary = await Pkcs11KeyManager.open(pkcs11 as Pkcs11Settings, { createDefaultKey: createDefault });
  }
  return staticKey ? new LegacyKeyManager(primary, new StaticKeyManager(staticKey)) : primary;
}

/** A KES that is down at start must not stop Coffer: unencrypted traffic keeps working. */
async function startTolerant(client: KesKeyManager): Promise<void> {
  try {
    await client.start();
  } catch (error) {
    if (!(error instanceof KmsError && error.code === 'Unavailable')) throw error;
  }
}

/** `coffer admin kms key import NAME --to kes|pkcs11`: copies the legacy static key there. */
export async function importStaticKey(manager: KeyManager | undefined, keyId: string, to: ImportTarget = 'kes'): Promise<void> {
  if (!(manager instanceof LegacyKeyManager) || manager.backend !== to) {
    const needs = to === 'kes' ? 'KES' : 'a PKCS#11 token';
    throw new KmsError('NotSupported', `importing the static key needs ${needs} configured with COFFER_KMS_SECRET_KEY_LEGACY=true`);
  }
  await manager.importLegacyKey(keyId);
}
