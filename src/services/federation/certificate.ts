/**
 * STS AssumeRoleWithCertificate: sign-in with the client certificate of a mutual-TLS connection
 * (MinIO's API, stricter by default).
 *
 * Protects: credentials go only to the holder of a certificate that the operator's CA issued
 * for client authentication and that is valid now; the session grants exactly the policy named
 * like the certificate's subject CN (MinIO) and never outlives the certificate.
 * Inputs: facts the API layer read from the TLS connection (node:tls stays out of services):
 * the leaf's CN, validity, extended key usages, how many intermediates came with it, and
 * whether OpenSSL verified it against `<certs>/CAs/` during the handshake. The private-key
 * proof is the handshake itself: a certificate without its key never reaches this code.
 * Checks, all before anything is issued:
 *  - at most 10 intermediate CAs (MinIO's TooManyIntermediateCAs);
 *  - verified by the TLS layer, unless the operator set COFFER_IDENTITY_TLS_SKIP_VERIFY;
 *  - extended key usage clientAuth or anyExtendedKeyUsage — ALWAYS, also with skip-verify, and
 *    also when the extension is missing (stricter than Go's verifier, which reads a missing
 *    EKU as "any"): a server certificate must not double as a login;
 *  - NotBefore ≤ now ≤ NotAfter, checked here too (with skip-verify OpenSSL's verdict is unused);
 *  - a CN that can name a policy (1–64 of [\w+=,.@-]); a CN with no such built-in or managed
 *    policy is refused at sign-in (FederatedSessions) rather than given an empty session.
 * Refusals about the certificate say what is wrong with it (the caller holds it; nothing of the
 * server leaks), but "no policy for this CN" reads like every other federated refusal.
 * Duration: default 1 h, DurationSeconds 900 s up to the STS maximum, always capped at NotAfter.
 */
import { AppError } from '../../core/index.js';
import type { ExternalIdentity } from '../../iam/identity/index.js';
import type { IdentityService, SessionCredentials } from '../iam/index.js';

/** What the API layer read from the mutual-TLS connection. */
export interface ClientCertificate {
  /** Subject CN(s) of the leaf certificate; more than one is refused. */
  subjectCN: string | readonly string[] | undefined;
  validFrom: Date;
  validTo: Date;
  /** Extended key usage OIDs; undefined when the certificate has no EKU extension. */
  eku: readonly string[] | undefined;
  /** Intermediate CA certificates that came with the leaf (root excluded). */
  chainLength: number;
  /** OpenSSL verified the chain against the client CAs during the handshake. */
  authorized: boolean;
}

export interface CertificateLoginOptions {
  skipVerify: boolean;
  durationSeconds?: number | undefined;
  policy?: string | undefined;
  now?: Date | undefined;
}

export const MAX_INTERMEDIATE_CAS = 10;
const CLIENT_AUTH = '1.3.6.1.5.5.7.3.2';
const ANY_EKU = '2.5.29.37.0';
const CN_POLICY_NAME = /^[\w+=,.@-]{1,64}$/;
/** MinIO's default for this action; the certificate's NotAfter and the STS maximum cap it. */
const DEFAULT_SECONDS = 3600;

export const CERTIFICATE_REFUSED = 'Access denied: the client certificate does not grant access to any policy.';
const denied = (message: string, reason: string) => new AppError('AccessDenied', { message, details: { reason } });

/** The CN the checks accept, or an AccessDenied saying what is wrong with the certificate. */
export function checkClientCertificate(cert: ClientCertificate, skipVerify: boolean, now: Date): string {
  if (!Number.isInteger(cert.chainLength) || cert.chainLength > MAX_INTERMEDIATE_CAS) {
    throw denied(`The client certificate came with more than ${MAX_INTERMEDIATE_CAS} intermediate CA certificates (TooManyIntermediateCAs).`, 'too many intermediates');
  }
  if (!cert.authorized && !skipVerify) {
    throw denied('The client certificate is not issued by a certificate authority this server trusts, or its chain does not verify (InvalidClientCertificate).', 'not verified');
  }
  if (!cert.eku?.some((oid) => oid === CLIENT_AUTH || oid === ANY_EKU)) {
    throw denied('The client certificate is not valid for client authentication: its extended key usage must include clientAuth (InvalidClientCertificate).', 'no clientAuth EKU');
  }
  const from = cert.validFrom.getTime();
  const to = cert.validTo.getTime();
  if (Number.isNaN(from) || Number.isNaN(to) || now.getTime() < from || now.getTime() > to) {
    throw denied('The client certificate is expired or not yet valid (InvalidClientCertificate).', 'outside validity period');
  }
  const cns = cert.subjectCN === undefined ? [] : typeof cert.subjectCN === 'string' ? [cert.subjectCN] : [...cert.subjectCN];
  if (cns.length !== 1 || cns[0] === '') throw denied('The client certificate must have exactly one non-empty subject common name (CN).', 'CN missing or repeated');
  const cn = cns[0] as string;
  if (!CN_POLICY_NAME.test(cn)) throw denied(CERTIFICATE_REFUSED, 'CN cannot name a policy');
  return cn;
}

/** The identity a checked certificate stands for: provider `tls`, subject and policy = CN. */
export function certificateIdentity(cn: string, validTo: Date): ExternalIdentity {
  return { provider: 'tls', subject: cn, name: cn, groups: [], policies: [cn], claims: { 'tls:cn': [cn] }, notAfter: validTo };
}

export async function certificateLogin(identity: IdentityService, cert: ClientCertificate, options: CertificateLoginOptions): Promise<SessionCredentials> {
  const cn = checkClientCertificate(cert, options.skipVerify, options.now ?? new Date());
  try {
    return await identity.assumeRoleFederated(certificateIdentity(cn, cert.validTo), {
      action: 'sts:AssumeRoleWithCertificate',
      durationSeconds: options.durationSeconds,
      // Without DurationSeconds: 1 h (MinIO), still capped by the STS maximum and NotAfter.
      ...(options.durationSeconds === undefined ? { maxSeconds: DEFAULT_SECONDS } : {}),
      policy: options.policy,
    });
  } catch (error) {
    if (error instanceof AppError && error.code === 'AccessDenied') throw new AppError('AccessDenied', { message: CERTIFICATE_REFUSED, details: { reason: 'no policy named like the CN' } });
    throw error;
  }
}
