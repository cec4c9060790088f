/** Every query the metadata store runs, compiled once per store (see prepared.ts). */
import { sql, type Kysely } from 'kysely';
import { param, prepare } from './prepared.js';
import type { CofferSchema, ObjectRow, ObjectSummaryRow } from './schema.js';

const SUMMARY_COLUMNS = ['bucket', 'key', 'version_id', 'is_latest', 'is_delete_marker', 'record', 'blob_id'] as const;
const OBJECT_COLUMNS = [...SUMMARY_COLUMNS, 'inline_data'] as const;
const LATEST = sql.lit(1);

export function buildQueries(db: Kysely<CofferSchema>) {
  const objects = () => db.selectFrom('objects').select(OBJECT_COLUMNS).where('bucket', '=', param('bucket'));
  // Listings never select inline_data: SQLite then never reads its overflow pages.
  const listing = (inclusive: boolean, bounded: boolean) => {
    let q = db
      .selectFrom('objects')
      .select(SUMMARY_COLUMNS)
      .where('bucket', '=', param('bucket'))
      .where('is_latest', '=', LATEST)
      .where('is_delete_marker', '=', sql.lit(0))
      .where('key', inclusive ? '>=' : '>', param('lower'));
    if (bounded) q = q.where('key', '<', param('upper'));
    return prepare<ObjectSummaryRow, 'bucket' | 'lower' | 'upper' | 'limit'>(q.orderBy('key').limit(param<number>('limit')));
  };
  return {
    insertBucket: prepare<unknown, 'name' | 'record' | 'created_at'>(
      db
        .insertInto('buckets')
        .values({ name: param('name'), record: param('record'), created_at: param('created_at') })
        .onConflict((oc) => oc.column('name').doNothing()),
    ),
    getBucket: prepare<{ name: string; record: string }, 'name'>(
      db.selectFrom('buckets').select(['name', 'record']).where('name', '=', param('name')),
    ),
    listBuckets: prepare<{ name: string; record: string }, never>(db.selectFrom('buckets').select(['name', 'record']).orderBy('name')),
    anyObject: prepare<{ one: number }, 'bucket'>(
      db.selectFrom('objects').select(sql.lit(1).as('one')).where('bucket', '=', param('bucket')).limit(sql.lit(1)),
    ),
    deleteBucket: prepare<unknown, 'name'>(db.deleteFrom('buckets').where('name', '=', param('name'))),
    updateBucket: prepare<unknown, 'name' | 'record'>(
      db.updateTable('buckets').set({ record: param('record') }).where('name', '=', param('name')),
    ),
    updateObjectRecord: prepare<unknown, 'bucket' | 'key' | 'version' | 'record'>(
      db
        .updateTable('objects')
        .set({ record: param('record') })
        .where('bucket', '=', param('bucket'))
        .where('key', '=', param('key'))
        .where('version_id', '=', param('version')),
    ),
    getLatest: prepare<ObjectRow, 'bucket' | 'key'>(objects().where('key', '=', param('key')).where('is_latest', '=', LATEST)),
    getVersion: prepare<ObjectRow, 'bucket' | 'key' | 'version'>(
      objects().where('key', '=', param('key')).where('version_id', '=', param('version')),
    ),
    nextSeq: prepare<{ value: number }, never>(
      db
        .updateTable('store_counters')
        .set({ value: sql`value + 1` })
        .where('name', '=', sql.lit('object_seq'))
        .returning('value'),
    ),
    demoteLatest: prepare<unknown, 'bucket' | 'key'>(
      db
        .updateTable('objects')
        .set({ is_latest: sql.lit(0) })
        .where('bucket', '=', param('bucket'))
        .where('key', '=', param('key'))
        .where('is_latest', '=', LATEST),
    ),
    insertObject: prepare<
      unknown,
      'bucket' | 'key' | 'version_id' | 'seq' | 'is_delete_marker' | 'record' | 'inline_data' | 'blob_id' | 'lock_mode' | 'retain_until_ms' | 'legal_hold'
    >(
      db.insertInto('objects').values({
        bucket: param('bucket'),
        key: param('key'),
        version_id: param('version_id'),
        seq: param<number>('seq'),
        is_latest: LATEST,
        is_delete_marker: param<number>('is_delete_marker'),
        record: param('record'),
        inline_data: param<Buffer | null>('inline_data'),
        blob_id: param<string | null>('blob_id'),
        lock_mode: param<string | null>('lock_mode'),
        retain_until_ms: param<number | null>('retain_until_ms'),
        legal_hold: param<number>('legal_hold'),
      }),
    ),
    /** Object Lock changes: the record and its mirrored lock columns together. */
    updateObjectLock: prepare<unknown, 'bucket' | 'key' | 'version' | 'record' | 'lock_mode' | 'retain_until_ms' | 'legal_hold'>(
      db
        .updateTable('objects')
        .set({
          record: param('record'),
          lock_mode: param<string | null>('lock_mode'),
          retain_until_ms: param<number | null>('retain_until_ms'),
          legal_hold: param<number>('legal_hold'),
        })
        .where('bucket', '=', param('bucket'))
        .where('key', '=', param('key'))
        .where('version_id', '=', param('version')),
    ),
    /** Raises the clock high-water mark to `ms` if it is lower. */
    raiseHighWater: prepare<unknown, 'ms'>(
      db
        .updateTable('store_counters')
        .set({ value: param<number>('ms') })
        .where('name', '=', sql.lit('clock_high_water_ms'))
        .where('value', '<', param<number>('ms')),
    ),
    highWater: prepare<{ value: number }, never>(
      db.selectFrom('store_counters').select('value').where('name', '=', sql.lit('clock_high_water_ms')),
    ),
    deleteVersion: prepare<unknown, 'bucket' | 'key' | 'version'>(
      db
        .deleteFrom('objects')
        .where('bucket', '=', param('bucket'))
        .where('key', '=', param('key'))
        .where('version_id', '=', param('version')),
    ),
    newestVersion: prepare<{ version_id: string }, 'bucket' | 'key'>(
      db
        .selectFrom('objects')
        .select('version_id')
        .where('bucket', '=', param('bucket'))
        .where('key', '=', param('key'))
        .orderBy('seq', 'desc')
        .limit(sql.lit(1)),
    ),
    promote: prepare<unknown, 'bucket' | 'key' | 'version'>(
      db
        .updateTable('objects')
        .set({ is_latest: LATEST })
        .where('bucket', '=', param('bucket'))
        .where('key', '=', param('key'))
        .where('version_id', '=', param('version')),
    ),
    /** Listing pages: [lower inclusive?][bounded above?]. */
    listing: {
      afterOpen: listing(false, false),
      afterBounded: listing(false, true),
      fromOpen: listing(true, false),
      fromBounded: listing(true, true),
    },
  };
}

export type StoreQueries = ReturnType<typeof buildQueries>;

/** Which blob ids some version references; not prepared, because the id list varies. */
export function referencedBlobsQuery(db: Kysely<CofferSchema>, ids: string[]) {
  return db.selectFrom('objects').select('blob_id').distinct().where('blob_id', 'in', ids);
}
