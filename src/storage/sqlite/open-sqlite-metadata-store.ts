/**
 * The embedded metadata store: one better-sqlite3 connection (WAL, synchronous=NORMAL with an
 * fdatasync of the WAL before every write is acknowledged — see wal-sync.ts —,
 * foreign keys on, reads through mmap) behind Kysely's SqliteDialect, running the shared SQL
 * query layer.
 * Several processes may open the same file at once (COFFER_WORKERS > 1): WAL lets readers run
 * beside the one writer; every write transaction starts with BEGIN IMMEDIATE, so it takes the
 * write lock up front (never a read-to-write upgrade that could fail with SQLITE_BUSY_SNAPSHOT)
 * and waits up to busy_timeout for another process's transaction; each process fdatasyncs the
 * shared -wal file itself before it acknowledges, which covers its own commits.
 */
import { chmodSync } from 'node:fs';
import BetterSqlite3 from 'better-sqlite3';
import { Kysely, SqliteDialect } from 'kysely';
import { StorageError, type MetadataStore } from '../ports.js';
import { createSqlMetadataStore, type CofferSchema } from '../sql/index.js';
import { sqliteProfile } from './sqlite-profile.js';
import { createWriteBegin } from './begin-write.js';
import { cachingDatabase } from './statement-cache.js';
import { createWalSyncer } from './wal-sync.js';

export interface SqliteMetadataStoreOptions {
  path: string;
  /** How long a writer waits for another process's lock before failing with Unavailable. */
  busyTimeoutMs?: number;
  /** Bytes of the database file SQLite may memory-map for reads (PRAGMA mmap_size); 0 = none.
   * Default 256 MiB: a point read then copies no page through read(2), about a quarter less CPU
   * per object lookup. Writes still go through the WAL with write(2). */
  mmapBytes?: number;
  /** Observation hook for tests and metrics: rows returned by each listing query. */
  onListingRows?: (rows: number) => void;
  /** The clock Object Lock checks use (the app's); default the system clock. The triggers use SQLite's own. */
  clock?: { now(): Date };
}

const DEFAULT_MMAP_BYTES = 256 * 1024 * 1024;

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
    const busyTimeoutMs = Math.max(0, Math.trunc(options.busyTimeoutMs ?? 5000));
    raw.pragma(`busy_timeout = ${busyTimeoutMs}`);
    if (durable) raw.pragma(`mmap_size = ${Math.max(0, Math.trunc(options.mmapBytes ?? DEFAULT_MMAP_BYTES))}`);
    raw.pragma('foreign_keys = ON');
    const database = cachingDatabase(raw);
    const db = new Kysely<CofferSchema>({ dialect: new SqliteDialect({ database }) });
    const wal = durable ? createWalSyncer(`${options.path}-wal`) : undefined;
    return await createSqlMetadataStore(db, sqliteProfile, {
      directReader: database.directReader,
      // The store holds Kysely's only connection while it begins, so this runs on that connection.
      beginWrite: createWriteBegin(raw, busyTimeoutMs),
      ...(wal ? { afterCommit: wal.sync, onClose: wal.close } : {}),
      ...(options.onListingRows ? { onListingRows: options.onListingRows } : {}),
      ...(options.clock ? { now: () => options.clock!.now() } : {}),
    });
  } catch (error) {
    if (raw.open) raw.close();
    throw sqliteProfile.toStorageError(error) ?? error;
  }
}
