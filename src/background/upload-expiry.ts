/**
 * Aborts multipart uploads left unfinished longer than the configured age (COFFER_MULTIPART_EXPIRY):
 * their rows go in one transaction each, then their part blobs are unlinked. Runs at start and
 * then periodically; one run at a time.
 */
import type { Clock } from '../core/index.js';
import type { Logger } from '../observability/index.js';
import type { MultipartService } from '../services/index.js';

export interface UploadExpirer {
  runOnce(): Promise<number>;
  start(intervalMs: number): void;
  stop(): Promise<void>;
}

export function createUploadExpirer(deps: { multipart: MultipartService; clock: Clock; maxAgeMs: number; logger: Logger }): UploadExpirer {
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<unknown> | undefined;
  const runOnce = async () => {
    if (deps.maxAgeMs <= 0) return 0;
    const cutoff = new Date(deps.clock.now().getTime() - deps.maxAgeMs);
    const expired = await deps.multipart.expireUploads(cutoff);
    if (expired > 0) deps.logger.info({ expired, cutoff: cutoff.toISOString() }, 'aborted abandoned multipart uploads');
    return expired;
  };
  return {
    runOnce,
    start(intervalMs) {
      if (intervalMs <= 0 || deps.maxAgeMs <= 0) return;
      timer = setInterval(() => {
        if (running) return;
        running = runOnce()
          .catch((error: unknown) => deps.logger.error({ err: error }, 'multipart upload expiry failed'))
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
