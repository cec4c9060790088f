/**
 * The IAM sealer when a KMS is configured: the IAM key file is kept sealed by the KMS
 * (local-key-file.ts, format 2), so opening it needs the KMS.
 *
 * Availability: a KMS that is unreachable at start must not keep Coffer down (unencrypted
 * traffic and the root key keep working, as for object encryption). Then the sealer starts
 * "locked": every seal/open fails — an IAM user's request is refused as if its key were unknown,
 * creating a key answers 503 — and the key file is retried in the background (every 5 s)
 * until the KMS answers. Any other failure (wrong KMS key, tampered file, file sealed by a KMS
 * that is not configured) stops the start: that is a configuration error, not an outage.
 */
import { AppError, type Secret } from '../core/index.js';
import { loadOrCreateLocalSealer, SealError, type IamKeyWrapper, type SealBinding, type SecretSealer } from '../iam/credentials/index.js';
import { KmsError, type KeyManager } from '../kms/index.js';
import type { Logger } from '../observability/index.js';

const RETRY_MS = 5_000;

function wrapperOf(kms: KeyManager): IamKeyWrapper {
  const context = { purpose: 'coffer-iam-sealing-key' };
  return {
    keyId: kms.defaultKeyId,
    generateDataKey: async (keyId) => {
      try {
        return await kms.generateDataKey(keyId, context);
      } catch (error) {
        // The default key is created when the KMS first answers; after an outage at start it may not exist yet.
        if (!(error instanceof KmsError && error.code === 'NotFound' && keyId === kms.defaultKeyId)) throw error;
        await kms.createKey(keyId).catch((e: unknown) => {
          if (!(e instanceof KmsError && (e.code === 'KeyExists' || e.code === 'NotSupported'))) throw e;
        });
        return kms.generateDataKey(keyId, context);
      }
    },
    decrypt: (keyId, ciphertext) => kms.decrypt(keyId, ciphertext, context),
  };
}

const unavailable = (error: unknown): boolean => error instanceof KmsError && error.code === 'Unavailable';

class LockedUntilKms implements SecretSealer {
  #inner: SecretSealer | undefined;
  #timer: NodeJS.Timeout | undefined;
  #stopped = false;

  constructor(load: () => Promise<SecretSealer>, logger: Logger) {
    const attempt = (): void => {
      if (this.#stopped) return;
      load().then(
        (sealer) => {
          if (this.#stopped) return;
          this.#inner = sealer;
          logger.info({}, 'the KMS answered: the IAM key is open, IAM users can sign in again');
        },
        (error: unknown) => {
          if (this.#stopped) return;
          if (unavailable(error)) this.#timer = setTimeout(attempt, RETRY_MS).unref();
          else logger.error({ err: error }, 'the IAM key could not be opened with the KMS; IAM users stay locked out');
        },
      );
    };
    this.#timer = setTimeout(attempt, RETRY_MS).unref();
  }

  async seal(plaintext: Secret<string>, binding: SealBinding): Promise<string> {
    if (!this.#inner) throw new AppError('ServiceUnavailable', { message: 'The KMS that seals IAM secrets is unreachable; try again later.' });
    return this.#inner.seal(plaintext, binding);
  }

  async open(sealed: string, binding: SealBinding): Promise<Secret<string>> {
    if (!this.#inner) throw new SealError();
    return this.#inner.open(sealed, binding);
  }

  /** Stops retrying (the app is stopping). */
  stop(): void {
    clearTimeout(this.#timer);
    this.#stopped = true;
  }

  toJSON(): string {
    return '[LockedUntilKms]';
  }
}

export async function kmsSealedIamSealer(dataDir: string, kms: KeyManager, logger: Logger): Promise<SecretSealer & { stop?(): void }> {
  const load = () => loadOrCreateLocalSealer(dataDir, wrapperOf(kms));
  try {
    return await load();
  } catch (error) {
    if (!unavailable(error)) throw error;
    logger.warn({}, 'the KMS is unreachable: the IAM key it seals stays locked (IAM users cannot sign in) until it answers; retrying');
    return new LockedUntilKms(load, logger);
  }
}
