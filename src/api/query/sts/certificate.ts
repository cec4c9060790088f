/**
 * STS AssumeRoleWithCertificate (MinIO): POST Action=AssumeRoleWithCertificate&Version=2011-06-15
 * over a mutual-TLS connection; the client certificate is the authentication (no SigV4).
 *
 * Protects: that only what the TLS layer actually saw is believed. The certificate is read from
 * THIS connection's socket — never from a header, so a proxy (even a trusted one) cannot
 * assert a certificate, and TLS terminated in front of Coffer means no certificate here. The
 * handshake proved possession of the private key; OpenSSL's verdict against `<certs>/CAs/`
 * (socket.authorized) says whether the chain verifies; everything else (EKU, validity, CN,
 * chain length, the CN's policy, the duration) is decided by the federation service.
 * Parsing stays here (node:crypto X509Certificate, node:tls) so services never see node:tls.
 * Refusals: not configured / plain HTTP → InvalidParameterValue (MinIO: STSNotInitialized /
 * InsecureConnection); no certificate → AccessDenied.
 */
import { X509Certificate } from 'node:crypto';
import type { Socket } from 'node:net';
import type { DetailedPeerCertificate, TLSSocket } from 'node:tls';
import { AppError } from '../../../core/index.js';
import type { ClientCertificate } from '../../../services/index.js';
import { credentialsXml } from '../render.js';
import type { FederatedActionSpec } from './federated.js';

/** MinIO allows up to a year; the configured STS maximum caps it (FederatedSessions). */
const MAX_DURATION = 365 * 24 * 3600;
/** Stop walking a (malformed, looping) issuer chain here; anything this long is refused anyway. */
const CHAIN_WALK_LIMIT = 64;

/** Intermediates between the leaf and the (self-signed) root, as Node rebuilt the chain. */
function intermediates(leaf: DetailedPeerCertificate): number {
  const seen = new Set<string>([leaf.fingerprint256]);
  let count = 0;
  let current = leaf;
  while (count < CHAIN_WALK_LIMIT) {
    const issuer = current.issuerCertificate as DetailedPeerCertificate | undefined;
    // Node links a self-signed root to itself; an absent issuer ends an incomplete chain.
    if (!issuer || issuer === current || seen.has(issuer.fingerprint256) || Object.keys(issuer).length === 0) break;
    seen.add(issuer.fingerprint256);
    count += 1;
    current = issuer;
  }
  const root = current !== leaf && (current.issuerCertificate === current || current.issuerCertificate?.fingerprint256 === current.fingerprint256);
  return root ? count - 1 : count;
}

/** The client certificate of this connection: 'plain' without TLS, 'none' when none was presented. */
export function clientCertificateOf(socket: Socket | undefined): ClientCertificate | 'plain' | 'none' {
  const tls = socket as TLSSocket | undefined;
  if (tls?.encrypted !== true) return 'plain';
  // One read of the peer chain (in Node 20, calling getPeerX509Certificate() first leaves a
  // later getPeerCertificate(true) without its issuer chain); the leaf is parsed from its DER.
  const detailed = tls.getPeerCertificate(true);
  if (!detailed?.raw || detailed.raw.length === 0) return 'none';
  const x509 = new X509Certificate(detailed.raw);
  const subject = x509.toLegacyObject().subject as unknown as Record<string, string | string[] | undefined> | undefined;
  return {
    subjectCN: subject?.CN,
    validFrom: new Date(x509.validFrom),
    validTo: new Date(x509.validTo),
    eku: x509.keyUsage,
    chainLength: intermediates(detailed),
    authorized: tls.authorized === true,
  };
}


export const ASSUME_ROLE_WITH_CERTIFICATE: FederatedActionSpec = {
  handle: async ({ params, federation, socket }) => {
    if (!federation.certificateEnabled) {
      throw new AppError('InvalidParameterValue', { message: 'Certificate sign-in (AssumeRoleWithCertificate) is not configured on this server.' });
    }
    const durationSeconds = params.integer('DurationSeconds', 900, MAX_DURATION);
    const policy = params.string('Policy');
    const cert = clientCertificateOf(socket);
    if (cert === 'plain') {
      throw new AppError('InvalidParameterValue', { message: 'AssumeRoleWithCertificate needs a TLS connection to this server with a client certificate (InsecureConnection).' });
    }
    if (cert === 'none') throw new AppError('AccessDenied', { message: 'AssumeRoleWithCertificate needs a client certificate; none was presented on this connection.' });
    const session = await federation.certificateLogin(cert, { durationSeconds, policy });
    return { Credentials: credentialsXml(session) };
  },
};
