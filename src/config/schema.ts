/**
 * The one description of Coffer's settings: name, type, default, documentation and the
 * environment variables that set it (COFFER_* first, then the MinIO alias users migrate with).
 * docs/configuration.md is checked against this table by a test.
 */
export type SettingType = 'string' | 'boolean' | 'integer' | 'list';

export interface SettingSpec {
  key: keyof RawSettings;
  env: readonly string[];
  type: SettingType;
  default: string | undefined;
  doc: string;
  /** Secrets may also come from `<ENV>_FILE` and are never logged. */
  secret?: boolean;
}

export interface RawSettings {
  dataDir: string;
  address: string;
  allowInsecureHttp: boolean;
  rootUser: string | undefined;
  rootPassword: string | undefined;
  domains: string[];
  region: string;
  logLevel: string;
  orphanSweepIntervalSeconds: number;
  multipartExpirySeconds: number;
  shutdownTimeoutSeconds: number;
  allowWorldReadableSecrets: boolean;
  apiRootAccess: boolean;
  trustedProxies: string[];
  stsMaxDurationSeconds: number;
  workers: string;
  kmsSecretKey: string | undefined;
  kmsSecretKeyLegacy: boolean;
  kmsKesEndpoint: string | undefined;
  kmsKesKeyName: string | undefined;
  kmsKesApiKey: string | undefined;
  kmsKesCertFile: string | undefined;
  kmsKesKeyFile: string | undefined;
  kmsKesKeyPassword: string | undefined;
  kmsKesCapath: string | undefined;
  kmsPkcs11Module: string | undefined;
  kmsPkcs11TokenLabel: string | undefined;
  kmsPkcs11Slot: string | undefined;
  kmsPkcs11Pin: string | undefined;
  kmsPkcs11KeyName: string | undefined;
  kmsAutoEncryption: boolean;
  certsDir: string | undefined;
  certPassword: string | undefined;
  identityTlsEnable: boolean;
  identityTlsSkipVerify: boolean;
}

export const SETTINGS: readonly SettingSpec[] = [
  { key: 'dataDir', env: ['COFFER_DATA_DIR'], type: 'string', default: './data',
    doc: 'Folder for metadata and object data (first argument of `coffer server`). Created with mode 0700.' },
  { key: 'address', env: ['COFFER_ADDRESS', 'MINIO_ADDRESS'], type: 'string', default: '127.0.0.1:9000',
    doc: 'HOST:PORT the S3 API listens on (flag --address).' },
  { key: 'allowInsecureHttp', env: ['COFFER_ALLOW_INSECURE_HTTP'], type: 'boolean', default: 'false',
    doc: 'Allow plain HTTP on a non-loopback address (flag --allow-insecure-http). Off by default: credentials and data would cross the network in clear.' },
  { key: 'rootUser', env: ['COFFER_ROOT_USER', 'MINIO_ROOT_USER'], type: 'string', default: undefined, secret: true,
    doc: 'Root access key (3–128 characters). When root user and password are both unset, a random pair is generated on first start and stored in <data>/.coffer/root-credentials.json (mode 0600).' },
  { key: 'rootPassword', env: ['COFFER_ROOT_PASSWORD', 'MINIO_ROOT_PASSWORD'], type: 'string', default: undefined, secret: true,
    doc: 'Root secret key, at least 8 characters.' },
  { key: 'domains', env: ['COFFER_DOMAIN', 'MINIO_DOMAIN'], type: 'list', default: '',
    doc: 'Comma-separated domains for virtual-host-style requests (<bucket>.<domain>). Path style always works.' },
  { key: 'region', env: ['COFFER_REGION', 'MINIO_REGION', 'MINIO_SITE_REGION'], type: 'string', default: 'us-east-1',
    doc: 'Region name Coffer signs and answers as.' },
  { key: 'logLevel', env: ['COFFER_LOG_LEVEL'], type: 'string', default: 'info',
    doc: 'Log level: fatal, error, warn, info, debug, trace or silent.' },
  { key: 'orphanSweepIntervalSeconds', env: ['COFFER_ORPHAN_SWEEP_INTERVAL'], type: 'integer', default: '3600',
    doc: 'Seconds between sweeps that remove blobs no metadata references (left by a crash). A sweep also runs at start.' },
  { key: 'multipartExpirySeconds', env: ['COFFER_MULTIPART_EXPIRY'], type: 'integer', default: '604800',
    doc: 'Seconds after which an unfinished multipart upload is aborted and its parts deleted (default 7 days); 0 keeps uploads forever. Checked at start and hourly.' },
  { key: 'shutdownTimeoutSeconds', env: ['COFFER_SHUTDOWN_TIMEOUT'], type: 'integer', default: '30',
    doc: 'On SIGTERM/SIGINT, seconds to let in-flight requests finish before connections are closed.' },
  { key: 'allowWorldReadableSecrets', env: ['COFFER_ALLOW_WORLD_READABLE_SECRETS'], type: 'boolean', default: 'false',
    doc: 'Accept *_FILE secrets that other users can read (e.g. some container secret mounts).' },
  { key: 'apiRootAccess', env: ['COFFER_API_ROOT_ACCESS', 'MINIO_API_ROOT_ACCESS'], type: 'boolean', default: 'true',
    doc: 'Whether the root credentials (and access keys owned by root) may be used on the S3, IAM, STS and admin APIs. Set to off once least-privilege users exist.' },
  { key: 'trustedProxies', env: ['COFFER_TRUSTED_PROXIES'], type: 'list', default: '',
    doc: 'Comma-separated IP addresses or CIDRs of reverse proxies whose X-Forwarded-For is believed when computing aws:SourceIp, and whose `X-Forwarded-Proto: https` makes aws:SecureTransport true (and SSE-C acceptable). Empty: the TCP peer is the source and only a TLS connection is secure.' },
  { key: 'stsMaxDurationSeconds', env: ['COFFER_STS_MAX_DURATION'], type: 'integer', default: '43200',
    doc: 'Longest lifetime, in seconds, of temporary credentials from STS (AssumeRole default range 900 s – 12 h).' },
  { key: 'workers', env: ['COFFER_WORKERS'], type: 'string', default: '1',
    doc: 'Number of server processes sharing the port and the data folder (node:cluster), 1–64. `auto` or `0`: one per CPU (os.availableParallelism()). With more than one, a primary process does the one-time start-up work and runs the background jobs, and restarts a worker that dies.' },
  { key: 'kmsSecretKey', env: ['COFFER_KMS_SECRET_KEY', 'MINIO_KMS_SECRET_KEY'], type: 'string', default: undefined, secret: true,
    doc: 'The static KMS: one named 256-bit master key, `name:base64(32 bytes)` (e.g. `coffer-default-key:$(head -c 32 /dev/urandom | base64)`). Enables SSE-S3 and SSE-KMS with that one key. Keep it safe and identical on every node: losing it loses every encrypted object.' },
  { key: 'kmsSecretKeyLegacy', env: ['COFFER_KMS_SECRET_KEY_LEGACY'], type: 'boolean', default: 'false',
    doc: 'With KES or PKCS#11 configured: keep COFFER_KMS_SECRET_KEY as the legacy key next to it, so objects sealed by it stay readable before it is imported (`coffer admin kms key import ALIAS NAME --to kes` or `--to pkcs11`). Without it, setting both the static key and an external KMS is refused.' },
  { key: 'kmsKesEndpoint', env: ['COFFER_KMS_KES_ENDPOINT', 'MINIO_KMS_KES_ENDPOINT'], type: 'string', default: undefined,
    doc: 'Comma-separated `https://host:port` URLs of KES servers (one cluster), tried in order with failover; 15 s timeout per attempt.' },
  { key: 'kmsKesKeyName', env: ['COFFER_KMS_KES_KEY_NAME', 'MINIO_KMS_KES_KEY_NAME'], type: 'string', default: undefined,
    doc: 'Default KES key for SSE-S3 and SSE-KMS without a key id; created at start when missing.' },
  { key: 'kmsKesApiKey', env: ['COFFER_KMS_KES_API_KEY', 'MINIO_KMS_KES_API_KEY'], type: 'string', default: undefined, secret: true,
    doc: 'KES API key (`kes:v1:…`), sent as `Authorization: Bearer`. Use it or a client certificate.' },
  { key: 'kmsKesCertFile', env: ['COFFER_KMS_KES_CERT_FILE', 'MINIO_KMS_KES_CERT_FILE'], type: 'string', default: undefined,
    doc: 'PEM client certificate for mutual TLS with KES (with COFFER_KMS_KES_KEY_FILE).' },
  { key: 'kmsKesKeyFile', env: ['COFFER_KMS_KES_KEY_FILE', 'MINIO_KMS_KES_KEY_FILE'], type: 'string', default: undefined,
    doc: 'PEM private key of the KES client certificate; same permission check as secret files.' },
  { key: 'kmsKesKeyPassword', env: ['COFFER_KMS_KES_KEY_PASSWORD', 'MINIO_KMS_KES_KEY_PASSWORD'], type: 'string', default: undefined, secret: true,
    doc: 'Password of an encrypted COFFER_KMS_KES_KEY_FILE.' },
  { key: 'kmsKesCapath', env: ['COFFER_KMS_KES_CAPATH', 'MINIO_KMS_KES_CAPATH'], type: 'string', default: undefined,
    doc: 'PEM file, or folder of .pem/.crt files, with the CA certificates that KES server certificates must chain to. Default: the system roots.' },
  { key: 'kmsPkcs11Module', env: ['COFFER_KMS_PKCS11_MODULE'], type: 'string', default: undefined,
    doc: 'The PKCS#11 KMS (an HSM): absolute path of the vendor\'s PKCS#11 library, e.g. `/usr/lib/softhsm/libsofthsm2.so`. Master keys are non-extractable AES-256 keys in the token; data keys are sealed there with AES-GCM. Needs the optional package pkcs11js. Not together with KES.' },
  { key: 'kmsPkcs11TokenLabel', env: ['COFFER_KMS_PKCS11_TOKEN_LABEL'], type: 'string', default: undefined,
    doc: 'Label of the PKCS#11 token to use (exact). Set this or COFFER_KMS_PKCS11_SLOT.' },
  { key: 'kmsPkcs11Slot', env: ['COFFER_KMS_PKCS11_SLOT'], type: 'string', default: undefined,
    doc: 'Slot id (decimal) of the PKCS#11 token, instead of COFFER_KMS_PKCS11_TOKEN_LABEL.' },
  { key: 'kmsPkcs11Pin', env: ['COFFER_KMS_PKCS11_PIN'], type: 'string', default: undefined, secret: true,
    doc: 'User PIN of the PKCS#11 token (Coffer logs in as the user, never as the security officer).' },
  { key: 'kmsPkcs11KeyName', env: ['COFFER_KMS_PKCS11_KEY_NAME'], type: 'string', default: undefined,
    doc: 'Default PKCS#11 key (CKA_LABEL) for SSE-S3 and SSE-KMS without a key id; created in the token at start when missing.' },
  { key: 'kmsAutoEncryption', env: ['COFFER_KMS_AUTO_ENCRYPTION', 'MINIO_KMS_AUTO_ENCRYPTION'], type: 'boolean', default: 'false',
    doc: 'Encrypt (SSE-S3) every object written to a bucket that has no default encryption configuration. Needs a KMS.' },
  { key: 'certsDir', env: ['COFFER_CERTS_DIR'], type: 'string', default: undefined,
    doc: 'Certificates directory (flag --certs-dir; default <data>/.coffer/certs). When it holds public.crt and private.key (PEM) the API listener speaks HTTPS only (TLS 1.2/1.3, AEAD suites); <name>/public.crt + private.key sub-folders are served by SNI; CAs/ holds trust anchors for outbound TLS. Certificates reload when the files change and on SIGHUP. `coffer server --auto-tls` creates a private CA and a server certificate here when there is none.' },
  { key: 'certPassword', env: ['COFFER_CERT_PASSWD', 'MINIO_CERT_PASSWD'], type: 'string', default: undefined, secret: true,
    doc: 'Password of encrypted private.key files in the certificates directory.' },
  { key: 'identityTlsEnable', env: ['COFFER_IDENTITY_TLS_ENABLE', 'MINIO_IDENTITY_TLS_ENABLE'], type: 'boolean', default: 'false',
    doc: 'STS AssumeRoleWithCertificate over mutual TLS: the HTTPS listener asks clients for a certificate (clients without one keep working for everything else) and a client certificate issued by a CA in <certs>/CAs/, with extended key usage clientAuth, signs in as the policy named like its subject CN; the session ends no later than the certificate. Needs HTTPS and at least one CA in CAs/.' },
  { key: 'identityTlsSkipVerify', env: ['COFFER_IDENTITY_TLS_SKIP_VERIFY', 'MINIO_IDENTITY_TLS_SKIP_VERIFY'], type: 'boolean', default: 'false',
    doc: 'With COFFER_IDENTITY_TLS_ENABLE: accept client certificates that do not chain to a CA in CAs/ (anyone can then make a certificate for any CN — only for testing, or behind something else that verifies them). Extended key usage clientAuth, the validity period and a non-empty CN are still required.' },
];
