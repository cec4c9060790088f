import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import BetterSqlite3 from 'better-sqlite3';
import { RECORD_FORMAT_VERSION, StorageError, type BucketRecord } from '../ports.js';
import { openSqliteMetadataStore } from './index.js';

const bucket = (name: string): BucketRecord => ({
  formatVersion: RECORD_FORMAT_VERSION, name, owner: 'o', region: 'us-east-1', createdAt: new Date(), versioning: 'Unversioned', objectLockEnabled: false,
});

describe('write transactions while another process holds the write lock', () => {
  let dir = '';
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'coffer-begin-'));
  });
  after(() => rm(dir, { recursive: true, force: true }));

  it('wait without blocking the event loop, then commit once the lock is free', async () => {
    const path = join(dir, 'wait.sqlite');
    const store = await openSqliteMetadataStore({ path, busyTimeoutMs: 5000 });
    const other = new BetterSqlite3(path);
    try {
      other.prepare('begin immediate').run();
      let ticks = 0;
      const timer = setInterval(() => ticks++, 5);
      const started = performance.now();
      const deleting = store.deleteBucket('missing').catch((error: unknown) => error);
      await sleep(150);
      other.prepare('commit').run();
      const outcome = await deleting;
      clearInterval(timer);
      // The transaction ran (and found no such bucket) only after the other one ended.
      assert.ok(outcome instanceof StorageError && outcome.code === 'NotFound', String(outcome));
      assert.ok(performance.now() - started >= 140);
      assert.ok(ticks >= 10, `the event loop ran timers meanwhile (${ticks} ticks)`);
    } finally {
      other.close();
      await store.close();
    }
  });

  it('give up with Unavailable after the busy timeout', async () => {
    const path = join(dir, 'timeout.sqlite');
    const store = await openSqliteMetadataStore({ path, busyTimeoutMs: 200 });
    await store.createBucket(bucket('b'));
    const other = new BetterSqlite3(path);
    try {
      other.prepare('begin immediate').run();
      const started = performance.now();
      await assert.rejects(store.deleteBucket('b'), (error: unknown) => error instanceof StorageError && error.code === 'Unavailable');
      assert.ok(performance.now() - started >= 190);
      other.prepare('rollback').run();
      await store.deleteBucket('b');
      assert.equal(await store.getBucket('b'), undefined);
    } finally {
      other.close();
      await store.close();
    }
  });
});
