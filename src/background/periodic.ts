/** Runs a background job every `intervalMs`, one run at a time; failures are logged, never thrown. */
import type { Logger } from '../observability/index.js';

export interface PeriodicJob {
  start(intervalMs: number): void;
  stop(): Promise<void>;
}

export function createPeriodicJob(name: string, run: () => Promise<unknown>, logger: Logger): PeriodicJob {
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<unknown> | undefined;
  return {
    start(intervalMs) {
      if (intervalMs <= 0) return;
      timer = setInterval(() => {
        if (running) return;
        running = run()
          .catch((error: unknown) => logger.error({ err: error, job: name }, `${name} failed`))
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
