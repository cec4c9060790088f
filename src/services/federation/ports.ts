/** What the federation service needs of the identity providers (iam/identity implements them). */
import type { ExternalIdentity } from '../../iam/identity/index.js';

export interface LdapProvider {
  /** Verifies username + password against the directory; IdentityError otherwise. */
  authenticate(username: string, password: string, source: string): Promise<ExternalIdentity>;
  /** The user's current state; IdentityError('unavailable') when the directory cannot answer. */
  lookup(dn: string): Promise<{ exists: false } | { exists: true; name: string; groups: string[] }>;
}

export interface OpenIdVerification {
  identity: ExternalIdentity;
  provider: { name: string; issuer: string; clientId: string; roleArn?: string | undefined };
}

export interface OpenIdProvider {
  /** A token for the provider selected by a provider role ARN, or the claim-based provider. */
  verify(token: string, roleArn: string | undefined): Promise<OpenIdVerification>;
  /** A token for an IAM role with a trust policy: the provider is found by the token's issuer. */
  verifyForRole(token: string): Promise<OpenIdVerification>;
}
