/** The composition root: the only place that picks implementations and wires them together. */
import { mkdir } from 'node:fs/promises';
import type { IncomingMessage } from 'node:http';
import { join } from 'node:path';
import { rootCertificates } from 'node:tls';
import { ADMIN_PATH_PREFIX, adminEndpoints, createAdminHandler, packageVersion } from '../api/admin/index.js';
import { healthResponder, notListening, startHttpServer, type RunningServer } from '../api/http/index.js';
import { createQueryHandler, isQueryRequest } from '../api/query/index.js';
import { buildOperationRegistry, createS3Pipeline, isSecureTransport, sourceIpOf, trustedProxyMatcher } from '../api/s3/index.js';
import { multipartChecksums } from '../api/common/index.js';
import { createOrphanSweeper, createPeriodicJob, createUploadExpirer } from '../background/index.js';
import type { Config } from '../config/index.js';
import { systemClock, type Clock } from '../core/index.js';
import { PolicyAuthorizer } from '../iam/authorizer/index.js';
import { loadOrCreateLocalSealer } from '../iam/credentials/index.js';
import { createLogAuditSink, createLogger, type Logger } from '../observability/index.js';
import { createKeyManager, importStaticKey, type KeyManager } from '../kms/index.js';
import { BucketService, IamIdentityService, KeyRotation, MultipartService, ObjectCrypto, ObjectService } from '../services/index.js';
import { createFsBlobStore } from '../storage/fs/index.js';
import type { BlobStore, MetadataStore } from '../storage/ports.js';
import { openSqliteMetadataStore } from '../storage/sqlite/index.js';
import { autoTlsNames, autoTlsNotice, ensureAutoTls, type AutoTlsResult } from './auto-tls.js';
import { firstStartBanner, resolveRootCredentials } from './root-credentials.js';
import { buildFederation } from './federation.js';
import { kmsSealedIamSealer } from './iam-sealer.js';

export interface App {
  readonly port: number;
  readonly endpoint: string;
  readonly rootAccessKey: string;
  /** Users, groups, policies, roles, access keys and STS sessions (tests set identities up through it). */
  readonly identity: IamIdentityService;
  /** Loads the TLS certificates again (SIGHUP); a no-op on plain HTTP. */
  reloadCertificates(): Promise<void>;
  stop(): Promise<void>;
}

export interface AppOptions {
  logger?: Logger;
  clock?: Clock;
  /** Where the first-start banner goes (stdout by default). */
  announce?: (text: string) => void;
  /** Storage implementations to use instead of SQLite + filesystem (fault-injection tests). */
  storage?: { store: MetadataStore; blobs: BlobStore };
  /** Cluster roles (see cluster.ts). false: run no background job here — no start-up sweep, no
   * periodic sweep or upload expiry (a worker: the primary runs them once). Default true. */
  background?: boolean;
  /** false: open and prepare everything and run the background jobs, but start no listener
   * (the cluster primary; its workers serve). Default true. */
  serve?: boolean;
  /** Where the --auto-tls notice (CA path, fingerprint, how to trust it) goes (stdout by default). */
  notice?: (text: string) => void;
}

export async function startApp(config: Config, options: AppOptions = {}): Promise<App> {
  const logger = options.logger ?? createLogger({ level: config.logLevel });
  const clock = options.clock ?? systemClock;
  await mkdir(config.dataDir, { recursive: true, mode: 0o700 });
  const root = await resolveRootCredentials(config.dataDir, config.rootCredentials);
  // --auto-tls: made once, by the process that does the start-up work (the cluster primary).
  let autoTls: AutoTlsResult | undefined;
  if (config.tls.autoTls && options.background !== false) autoTls = await ensureAutoTls(config.tls.certsDir, autoTlsNames(config.host, config.domains));
  const store = options.storage?.store ?? (await openSqliteMetadataStore({ path: join(config.dataDir, 'metadata.sqlite'), clock }));
  const blobs = options.storage?.blobs ?? (await createFsBlobStore({ root: config.dataDir }));
  const inFlight = new Set<string>();
  const sweeper = createOrphanSweeper({ store, blobs, inFlight, logger });
  if (options.background !== false) {
    await sweeper.runOnce(0);
    sweeper.start(config.orphanSweepIntervalMs);
  }

  // Encryption at rest: no KMS configured → SSE-S3/SSE-KMS answer 501; SSE-C works regardless.
  // Secret keys and session tokens are sealed with <data>/.coffer/iam.key (created on first start;
  // refused if loose). With a KMS that key is itself kept sealed by the KMS (envelope encryption).
  let kms: KeyManager | undefined;
  let sealer: Awaited<ReturnType<typeof kmsSealedIamSealer>>;
  try {
    kms = await createKeyManager(withOutboundCas(config.kms, config.tls.cas));
    sealer = kms ? await kmsSealedIamSealer(config.dataDir, kms, logger) : await loadOrCreateLocalSealer(config.dataDir);
  } catch (error) {
    await sweeper.stop();
    await store.close();
    await kms?.close();
    throw error;
  }
  const crypto = new ObjectCrypto(kms, { autoEncryption: config.kmsAutoEncryption });
  const kmsState = kmsStateProbe(kms);
  // `coffer admin kms rotate`: re-wraps object keys in the background; its progress lives in the store.
  const rotation = kms ? new KeyRotation({ store, crypto, clock, logger }) : undefined;
  const services = {
    buckets: new BucketService({ store, clock, region: config.region }),
    objects: new ObjectService({ store, blobs, clock, inFlight, crypto }),
    multipart: new MultipartService({ store, blobs, clock, inFlight, checksums: multipartChecksums, crypto }),
    region: config.region,
  };
  const identity = new IamIdentityService({
    store: store.iam,
    sealer,
    clock,
    root: { accessKeyId: root.accessKey, secretKey: root.secretKey },
    apiRootAccess: config.apiRootAccess,
    stsMaxDurationSeconds: config.stsMaxDurationSeconds,
    bucketPolicy: (bucket) => services.buckets.getBucketPolicy(bucket),
  });
  // Expired sessions are already refused on lookup; this removes their rows.
  const sessionPrune = createPeriodicJob('sts-session-prune', () => identity.pruneExpired(), logger);
  if (options.background !== false) sessionPrune.start(15 * 60 * 1000);
  const expirer = createUploadExpirer({ multipart: services.multipart, clock, maxAgeMs: config.multipartExpiryMs, logger });
  if (options.background !== false) {
    await expirer.runOnce();
    expirer.start(Math.min(60 * 60 * 1000, config.multipartExpiryMs));
  }
  // Single sign-on: STS for identities an OpenID provider or LDAP directory vouches for. The
  // certificates directory's CAs/ are trust anchors for these outbound connections.
  const federation = await buildFederation(config, identity, logger, options.background !== false);
  // One authorizer and one notion of the caller's address (trusted proxies) for every protocol.
  const authorizer = new PolicyAuthorizer({ policies: identity.policies });
  const proxies = trustedProxyMatcher(config.trustedProxies);
  const sourceIp = (req: IncomingMessage): string => sourceIpOf(req, proxies);
  const secureTransport = (req: IncomingMessage): boolean => isSecureTransport(req, proxies);
  const s3 = createS3Pipeline({
    services,
    credentials: identity.credentials,
    authorizer,
    operations: buildOperationRegistry(),
    domains: config.domains,
    region: config.region,
    clock,
    logger,
    audit: createLogAuditSink(logger),
    trustedProxies: config.trustedProxies,
  });
  // AWS query protocol (IAM, STS) on the API port, recognised before the S3 router sees the request.
  const query = createQueryHandler({
    identity,
    federation: federation.service,
    authorizer,
    sourceIp,
    secureTransport,
    region: config.region,
    clock,
    logger,
    audit: createLogAuditSink(logger),
  });
  // Admin API (/coffer/admin/v1/…, JSON, SigV4): users, groups, policies, access keys, roles.
  const admin = createAdminHandler({
    identity,
    credentials: identity.credentials,
    authorizer,
    sourceIp,
    secureTransport,
    // /kms/* answers 501 rather than 404 when no KMS is configured.
    endpoints: adminEndpoints({ kms: { kms, importStaticKey: (keyId, to) => importStaticKey(kms, keyId, to), rotation }, idp: federation.admin }),
    region: config.region,
    version: packageVersion(),
    startedAt: clock.now(),
    clock,
    logger,
    audit: createLogAuditSink(logger),
  });
  let ready = true;
  const health = healthResponder(() => ready);
  let server: RunningServer;
  try {
    server = options.serve === false ? notListening(config.host, config.port) : await startHttpServer({
      host: config.host,
      port: config.port,
      logger,
      ...(config.tls.enabled ? { tls: {
        certsDir: config.tls.certsDir,
        passphrase: config.tls.keyPassword?.reveal(),
        // AssumeRoleWithCertificate: request client certificates, verified against <certs>/CAs/.
        ...(config.identityTls.enabled ? { clientCa: config.tls.cas } : {}),
      } } : {}),
      handler: async (req, res) => {
        // Readiness does not depend on the KMS (unencrypted traffic keeps working); it reports it.
        if (req.url?.includes('/health/ready')) res.setHeader('x-coffer-kms', kmsState());
        if (health(req, res)) return;
        if (req.url?.startsWith(ADMIN_PATH_PREFIX)) return admin(req, res);
        if (isQueryRequest(req, config.domains)) return query(req, res);
        await s3(req, res);
      },
    });
  } catch (error) {
    await rotation?.stop();
    await sessionPrune.stop();
    sealer.stop?.();
    await federation.stop();
    await expirer.stop();
    await sweeper.stop();
    await store.close();
    await kms?.close();
    throw error;
  }
  const host = server.host.includes(':') ? `[${server.host}]` : server.host;
  const scheme = config.tls.enabled ? 'https' : 'http';
  const endpoint = `${scheme}://${host === '0.0.0.0' ? '127.0.0.1' : host}:${server.port}`;
  if (autoTls) (options.notice ?? ((text) => process.stdout.write(text)))(autoTlsNotice(autoTls, endpoint));
  if (root.generated) (options.announce ?? ((text) => process.stdout.write(text)))(firstStartBanner(root, endpoint, config.region, config.tls.enabled ? undefined : config.tls.certsDir));
  if (options.serve !== false) logger.info({ endpoint, dataDir: config.dataDir, region: config.region, ...(config.tls.enabled ? { certsDir: config.tls.certsDir } : {}) }, 'coffer is listening');
  return {
    port: server.port,
    endpoint,
    rootAccessKey: root.accessKey,
    identity,
    reloadCertificates: () => server.reloadCertificates(),
    stop: async () => {
      ready = false;
      await server.close(config.shutdownTimeoutMs);
      await rotation?.stop();
      await sessionPrune.stop();
      sealer.stop?.();
      await federation.stop();
      await expirer.stop();
      await sweeper.stop();
      await store.close();
      await kms?.close();
    },
  };
}

/** 'online' | 'offline' | 'not-configured', refreshed in the background at most every 10 s. */
function kmsStateProbe(kms: KeyManager | undefined): () => string {
  if (!kms) return () => 'not-configured';
  let state = 'unknown';
  let checkedAt = 0;
  let pending = false;
  return () => {
    const now = Date.now();
    if (!pending && now - checkedAt > 10_000) {
      pending = true;
      kms.status().then(
        (status) => { state = status.online ? 'online' : 'offline'; },
        () => { state = 'offline'; },
      ).finally(() => { checkedAt = Date.now(); pending = false; });
    }
    return state;
  };
}

/**
 * KES trusts the certificates directory's CAs/ too (the one place an operator drops trust
 * anchors for outbound TLS): added to COFFER_KMS_KES_CAPATH's CAs when that is set (a pinned
 * private CA stays pinned, plus CAs/), else to the system roots.
 */
function withOutboundCas(kms: Config['kms'], cas: readonly string[]): Config['kms'] {
  if (!kms?.kes || cas.length === 0) return kms;
  return { ...kms, kes: { ...kms.kes, ca: [...(kms.kes.ca ?? rootCertificates), ...cas] } };
}

