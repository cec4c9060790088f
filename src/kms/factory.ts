/**
 * Builds the configured KeyManager (app/ calls this once at start). No KMS configured →
 * undefined (SSE-S3/SSE-KMS then answer 501). Static and KES together are refused unless the
 * static key is explicitly kept as the legacy key next to KES (see legacy-key-manager.ts).
 */
import { KmsError, type KeyManager } from './key-manager.js';
import { KesKeyManager, type KesSettings } from './kes/index.js';
import { LegacyKeyManager } from './legacy-key-manager.js';
import { StaticKeyManager, type StaticKeySettings } from './static/index.js';

/** Config.kms has this shape (config/ cannot import kms/, so it is restated there). */
export interface KmsSettings {
  readonly staticKey?: StaticKeySettings | undefined;
  readonly kes?: KesSettings | undefined;
  /** With kes: keep staticKey as the legacy key (reads of old objects, import into KES). */
  readonly staticKeyLegacy?: boolean | undefined;
}

export async function createKeyManager(settings: KmsSettings | undefined): Promise<KeyManager | undefined> {
  if (!settings || (!settings.staticKey && !settings.kes)) return undefined;
  const { staticKey, kes } = settings;
  if (staticKey && !kes) return new StaticKeyManager(staticKey);
  if (!kes) return undefined;
  if (staticKey && !settings.staticKeyLegacy) {
    throw new KmsError('InvalidInput', 'both a static KMS key and KES are configured: choose one, or keep the static key as the legacy key next to KES');
  }
  const client = new KesKeyManager(kes);
  // Do not create a fresh key under the static key's name: it would shadow the key to import.
  if (!staticKey || staticKey.keyId !== kes.defaultKeyId) await startTolerant(client);
  return staticKey ? new LegacyKeyManager(client, new StaticKeyManager(staticKey)) : client;
}

/** A KES that is down at start must not stop Coffer: unencrypted traffic keeps working. */
async function startTolerant(client: KesKeyManager): Promise<void> {
  try {
    await client.start();
  } catch (error) {
    if (!(error instanceof KmsError && error.code === 'Unavailable')) throw error;
  }
}

/** `coffer admin kms key import NAME --to kes`: copies the legacy static key into KES. */
export async function importStaticKey(manager: KeyManager | undefined, keyId: string): Promise<void> {
  if (!(manager instanceof LegacyKeyManager)) {
    throw new KmsError('NotSupported', 'importing the static key needs KES configured with COFFER_KMS_SECRET_KEY_LEGACY=true');
  }
  await manager.importLegacyKey(keyId);
}
