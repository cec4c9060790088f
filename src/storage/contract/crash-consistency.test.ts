/**
 * Crash consistency of SQLite metadata + filesystem blobs together: a writer process is
 * SIGKILLed at a random moment; afterwards every metadata row must reference a readable blob
 * of the recorded size and CRC, and the startup sweep must leave exactly the referenced blobs.
 * (SIGKILL loses the process, not the page cache; power loss is beyond a unit test.)
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { randomInt } from 'node:crypto';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { crc32 } from 'node:zlib';
import { describe, it } from 'node:test';
import BetterSqlite3 from 'better-sqlite3';
import { createFsBlobStore } from '../fs/index.js';
import type { BlobStore } from '../ports.js';
import { openSqliteMetadataStore } from '../sqlite/index.js';
import { readBlob } from './blob-store-contract.js';

const CHILD = fileURLToPath(new URL('./crash-writer.child.ts', import.meta.url));
const WRITES = 50;

/** Runs the writer and kills it after a random number of completed writes plus a random delay. */
async function runAndKill(dir: string, round: number): Promise<{ completed: number; killed: boolean }> {
  const killAfter = randomInt(0, WRITES - 5);
  const child = spawn(process.execPath, ['--import', 'tsx', CHILD, dir, String(round), String(WRITES)], { stdio: ['ignore', 'pipe', 'inherit'] });
  let completed = 0;
  let killed = false;
  child.stdout.setEncoding('utf8');
  child.stdout.on('data', (text: string) => {
    completed += text.split('\n').filter(Boolean).length;
    if (!killed && completed > killAfter) {
      killed = true;
      setTimeout(() => child.kill('SIGKILL'), randomInt(0, 4));
    }
  });
  const [code, signal] = await new Promise<[number | null, NodeJS.Signals | null]>((resolve) => child.on('exit', (c, s) => resolve([c, s])));
  assert.ok(signal === 'SIGKILL' || code === 0, `writer exited with ${code ?? signal}`);
  return { completed, killed: signal === 'SIGKILL' };
}

async function blobFiles(root: string): Promise<string[]> {
  const dir = join(root, 'blobs');
  const shards = await readdir(dir);
  return (await Promise.all(shards.map((shard) => readdir(join(dir, shard))))).flat();
}

async function assertConsistent(dir: string, blobs: BlobStore): Promise<number> {
  const raw = new BetterSqlite3(join(dir, 'metadata.sqlite'), { readonly: true });
  const rows = raw.prepare('select key, version_id, blob_id, record from objects').all() as Array<{ key: string; version_id: string; blob_id: string; record: string }>;
  raw.close();
  for (const row of rows) {
    const record = JSON.parse(row.record) as { size: number; dataCrc32: string };
    const bytes = await readBlob(blobs, row.blob_id);
    assert.equal(bytes.length, record.size, `${row.key}@${row.version_id}`);
    assert.equal(crc32(bytes).toString(16).padStart(8, '0'), record.dataCrc32, `${row.key}@${row.version_id}`);
  }
  return rows.length;
}

describe('crash consistency of metadata and blobs', () => {
  it('leaves every metadata row pointing at a complete blob after a SIGKILL at a random moment', async (t) => {
    const dir = await mkdtemp(join(tmpdir(), 'coffer-crash-'));
    try {
      for (let round = 0; round < 3; round++) {
        const { completed, killed } = await runAndKill(dir, round);
        t.diagnostic(`round ${round}: ${completed} writes acknowledged, killed: ${killed}`);
        const store = await openSqliteMetadataStore({ path: join(dir, 'metadata.sqlite') });
        const blobs = await createFsBlobStore({ root: join(dir, 'data') });
        const rows = await assertConsistent(dir, blobs);
        assert.ok(rows >= Math.min(completed, 1), `round ${round}: ${rows} rows after ${completed} acknowledged writes`);
        const page = await store.listObjects({ bucket: 'crash', prefix: '', after: '', delimiter: '', limit: 1000 });
        for (const object of page.objects) {
          assert.equal(object.data.kind, 'blob');
          if (object.data.kind === 'blob') assert.equal((await readBlob(blobs, object.data.blobId)).length, object.size);
        }
        await blobs.sweepOrphans({ isReferenced: (ids) => store.referencedBlobIds(ids), minAgeMs: 0, inFlight: new Set() });
        const files = await blobFiles(join(dir, 'data'));
        assert.equal((await store.referencedBlobIds(files)).size, files.length, 'only referenced blobs remain after the sweep');
        assert.equal(files.length, rows);
        assert.deepEqual(await readdir(join(dir, 'data', 'tmp')), []);
        assert.equal(await assertConsistent(dir, blobs), rows);
        await store.close();
      }
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
