/**
 * Removes blobs that no metadata references (left by a crash between blob commit and metadata
 * commit, or between metadata delete and blob unlink) and stale temp files. Runs once at start
 * (nothing is in flight then, so everything unreferenced goes) and then periodically, keeping
 * young blobs and blobs of uploads in flight.
 */
import type { Logger } from '../observability/index.js';
import { createPeriodicJob } from './periodic.js';
import type { BlobStore, MetadataStore } from '../storage/ports.js';

export interface OrphanSweeper {
  runOnce(minAgeMs: number): Promise<{ removedBlobs: number; removedTemps: number }>;
  start(intervalMs: number): void;
  stop(): Promise<void>;
}

export function createOrphanSweeper(deps: { store: MetadataStore; blobs: BlobStore; inFlight: ReadonlySet<string>; logger: Logger }): OrphanSweeper {
  const runOnce = async (minAgeMs: number) => {
    const result = await deps.blobs.sweepOrphans({
      isReferenced: (ids) => deps.store.referencedBlobIds(ids),
      minAgeMs,
      inFlight: deps.inFlight,
    });
    if (result.removedBlobs + result.removedTemps > 0) deps.logger.info({ ...result }, 'orphan sweep removed leftovers');
    return result;
  };
  const job = createPeriodicJob('orphan sweep', () => runOnce(60 * 60 * 1000), deps.logger);
  return { runOnce, start: job.start, stop: job.stop };
}
