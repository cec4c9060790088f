/**
 * Aborts multipart uploads left unfinished longer than the configured age (COFFER_MULTIPART_EXPIRY):
 * their rows go in one transaction each, then their part blobs are unlinked. Runs at start and
 * then periodically; one run at a time.
 */
import type { Clock } from '../core/index.js';
import type { Logger } from '../observability/index.js';
import type { MultipartService } from '../services/index.js';
import { createPeriodicJob } from './periodic.js';

export interface UploadExpirer {
  runOnce(): Promise<number>;
  start(intervalMs: number): void;
  stop(): Promise<void>;
}

export function createUploadExpirer(deps: { multipart: MultipartService; clock: Clock; maxAgeMs: number; logger: Logger }): UploadExpirer {
  const runOnce = async () => {
    if (deps.maxAgeMs <= 0) return 0;
    const cutoff = new Date(deps.clock.now().getTime() - deps.maxAgeMs);
    const expired = await deps.multipart.expireUploads(cutoff);
    if (expired > 0) deps.logger.info({ expired, cutoff: cutoff.toISOString() }, 'aborted abandoned multipart uploads');
    return expired;
  };
  const job = createPeriodicJob('multipart upload expiry', runOnce, deps.logger);
  return {
    runOnce,
    start: (intervalMs) => {
      if (deps.maxAgeMs > 0) job.start(intervalMs);
    },
    stop: job.stop,
  };
}
