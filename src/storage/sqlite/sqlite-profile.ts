/** The SQLite side of the SQL dialect seam. */
import { StorageError, type StorageErrorCode } from '../ports.js';
import type { SqlDialectProfile } from '../sql/index.js';

/** SQLite error code prefixes (better-sqlite3 `SqliteError.code`) and what they mean to callers. */
const CODES: ReadonlyArray<readonly [string, StorageErrorCode]> = [
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

export const sqliteProfile: SqlDialectProfile = {
  name: 'sqlite',
  // BINARY, SQLite's default collation, compares UTF-8 text with memcmp: byte order already.
  keyColumn: (column) => column,
  binaryType: 'blob',
  beginWriteSql: 'begin immediate',
  toStorageError(error) {
    const code = (error as { code?: unknown } | null)?.code;
    if (typeof code !== 'string') return undefined;
    const match = CODES.find(([prefix]) => code.startsWith(prefix));
    if (!match) return undefined;
    return new StorageError(match[1], `metadata database: ${code}`, { cause: error });
  },
};
