/**
 * ListObjects over an ordered index of latest versions. Each page query is a range seek:
 * `key >(=) lower AND key < upper ORDER BY key LIMIT n`. With a delimiter, when a key rolls up
 * into common prefix CP, the next seek starts at upperBound(CP), so the cost is
 * O(entries returned × log n), never O(keys under a prefix). Batches start small with a
 * delimiter (each common prefix may end a batch early) and grow while no seek-past happens.
 */
import type { ListObjectsQuery } from '../ports.js';
import { commonPrefixOf, compareUtf8, prefixUpperBound } from './key-range.js';
import type { ObjectSummaryRow } from './schema.js';

export interface KeyBound {
  key: string;
  inclusive: boolean;
}

/** Fetches up to `limit` latest non-delete-marker rows with key above `lower` and below `upper`. */
export type FetchRange = (lower: KeyBound, upper: string | undefined, limit: number) => Promise<ObjectSummaryRow[]>;

export type ListingEntry = { kind: 'object'; row: ObjectSummaryRow } | { kind: 'prefix'; prefix: string };

export interface Listing {
  entries: ListingEntry[];
  isTruncated: boolean;
}

/** After a seek past a common prefix, the next key often starts another one: fetch few rows. */
const FIRST_DELIMITED_BATCH = 4;
const MAX_DELIMITED_BATCH = 1024;

export async function collectListing(fetch: FetchRange, query: ListObjectsQuery): Promise<Listing> {
  const { prefix, delimiter, limit } = query;
  const empty: Listing = { entries: [], isTruncated: false };
  if (limit <= 0) return empty;
  const upper = prefix === '' ? undefined : prefixUpperBound(prefix);
  let lower = startBound(query);
  if (lower === undefined) return empty;
  const want = limit + 1;
  const entries: ListingEntry[] = [];
  let batch = delimiter === '' ? want : FIRST_DELIMITED_BATCH;
  while (entries.length < want) {
    const size = delimiter === '' ? want - entries.length : Math.min(want - entries.length, batch);
    const rows = await fetch(lower, upper, size);
    let currentPrefix: string | undefined;
    let lastKey: string | undefined;
    let seekPast = false;
    for (const row of rows) {
      if (currentPrefix !== undefined && row.key.startsWith(currentPrefix)) {
        seekPast = true;
        break;
      }
      lastKey = row.key;
      currentPrefix = commonPrefixOf(row.key, prefix, delimiter);
      entries.push(currentPrefix === undefined ? { kind: 'object', row } : { kind: 'prefix', prefix: currentPrefix });
      if (entries.length === want) break;
    }
    if (entries.length === want || (!seekPast && rows.length < size) || lastKey === undefined) break;
    if (currentPrefix !== undefined) {
      const next = prefixUpperBound(currentPrefix);
      if (next === undefined) break;
      lower = { key: next, inclusive: true };
    } else {
      lower = { key: lastKey, inclusive: false };
    }
    batch = seekPast ? FIRST_DELIMITED_BATCH : Math.min(batch * 2, MAX_DELIMITED_BATCH);
  }
  const isTruncated = entries.length === want;
  if (isTruncated) entries.pop();
  return { entries, isTruncated };
}

/**
 * The first seek position: the stricter of `key >= prefix` and `key > after`. When `after` is
 * itself a common prefix (it ends at the first delimiter after the prefix), everything under it
 * was already returned as that prefix, so start past it. Undefined: nothing can follow.
 */
function startBound(query: ListObjectsQuery): KeyBound | undefined {
  const { prefix, after, delimiter } = query;
  const fromPrefix: KeyBound = { key: prefix, inclusive: true };
  if (after === '') return fromPrefix;
  let fromAfter: KeyBound = { key: after, inclusive: false };
  if (after.startsWith(prefix) && commonPrefixOf(after, prefix, delimiter) === after) {
    const next = prefixUpperBound(after);
    if (next === undefined) return undefined;
    fromAfter = { key: next, inclusive: true };
  }
  return compareUtf8(fromAfter.key, fromPrefix.key) >= 0 ? fromAfter : fromPrefix;
}
