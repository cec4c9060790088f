/**
 * Child process for the crash-consistency test: writes blobs and their metadata the way the
 * object service does (blob commit → metadata commit → unlink replaced blobs) and prints the
 * index of each completed write, until the parent SIGKILLs it. Usage: <dir> <round> <count>.
 */
import { randomBytes, randomInt } from 'node:crypto';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { crc32 } from 'node:zlib';
import { createFsBlobStore } from '../fs/index.js';
import { StorageError } from '../ports.js';
import { openSqliteMetadataStore } from '../sqlite/index.js';
import { bucketRecord, objectRecord } from './fixtures.js';

async function runCrashWriter(dir: string, round: number, count: number): Promise<void> {
  const store = await openSqliteMetadataStore({ path: join(dir, 'metadata.sqlite') });
  const blobs = await createFsBlobStore({ root: join(dir, 'data') });
  await store.createBucket(bucketRecord('crash')).catch((error: unknown) => {
    if (!(error instanceof StorageError && error.code === 'AlreadyExists')) throw error;
  });
  for (let i = 0; i < count; i++) {
    const bytes = randomBytes(randomInt(0, 256 * 1024));
    const writer = await blobs.createWriter();
    await pipeline(Readable.from([bytes]), writer.stream);
    const { blobId, size } = await writer.commit();
    // Every third write replaces a 'null' version; the others add versions.
    const versionId = i % 3 === 0 ? 'null' : `r${round}-v${i}`;
    const { removed } = await store.putObjectVersion(
      objectRecord('crash', `key-${i % 10}`, {
        versionId,
        size,
        dataCrc32: crc32(bytes).toString(16).padStart(8, '0'),
        data: { kind: 'blob', blobId },
      }),
    );
    for (const old of removed) if (old.data.kind === 'blob') await blobs.delete(old.data.blobId);
    process.stdout.write(`${i}\n`);
  }
  await store.close();
}

const [dir, round, count] = process.argv.slice(2);
if (dir !== undefined) await runCrashWriter(dir, Number(round ?? 0), Number(count ?? 50));
