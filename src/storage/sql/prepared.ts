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
  return {
    sql: compiled.sql,
    execute(runner, values) {
      const parameters = slots.map((name) => values[name]);
      return runner.executeQuery<R>({ ...compiled, parameters } as CompiledQuery<R>);
    },
  };
}
