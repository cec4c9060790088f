import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { Readable } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';
import { CreateBucketCommand, GetObjectCommand, ListObjectsV2Command, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { freePort, spawnServer, waitForExit } from '../helpers/process.js';
import { ROOT_ACCESS_KEY, ROOT_SECRET_KEY } from '../helpers/server.js';

const sha = (data: Uint8Array): string => createHash('sha256').update(data).digest('hex');

function clientFor(endpoint: string): S3Client {
  return new S3Client({ endpoint, region: 'us-east-1', forcePathStyle: true, maxAttempts: 1, credentials: { accessKeyId: ROOT_ACCESS_KEY, secretAccessKey: ROOT_SECRET_KEY } });
}

describe('crash consistency', () => {
  const dirs: string[] = [];
  after(async () => {
    for (const dir of dirs) await rm(dir, { recursive: true, force: true });
  });

  it('after SIGKILL during many uploads, every acknowledged object reads back identical and nothing torn is visible', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'coffer-crash-'));
    dirs.push(dataDir);
    const port = await freePort();
    const first = await spawnServer(dataDir, port);
    const client = clientFor(first.endpoint);
    await client.send(new CreateBucketCommand({ Bucket: 'crash' }));

    const intended = new Map<string, string>();
    const acknowledged = new Map<string, string>();
    let stop = false;
    let counter = 0;
    const worker = async (w: number) => {
      while (!stop) {
        const key = `w${w}/obj-${counter++}`;
        const size = [0, 1000, 70_000, 200_000, 1_500_000][counter % 5] as number;
        const body = randomBytes(size);
        intended.set(key, sha(body));
        try {
          await client.send(new PutObjectCommand({ Bucket: 'crash', Key: key, Body: body }));
          acknowledged.set(key, sha(body));
        } catch {
          return;
        }
      }
    };
    const workers = Array.from({ length: 24 }, (_, w) => worker(w));
    // Kill once enough writes were acknowledged (a fixed sleep got only 8 on a busy machine), with uploads still in flight.
    for (let waited = 0; acknowledged.size <= 20 && waited < 30_000; waited += 50) await sleep(50);
    first.child.kill('SIGKILL');
    stop = true;
    await waitForExit(first.child);
    await Promise.allSettled(workers);
    client.destroy();
    assert.ok(acknowledged.size > 10, `only ${acknowledged.size} uploads were acknowledged before the kill`);

    const second = await spawnServer(dataDir, port);
    const after = clientFor(second.endpoint);
    try {
      for (const [key, digest] of acknowledged) {
        const got = await after.send(new GetObjectCommand({ Bucket: 'crash', Key: key }));
        assert.equal(sha(await got.Body!.transformToByteArray()), digest, `acknowledged ${key} reads back identical`);
      }
      let token: string | undefined;
      let visible = 0;
      do {
        const page = await after.send(new ListObjectsV2Command({ Bucket: 'crash', ContinuationToken: token }));
        for (const object of page.Contents ?? []) {
          visible++;
          const digest = intended.get(object.Key!);
          assert.ok(digest, `${object.Key} was never sent`);
          const got = await after.send(new GetObjectCommand({ Bucket: 'crash', Key: object.Key! }));
          assert.equal(sha(await got.Body!.transformToByteArray()), digest, `${object.Key} is whole, not torn`);
        }
        token = page.NextContinuationToken;
      } while (token);
      assert.ok(visible >= acknowledged.size);
      assert.deepEqual(await readdir(join(dataDir, 'tmp')), [], 'the start-up sweep removed temp files');
    } finally {
      after.destroy();
      second.child.kill('SIGTERM');
      await waitForExit(second.child);
    }
  });

  it('SIGTERM lets an in-flight upload finish before the process exits', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'coffer-term-'));
    dirs.push(dataDir);
    const port = await freePort();
    const server = await spawnServer(dataDir, port);
    const client = clientFor(server.endpoint);
    await client.send(new CreateBucketCommand({ Bucket: 'term' }));
    const body = randomBytes(8 * 1024 * 1024);
    async function* slowBody() {
      for (let i = 0; i < 8; i++) {
        yield body.subarray(i * 1024 * 1024, (i + 1) * 1024 * 1024);
        await sleep(60);
      }
    }
    const upload = client.send(new PutObjectCommand({ Bucket: 'term', Key: 'slow', Body: Readable.from(slowBody()), ContentLength: body.length }));
    await sleep(150);
    server.child.kill('SIGTERM');
    await upload;
    assert.equal(await waitForExit(server.child), 0);
    client.destroy();
    const again = await spawnServer(dataDir, port);
    const check = clientFor(again.endpoint);
    const got = await check.send(new GetObjectCommand({ Bucket: 'term', Key: 'slow' }));
    assert.equal(sha(await got.Body!.transformToByteArray()), sha(body));
    check.destroy();
    again.child.kill('SIGTERM');
    await waitForExit(again.child);
  });
});
