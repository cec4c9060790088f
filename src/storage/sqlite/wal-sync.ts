/**
 * Durable commits without an fsync on the event loop (group commit).
 *
 * SQLite runs with `synchronous=NORMAL` in WAL mode: a commit appends its frames to the -wal
 * file but does not fsync it. Before a write is acknowledged, the store awaits `sync()`, which
 * fdatasyncs the -wal file on libuv's thread pool. One fdatasync covers every commit written
 * before it started, so concurrent writers share it; a commit made while a sync is running waits
 * for the next one. Invariant: `sync()` resolves only after an fdatasync that began after the
 * caller's commit returned. Checkpoints stay safe: with NORMAL, SQLite syncs the WAL before a
 * checkpoint and the database file after it, so checkpointed frames are durable in the main file.
 */
import { open, type FileHandle } from 'node:fs/promises';

export interface WalSyncer {
  sync(): Promise<void>;
  close(): Promise<void>;
}

export function createWalSyncer(walPath: string): WalSyncer {
  let handle: Promise<FileHandle> | undefined;
  let running: Promise<void> | undefined;
  let queued: Promise<void> | undefined;

  const runOne = async (): Promise<void> => {
    handle ??= open(walPath, 'r');
    await (await handle).datasync();
  };

  const sync = (): Promise<void> => {
    if (!running) {
      running = runOne().finally(() => {
        running = undefined;
      });
      return running;
    }
    // A sync is already running and may have started before our commit: wait for the next one.
    queued ??= running
      .catch(() => undefined)
      .then(() => {
        queued = undefined;
        return sync();
      });
    return queued;
  };

  return {
    sync,
    close: async () => {
      await running?.catch(() => undefined);
      await queued?.catch(() => undefined);
      if (handle) await (await handle).close();
    },
  };
}
