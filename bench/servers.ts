/**
 * Starts the two servers the bench compares, each as its own process on a free loopback port:
 * the ceiling (bench/ceiling-server.ts through tsx, one process) and Coffer (built dist/, fresh
 * temp data dir, log level warn, server log in a temp file, COFFER_WORKERS = CPU count unless
 * --workers says otherwise).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Endpoint } from './load.js';

export interface RunningServer {
  name: string;
  endpoint: Endpoint;
  pid: number | undefined;
  logTail(lines?: number): string;
  stop(): Promise<void>;
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      probe.close(() => resolve(port));
    });
  });
}

async function waitUntilUp(child: ChildProcess, url: string, acceptAnyStatus: boolean, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null) throw new Error(`server exited (${child.exitCode ?? child.signalCode})`);
    try {
      const res = await fetch(url);
      await res.arrayBuffer();
      if (res.ok || acceptAnyStatus) return;
    } catch {
      // not listening yet
    }
    await sleep(100);
  }
  throw new Error(`no answer from ${url} within ${timeoutMs} ms`);
}

function track(name: string, child: ChildProcess, endpoint: Endpoint, logFile: string, dir: string): RunningServer {
  return {
    name,
    endpoint,
    pid: child.pid,
    logTail: (lines = 30) => {
      try {
        return readFileSync(logFile, 'utf8').split('\n').slice(-lines - 1).join('\n');
      } catch {
        return '';
      }
    },
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) {
        const exited = new Promise((resolve) => child.once('exit', resolve));
        child.kill('SIGTERM');
        await Promise.race([exited, sleep(15_000)]);
        if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

function launch(command: string, args: string[], env: NodeJS.ProcessEnv, cwd: string, dir: string): { child: ChildProcess; logFile: string } {
  const logFile = join(dir, 'server.log');
  const fd = openSync(logFile, 'a');
  const child = spawn(command, args, { cwd, env, stdio: ['ignore', fd, fd] });
  closeSync(fd);
  return { child, logFile };
}

export async function startCeiling(root: string): Promise<RunningServer> {
  const dir = mkdtempSync(join(tmpdir(), 'coffer-bench-ceiling-'));
  const port = await freePort();
  const { child, logFile } = launch(process.execPath, ['--import', 'tsx', join(root, 'bench/ceiling-server.ts'), String(port)], process.env, root, dir);
  const endpoint = { url: `http://127.0.0.1:${port}`, accessKey: 'ceiling', secretKey: 'ceiling-secret' };
  const server = track('ceiling', child, endpoint, logFile, dir);
  try {
    await waitUntilUp(child, `${endpoint.url}/`, true, 20_000);
  } catch (error) {
    await server.stop();
    throw error;
  }
  return server;
}

/** Coffer runs as the operator of this machine would run it: one worker process per CPU. */
export const COFFER_WORKERS = String(availableParallelism());

export async function startCoffer(root: string, workers: string = COFFER_WORKERS, extraEnv: Record<string, string> = {}): Promise<RunningServer> {
  const dir = mkdtempSync(join(tmpdir(), 'coffer-bench-'));
  const port = await freePort();
  const accessKey = 'benchroot';
  const secretKey = `bench-${Math.random().toString(36).slice(2)}-secret`;
  const env: NodeJS.ProcessEnv = {
    ...process.env, COFFER_ROOT_USER: accessKey, COFFER_ROOT_PASSWORD: secretKey, COFFER_LOG_LEVEL: 'warn', COFFER_DEV: '0', COFFER_WORKERS: workers, ...extraEnv,
  };
  const args = [join(root, 'bin/coffer.mjs'), 'server', join(dir, 'data'), '--address', `127.0.0.1:${port}`];
  const { child, logFile } = launch(process.execPath, args, env, root, dir);
  const endpoint = { url: `http://127.0.0.1:${port}`, accessKey, secretKey };
  const server = track('coffer', child, endpoint, logFile, dir);
  try {
    await waitUntilUp(child, `${endpoint.url}/coffer/health/ready`, false, 30_000);
  } catch (error) {
    const tail = server.logTail();
    await server.stop();
    throw new Error(`Coffer did not become ready: ${String(error)}\n${tail}`);
  }
  return server;
}
