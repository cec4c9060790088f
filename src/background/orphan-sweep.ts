/**
 * Removes blobs that no metadata references (left by a crash between blob commit and metadata
 * commit, or between metadata delete and blob unlink) and stale temp files. Runs once at start
 * (nothing is in flight then, so everything unreferenced goes) and then periodically, keeping
 * young blobs and blobs of uploads in flight.
 */
import type { Logger } from '../observability/index.js';
import type { BlobStore, MetadataStore } from '../storage/ports.js';

export interface OrphanSweeper {
  runOnce(minAgeMs: number): Promise<{ removedBlobs: number; removedTemps: number }>;
  start(intervalMs: number): void;
  stop(): Promise<void>;
}

export function createOrphanSweeper(deps: { store: MetadataStore; blobs: BlobStore; inFlight: ReadonlySet<string>; logger: Logger }): OrphanSweeper {
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<unknown> | undefined;
  const runOnce = async (minAgeMs: number) => {
    const result = await deps.blobs.sweepOrphans({
      isReferenced: (ids) => deps.store.referencedBlobIds(ids),
      minAgeMs,
      inFlight: deps.inFlight,
    });
    if (result.removedBlobs + result.removedTemps > 0) deps.logger.info({ ...result }, 'orphan sweep removed leftovers');
    return result;
  };
  return {
    runOnce,
    start(intervalMs) {
      if (intervalMs <= 0) return;
      timer = setInterval(() => {
        if (running) return;
        running = runOnce(60 * 60 * 1000)
          .catch((error: unknown) => deps.logger.error({ err: error }, 'orphan sweep failed'))
          .finally(() => (running = undefined));
      }, intervalMs);
      timer.unref();
    },
    async stop() {
      if (timer) clearInterval(timer);
      await running;
    },
  };
}
