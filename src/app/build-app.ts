/** The composition root: the only place that picks implementations and wires them together. */
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { healthResponder, startHttpServer, type RunningServer } from '../api/http/index.js';
import { buildOperationRegistry, createS3Pipeline } from '../api/s3/index.js';
import { multipartChecksums } from '../api/common/index.js';
import { createOrphanSweeper, createUploadExpirer } from '../background/index.js';
import type { Config } from '../config/index.js';
import { systemClock, type Clock } from '../core/index.js';
import { RootOnlyAuthorizer } from '../iam/authorizer/index.js';
import { RootCredentialStore } from '../iam/credentials/index.js';
import { createLogAuditSink, createLogger, type Logger } from '../observability/index.js';
import { BucketService, MultipartService, ObjectService } from '../services/index.js';
import { createFsBlobStore } from '../storage/fs/index.js';
import type { BlobStore, MetadataStore } from '../storage/ports.js';
import { openSqliteMetadataStore } from '../storage/sqlite/index.js';
import { firstStartBanner, resolveRootCredentials } from './root-credentials.js';

export interface App {
  readonly port: number;
  readonly endpoint: string;
  readonly rootAccessKey: string;
  stop(): Promise<void>;
}

export interface AppOptions {
  logger?: Logger;
  clock?: Clock;
  /** Where the first-start banner goes (stdout by default). */
  announce?: (text: string) => void;
  /** Storage implementations to use instead of SQLite + filesystem (fault-injection tests). */
  storage?: { store: MetadataStore; blobs: BlobStore };
}

export async function startApp(config: Config, options: AppOptions = {}): Promise<App> {
  const logger = options.logger ?? createLogger({ level: config.logLevel });
  const clock = options.clock ?? systemClock;
  await mkdir(config.dataDir, { recursive: true, mode: 0o700 });
  const root = await resolveRootCredentials(config.dataDir, config.rootCredentials);
  const store = options.storage?.store ?? (await openSqliteMetadataStore({ path: join(config.dataDir, 'metadata.sqlite') }));
  const blobs = options.storage?.blobs ?? (await createFsBlobStore({ root: config.dataDir }));
  const inFlight = new Set<string>();
  const sweeper = createOrphanSweeper({ store, blobs, inFlight, logger });
  await sweeper.runOnce(0);
  sweeper.start(config.orphanSweepIntervalMs);

  const credentials = new RootCredentialStore(root.accessKey, root.secretKey);
  const services = {
    buckets: new BucketService({ store, clock, region: config.region }),
    objects: new ObjectService({ store, blobs, clock, inFlight }),
    multipart: new MultipartService({ store, blobs, clock, inFlight, checksums: multipartChecksums }),
    region: config.region,
  };
  const expirer = createUploadExpirer({ multipart: services.multipart, clock, maxAgeMs: config.multipartExpiryMs, logger });
  await expirer.runOnce();
  expirer.start(Math.min(60 * 60 * 1000, config.multipartExpiryMs));
  const s3 = createS3Pipeline({
    services,
    credentials,
    authorizer: new RootOnlyAuthorizer(),
    operations: buildOperationRegistry(),
    domains: config.domains,
    region: config.region,
    clock,
    logger,
    audit: createLogAuditSink(logger),
  });
  let ready = true;
  const health = healthResponder(() => ready);
  let server: RunningServer;
  try {
    server = await startHttpServer({
      host: config.host,
      port: config.port,
      logger,
      handler: async (req, res) => {
        if (health(req, res)) return;
        await s3(req, res);
      },
    });
  } catch (error) {
    await expirer.stop();
    await sweeper.stop();
    await store.close();
    throw error;
  }
  const host = server.host.includes(':') ? `[${server.host}]` : server.host;
  const endpoint = `http://${host === '0.0.0.0' ? '127.0.0.1' : host}:${server.port}`;
  if (root.generated) (options.announce ?? ((text) => process.stdout.write(text)))(firstStartBanner(root, endpoint, config.region));
  logger.info({ endpoint, dataDir: config.dataDir, region: config.region }, 'coffer is listening');
  return {
    port: server.port,
    endpoint,
    rootAccessKey: root.accessKey,
    stop: async () => {
      ready = false;
      await server.close(config.shutdownTimeoutMs);
      await expirer.stop();
      await sweeper.stop();
      await store.close();
    },
  };
}
