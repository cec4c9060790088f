/**
 * Queries compiled once, executed many times. Kysely compiles a builder to SQL text plus a
 * parameter list; we build each hot query once with named placeholders (`param('key')`), keep
 * the SQL and record which placeholder sits at which parameter position, then run it with new
 * values. No per-call query building or compiling; the SQLite driver also caches the prepared
 * statement by SQL text. Static values (`is_latest = 1`) must be `sql.lit` so that SQLite can
 * match partial indexes.
 */
import type { CompiledQuery, Compilable, QueryResult } from 'kysely';

const MARK = '\u0000coffer-param:';

/** A named placeholder for a prepared query; typed as T so builders accept it anywhere. */
export function param<T = string>(name: string): T {
  return `${MARK}${name}` as unknown as T;
}

export interface QueryRunner {
  executeQuery<R>(query: CompiledQuery<R>): Promise<QueryResult<R>>;
}

export interface PreparedQuery<R, P extends string> {
  readonly sql: string;
  /** The positional parameter list for these values. */
  parameters(values: Readonly<Record<P, unknown>>): unknown[];
  execute(runner: QueryRunner, values: Readonly<Record<P, unknown>>): Promise<QueryResult<R>>;
}

export function prepare<R, P extends string = string>(builder: Compilable<R>): PreparedQuery<R, P> {
  const compiled = builder.compile();
  const slots = compiled.parameters.map((value) => {
    if (typeof value !== 'string' || !value.startsWith(MARK)) {
      throw new Error(`prepared query has a non-placeholder parameter (use sql.lit for constants): ${compiled.sql}`);
    }
    return value.slice(MARK.length) as P;
  });
  const parameters = (values: Readonly<Record<P, unknown>>) => slots.map((name) => values[name]);
  return {
    sql: compiled.sql,
    parameters,
    execute(runner, values) {
      return runner.executeQuery<R>({ ...compiled, parameters: parameters(values) } as CompiledQuery<R>);
    },
  };
}

/**
 * Optional synchronous read path for in-process drivers (better-sqlite3): runs a read-only
 * statement immediately, skipping Kysely's connection queue, or returns undefined when it must
 * not (a write transaction is open on the shared connection), and the query goes through Kysely.
 */
export interface DirectReader {
  tryRead<R>(sql: string, parameters: readonly unknown[]): R[] | undefined;
}
