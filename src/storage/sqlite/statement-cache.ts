/**
 * Adapts a better-sqlite3 connection for Kysely's SqliteDialect, caching prepared statements by
 * SQL text. Kysely's driver calls `prepare(sql)` for every query; compiling the SQL again each
 * time costs more than running a primary-key lookup. Statements are only reused under Kysely's
 * single-connection mutex, so no two callers share one at the same time.
 */
import type { Database, Statement } from 'better-sqlite3';
import type { SqliteDatabase, SqliteStatement } from 'kysely';

const MAX_CACHED_STATEMENTS = 256;

export function cachingDatabase(db: Database): SqliteDatabase {
  const cache = new Map<string, Statement>();
  return {
    close: () => db.close(),
    prepare(sql: string): SqliteStatement {
      let statement = cache.get(sql);
      if (statement === undefined) {
        statement = db.prepare(sql);
        if (cache.size >= MAX_CACHED_STATEMENTS) {
          const oldest = cache.keys().next().value;
          if (oldest !== undefined) cache.delete(oldest);
        }
        cache.set(sql, statement);
      }
      return statement as unknown as SqliteStatement;
    },
  };
}
