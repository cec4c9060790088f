/**
 * ListObjectVersions over the `objects_versions` index (bucket, key, seq). Entries come in key
 * order (UTF-8 bytes), each key's versions newest first (highest seq), delete markers included.
 * The cursor is a position in that order: (key, below seq). Every page query is a range seek,
 * and with a delimiter a key that rolls up into common prefix CP moves the next seek to
 * upperBound(CP), as ListObjects does: cost follows entries returned, not versions under a prefix.
 */
import type { Kysely } from 'kysely';
import type { ListObjectVersionsQuery } from '../ports.js';
import { commonPrefixOf, compareUtf8, prefixUpperBound } from './key-range.js';
import { param, prepare, type PreparedQuery } from './prepared.js';
import type { CofferSchema, ObjectSummaryRow } from './schema.js';

export type VersionRow = ObjectSummaryRow & { seq: number | string | bigint };

const VERSION_COLUMNS = ['bucket', 'key', 'version_id', 'seq', 'is_latest', 'is_delete_marker', 'record', 'blob_id'] as const;

export function buildVersionQueries(db: Kysely<CofferSchema>) {
  const range = (inclusive: boolean, bounded: boolean) => {
    let q = db
      .selectFrom('objects')
      .select(VERSION_COLUMNS)
      .where('bucket', '=', param('bucket'))
      .where('key', inclusive ? '>=' : '>', param('lower'));
    if (bounded) q = q.where('key', '<', param('upper'));
    return prepare<VersionRow, 'bucket' | 'lower' | 'upper' | 'limit'>(q.orderBy('key').orderBy('seq', 'desc').limit(param<number>('limit')));
  };
  return {
    /** Older versions of one key, below a seq, newest first. */
    olderOfKey: prepare<VersionRow, 'bucket' | 'key' | 'seq' | 'limit'>(
      db
        .selectFrom('objects')
        .select(VERSION_COLUMNS)
        .where('bucket', '=', param('bucket'))
        .where('key', '=', param('key'))
        .where('seq', '<', param<number>('seq'))
        .orderBy('seq', 'desc')
        .limit(param<number>('limit')),
    ),
    seqOf: prepare<{ seq: number | string | bigint }, 'bucket' | 'key' | 'version'>(
      db
        .selectFrom('objects')
        .select('seq')
        .where('bucket', '=', param('bucket'))
        .where('key', '=', param('key'))
        .where('version_id', '=', param('version')),
    ),
    range: {
      afterOpen: range(false, false),
      afterBounded: range(false, true),
      fromOpen: range(true, false),
      fromBounded: range(true, true),
    },
  };
}

export type VersionQueries = ReturnType<typeof buildVersionQueries>;

/** A position in (key asc, seq desc) order. With belowSeq: the rest of that key's versions first. */
export interface VersionCursor {
  key: string;
  inclusive: boolean;
  belowSeq?: number;
}

/** Up to `limit` rows from the cursor on, below `upper` (exclusive) when given. */
export type FetchVersions = (cursor: VersionCursor, upper: string | undefined, limit: number) => Promise<VersionRow[]>;

export type VersionEntry = { kind: 'version'; row: VersionRow } | { kind: 'prefix'; prefix: string };

const FIRST_DELIMITED_BATCH = 4;
const MAX_DELIMITED_BATCH = 1024;

/**
 * Collects up to `limit` entries (+1 to know about truncation). `start` is the cursor the markers
 * resolve to (see versionStart); undefined means nothing can follow.
 */
export async function collectVersions(
  fetch: FetchVersions,
  query: ListObjectVersionsQuery,
  start: VersionCursor | undefined,
): Promise<{ entries: VersionEntry[]; isTruncated: boolean }> {
  const { prefix, delimiter, limit } = query;
  if (limit <= 0 || start === undefined) return { entries: [], isTruncated: false };
  const upper = prefix === '' ? undefined : prefixUpperBound(prefix);
  const want = limit + 1;
  const entries: VersionEntry[] = [];
  let cursor = start;
  let batch = delimiter === '' ? want : FIRST_DELIMITED_BATCH;
  while (entries.length < want) {
    const size = delimiter === '' ? want - entries.length : Math.min(want - entries.length, batch);
    const rows = await fetch(cursor, upper, size);
    let currentPrefix: string | undefined;
    let last: VersionRow | undefined;
    let seekPast = false;
    for (const row of rows) {
      if (currentPrefix !== undefined && row.key.startsWith(currentPrefix)) {
        seekPast = true;
        break;
      }
      currentPrefix = commonPrefixOf(row.key, prefix, delimiter);
      last = row;
      entries.push(currentPrefix === undefined ? { kind: 'version', row } : { kind: 'prefix', prefix: currentPrefix });
      if (entries.length === want) break;
    }
    if (entries.length === want || (!seekPast && rows.length < size) || last === undefined) break;
    if (currentPrefix !== undefined) {
      const next = prefixUpperBound(currentPrefix);
      if (next === undefined) break;
      cursor = { key: next, inclusive: true };
    } else {
      cursor = { key: last.key, inclusive: false, belowSeq: Number(last.seq) };
    }
    batch = seekPast ? FIRST_DELIMITED_BATCH : Math.min(batch * 2, MAX_DELIMITED_BATCH);
  }
  const isTruncated = entries.length === want;
  if (isTruncated) entries.pop();
  return { entries, isTruncated };
}

/**
 * Where a listing starts: the stricter of `key >= prefix` and the markers. key-marker alone skips
 * every version of that key; with version-id-marker it resumes below that version (a version
 * that no longer exists resumes at the next key). A key-marker that is itself a common prefix
 * was returned as that prefix already, so the listing starts past everything under it.
 */
export function versionStart(query: ListObjectVersionsQuery, markerSeq: number | undefined): VersionCursor | undefined {
  const { prefix, keyMarker, delimiter } = query;
  const fromPrefix: VersionCursor = { key: prefix, inclusive: true };
  if (keyMarker === '') return fromPrefix;
  let fromMarker: VersionCursor =
    markerSeq === undefined ? { key: keyMarker, inclusive: false } : { key: keyMarker, inclusive: false, belowSeq: markerSeq };
  if (keyMarker.startsWith(prefix) && commonPrefixOf(keyMarker, prefix, delimiter) === keyMarker) {
    const next = prefixUpperBound(keyMarker);
    if (next === undefined) return undefined;
    fromMarker = { key: next, inclusive: true };
  }
  return compareUtf8(fromMarker.key, fromPrefix.key) >= 0 ? fromMarker : fromPrefix;
}

/** Runs a prepared read query and returns its rows (the store's guarded reader). */
export type RunQuery = <R, P extends string>(query: PreparedQuery<R, P>, values: Readonly<Record<P, unknown>>) => Promise<R[]>;

/** One fetch with the prepared queries: the rest of the cursor's key, then the keys above it. */
export function versionFetcher(q: VersionQueries, run: RunQuery, bucket: string): FetchVersions {
  return async (cursor, upper, limit) => {
    const rows: VersionRow[] = [];
    const inRange = upper === undefined || compareUtf8(cursor.key, upper) < 0;
    if (cursor.belowSeq !== undefined && inRange) {
      rows.push(...(await run(q.olderOfKey, { bucket, key: cursor.key, seq: cursor.belowSeq, limit })));
      if (rows.length >= limit) return rows;
    }
    const { range } = q;
    const prepared = cursor.inclusive
      ? upper === undefined ? range.fromOpen : range.fromBounded
      : upper === undefined ? range.afterOpen : range.afterBounded;
    rows.push(...(await run(prepared, { bucket, lower: cursor.key, upper, limit: limit - rows.length })));
    return rows;
  };
}
