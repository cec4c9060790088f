/**
 * Multi-process mode (COFFER_WORKERS > 1) on node:cluster: N worker processes serve the same
 * port and the same data folder; one primary supervises them.
 *
 * Why it is safe: Coffer processes share nothing in memory that decides anything. Every decision
 * (bucket exists, versioning state, latest version, upload parts, IAM records) is read from the
 * metadata database, and every change is a database transaction (SQLite WAL: one writer at a
 * time via BEGIN IMMEDIATE and busy_timeout, readers never block); blob ids, version ids, temp
 * names and request ids are random per process. What is per process is either a cache checked
 * against the database (prepared statements; derived SigV4 keys, bound to the secret; the IAM
 * cache, validated by the store's IAM generation) or bookkeeping of that process's own
 * requests (in-flight responses, the blobs it wrote but has not committed yet).
 *
 * Primary: does the one-time start-up work before any worker exists — data folder, root
 * credentials (generated once), migrations, IAM key file, the start-up orphan sweep (which
 * deletes every unreferenced blob, so it may only run while nothing is being uploaded) — by
 * building the app without a listener (`serve: false`), and keeps running the background jobs
 * (orphan sweep, upload expiry, …) as the only process that does. The periodic sweep only
 * removes blobs older than an hour, so blobs a worker wrote but has not yet committed to the
 * metadata (milliseconds) are safe without the worker's in-flight set. Then it forks the
 * workers, waits until every one listens, prints the first-start banner, restarts a worker that
 * dies (cluster-policy.ts), stops everything when workers keep dying, and relays SIGTERM/SIGINT
 * for a graceful stop (workers finish in-flight requests, then the primary closes its store).
 * With TLS it relays SIGHUP too: each worker reloads its own certificates.
 *
 * Workers: build the app with `background: false` (nothing to create: it all exists; no sweep,
 * no expiry) and serve. A worker stops gracefully on SIGTERM/SIGINT and also when the primary
 * is gone (IPC disconnect), so no orphan process keeps serving a port nobody supervises.
 * Connections are distributed by the primary (round-robin scheduling, the default off Windows).
 * Known limit of that scheduling (Node's, measured here): a connection the primary is handing
 * to a worker at the instant that worker is killed is neither served nor closed, so that one
 * client waits for its own timeout and retries. SCHED_NONE has no such window but piles the
 * connections of a small client pool onto one worker (4 of 4 measured), which costs more.
 */
import cluster, { type Worker } from 'node:cluster';
import { mkdir } from 'node:fs/promises';
import type { Config } from '../config/index.js';
import { createLogger, type Logger } from '../observability/index.js';
import { startApp, type App } from './build-app.js';
import { RestartPolicy } from './cluster-policy.js';
import { firstStartBanner, resolveRootCredentials } from './root-credentials.js';

export interface ClusterIo {
  /** Where the first-start banner goes (stdout). */
  announce(text: string): void;
  /** Ends the process (process.exit). */
  exit(code: number): void;
}

const defaultIo: ClusterIo = {
  announce: (text) => process.stdout.write(text),
  exit: (code) => process.exit(code),
};

export function isClusterWorker(): boolean {
  return cluster.isWorker;
}

function endpointOf(host: string, port: number, secure: boolean): string {
  const shown = host === '' || host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host;
  return `${secure ? 'https' : 'http'}://${shown.includes(':') ? `[${shown}]` : shown}:${port}`;
}

/** The primary process: prepares the data folder, runs background jobs, supervises the workers. */
export async function runClusterPrimary(config: Config, io: ClusterIo = defaultIo): Promise<void> {
  const logger = createLogger({ level: config.logLevel }).child({ process: 'primary' });
  await mkdir(config.dataDir, { recursive: true, mode: 0o700 });
  // Created (and fsynced) here, before any worker exists: workers only ever read the file.
  const root = await resolveRootCredentials(config.dataDir, config.rootCredentials);
  const app = await startApp(config, { logger, serve: false, announce: () => undefined });
  const supervisor = new Supervisor(config, app, logger, io);
  process.on('SIGTERM', () => supervisor.shutdown('SIGTERM', 0));
  process.on('SIGINT', () => supervisor.shutdown('SIGINT', 0));
  if (config.tls.enabled) process.on('SIGHUP', () => supervisor.relay('SIGHUP'));
  const address = await supervisor.start();
  if (address === undefined) return;
  const endpoint = endpointOf(address.address ?? config.host, address.port, config.tls.enabled);
  if (root.generated) io.announce(firstStartBanner(root, endpoint, config.region, config.tls.enabled ? undefined : config.tls.certsDir));
  logger.info({ endpoint, dataDir: config.dataDir, region: config.region, workers: config.workers }, 'coffer is listening');
}

class Supervisor {
  readonly #config: Config;
  readonly #app: App;
  readonly #logger: Logger;
  readonly #io: ClusterIo;
  readonly #policy = new RestartPolicy();
  #starting = true;
  #stopping = false;

  constructor(config: Config, app: App, logger: Logger, io: ClusterIo) {
    this.#config = config;
    this.#app = app;
    this.#logger = logger;
    this.#io = io;
  }

  /**
   * Forks every worker; resolves with the listening address once N live workers listen, or with
   * undefined when start-up failed: a worker that exits with an error before the server is up
   * (a port in use, an unreadable data folder) is not worth restarting.
   */
  start(): Promise<{ address: string | null; port: number } | undefined> {
    return new Promise((resolve) => {
      const listening = new Set<number>();
      let first: { address: string | null; port: number } | undefined;
      cluster.on('listening', (worker, address) => {
        first ??= { address: address.address, port: address.port };
        listening.add(worker.id);
        if (this.#starting && listening.size === this.#config.workers) {
          this.#starting = false;
          resolve(first);
        }
      });
      cluster.on('exit', (worker, code, signal) => {
        listening.delete(worker.id);
        if (this.#stopping) return;
        if (this.#starting && signal === null) {
          this.#logger.error({ worker: worker.id, code }, 'a worker failed to start; stopping');
          resolve(undefined);
          this.shutdown('start-up failure', 1);
          return;
        }
        this.#onDeath(worker, code, signal);
        if (this.#stopping) resolve(undefined);
      });
      for (let i = 0; i < this.#config.workers; i++) cluster.fork();
    });
  }

  #onDeath(worker: Worker, code: number | null, signal: string | null): void {
    const decision = this.#policy.onDeath(Date.now());
    if (decision.action === 'give-up') {
      this.#logger.error({ worker: worker.id, code, signal, deaths: decision.deaths, windowMs: decision.windowMs }, 'workers keep dying; stopping');
      this.shutdown('workers keep dying', 1);
      return;
    }
    this.#logger.error({ worker: worker.id, code, signal, restartInMs: decision.delayMs }, 'a worker died; starting a new one');
    // Not unref'd: while no worker runs, this timer is what keeps the primary alive.
    setTimeout(() => {
      if (!this.#stopping) cluster.fork();
    }, decision.delayMs);
  }

  /** Passes a signal on to every live worker (SIGHUP: reload certificates). */
  relay(signal: NodeJS.Signals): void {
    for (const worker of Object.values(cluster.workers ?? {})) if (worker && !worker.isDead()) worker.process.kill(signal);
  }

  /** Graceful stop: workers finish their requests (up to the shutdown timeout), then the primary's jobs and store close. */
  shutdown(reason: string, code: number): void {
    if (this.#stopping) return;
    this.#stopping = true;
    if (code === 0) process.stderr.write(`coffer: ${reason} received, finishing in-flight requests\n`);
    const workers = Object.values(cluster.workers ?? {}).filter((w): w is Worker => w !== undefined && !w.isDead());
    const exited = Promise.all(workers.map((w) => new Promise<void>((resolve) => (w.isDead() ? resolve() : w.once('exit', () => resolve())))));
    for (const worker of workers) worker.process.kill('SIGTERM');
    // Workers close their connections after shutdownTimeoutMs; past that plus a margin, force them.
    const force = setTimeout(() => {
      for (const worker of workers) if (!worker.isDead()) worker.process.kill('SIGKILL');
    }, this.#config.shutdownTimeoutMs + 5_000);
    force.unref();
    exited
      .then(() => this.#app.stop())
      .then(
        () => this.#io.exit(code),
        (error: unknown) => {
          this.#logger.error({ err: error }, 'stopping the primary failed');
          this.#io.exit(1);
        },
      );
  }
}

/** A worker process: serves requests; no background jobs (the primary runs them). */
export async function runClusterWorker(config: Config, io: ClusterIo = defaultIo): Promise<void> {
  const id = cluster.worker?.id;
  const logger = createLogger({ level: config.logLevel }).child({ process: 'worker', worker: id });
  const app = await startApp(config, { logger, background: false, announce: () => undefined });
  let stopping = false;
  const stop = (reason: string): void => {
    if (stopping) return;
    stopping = true;
    logger.debug({ reason }, 'worker stopping');
    app.stop().then(
      () => io.exit(0),
      () => io.exit(1),
    );
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
  if (config.tls.enabled) process.on('SIGHUP', () => void app.reloadCertificates());
  // The primary is gone (crashed or killed): nobody supervises this process any more.
  process.on('disconnect', () => stop('primary gone'));
}
