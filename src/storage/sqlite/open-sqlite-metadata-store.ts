/**
 * The embedded metadata store: one better-sqlite3 connection (WAL, synchronous=NORMAL with an
 * fdatasync of the WAL before every write is acknowledged — see wal-sync.ts —,
 * foreign keys on) behind Kysely's SqliteDialect, running the shared SQL query layer.
 */
import { chmodSync } from 'node:fs';
import BetterSqlite3 from 'better-sqlite3';
import { Kysely, SqliteDialect } from 'kysely';
import { StorageError, type MetadataStore } from '../ports.js';
import { createSqlMetadataStore, type CofferSchema } from '../sql/index.js';
import { sqliteProfile } from './sqlite-profile.js';
import { cachingDatabase } from './statement-cache.js';
import { createWalSyncer } from './wal-sync.js';

export interface SqliteMetadataStoreOptions {
  path: string;
  /** How long a writer waits for another process's lock before failing with Unavailable. */
  busyTimeoutMs?: number;
  /** Observation hook for tests and metrics: rows returned by each listing query. */
  onListingRows?: (rows: number) => void;
}

export async function openSqliteMetadataStore(options: SqliteMetadataStoreOptions): Promise<MetadataStore> {
  let raw: BetterSqlite3.Database;
  try {
    raw = new BetterSqlite3(options.path);
  } catch (error) {
    throw sqliteProfile.toStorageError(error) ?? new StorageError('Unavailable', 'cannot open the metadata database', { cause: error });
  }
  try {
    // Metadata names every object; keep it private like the data (SQLite gives -wal/-shm the same mode).
    if (options.path !== ':memory:' && options.path !== '') chmodSync(options.path, 0o600);
    const mode = raw.pragma('journal_mode = WAL', { simple: true });
    if (mode !== 'wal' && options.path !== ':memory:') {
      throw new StorageError('Unavailable', `the metadata database cannot use WAL mode (got ${String(mode)})`);
    }
    const durable = options.path !== ':memory:' && options.path !== '';
    raw.pragma(durable ? 'synchronous = NORMAL' : 'synchronous = FULL');
    raw.pragma(`busy_timeout = ${Math.max(0, Math.trunc(options.busyTimeoutMs ?? 5000))}`);
    raw.pragma('foreign_keys = ON');
    const database = cachingDatabase(raw);
    const db = new Kysely<CofferSchema>({ dialect: new SqliteDialect({ database }) });
    const wal = durable ? createWalSyncer(`${options.path}-wal`) : undefined;
    return await createSqlMetadataStore(db, sqliteProfile, {
      directReader: database.directReader,
      ...(wal ? { afterCommit: wal.sync, onClose: wal.close } : {}),
      ...(options.onListingRows ? { onListingRows: options.onListingRows } : {}),
    });
  } catch (error) {
    if (raw.open) raw.close();
    throw sqliteProfile.toStorageError(error) ?? error;
  }
}
