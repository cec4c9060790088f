/**
 * npm run bench [-- --rounds 3 --duration 10 --large-count 32 --only large|small --workers N --no-build]
 *
 * Builds Coffer, starts it (with COFFER_WORKERS = the CPU count, as an operator would run it on
 * this machine; --workers overrides) and the ceiling server (bench/ceiling-server.ts, a single
 * process) on this machine,
 * then runs the same load against both, alternating, for N rounds: PUT/GET MiB/s of 64 MiB
 * objects and PUT/GET ops/s of 4 KiB objects at concurrency 16. Prints medians, the ratio
 * Coffer ÷ ceiling against the targets, and writes bench/results/latest.json.
 * Coffer runs with a static KMS key and also does the 64 MiB round in a bucket whose default
 * encryption is SSE-S3; those figures are reported against Coffer's own unencrypted ones in the
 * same round (issue 6's target: ≥ 80 %). --no-sse skips that phase.
 */
import { spawnSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { S3LoadClient, type PhaseResult } from './load.js';
import { median, renderTable, summarize, type MetricName, type RoundFigures, waitForIdle } from './report.js';
import { COFFER_WORKERS, startCeiling, startCoffer, type RunningServer } from './servers.js';

const ROOT = new URL('..', import.meta.url).pathname;
const MiB = 1024 * 1024;
const LARGE_SIZE = 64 * MiB;
const SMALL_SIZE = 4096;
const CONCURRENCY = 16;

const { values } = parseArgs({
  options: {
    rounds: { type: 'string', default: '3' },
    duration: { type: 'string', default: '10' },
    'large-count': { type: 'string', default: '32' },
    only: { type: 'string' },
    'no-build': { type: 'boolean', default: false },
    workers: { type: 'string', default: COFFER_WORKERS },
    'no-sse': { type: 'boolean', default: false },
  },
});
const rounds = Number(values.rounds);
const duration = Number(values.duration);
const largeCount = Number(values['large-count']);
const only = values.only;
const workers = values.workers;
const sse = !values['no-sse'] && only !== 'small';
const SSE_TARGET = 0.8;
type SseFigures = { round: number; put_MiBps: number; get_MiBps: number; plainPut: number; plainGet: number };
const sseRounds: SseFigures[] = [];
if (
  ![rounds, duration, largeCount].every((n) => Number.isInteger(n) && n > 0) ||
  (only !== undefined && only !== 'large' && only !== 'small') ||
  !/^(\d{1,2}|auto)$/.test(workers)
) {
  process.stderr.write('usage: tsx bench/run.ts [--rounds N] [--duration S] [--large-count N] [--only large|small] [--workers N|auto] [--no-build]\n');
  process.exit(2);
}

const log = (message: string): void => {
  process.stderr.write(`[bench] ${message}\n`);
};

async function oneRound(server: RunningServer, round: number, data: Buffer): Promise<RoundFigures> {
  const client = new S3LoadClient(server.endpoint, CONCURRENCY);
  const bucket = `bench-${round}-${randomBytes(4).toString('hex')}`;
  const metrics: RoundFigures['metrics'] = {};
  const phases: RoundFigures['phases'] = {};
  const note = (metric: MetricName, phase: PhaseResult, value: number): void => {
    phases[metric] = phase;
    metrics[metric] = value;
    const errors = phase.errors > 0 ? `, ${phase.errors} errors: ${phase.firstErrors.join(' | ')}` : '';
    log(`  ${server.name} ${metric} = ${value.toFixed(1)} (p50 ${phase.p50Ms.toFixed(1)} ms, p99 ${phase.p99Ms.toFixed(1)} ms${errors})`);
  };
  const paths: string[] = [];
  try {
    const created = await client.request('PUT', `/${bucket}`);
    if (created.status !== 200) throw new Error(`CreateBucket: HTTP ${created.status} ${created.text}`);
    if (only !== 'small') {
      const { put, get } = await client.large(bucket, largeCount, data);
      note('put_large_MiBps', put, put.bytes / MiB / put.seconds);
      note('get_large_MiBps', get, get.bytes / MiB / get.seconds);
      for (let i = 0; i < largeCount; i += 1) paths.push(`/${bucket}/large/obj-${String(i).padStart(5, '0')}`);
    }
    if (only !== 'large') {
      const { put, get, keys } = await client.small(bucket, duration, data.subarray(0, SMALL_SIZE));
      note('put_small_ops', put, put.ops / put.seconds);
      note('get_small_ops', get, get.ops / get.seconds);
      for (const key of keys) paths.push(key);
    }
    let cleanupFailures = await client.cleanup(bucket, paths);
    if (sse && server.name === 'coffer') cleanupFailures += await sseRound(client, round, data, metrics);
    if (cleanupFailures > 0) log(`  ${server.name}: ${cleanupFailures} cleanup request(s) failed`);
    return { round, server: server.name, metrics, phases, cleanupFailures };
  } finally {
    await client.close();
  }
}

/** The 64 MiB round again in a bucket with SSE-S3 default encryption (Coffer only). */
async function sseRound(client: S3LoadClient, round: number, data: Buffer, plain: RoundFigures['metrics']): Promise<number> {
  const bucket = `bench-sse-${round}-${randomBytes(4).toString('hex')}`;
  const created = await client.request('PUT', `/${bucket}`);
  if (created.status !== 200) throw new Error(`CreateBucket: HTTP ${created.status} ${created.text}`);
  const rule = Buffer.from('<ServerSideEncryptionConfiguration><Rule><ApplyServerSideEncryptionByDefault><SSEAlgorithm>AES256</SSEAlgorithm></ApplyServerSideEncryptionByDefault></Rule></ServerSideEncryptionConfiguration>');
  const md5 = createHash('md5').update(rule).digest('base64');
  const set = await client.request('PUT', `/${bucket}`, { encryption: '' }, rule, { 'content-md5': md5 });
  if (set.status !== 200) throw new Error(`PutBucketEncryption: HTTP ${set.status} ${set.text}`);
  const { put, get } = await client.large(bucket, largeCount, data);
  const figures = { round, put_MiBps: put.bytes / MiB / put.seconds, get_MiBps: get.bytes / MiB / get.seconds, plainPut: plain.put_large_MiBps ?? NaN, plainGet: plain.get_large_MiBps ?? NaN };
  sseRounds.push(figures);
  const errors = put.errors + get.errors > 0 ? `, ${put.errors + get.errors} errors: ${[...put.firstErrors, ...get.firstErrors].join(' | ')}` : '';
  log(`  coffer SSE-S3 put_large_MiBps = ${figures.put_MiBps.toFixed(1)}, get_large_MiBps = ${figures.get_MiBps.toFixed(1)}${errors}`);
  const paths = Array.from({ length: largeCount }, (_, i) => `/${bucket}/large/obj-${String(i).padStart(5, '0')}`);
  return client.cleanup(bucket, paths);
}

function sseTable(): string {
  const med = (pick: (r: SseFigures) => number): number => median(sseRounds.map(pick));
  const row = (label: string, enc: number, plain: number): string => {
    const ratio = enc / plain;
    return `${label.padEnd(12)} ${enc.toFixed(1).padStart(9)} ${plain.toFixed(1).padStart(12)} ${`${(ratio * 100).toFixed(0)} %`.padStart(7)}  target ≥ ${SSE_TARGET * 100} % ${ratio >= SSE_TARGET ? 'met' : 'NOT met'}`;
  };
  return [
    `\nSSE-S3 vs unencrypted Coffer, same rounds (median of ${sseRounds.length}; MiB/s):`,
    `${'metric'.padEnd(12)} ${'SSE-S3'.padStart(9)} ${'unencrypted'.padStart(12)} ${'ratio'.padStart(7)}`,
    row('PUT 64 MiB', med((r) => r.put_MiBps), med((r) => r.plainPut)),
    row('GET 64 MiB', med((r) => r.get_MiBps), med((r) => r.plainGet)),
  ].join('\n');
}

async function main(): Promise<void> {
  if (!values['no-build']) {
    log('building (npm run build)');
    const build = spawnSync('npm', ['run', 'build', '--silent'], { cwd: ROOT, stdio: 'inherit' });
    if (build.status !== 0) throw new Error('npm run build failed');
  }
  const data = randomBytes(LARGE_SIZE);
  const servers: RunningServer[] = [];
  const results: RoundFigures[] = [];
  const busy: number[] = [];
  try {
    const kmsEnv: Record<string, string> = sse ? { COFFER_KMS_SECRET_KEY: `bench-key:${randomBytes(32).toString('base64')}` } : {};
    servers.push(await startCeiling(ROOT), await startCoffer(ROOT, workers, kmsEnv));
    log(`ceiling ${servers[0]?.endpoint.url} (pid ${servers[0]?.pid}, 1 process), coffer ${servers[1]?.endpoint.url} (pid ${servers[1]?.pid}, COFFER_WORKERS=${workers})`);
    for (let round = 1; round <= rounds; round += 1) {
      const order = round % 2 === 1 ? servers : [...servers].reverse();
      for (const server of order) {
        const b = await waitForIdle();
        if (b !== undefined) busy.push(b);
        log(`round ${round}/${rounds}: ${server.name}${b !== undefined && b > 0.1 ? ` (warning: CPU still ${(b * 100).toFixed(0)} % busy after waiting 20 s)` : ''}`);
        results.push(await oneRound(server, round, data));
      }
    }
  } catch (error) {
    for (const server of servers) process.stderr.write(`--- ${server.name} log tail ---\n${server.logTail()}\n`);
    throw error;
  } finally {
    await Promise.all(servers.map((s) => s.stop()));
  }
  const summary = summarize(results);
  process.stdout.write(
    `\nCoffer vs ceiling (median of ${rounds} rounds; concurrency ${CONCURRENCY}; ${largeCount} × 64 MiB; 4 KiB for ${duration} s; ` +
      `${cpus().length} CPUs; Coffer with COFFER_WORKERS=${workers} worker processes, the ceiling in 1 process; ` +
      `CPU busy before rounds ${busy.length > 0 ? `${Math.round(Math.min(...busy) * 100)}–${Math.round(Math.max(...busy) * 100)} %` : 'n/a'})\n`,
  );
  process.stdout.write(`${renderTable(summary)}\n`);
  if (sseRounds.length > 0) process.stdout.write(`${sseTable()}\n`);
  const errors = results.reduce((n, r) => n + Object.values(r.phases).reduce((m, p) => m + p.errors, 0), 0);
  if (errors > 0) process.stdout.write(`WARNING: ${errors} request errors (see bench/results/latest.json)\n`);
  const outDir = join(ROOT, 'bench/results');
  mkdirSync(outDir, { recursive: true });
  const git = spawnSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: ROOT, encoding: 'utf8' });
  const report = {
    tool: 'coffer-bench', date: new Date().toISOString(), commit: git.stdout.trim() || undefined, node: process.version,
    cpus: cpus().length, cpuBusyBeforeRuns: busy, options: { rounds, duration, largeCount, only: only ?? 'all', concurrency: CONCURRENCY, cofferWorkers: workers,
      largeSize: LARGE_SIZE, smallSize: SMALL_SIZE, payload: 'UNSIGNED-PAYLOAD', sse }, summary, rounds: results, sseRounds,
  };
  writeFileSync(join(outDir, 'latest.json'), `${JSON.stringify(report, null, 2)}\n`);
  process.stdout.write(`wrote bench/results/latest.json\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`bench failed: ${error instanceof Error ? error.stack ?? error.message : String(error)}\n`);
  process.exitCode = 1;
});
