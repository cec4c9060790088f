/**
 * ListMultipartUploads: uploads in (key, upload id) order — upload ids sort by initiation time —
 * with prefix, delimiter roll-up and the key-marker / upload-id-marker cursor. A common prefix
 * is returned once and then skipped with one seek past everything under it.
 */
import type { Kysely } from 'kysely';
import type { ListUploadsPage, ListUploadsQuery } from '../ports.js';
import { commonPrefixOf, prefixUpperBound } from './key-range.js';
import type { CofferSchema } from './schema.js';
import { decodeUpload, type UploadRow } from './uploads-codec.js';

/** Rows after (key, uploadId) — or from key inclusive when uploadId is undefined. */
interface Cursor {
  key: string;
  afterUploadId: string | undefined;
  inclusive: boolean;
}

const BATCH = 250;

export async function collectUploads(db: Kysely<CofferSchema>, query: ListUploadsQuery): Promise<ListUploadsPage> {
  const page: ListUploadsPage = { uploads: [], commonPrefixes: [], isTruncated: false, nextKeyMarker: undefined, nextUploadIdMarker: undefined };
  if (query.limit <= 0) return page;
  const upper = query.prefix === '' ? undefined : prefixUpperBound(query.prefix);
  let cursor: Cursor | undefined = startCursor(query);
  let count = 0;
  while (cursor) {
    const rows = await fetch(db, query.bucket, cursor, upper);
    if (rows.length === 0) break;
    let next: Cursor | undefined;
    for (const row of rows) {
      const prefix = query.delimiter === '' ? undefined : commonPrefixOf(row.key, query.prefix, query.delimiter);
      if (count === query.limit) {
        page.isTruncated = true;
        return page;
      }
      count++;
      if (prefix !== undefined) {
        page.commonPrefixes.push(prefix);
        page.nextKeyMarker = prefix;
        page.nextUploadIdMarker = undefined;
        const bound = prefixUpperBound(prefix);
        next = bound === undefined ? undefined : { key: bound, afterUploadId: undefined, inclusive: true };
        break;
      }
      page.uploads.push(decodeUpload(row));
      page.nextKeyMarker = row.key;
      page.nextUploadIdMarker = row.upload_id;
      next = { key: row.key, afterUploadId: row.upload_id, inclusive: false };
    }
    if (rows.length < BATCH && next && !next.inclusive) break;
    cursor = next;
  }
  return page;
}

function startCursor(query: ListUploadsQuery): Cursor | undefined {
  if (query.keyMarker === '') return { key: query.prefix, afterUploadId: undefined, inclusive: true };
  // A marker that is itself a returned common prefix: skip everything under it.
  if (query.delimiter !== '' && commonPrefixOf(query.keyMarker, query.prefix, query.delimiter) === query.keyMarker) {
    const bound = prefixUpperBound(query.keyMarker);
    return bound === undefined ? undefined : { key: bound, afterUploadId: undefined, inclusive: true };
  }
  const start: Cursor = query.uploadIdMarker === ''
    ? { key: query.keyMarker, afterUploadId: undefined, inclusive: false }
    : { key: query.keyMarker, afterUploadId: query.uploadIdMarker, inclusive: false };
  // Below the prefix the marker means nothing: start at the prefix.
  return Buffer.compare(Buffer.from(start.key), Buffer.from(query.prefix)) < 0 ? { key: query.prefix, afterUploadId: undefined, inclusive: true } : start;
}

async function fetch(db: Kysely<CofferSchema>, bucket: string, cursor: Cursor, upper: string | undefined): Promise<UploadRow[]> {
  let q = db.selectFrom('multipart_uploads').select(['bucket', 'upload_id', 'key', 'record']).where('bucket', '=', bucket);
  if (cursor.inclusive) q = q.where('key', '>=', cursor.key);
  else if (cursor.afterUploadId === undefined) q = q.where('key', '>', cursor.key);
  else {
    const { key, afterUploadId } = cursor;
    q = q.where((eb) => eb.or([eb('key', '>', key), eb.and([eb('key', '=', key), eb('upload_id', '>', afterUploadId)])]));
  }
  if (upper !== undefined) q = q.where('key', '<', upper);
  return q.orderBy('key').orderBy('upload_id').limit(BATCH).execute();
}
