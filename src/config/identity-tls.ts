/**
 * STS AssumeRoleWithCertificate settings (COFFER_IDENTITY_TLS_*, MinIO's MINIO_IDENTITY_TLS_*).
 * Protects: that mutual-TLS sign-in is only on when it can be safe — the listener must speak
 * HTTPS, and unless verification is explicitly skipped, at least one client CA must be in
 * `<certs>/CAs/` (with none, no client certificate could ever be verified, and an operator
 * would be tempted to "fix" that by skipping verification).
 */
import type { TlsConfig } from './tls.js';
import { ConfigError } from './secret-file.js';

export interface IdentityTlsConfig {
  /** The listener requests client certificates and AssumeRoleWithCertificate is available. */
  readonly enabled: boolean;
  /** Client certificates need not chain to a CA in CAs/ (EKU, validity and CN are still checked). */
  readonly skipVerify: boolean;
}

export function identityTlsConfig(enable: boolean, skipVerify: boolean, tls: TlsConfig): IdentityTlsConfig {
  if (enable && !tls.enabled) {
    throw new ConfigError(`COFFER_IDENTITY_TLS_ENABLE needs HTTPS on the API listener: put public.crt and private.key in ${tls.certsDir}`);
  }
  if (enable && !skipVerify && tls.cas.length === 0) {
    throw new ConfigError(`COFFER_IDENTITY_TLS_ENABLE needs the CA that issues client certificates in ${tls.certsDir}/CAs/ (PEM, .pem/.crt/.cer)`);
  }
  return Object.freeze({ enabled: enable, skipVerify: enable && skipVerify });
}
