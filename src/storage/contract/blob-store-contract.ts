/**
 * The BlobStore contract: every blob store runs these cases. Each case gets a fresh, empty store.
 */
import assert from 'node:assert/strict';
import { readdir } from 'node:fs/promises';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { describe, it } from 'node:test';
import type { BlobStore, ByteRange } from '../ports.js';
import { assertStorageError } from './fixtures.js';
import { freshHarnessPerTest, type BlobStoreFactory } from './harness.js';
import { sweepCases } from './blob-sweep.js';

export async function writeBlob(store: BlobStore, bytes: Buffer): Promise<string> {
  const writer = await store.createWriter();
  await pipeline(Readable.from(chunks(bytes)), writer.stream);
  const { blobId, size } = await writer.commit();
  assert.equal(size, bytes.length);
  return blobId;
}

export async function readBlob(store: BlobStore, blobId: string, range?: ByteRange): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const part of await store.read(blobId, range)) parts.push(part as Buffer);
  return Buffer.concat(parts);
}

function* chunks(bytes: Buffer, size = 64 * 1024): Generator<Buffer> {
  for (let i = 0; i < bytes.length; i += size) yield bytes.subarray(i, i + size);
}

export function patterned(length: number): Buffer {
  const bytes = Buffer.alloc(length);
  for (let i = 0; i < length; i++) bytes[i] = (i * 31 + (i >> 8)) & 0xff;
  return bytes;
}

const INVALID_IDS = ['', '.', '..', '../x', '../../etc/passwd', 'a/b', '/etc/passwd', '01ARZ3NDEKTSV4RRFFQ69G5FA\0', 'aa', '01arz3ndektsv4rrffq69g5fav', '01ARZ3NDEKTSV4RRFFQ69G5FAVX'];

export function runBlobStoreContract(name: string, factory: BlobStoreFactory): void {
  describe(`${name} (BlobStore contract)`, () => {
    const current = freshHarnessPerTest(factory);
    const tempFiles = async () => {
      const dir = current().tempDir;
      return dir === undefined ? [] : readdir(dir);
    };

    it('commits a blob and reads back the same bytes', async () => {
      for (const length of [0, 1, 4096, 3 * 1024 * 1024 + 7]) {
        const bytes = patterned(length);
        const id = await writeBlob(current().store, bytes);
        assert.ok(id.length > 0);
        assert.ok((await readBlob(current().store, id)).equals(bytes), `${length} bytes`);
      }
      assert.deepEqual(await tempFiles(), []);
    });

    it('gives every committed blob its own id', async () => {
      const ids = new Set<string>();
      for (let i = 0; i < 20; i++) ids.add(await writeBlob(current().store, Buffer.from(`blob ${i}`)));
      assert.equal(ids.size, 20);
    });

    it('reads inclusive byte ranges', async () => {
      const bytes = patterned(2 * 1024 * 1024 + 3);
      const id = await writeBlob(current().store, bytes);
      const ranges: ByteRange[] = [
        { start: 0, end: 0 },
        { start: 0, end: bytes.length - 1 },
        { start: bytes.length - 1, end: bytes.length - 1 },
        { start: 1024 * 1024 - 1, end: 1024 * 1024 + 1 },
        { start: 17, end: 1_500_000 },
      ];
      for (const range of ranges) {
        assert.ok((await readBlob(current().store, id, range)).equals(bytes.subarray(range.start, range.end + 1)), JSON.stringify(range));
      }
    });

    it('reports NotFound for a blob that does not exist or was deleted', async () => {
      const id = await writeBlob(current().store, Buffer.from('bye'));
      await current().store.delete(id);
      await assertStorageError(current().store.read(id), 'NotFound');
      await current().store.delete(id);
    });

    it('rejects blob ids that are not ids it issued, so no path can be smuggled in', async () => {
      for (const id of INVALID_IDS) {
        await assertStorageError(current().store.read(id), 'NotFound');
        await assert.rejects(current().store.delete(id), `delete(${JSON.stringify(id)})`);
      }
    });

    it('leaves no temp file behind when a writer is aborted, even twice', async () => {
      const writer = await current().store.createWriter();
      writer.stream.write(Buffer.from('partial'));
      await writer.abort();
      await writer.abort();
      assert.deepEqual(await tempFiles(), []);
      await assert.rejects(writer.commit());
    });

    it('leaves no temp file behind when the upload stream fails and the writer is aborted', async () => {
      const writer = await current().store.createWriter();
      const failing = Readable.from((async function* () {
        yield Buffer.from('some bytes');
        throw new Error('client went away');
      })());
      await assert.rejects(pipeline(failing, writer.stream), /client went away/);
      await writer.abort();
      assert.deepEqual(await tempFiles(), []);
    });

    it('commits a writer whose stream the caller did not end', async () => {
      const writer = await current().store.createWriter();
      writer.stream.write(Buffer.from('unended'));
      const { blobId, size } = await writer.commit();
      assert.equal(size, 7);
      assert.equal((await readBlob(current().store, blobId)).toString(), 'unended');
      await writer.abort();
      assert.equal((await readBlob(current().store, blobId)).toString(), 'unended', 'abort after commit keeps the blob');
    });

    describe('orphan sweep', () => sweepCases(current));
  });
}
