/**
 * npm run bench [-- --rounds 3 --duration 10 --large-count 32 --only large|small --workers N --no-build]
 *
 * Builds Coffer, starts it (with COFFER_WORKERS = the CPU count, as an operator would run it on
 * this machine; --workers overrides) and the ceiling server (bench/ceiling-server.ts, a single
 * process) on this machine,
 * then runs the same load against both, alternating, for N rounds: PUT/GET MiB/s of 64 MiB
 * objects and PUT/GET ops/s of 4 KiB objects at concurrency 16. Prints medians, the ratio
 * Coffer ÷ ceiling against the targets, and writes bench/results/latest.json.
 */
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { S3LoadClient, type PhaseResult } from './load.js';
import { renderTable, summarize, type MetricName, type RoundFigures, waitForIdle } from './report.js';
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
  },
});
const rounds = Number(values.rounds);
const duration = Number(values.duration);
const largeCount = Number(values['large-count']);
const only = values.only;
const workers = values.workers;
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
    const cleanupFailures = await client.cleanup(bucket, paths);
    if (cleanupFailures > 0) log(`  ${server.name}: ${cleanupFailures} cleanup request(s) failed`);
    return { round, server: server.name, metrics, phases, cleanupFailures };
  } finally {
    await client.close();
  }
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
    servers.push(await startCeiling(ROOT), await startCoffer(ROOT, workers));
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
  const errors = results.reduce((n, r) => n + Object.values(r.phases).reduce((m, p) => m + p.errors, 0), 0);
  if (errors > 0) process.stdout.write(`WARNING: ${errors} request errors (see bench/results/latest.json)\n`);
  const outDir = join(ROOT, 'bench/results');
  mkdirSync(outDir, { recursive: true });
  const git = spawnSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: ROOT, encoding: 'utf8' });
  const report = {
    tool: 'coffer-bench', date: new Date().toISOString(), commit: git.stdout.trim() || undefined, node: process.version,
    cpus: cpus().length, cpuBusyBeforeRuns: busy, options: { rounds, duration, largeCount, only: only ?? 'all', concurrency: CONCURRENCY, cofferWorkers: workers,
      largeSize: LARGE_SIZE, smallSize: SMALL_SIZE, payload: 'UNSIGNED-PAYLOAD' }, summary, rounds: results,
  };
  writeFileSync(join(outDir, 'latest.json'), `${JSON.stringify(report, null, 2)}\n`);
  process.stdout.write(`wrote bench/results/latest.json\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`bench failed: ${error instanceof Error ? error.stack ?? error.message : String(error)}\n`);
  process.exitCode = 1;
});
