/**
 * Adapts a better-sqlite3 connection for Kysely's SqliteDialect, caching prepared statements by
 * SQL text. Kysely's driver calls `prepare(sql)` for every query; compiling the SQL again each
 * time costs more than running a primary-key lookup. Statements are only reused under Kysely's
 * single-connection mutex or synchronously (directReader), so no two callers share one at once.
 */
import type { Database, Statement } from 'better-sqlite3';
import type { SqliteDatabase, SqliteStatement } from 'kysely';
import type { DirectReader } from '../sql/index.js';

const MAX_CACHED_STATEMENTS = 256;

export function cachingDatabase(db: Database): SqliteDatabase & { directReader: DirectReader } {
  const cache = new Map<string, Statement>();
  const prepare = (sql: string): Statement => {
    let statement = cache.get(sql);
    if (statement === undefined) {
      statement = db.prepare(sql);
      if (cache.size >= MAX_CACHED_STATEMENTS) {
        const oldest = cache.keys().next().value;
        if (oldest !== undefined) cache.delete(oldest);
      }
      cache.set(sql, statement);
    }
    return statement;
  };
  return {
    close: () => db.close(),
    prepare: (sql: string) => prepare(sql) as unknown as SqliteStatement,
    directReader: {
      // better-sqlite3 runs a statement to completion synchronously, so nothing can interleave
      // with it; the one thing to avoid is reading another caller's open write transaction.
      tryRead: <R>(sql: string, parameters: readonly unknown[]) => (db.inTransaction ? undefined : (prepare(sql).all(...parameters) as R[])),
    },
  };
}
