/**
 * A real identity service for tests: SQLite metadata store and IAM key file in a temp folder, a
 * settable clock. `peer()` opens a second service on the same database, as another node would.
 */
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AppError, Secret, type AppErrorCode, type Clock } from '../../../core/index.js';
import { loadOrCreateLocalSealer, type LocalKeySealer } from '../../../iam/credentials/index.js';
import type { MetadataStore } from '../../../storage/ports.js';
import { openSqliteMetadataStore } from '../../../storage/sqlite/index.js';
import { IamIdentityService } from '../index.js';

export const ROOT_KEY = 'ROOTACCESSKEY0000001';
export const ROOT_SECRET = 'root-secret-0123456789abcdef';

export class TestClock implements Clock {
  #ms: number;
  constructor(start = Date.parse('2026-03-01T12:00:00.000Z')) {
    this.#ms = start;
  }
  now(): Date {
    return new Date(this.#ms);
  }
  advance(ms: number): void {
    this.#ms += ms;
  }
}

export interface FixtureOptions {
  apiRootAccess?: boolean;
  stsMaxDurationSeconds?: number;
  generationCheckIntervalMs?: number;
}

export interface IamFixture {
  identity: IamIdentityService;
  store: MetadataStore;
  sealer: LocalKeySealer;
  clock: TestClock;
  dir: string;
  dbPath: string;
  /** Another node: its own store connection and service over the same database and key. */
  peer(options?: FixtureOptions): Promise<IamIdentityService>;
  close(): Promise<void>;
}

export async function openIamFixture(options: FixtureOptions = {}): Promise<IamFixture> {
  const dir = await mkdtemp(join(tmpdir(), 'coffer-iam-'));
  const dbPath = join(dir, 'metadata.sqlite');
  const clock = new TestClock();
  const sealer = await loadOrCreateLocalSealer(dir);
  const stores: MetadataStore[] = [];
  const build = async (opts: FixtureOptions) => {
    const store = await openSqliteMetadataStore({ path: dbPath });
    stores.push(store);
    const identity = new IamIdentityService({
      store: store.iam,
      sealer,
      clock,
      root: { accessKeyId: ROOT_KEY, secretKey: new Secret(ROOT_SECRET) },
      apiRootAccess: opts.apiRootAccess ?? true,
      stsMaxDurationSeconds: opts.stsMaxDurationSeconds ?? 43200,
      bucketPolicy: async () => undefined,
      ...(opts.generationCheckIntervalMs === undefined ? {} : { generationCheckIntervalMs: opts.generationCheckIntervalMs }),
    });
    return { store, identity };
  };
  const { store, identity } = await build(options);
  return {
    identity,
    store,
    sealer,
    clock,
    dir,
    dbPath,
    peer: async (opts = {}) => (await build({ ...options, ...opts })).identity,
    close: async () => {
      for (const s of stores) await s.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

export async function rejectsWith(promise: Promise<unknown>, code: AppErrorCode, message?: RegExp): Promise<void> {
  await assert.rejects(promise, (error: unknown) => {
    assert.ok(error instanceof AppError, `expected AppError ${code}, got ${String(error)}`);
    assert.equal(error.code, code, error.message);
    if (message) assert.match(error.message, message);
    return true;
  });
}

export function policy(...statements: object[]): string {
  return JSON.stringify({ Version: '2012-10-17', Statement: statements });
}

export const READ_BUCKET = policy({ Effect: 'Allow', Action: ['s3:GetObject', 's3:ListBucket'], Resource: ['arn:aws:s3:::reports', 'arn:aws:s3:::reports/*'] });
export const WRITE_BUCKET = policy({ Effect: 'Allow', Action: 's3:PutObject', Resource: 'arn:aws:s3:::reports/*' });
export const DENY_DELETE = policy({ Effect: 'Deny', Action: 's3:DeleteObject', Resource: '*' });
export const trustUsers = (...arns: string[]) => policy({ Effect: 'Allow', Principal: { AWS: arns }, Action: 'sts:AssumeRole' });
