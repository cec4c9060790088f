/**
 * BEGIN IMMEDIATE without blocking the event loop.
 *
 * When another process (a second Coffer worker) holds SQLite's write lock, SQLite's own busy
 * handler (busy_timeout) sleeps inside the synchronous better-sqlite3 call: 1 ms, 2 ms, 5 ms …
 * during which this process serves nothing. Here the first attempt runs with busy_timeout 0;
 * on SQLITE_BUSY the retry waits asynchronously (the event loop keeps serving other requests):
 * the next turn of the loop at first, then growing timers up to 20 ms, until `timeoutMs` has
 * passed — then SQLITE_BUSY propagates (Unavailable) as busy_timeout would have. The
 * connection's busy_timeout is restored after every attempt, so every other statement keeps
 * SQLite's own waiting as a backstop. Only the write lock is waited for here; nothing is read
 * or written before it is held, so a retry repeats nothing.
 */
import type { Database, Statement } from 'better-sqlite3';
import { setTimeout as sleep } from 'node:timers/promises';

const IMMEDIATE_RETRIES = 3;
const MAX_DELAY_MS = 20;

function isBusy(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && code.startsWith('SQLITE_BUSY');
}

export function createWriteBegin(db: Database, timeoutMs: number): () => Promise<void> {
  let noWait: Statement | undefined;
  let restore: Statement | undefined;
  let begin: Statement | undefined;
  const attempt = (): void => {
    noWait ??= db.prepare('pragma busy_timeout = 0');
    restore ??= db.prepare(`pragma busy_timeout = ${Math.max(0, Math.trunc(timeoutMs))}`);
    begin ??= db.prepare('begin immediate');
    noWait.run();
    try {
      begin.run();
    } finally {
      restore.run();
    }
  };
  return async () => {
    const deadline = performance.now() + timeoutMs;
    for (let retry = 0; ; retry++) {
      try {
        attempt();
        return;
      } catch (error) {
        if (!isBusy(error) || performance.now() >= deadline) throw error;
      }
      if (retry < IMMEDIATE_RETRIES) await new Promise<void>((resolve) => setImmediate(resolve));
      else await sleep(Math.min(MAX_DELAY_MS, 2 ** (retry - IMMEDIATE_RETRIES)));
    }
  };
}
