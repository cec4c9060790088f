import type { Secret } from '../../../core/index.js';

/** One OpenID provider's settings; structurally the same as config/'s OpenIdProviderSettings. */
export interface OpenIdProviderSettings {
  readonly name: string;
  readonly configUrl: string;
  readonly clientId: string;
  readonly clientSecret?: Secret<string> | undefined;
  readonly claimName: string;
  /** Set: a role-policy provider (selected by roleArn); unset: the claim-based provider. */
  readonly rolePolicy?: readonly string[] | undefined;
  readonly roleArn?: string | undefined;
  readonly scopes: readonly string[];
  readonly displayName?: string | undefined;
  readonly algorithms: readonly string[];
  readonly ca?: readonly string[] | undefined;
  readonly maxSessionSeconds?: number | undefined;
  readonly allowInsecureHttp: boolean;
}
