/** The SQLite side of the SQL dialect seam. */
import { StorageError, type StorageErrorCode } from '../ports.js';
import type { SqlDialectProfile } from '../sql/index.js';

/** SQLite error code prefixes (better-sqlite3 `SqliteError.code`) and what they mean to callers. */
const CODES: ReadonlyArray<readonly [string, StorageErrorCode]> = [
  // Only the Object Lock triggers RAISE(ABORT): a locked row the statement tried to drop or weaken.
  ['SQLITE_CONSTRAINT_TRIGGER', 'Locked'],
  ['SQLITE_CONSTRAINT_PRIMARYKEY', 'AlreadyExists'],
  ['SQLITE_CONSTRAINT_FOREIGNKEY', 'NotFound'],
  ['SQLITE_BUSY', 'Unavailable'],
  ['SQLITE_LOCKED', 'Unavailable'],
  ['SQLITE_FULL', 'NoSpace'],
  ['SQLITE_IOERR', 'Unavailable'],
  ['SQLITE_CANTOPEN', 'Unavailable'],
  ['SQLITE_READONLY', 'Unavailable'],
  ['SQLITE_CORRUPT', 'Corrupt'],
  ['SQLITE_NOTADB', 'Corrupt'],
];

/** SQLite's own wall clock in milliseconds (julianday works on every SQLite version). */
const NOW_MS = "cast((julianday('now') - 2440587.5) * 86400000 as integer)";
/** The row (OLD) is under legal hold or active COMPLIANCE retention by SQLite's clock. */
const OLD_LOCKED = `(old.legal_hold = 1 or (old.lock_mode = 'COMPLIANCE' and old.retain_until_ms > ${NOW_MS}))`;
const LOCKED = "select raise(abort, 'object version is protected by Object Lock')";

/**
 * Object Lock triggers: a BEFORE DELETE on objects refuses a locked row (GOVERNANCE is left to
 * the store, which knows about the bypass); a BEFORE UPDATE refuses to shorten, remove or re-mode
 * an active COMPLIANCE retention and to move or re-point a locked row's data; a BEFORE DELETE on
 * object_parts refuses to drop the part index of a locked version (its blobs would then look
 * orphaned to the sweep) — a cascade from an allowed delete no longer finds the parent row.
 */
const OBJECT_LOCK_TRIGGERS = [
  `create trigger objects_lock_no_delete before delete on objects when ${OLD_LOCKED} begin ${LOCKED}; end`,
  `create trigger objects_lock_no_weaken before update on objects
     when old.lock_mode = 'COMPLIANCE' and old.retain_until_ms > ${NOW_MS}
      and (new.lock_mode is not 'COMPLIANCE' or new.retain_until_ms is null or new.retain_until_ms < old.retain_until_ms)
   begin ${LOCKED}; end`,
  `create trigger objects_lock_keep_data before update on objects
     when ${OLD_LOCKED}
      and (new.bucket is not old.bucket or new.key is not old.key or new.version_id is not old.version_id
           or new.blob_id is not old.blob_id or new.inline_data is not old.inline_data or new.is_delete_marker is not old.is_delete_marker)
   begin ${LOCKED}; end`,
  `create trigger object_parts_lock_keep before delete on object_parts
     when exists (select 1 from objects o where o.bucket = old.bucket and o.key = old.key and o.version_id = old.version_id
                  and (o.legal_hold = 1 or (o.lock_mode = 'COMPLIANCE' and o.retain_until_ms > ${NOW_MS})))
   begin ${LOCKED}; end`,
];

export const sqliteProfile: SqlDialectProfile = {
  name: 'sqlite',
  // BINARY, SQLite's default collation, compares UTF-8 text with memcmp: byte order already.
  keyColumn: (column) => column,
  binaryType: 'blob',
  beginWriteSql: 'begin immediate',
  objectLockTriggers: OBJECT_LOCK_TRIGGERS,
  toStorageError(error) {
    const code = (error as { code?: unknown } | null)?.code;
    if (typeof code !== 'string') return undefined;
    const match = CODES.find(([prefix]) => code.startsWith(prefix));
    if (!match) return undefined;
    return new StorageError(match[1], `metadata database: ${code}`, { cause: error });
  },
};
