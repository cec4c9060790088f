/** Starts a real Coffer in-process on 127.0.0.1:0 with a temp data folder, for integration tests. */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { S3Client } from '@aws-sdk/client-s3';
import { startApp, type App } from '../../src/app/index.js';
import { loadConfig } from '../../src/config/index.js';
import { createLogger, silentLogger, type Logger } from '../../src/observability/index.js';

export const ROOT_ACCESS_KEY = 'COFFERTESTROOTKEY001';
export const ROOT_SECRET_KEY = 'coffer-test-root-secret-0123456789abcdef';

export interface TestServer {
  app: App;
  endpoint: string;
  dataDir: string;
  client: S3Client;
  clientFor(accessKeyId: string, secretAccessKey: string, region?: string): S3Client;
  stop(): Promise<void>;
}

export async function startTestServer(env: Record<string, string> = {}, options: { logger?: Logger } = {}): Promise<TestServer> {
  const dataDir = await mkdtemp(join(tmpdir(), 'coffer-test-'));
  const config = loadConfig(
    { dataDir, address: '127.0.0.1:0' },
    { COFFER_ROOT_USER: ROOT_ACCESS_KEY, COFFER_ROOT_PASSWORD: ROOT_SECRET_KEY, ...env },
  );
  // COFFER_TEST_LOG=debug shows the server's logs while debugging a test.
  const level = process.env.COFFER_TEST_LOG;
  const logger = options.logger ?? (level ? createLogger({ level, destination: process.stderr }) : silentLogger);
  const app = await startApp(config, { logger, announce: () => undefined });
  const clients: S3Client[] = [];
  const clientFor = (accessKeyId: string, secretAccessKey: string, region = 'us-east-1'): S3Client => {
    const client = new S3Client({
      endpoint: app.endpoint,
      region,
      forcePathStyle: true,
      credentials: { accessKeyId, secretAccessKey },
      maxAttempts: 1,
    });
    clients.push(client);
    return client;
  };
  return {
    app,
    endpoint: app.endpoint,
    dataDir,
    client: clientFor(ROOT_ACCESS_KEY, ROOT_SECRET_KEY),
    clientFor,
    stop: async () => {
      for (const client of clients) client.destroy();
      await app.stop();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

/** Reads an SDK error's S3 code and HTTP status. */
export function s3Error(error: unknown): { code: string; status: number | undefined } {
  const e = error as { name?: string; Code?: string; $metadata?: { httpStatusCode?: number } };
  return { code: e.Code ?? e.name ?? 'unknown', status: e.$metadata?.httpStatusCode };
}

export async function expectS3Error(promise: Promise<unknown>, code: string, status?: number): Promise<void> {
  try {
    await promise;
  } catch (error) {
    const actual = s3Error(error);
    if (actual.code !== code || (status !== undefined && actual.status !== status)) {
      throw new Error(`expected ${code}${status ? ` (${status})` : ''}, got ${actual.code} (${actual.status})`);
    }
    return;
  }
  throw new Error(`expected ${code}, but the request succeeded`);
}

/** For answers without an error body (304, HEAD errors): only the HTTP status is checked. */
export async function expectStatus(promise: Promise<unknown>, status: number): Promise<void> {
  try {
    await promise;
  } catch (error) {
    const actual = s3Error(error).status;
    if (actual !== status) throw new Error(`expected HTTP ${status}, got ${actual}`);
    return;
  }
  throw new Error(`expected HTTP ${status}, but the request succeeded`);
}
