/**
 * Key rotation's storage side (coffer admin kms rotate): the scan of encrypted versions in a
 * stable (bucket, key, version id) order, the compare-and-swap of one version's KMS-wrapped key
 * material, and the job-state records that make the rotation resumable (migration 6).
 *
 * Protects: a version written, re-keyed or deleted while the rotation worked on it is never
 * given stale key material — the swap compares the stored sealed object key (its random IV
 * makes every seal unique), sealed data key and key id inside the write transaction, and
 * changes only those three fields of the record (mode, context, part numbers, sealed ETag stay).
 */
import { sql, type Kysely } from 'kysely';
import type { EncryptedVersionsPage, EncryptedVersionsQuery, JobStateStore, ObjectEncryption, SealedKeyMaterial, SealedKeySwap } from '../ports.js';
import { decodeEncryption, decodeObject, decodeObjectSummary } from './codec.js';
import { prefixUpperBound } from './key-range.js';
import type { StoreQueries } from './queries.js';
import type { CofferSchema, SqlDialectProfile } from './schema.js';

const SUMMARY_COLUMNS = ['bucket', 'key', 'version_id', 'is_latest', 'is_delete_marker', 'record', 'blob_id'] as const;

export interface JobsTable {
  name: string;
  /** The job's own JSON state (it carries its format version). */
  state: string;
  updated_at: string;
}

/** Migration 6: one row per background job name. */
export async function createJobsTable(db: Kysely<CofferSchema>, profile: SqlDialectProfile): Promise<void> {
  await db.schema
    .createTable('store_jobs')
    .addColumn('name', 'text', (c) => profile.keyColumn(c.notNull()).primaryKey())
    .addColumn('state', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();
}

export async function scanEncryptedVersions(db: Kysely<CofferSchema>, query: EncryptedVersionsQuery): Promise<EncryptedVersionsPage> {
  const limit = Math.max(1, Math.min(1000, Math.floor(query.limit)));
  let q = db.selectFrom('objects').select(SUMMARY_COLUMNS).where('is_delete_marker', '=', sql.lit(0));
  if (query.bucket !== undefined) q = q.where('bucket', '=', query.bucket);
  const prefix = query.prefix ?? '';
  if (prefix !== '') {
    q = q.where('key', '>=', prefix);
    const upper = prefixUpperBound(prefix);
    if (upper !== undefined) q = q.where('key', '<', upper);
  }
  const after = query.after;
  // Row-value comparison: an index seek on the primary key (bucket, key, version_id).
  if (after) q = q.where(sql<boolean>`(bucket, key, version_id) > (${after.bucket}, ${after.key}, ${after.versionId})`);
  const rows = await q.orderBy('bucket').orderBy('key').orderBy('version_id').limit(limit).execute();
  const versions = rows.map((row) => decodeObjectSummary(row)).filter((v) => v.encryption !== undefined);
  const last = rows[rows.length - 1];
  return { versions, next: rows.length === limit && last ? { bucket: last.bucket, key: last.key, versionId: last.version_id } : undefined };
}

function sameMaterial(stored: ObjectEncryption, expected: SealedKeyMaterial): boolean {
  return (
    stored.keyId === expected.keyId &&
    stored.sealedDataKey === expected.sealedDataKey &&
    stored.sealedObjectKey.iv === expected.sealedObjectKey.iv &&
    stored.sealedObjectKey.sealed === expected.sealedObjectKey.sealed &&
    stored.sealedObjectKey.algorithm === expected.sealedObjectKey.algorithm
  );
}

/** The swap itself, run inside the caller's write transaction. */
export async function swapSealedKey(
  trx: Kysely<CofferSchema>,
  q: StoreQueries,
  ids: { bucket: string; key: string; version: string },
  expected: SealedKeyMaterial,
  next: SealedKeyMaterial,
): Promise<SealedKeySwap> {
  const row = (await q.getVersion.execute(trx, ids)).rows[0];
  if (!row) return 'gone';
  const stored = decodeObject(row);
  const current = stored.encryption;
  if (stored.isDeleteMarker || !current || current.mode === 'SSE-C' || !sameMaterial(current, expected)) return 'changed';
  // Patch the stored JSON itself: every other field stays byte for byte as it was.
  const json = JSON.parse(row.record) as { encryption: Record<string, unknown> };
  const where = `object ${JSON.stringify(ids.bucket)}/${JSON.stringify(ids.key)} version ${ids.version}`;
  const { iv, sealed, algorithm } = next.sealedObjectKey;
  json.encryption = decodeEncryption({ ...json.encryption, keyId: next.keyId, sealedDataKey: next.sealedDataKey, sealedObjectKey: { iv, sealed, algorithm } }, where) as unknown as Record<string, unknown>;
  await q.updateObjectRecord.execute(trx, { ...ids, record: JSON.stringify(json) });
  return 'replaced';
}

export class SqlJobStore implements JobStateStore {
  readonly #db: Kysely<CofferSchema>;
  readonly #write: <T>(fn: (trx: Kysely<CofferSchema>) => Promise<T>) => Promise<T>;
  readonly #guard: <T>(fn: () => Promise<T>) => Promise<T>;

  constructor(db: Kysely<CofferSchema>, write: <T>(fn: (trx: Kysely<CofferSchema>) => Promise<T>) => Promise<T>, guard: <T>(fn: () => Promise<T>) => Promise<T>) {
    this.#db = db;
    this.#write = write;
    this.#guard = guard;
  }

  async get(name: string): Promise<string | undefined> {
    const row = await this.#guard(() => this.#db.selectFrom('store_jobs').select('state').where('name', '=', name).executeTakeFirst());
    return row?.state;
  }

  async put(name: string, state: string, expect: string | null): Promise<boolean> {
    return this.#write(async (trx) => {
      const row = await trx.selectFrom('store_jobs').select('state').where('name', '=', name).executeTakeFirst();
      if ((row?.state ?? null) !== expect) return false;
      const updated_at = new Date().toISOString();
      if (row) await trx.updateTable('store_jobs').set({ state, updated_at }).where('name', '=', name).execute();
      else await trx.insertInto('store_jobs').values({ name, state, updated_at }).execute();
      return true;
    });
  }
}
