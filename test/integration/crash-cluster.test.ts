/**
 * Multi-process mode (COFFER_WORKERS=2) under faults: the whole process group killed with
 * SIGKILL mid-upload, one worker killed, the primary killed, and a graceful SIGTERM.
 */
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { after, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { CreateBucketCommand, GetObjectCommand, ListObjectsV2Command, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { alive, freePort, waitForExit } from '../helpers/process.js';
import { ROOT_ACCESS_KEY, ROOT_SECRET_KEY } from '../helpers/server.js';

const BIN = fileURLToPath(new URL('../../bin/coffer.mjs', import.meta.url));
const sha = (data: Uint8Array): string => createHash('sha256').update(data).digest('hex');

/**
 * Request timeouts are required, not cosmetic: a connection the primary was handing to a worker
 * when that worker was killed is never answered nor closed (node:cluster round-robin), and
 * without a timeout the writer waiting on it would wait forever.
 */
function clientFor(endpoint: string): S3Client {
  return new S3Client({
    endpoint,
    region: 'us-east-1',
    forcePathStyle: true,
    maxAttempts: 1,
    requestHandler: { connectionTimeout: 5_000, requestTimeout: 20_000 },
    credentials: { accessKeyId: ROOT_ACCESS_KEY, secretAccessKey: ROOT_SECRET_KEY },
  });
}

interface Cluster {
  primary: ChildProcess;
  endpoint: string;
  output(): string;
}

/** Starts `coffer server` with COFFER_WORKERS=2 as the leader of its own process group. */
async function startCluster(dataDir: string, port: number): Promise<Cluster> {
  let output = '';
  const primary = spawn(process.execPath, [BIN, 'server', dataDir, '--address', `127.0.0.1:${port}`], {
    env: { PATH: process.env.PATH, COFFER_DEV: '1', COFFER_WORKERS: '2', COFFER_ROOT_USER: ROOT_ACCESS_KEY, COFFER_ROOT_PASSWORD: ROOT_SECRET_KEY, COFFER_LOG_LEVEL: 'warn' },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  primary.stdout?.on('data', (d: Buffer) => (output += d.toString()));
  primary.stderr?.on('data', (d: Buffer) => (output += d.toString()));
  const endpoint = `http://127.0.0.1:${port}`;
  for (let i = 0; i < 300; i++) {
    if (primary.exitCode !== null) throw new Error(`server exited early: ${output}`);
    try {
      if ((await fetch(`${endpoint}/coffer/health/ready`)).status === 200 && workerPids(primary).length === 2) return { primary, endpoint, output: () => output };
    } catch {
      // not listening yet
    }
    await sleep(100);
  }
  killGroup(primary);
  throw new Error(`cluster did not become ready: ${output}`);
}

/**
 * The primary's live children, each confirmed by its own /proc/PID/stat to have the primary as
 * parent, and never this test process or its parent: the pids are SIGKILLed, so a wrong read
 * (another pid namespace's /proc, a reused pid) must yield nothing rather than a wrong victim.
 */
function workerPids(primary: ChildProcess): number[] {
  const parent = primary.pid as number;
  try {
    return readFileSync(`/proc/${parent}/task/${parent}/children`, 'utf8')
      .trim()
      .split(/\s+/)
      .filter(Boolean)
      .map(Number)
      .filter((pid) => Number.isInteger(pid) && pid > 1 && pid !== process.pid && pid !== process.ppid && parentOf(pid) === parent);
  } catch {
    return [];
  }
}

function parentOf(pid: number): number | undefined {
  try {
    // /proc/PID/stat: "pid (comm) state ppid …"; comm may hold spaces and parentheses.
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return fields[0] === 'Z' ? undefined : Number(fields[1]);
  } catch {
    return undefined;
  }
}

/** SIGKILLs `pid` if it still is a live worker of the primary; says whether it did. */
function killWorker(primary: ChildProcess, pid: number): boolean {
  if (!workerPids(primary).includes(pid)) return false;
  process.kill(pid, 'SIGKILL');
  return true;
}

function killGroup(primary: ChildProcess): void {
  try {
    process.kill(-(primary.pid as number), 'SIGKILL');
  } catch {
    // already gone
  }
}

async function waitUntil(what: string, check: () => boolean, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting until ${what}`);
    await sleep(50);
  }
}

describe('crash consistency with COFFER_WORKERS=2', () => {
  const dirs: string[] = [];
  const started: ChildProcess[] = [];
  after(async () => {
    for (const child of started) killGroup(child);
    for (const dir of dirs) await rm(dir, { recursive: true, force: true });
  });

  async function cluster(dataDir: string, port: number): Promise<Cluster> {
    const running = await startCluster(dataDir, port);
    started.push(running.primary);
    return running;
  }

  it('after SIGKILL of every process during many uploads, every acknowledged object reads back identical and nothing torn is visible', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'coffer-crash-cluster-'));
    dirs.push(dataDir);
    const port = await freePort();
    const first = await cluster(dataDir, port);
    const pids = [first.primary.pid as number, ...workerPids(first.primary)];
    const client = clientFor(first.endpoint);
    await client.send(new CreateBucketCommand({ Bucket: 'crash' }));

    const intended = new Map<string, string>();
    const acknowledged = new Map<string, string>();
    let stop = false;
    let counter = 0;
    const writer = async (w: number) => {
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
    const writers = Array.from({ length: 24 }, (_, w) => writer(w));
    // Kill once enough writes were acknowledged (not after a fixed sleep), with uploads still in flight.
    try {
      await waitUntil('more than 20 uploads are acknowledged', () => acknowledged.size > 20, 60_000);
    } finally {
      killGroup(first.primary);
      stop = true;
    }
    await waitForExit(first.primary);
    await Promise.allSettled(writers);
    client.destroy();
    await waitUntil('every killed process is gone', () => pids.every((pid) => !alive(pid)));
    assert.ok(acknowledged.size > 10, `only ${acknowledged.size} uploads were acknowledged before the kill`);

    const second = await cluster(dataDir, port);
    const check = clientFor(second.endpoint);
    try {
      for (const [key, digest] of acknowledged) {
        const got = await check.send(new GetObjectCommand({ Bucket: 'crash', Key: key }));
        assert.equal(sha(await got.Body!.transformToByteArray()), digest, `acknowledged ${key} reads back identical`);
      }
      let token: string | undefined;
      let visible = 0;
      do {
        const page = await check.send(new ListObjectsV2Command({ Bucket: 'crash', ContinuationToken: token }));
        for (const object of page.Contents ?? []) {
          visible++;
          const digest = intended.get(object.Key!);
          assert.ok(digest, `${object.Key} was never sent`);
          const got = await check.send(new GetObjectCommand({ Bucket: 'crash', Key: object.Key! }));
          assert.equal(sha(await got.Body!.transformToByteArray()), digest, `${object.Key} is whole, not torn`);
        }
        token = page.NextContinuationToken;
      } while (token);
      assert.ok(visible >= acknowledged.size);
      assert.deepEqual(await readdir(join(dataDir, 'tmp')), [], 'the primary’s start-up sweep removed temp files');
    } finally {
      check.destroy();
      second.primary.kill('SIGTERM');
      assert.equal(await waitForExit(second.primary), 0);
    }
  });

  it('replaces a worker killed mid-upload; acknowledged writes stay readable and service continues', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'coffer-worker-kill-'));
    dirs.push(dataDir);
    const running = await cluster(dataDir, await freePort());
    const client = clientFor(running.endpoint);
    // Writers run until `stop`; the finally block stops and awaits them, so a failed assertion
    // cannot leave them spinning on a stopped server (a tight loop of failing requests that ran
    // the test process out of memory in CI).
    let stop = false;
    let writers: Promise<void>[] = [];
    try {
      await client.send(new CreateBucketCommand({ Bucket: 'kill' }));
      const acknowledged = new Map<string, string>();
      const writer = async (w: number) => {
        for (let i = 0; !stop; i++) {
          const body = randomBytes(i % 2 === 0 ? 3000 : 300_000);
          try {
            await client.send(new PutObjectCommand({ Bucket: 'kill', Key: `w${w}/${i}`, Body: body }));
            acknowledged.set(`w${w}/${i}`, sha(body));
          } catch {
            // requests on the killed worker's connections fail; the others go on
            await sleep(20);
          }
        }
      };
      writers = Array.from({ length: 8 }, (_, w) => writer(w));
      await waitUntil('some uploads are acknowledged', () => acknowledged.size > 5, 60_000);
      const [victim, survivor] = workerPids(running.primary) as [number, number];
      assert.ok(killWorker(running.primary, victim), `${victim} is a live worker`);
      const before = acknowledged.size;
      await waitUntil(
        'a replacement worker runs',
        () => {
          const now = workerPids(running.primary);
          return now.length === 2 && !now.includes(victim) && now.includes(survivor);
        },
        60_000,
      );
      await waitUntil('uploads continue after the replacement', () => acknowledged.size > before + 5, 60_000);
      stop = true;
      await Promise.all(writers);
      for (const [key, digest] of acknowledged) {
        const got = await client.send(new GetObjectCommand({ Bucket: 'kill', Key: key }));
        assert.equal(sha(await got.Body!.transformToByteArray()), digest, `${key} reads back identical`);
      }
      assert.match(running.output(), /a worker died; starting a new one/);
    } finally {
      stop = true;
      await Promise.allSettled(writers);
      client.destroy();
      running.primary.kill('SIGTERM');
      assert.equal(await waitForExit(running.primary), 0);
    }
  });

  it('SIGTERM to the primary lets an in-flight upload finish, then every process exits cleanly', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'coffer-term-cluster-'));
    dirs.push(dataDir);
    const port = await freePort();
    const running = await cluster(dataDir, port);
    const workers = workerPids(running.primary);
    const client = clientFor(running.endpoint);
    await client.send(new CreateBucketCommand({ Bucket: 'term' }));
    const body = randomBytes(8 * 1024 * 1024);
    let sent = 0;
    async function* slowBody() {
      for (let i = 0; i < 8; i++) {
        yield body.subarray(i * 1024 * 1024, (i + 1) * 1024 * 1024);
        sent++;
        await sleep(60);
      }
    }
    const upload = client.send(new PutObjectCommand({ Bucket: 'term', Key: 'slow', Body: Readable.from(slowBody(), { objectMode: false, highWaterMark: 1 }), ContentLength: body.length }));
    // SIGTERM once the upload is under way (its body is flowing), not after a fixed sleep.
    await waitUntil('the upload body is flowing', () => sent >= 2);
    running.primary.kill('SIGTERM');
    await upload;
    assert.equal(await waitForExit(running.primary), 0);
    await waitUntil('the workers exited', () => workers.every((pid) => !alive(pid)));
    client.destroy();
    const again = await cluster(dataDir, port);
    const check = clientFor(again.endpoint);
    try {
      const got = await check.send(new GetObjectCommand({ Bucket: 'term', Key: 'slow' }));
      assert.equal(sha(await got.Body!.transformToByteArray()), sha(body));
    } finally {
      check.destroy();
      again.primary.kill('SIGTERM');
      await waitForExit(again.primary);
    }
  });

  it('stops the whole server with an error when workers keep dying', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'coffer-crashloop-'));
    dirs.push(dataDir);
    const running = await cluster(dataDir, await freePort());
    const killed = new Set<number>();
    const deadline = Date.now() + 120_000;
    while (running.primary.exitCode === null) {
      assert.ok(Date.now() < deadline, `the primary still runs after ${killed.size} workers were killed`);
      const victim = workerPids(running.primary).find((pid) => !killed.has(pid));
      if (victim !== undefined) {
        killed.add(victim);
        killWorker(running.primary, victim);
      }
      await sleep(50);
    }
    assert.equal(running.primary.exitCode, 1);
    assert.match(running.output(), /workers keep dying; stopping/);
    assert.ok(killed.size >= 6 && killed.size <= 8, `${killed.size} workers were killed`);
  });

  it('workers exit when the primary is killed, leaving nothing serving the port', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'coffer-orphan-'));
    dirs.push(dataDir);
    const running = await cluster(dataDir, await freePort());
    const workers = workerPids(running.primary);
    assert.equal(workers.length, 2);
    running.primary.kill('SIGKILL');
    await waitForExit(running.primary);
    await waitUntil('the workers exited', () => workers.every((pid) => !alive(pid)));
  });
});
