import assert from 'node:assert/strict';
import { mkdtemp, open, readdir, rm, stat, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { describe, it } from 'node:test';
import { randomId } from '../../core/index.js';
import { runBlobStoreContract, type BlobStoreHarness } from '../contract/index.js';
import { StorageError } from '../ports.js';
import { BlobWriteStream } from './blob-writer.js';
import { createFsBlobStore } from './index.js';

async function harness(fsyncEnabled: boolean): Promise<BlobStoreHarness & { root: string }> {
  const root = await mkdtemp(join(tmpdir(), 'coffer-blobs-'));
  const store = await createFsBlobStore({ root, fsyncEnabled });
  const backdate = async (path: string, ageMs: number) => {
    const when = new Date(Date.now() - ageMs);
    await utimes(path, when, when);
  };
  return {
    root,
    store,
    tempDir: join(root, 'tmp'),
    age: (blobId, ageMs) => backdate(join(root, 'blobs', blobId.slice(0, 2), blobId), ageMs),
    async strandTemp(ageMs) {
      const path = join(root, 'tmp', `${randomId()}.part`);
      await writeFile(path, 'half an upload');
      await backdate(path, ageMs);
    },
    dispose: () => rm(root, { recursive: true, force: true }),
  };
}

runBlobStoreContract('filesystem blob store', () => harness(true));
runBlobStoreContract('filesystem blob store without fsync', () => harness(false));

describe('filesystem blob store layout', () => {
  it('keeps blobs in two-character shard directories with private permissions', async () => {
    const h = await harness(true);
    try {
      const writer = await h.store.createWriter();
      await pipeline(Readable.from([Buffer.from('secret')]), writer.stream);
      const { blobId } = await writer.commit();
      assert.match(blobId, /^[0-9A-HJKMNP-TV-Z]{26}$/);
      const shard = join(h.root, 'blobs', blobId.slice(0, 2));
      assert.equal((await stat(join(shard, blobId))).mode & 0o777, 0o600);
      for (const dir of [shard, join(h.root, 'blobs'), join(h.root, 'tmp')]) assert.equal((await stat(dir)).mode & 0o777, 0o700, dir);
      assert.deepEqual(await readdir(join(h.root, 'tmp')), []);
    } finally {
      await h.dispose();
    }
  });

  it('turns a full disk into StorageError NoSpace on the upload stream', async () => {
    const handle = await open('/dev/full', 'w');
    const stream = new BlobWriteStream('/dev/full', { fd: handle, autoClose: false });
    await assert.rejects(pipeline(Readable.from([Buffer.alloc(4096)]), stream), (error: unknown) => {
      assert.ok(error instanceof StorageError);
      assert.equal(error.code, 'NoSpace');
      return true;
    });
    await handle.close();
  });
});
