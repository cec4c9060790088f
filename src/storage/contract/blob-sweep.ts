import assert from 'node:assert/strict';
import { readdir } from 'node:fs/promises';
import { it } from 'node:test';
import { assertStorageError } from './fixtures.js';
import type { BlobStoreHarness } from './harness.js';
import { readBlob, writeBlob } from './blob-store-contract.js';

const HOUR = 60 * 60 * 1000;

export function sweepCases(current: () => BlobStoreHarness): void {
  it('removes old orphans and temps but keeps referenced, young and in-flight blobs', async (t) => {
    const { store, age, strandTemp, tempDir } = current();
    if (!age || !strandTemp) return t.skip('the harness cannot age blobs or strand temp files');
    const referenced = await writeBlob(store, Buffer.from('referenced'));
    const orphan = await writeBlob(store, Buffer.from('orphan'));
    const young = await writeBlob(store, Buffer.from('young'));
    const inFlight = await writeBlob(store, Buffer.from('in flight'));
    for (const id of [referenced, orphan, inFlight]) await age(id, 2 * HOUR);
    await strandTemp(2 * HOUR);
    await strandTemp(0);
    const live = new Set([referenced]);
    const isReferenced = async (ids: string[]) => new Set(ids.filter((id) => live.has(id)));

    const periodic = await store.sweepOrphans({ isReferenced, minAgeMs: HOUR, inFlight: new Set([inFlight]) });
    assert.deepEqual(periodic, { removedBlobs: 1, removedTemps: 1 });
    await assertStorageError(store.read(orphan), 'NotFound');
    for (const id of [referenced, young, inFlight]) await readBlob(store, id);
    if (tempDir !== undefined) assert.equal((await readdir(tempDir)).length, 1, 'the young temp file stays');

    const atStartup = await store.sweepOrphans({ isReferenced, minAgeMs: 0, inFlight: new Set() });
    assert.deepEqual(atStartup, { removedBlobs: 2, removedTemps: 1 });
    assert.equal((await readBlob(store, referenced)).toString(), 'referenced');
    await assertStorageError(store.read(young), 'NotFound');
    if (tempDir !== undefined) assert.deepEqual(await readdir(tempDir), []);
  });

  it('asks about references in batches of at most 500 ids and asks about each blob once', async () => {
    const { store } = current();
    const ids = new Set<string>();
    for (let i = 0; i < 1001; i++) ids.add(await writeBlob(store, Buffer.from([i & 0xff])));
    const asked: number[] = [];
    const seen = new Set<string>();
    const keep = [...ids].filter((_, i) => i % 2 === 0);
    const result = await store.sweepOrphans({
      isReferenced: async (batch) => {
        asked.push(batch.length);
        for (const id of batch) {
          assert.ok(!seen.has(id), 'asked twice about one blob');
          seen.add(id);
        }
        return new Set(batch.filter((id) => keep.includes(id)));
      },
      minAgeMs: 0,
      inFlight: new Set(),
    });
    assert.ok(asked.every((n) => n > 0 && n <= 500), `batch sizes ${asked.join(',')}`);
    assert.equal(seen.size, 1001);
    assert.deepEqual(result, { removedBlobs: 1001 - keep.length, removedTemps: 0 });
    for (const id of keep.slice(0, 10)) await readBlob(store, id);
  });

  it('does nothing on an empty store', async () => {
    const result = await current().store.sweepOrphans({ isReferenced: async () => new Set(), minAgeMs: 0, inFlight: new Set() });
    assert.deepEqual(result, { removedBlobs: 0, removedTemps: 0 });
  });
}
