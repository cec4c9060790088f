/**
 * Credential lookup for request signing. Protects: the mapping from access key id to secret.
 * Invariants: lookups of unknown keys and known keys take the same code path up to the HMAC
 * (the caller computes a signature either way only when a credential exists; the answer for an
 * unknown key is the same opaque InvalidAccessKeyId). Secrets stay wrapped in Secret<T>.
 * The IAM issue replaces this root-only store with users, access keys and STS sessions.
 */
import { createHash } from 'node:crypto';
import type { Secret } from '../../core/index.js';
import { ACCOUNT_ID, type Principal } from './principal.js';

export interface StoredCredential {
  accessKeyId: string;
  secretKey: Secret<string>;
  sessionToken?: Secret<string>;
  principal: Principal;
  /** An STS session past its expiry: the signature is still checked, then ExpiredToken (AWS). */
  expired?: boolean;
}

export interface CredentialStore {
  lookup(accessKeyId: string): Promise<StoredCredential | undefined>;
}

export function rootPrincipal(accessKeyId: string): Principal {
  const canonicalId = createHash('sha256').update(`coffer-root:${accessKeyId}`).digest('hex');
  return { kind: 'root', credential: 'root', accessKeyId, canonicalId, displayName: 'root', arn: `arn:aws:iam::${ACCOUNT_ID}:root`, userId: ACCOUNT_ID };
}

export class RootCredentialStore implements CredentialStore {
  readonly #credential: StoredCredential;

  constructor(accessKeyId: string, secretKey: Secret<string>) {
    this.#credential = { accessKeyId, secretKey, principal: rootPrincipal(accessKeyId) };
  }

  get root(): Principal {
    return this.#credential.principal;
  }

  async lookup(accessKeyId: string): Promise<StoredCredential | undefined> {
    return accessKeyId === this.#credential.accessKeyId ? this.#credential : undefined;
  }
}
