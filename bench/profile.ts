/**
 * Per-request server CPU for the small-object path, the figure to optimise when the machine is
 * too busy for throughput numbers to mean much:
 *
 *   npx tsx bench/profile.ts [--workers N] [--seconds S] [--concurrency C] [--cpu-prof DIR] [--size BYTES] [--ceiling]
 *
 * Starts the built Coffer (dist/, run `npm run build` first) on a fresh data folder, PUTs
 * `size`-byte objects for S seconds, then GETs them for S seconds, and reports for each phase
 * ops/s and the CPU time (user + system, from /proc) that the Coffer process tree — the primary
 * and every worker — spent per request. `--cpu-prof DIR` runs Coffer under `node --cpu-prof`
 * (one .cpuprofile per process, written at exit). `--ceiling` measures the ceiling server instead.
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { setTimeout as sleep } from 'node:timers/promises';
import { S3LoadClient } from './load.js';
import { cpuBusy } from './report.js';
import { freePort } from './servers.js';

const ROOT = new URL('..', import.meta.url).pathname;
const { values } = parseArgs({
  options: {
    workers: { type: 'string', default: '1' },
    seconds: { type: 'string', default: '8' },
    concurrency: { type: 'string', default: '16' },
    size: { type: 'string', default: '4096' },
    'cpu-prof': { type: 'string' },
    ceiling: { type: 'boolean', default: false },
  },
});
const TICK_US = 1e6 / 100; // USER_HZ is 100 on Linux
let spawnedAt = 0;

/** utime + stime (µs) of `pid` and all its descendants, from /proc; `sysUs` gets the stime part. */
let sysUs = 0;
function treeCpuUs(pid: number): number {
  const stats = new Map<number, { ppid: number; cpu: number; sys: number }>();
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const text = readFileSync(`/proc/${name}/stat`, 'utf8');
      const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
      stats.set(Number(name), { ppid: Number(fields[1]), cpu: (Number(fields[11]) + Number(fields[12])) * TICK_US, sys: Number(fields[12]) * TICK_US });
    } catch {
      // exited meanwhile
    }
  }
  let total = 0;
  sysUs = 0;
  const queue = [pid];
  while (queue.length > 0) {
    const current = queue.pop() as number;
    total += stats.get(current)?.cpu ?? 0;
    sysUs += stats.get(current)?.sys ?? 0;
    for (const [child, s] of stats) if (s.ppid === current) queue.push(child);
  }
  return total;
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'coffer-profile-'));
  const port = await freePort();
  const secretKey = `profile-${randomBytes(6).toString('hex')}`;
  const nodeArgs = values['cpu-prof'] ? ['--cpu-prof', `--cpu-prof-dir=${resolve(values['cpu-prof'])}`] : [];
  const target = values.ceiling
    ? ['--import', 'tsx', join(ROOT, 'bench/ceiling-server.ts'), String(port)]
    : [join(ROOT, 'bin/coffer.mjs'), 'server', join(dir, 'data'), '--address', `127.0.0.1:${port}`];
  const child = spawn(process.execPath, [...nodeArgs, ...target], {
    env: { ...process.env, COFFER_ROOT_USER: 'profileroot', COFFER_ROOT_PASSWORD: secretKey, COFFER_LOG_LEVEL: 'warn', COFFER_WORKERS: values.workers },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  spawnedAt = performance.now();
  const endpoint = { url: `http://127.0.0.1:${port}`, accessKey: 'profileroot', secretKey };
  try {
    for (let i = 0; ; i += 1) {
      if (i > 300) throw new Error('Coffer did not start');
      try {
        const res = await fetch(`${endpoint.url}/coffer/health/ready`);
        await res.arrayBuffer();
        if (res.ok || values.ceiling) break;
      } catch {
        // not yet
      }
      await sleep(100);
    }
    const client = new S3LoadClient(endpoint, Number(values.concurrency));
    const bucket = `profile-${randomBytes(3).toString('hex')}`;
    await client.request('PUT', `/${bucket}`);
    const data = randomBytes(Number(values.size));
    const seconds = Number(values.seconds);
    // Warm-up: JIT, statement cache, connection pool.
    await client.small(bucket, 1, data);
    const busyBefore = await cpuBusy(500);
    const c0 = process.cpuUsage();
    const r = await phaseCpu(child.pid as number, client, bucket, data, seconds);
    const c1 = process.cpuUsage(c0);
    const clientUs = (c1.user + c1.system) / (r.put.ops + r.get.ops);
    process.stdout.write(
      `workers=${values.workers} size=${values.size} concurrency=${values.concurrency} machine busy before=${((busyBefore ?? 0) * 100).toFixed(0)}%\n` +
        `PUT ${r.put.rate.toFixed(0).padStart(6)} ops/s  server CPU ${r.put.cpuUs.toFixed(0)} µs/op (sys ${r.put.sysUs.toFixed(0)})  (${r.put.ops} ops, ${r.put.errors} errors)\n` +
        `GET ${r.get.rate.toFixed(0).padStart(6)} ops/s  server CPU ${r.get.cpuUs.toFixed(0)} µs/op (sys ${r.get.sysUs.toFixed(0)})  (${r.get.ops} ops, ${r.get.errors} errors)\n` +
        `client CPU ${clientUs.toFixed(0)} µs/op\n`,
    );
    await client.close();
  } finally {
    const exited = new Promise((r) => child.once('exit', r));
    child.kill('SIGTERM');
    await Promise.race([exited, sleep(20_000)]);
    rmSync(dir, { recursive: true, force: true });
  }
}

interface PhaseCpu {
  ops: number;
  errors: number;
  rate: number;
  cpuUs: number;
  sysUs: number;
}

/** A PUT phase, then a GET phase over the keys it wrote, each with its own CPU reading. */
async function phaseCpu(pid: number, client: S3LoadClient, bucket: string, data: Buffer, seconds: number): Promise<{ put: PhaseCpu; get: PhaseCpu }> {
  const keys: string[] = [];
  const run = async (method: 'PUT' | 'GET'): Promise<PhaseCpu> => {
    let ops = 0;
    let errors = 0;
    const cpu0 = treeCpuUs(pid);
    const sys0 = sysUs;
    const t0 = performance.now();
    const deadline = t0 + seconds * 1000;
    await Promise.all(
      Array.from({ length: client.concurrency }, async (_, w) => {
        for (let n = w; performance.now() < deadline; n += client.concurrency) {
          const key = method === 'PUT' ? `/${bucket}/phase/w${w}/obj-${n}` : (keys[n % keys.length] as string);
          const reply = await client.request(method, key, {}, method === 'PUT' ? data : undefined);
          if (reply.status !== 200) errors += 1;
          else {
            ops += 1;
            if (method === 'PUT') keys.push(key);
          }
        }
      }),
    );
    const elapsed = (performance.now() - t0) / 1000;
    const since = (t: number): string => ((t - spawnedAt) / 1000).toFixed(2);
    process.stdout.write(`${method} phase ran ${since(t0)}–${since(performance.now())} s after spawn (cpuprofile-summary --window)\n`);
    const cpuUs = (treeCpuUs(pid) - cpu0) / Math.max(1, ops);
    return { ops, errors, rate: ops / elapsed, cpuUs, sysUs: (sysUs - sys0) / Math.max(1, ops) };
  };
  const put = await run('PUT');
  return { put, get: await run('GET') };
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.stack ?? error.message : String(error)}\n`);
  process.exitCode = 1;
});
