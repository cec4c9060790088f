/**
 * MetadataStore over any Kysely dialect described by a SqlDialectProfile. Multi-statement writes
 * run in one write transaction on one connection; hot reads are single prepared queries.
 */
import { sql, type Kysely } from 'kysely';
import {
  StorageError,
  type BucketRecord,
  type ListObjectsPage,
  type ListObjectsQuery,
  type ListObjectVersionsPage,
  type ListObjectVersionsQuery,
  type MetadataStore,
  type ObjectVersionRecord,
  type DeleteVersionOptions,
  type EncryptedVersionsPage,
  type EncryptedVersionsQuery,
  type SealedKeyMaterial,
  type SealedKeySwap,
  type ObjectLockChange,
  type ObjectLockChangeOptions,
  type PutVersionOptions,
  type PutVersionResult,
} from '../ports.js';
import { decodeBucket, decodeObject, decodeObjectSummary, encodeBucket, encodeObject, lockColumns } from './codec.js';
import { applyLockChange, assertLockChange, assertRemovable, type LockClock } from './lock-guard.js';
import { checkLatest, isSameVersion } from './expectations.js';
import { SqlIamStore } from './iam-store.js';
import { scanEncryptedVersions, SqlJobStore, swapSealedKey } from './key-rotation.js';
import { collectListing, type KeyBound } from './listing.js';
import { migrate } from './migrations.js';
import type { DirectReader, PreparedQuery } from './prepared.js';
import { buildQueries, referencedBlobsQuery, type StoreQueries } from './queries.js';
import type { CofferSchema, ObjectSummaryRow, SqlDialectProfile } from './schema.js';
import { SqlUploadStore } from './upload-store.js';
import { buildVersionQueries, collectVersions, versionFetcher, versionStart, type VersionQueries } from './version-listing.js';

export interface SqlMetadataStoreOptions {
  /** Fast path for single-row reads (getObjectVersion, getBucket); see DirectReader. */
  directReader?: DirectReader;
  /** Observation hook: called with the number of object rows each listing query returned. */
  onListingRows?: (rows: number) => void;
  /** Runs when the store closes, after the Kysely instance is destroyed. */
  onClose?: () => Promise<void> | void;
  /** Durability barrier: awaited after every commit, before the write is reported done. */
  afterCommit?: () => Promise<void>;
  /** Starts a write transaction on the store's connection instead of running beginWriteSql
   * (SQLite: waits for another process's write lock without blocking the event loop). */
  beginWrite?: () => Promise<void>;
  /** The clock Object Lock checks use (the app's clock; default the system clock). */
  now?: () => Date;
}

const REFERENCE_BATCH = 500;

export async function createSqlMetadataStore(
  db: Kysely<CofferSchema>,
  profile: SqlDialectProfile,
  options: SqlMetadataStoreOptions = {},
): Promise<MetadataStore> {
  const store = new SqlMetadataStore(db, profile, options);
  await store.guard(() => migrate(db, profile, (fn) => store.write(fn)));
  return store;
}

class SqlMetadataStore implements MetadataStore {
  readonly #db: Kysely<CofferSchema>;
  readonly #profile: SqlDialectProfile;
  readonly #options: SqlMetadataStoreOptions;
  readonly #q: StoreQueries;
  readonly #vq: VersionQueries;
  readonly uploads: SqlUploadStore;
  readonly iam: SqlIamStore;
  readonly jobs: SqlJobStore;

  constructor(db: Kysely<CofferSchema>, profile: SqlDialectProfile, options: SqlMetadataStoreOptions) {
    this.#db = db;
    this.#profile = profile;
    this.#options = options;
    this.#q = buildQueries(db);
    this.#vq = buildVersionQueries(db);
    this.uploads = new SqlUploadStore(db, (fn) => this.write(fn), (fn) => this.guard(fn));
    this.jobs = new SqlJobStore(db, (fn) => this.write(fn), (fn) => this.guard(fn));
    this.iam = new SqlIamStore(db, { write: (fn) => this.write(fn), read: (query, values) => this.#read(query, values), guard: (fn) => this.guard(fn) });
  }

  async createBucket(bucket: BucketRecord): Promise<void> {
    const result = await this.guard(() => this.#q.insertBucket.execute(this.#db, encodeBucket(bucket)));
    if (Number(result.numAffectedRows ?? 0n) === 0) throw new StorageError('AlreadyExists', `bucket ${bucket.name} exists`);
    await this.#durable();
  }

  async getBucket(name: string): Promise<BucketRecord | undefined> {
    const row = (await this.#read(this.#q.getBucket, { name }))[0];
    return row ? decodeBucket(row.name, row.record) : undefined;
  }

  async listBuckets(): Promise<BucketRecord[]> {
    const { rows } = await this.guard(() => this.#q.listBuckets.execute(this.#db, {}));
    return rows.map((row) => decodeBucket(row.name, row.record));
  }

  async deleteBucket(name: string): Promise<void> {
    await this.write(async (trx) => {
      if ((await this.#q.anyObject.execute(trx, { bucket: name })).rows.length > 0) {
        throw new StorageError('NotEmpty', `bucket ${name} is not empty`);
      }
      const result = await this.#q.deleteBucket.execute(trx, { name });
      if (Number(result.numAffectedRows ?? 0n) === 0) throw new StorageError('NotFound', `bucket ${name} does not exist`);
    });
  }

  async updateBucket(bucket: BucketRecord): Promise<void> {
    const { name, record } = encodeBucket(bucket);
    const result = await this.guard(() => this.#q.updateBucket.execute(this.#db, { name, record }));
    if (Number(result.numAffectedRows ?? 0n) === 0) throw new StorageError('NotFound', `bucket ${name} does not exist`);
    await this.#durable();
  }

  async updateObjectMetadata(record: ObjectVersionRecord): Promise<void> {
    const ids = { bucket: record.bucket, key: record.key, version: record.versionId };
    await this.write(async (trx) => {
      // A 'null' version replaced since `record` was read keeps its id: never graft old fields onto it.
      const row = (await this.#q.getVersion.execute(trx, ids)).rows[0];
      const stored = row ? decodeObject(row) : undefined;
      if (!stored || !isSameVersion(stored, record)) throw new StorageError('NotFound', `version ${record.versionId} does not exist`);
      // Lock state is never changed here: it comes from the row, so a racing tags update cannot undo a retention.
      const { retention: _r, legalHold: _h, ...rest } = record;
      const kept = { ...rest, ...(stored.retention ? { retention: stored.retention } : {}), ...(stored.legalHold ? { legalHold: stored.legalHold } : {}) };
      await this.#q.updateObjectRecord.execute(trx, { ...ids, record: encodeObject(kept).record });
    });
  }

  async updateObjectLock(bucket: string, key: string, versionId: string, change: ObjectLockChange, options: ObjectLockChangeOptions): Promise<ObjectVersionRecord> {
    const ids = { bucket, key, version: versionId };
    return this.write(async (trx) => {
      const row = (await this.#q.getVersion.execute(trx, ids)).rows[0];
      const stored = row ? decodeObject(row) : undefined;
      const pinned = options.expect;
      if (!stored || stored.isDeleteMarker || (pinned && (stored.etag !== pinned.etag || stored.lastModified.getTime() !== pinned.lastModified.getTime()))) {
        throw new StorageError('NotFound', `version ${versionId} does not exist`);
      }
      assertLockChange(stored, change, await this.#lockClock(trx), options.bypassGovernance);
      const updated = applyLockChange(stored, change);
      await this.#q.updateObjectLock.execute(trx, { ...ids, record: encodeObject(updated).record, ...lockColumns(updated) });
      return updated;
    });
  }

  async clockHighWater(): Promise<Date | undefined> {
    const value = Number((await this.#read(this.#q.highWater, {}))[0]?.value ?? 0);
    return value > 0 ? new Date(value) : undefined;
  }

  /** Object Lock's time inside a write transaction: the store clock and the persisted high-water mark. */
  async #lockClock(trx: Kysely<CofferSchema>): Promise<LockClock> {
    const highWater = Number((await this.#q.highWater.execute(trx, {})).rows[0]?.value ?? 0);
    return { now: (this.#options.now?.() ?? new Date()).getTime(), highWater };
  }

  async putObjectVersion(record: ObjectVersionRecord, options?: PutVersionOptions): Promise<PutVersionResult> {
    const encoded = encodeObject(record);
    const ids = { bucket: record.bucket, key: record.key };
    return this.write(async (trx) => {
      if (options?.expect) checkLatest((await this.#q.getLatest.execute(trx, ids)).rows[0], options.expect, record.key);
      const removed: ObjectVersionRecord[] = [];
      if (record.versionId === 'null') {
        const existing = (await this.#q.getVersion.execute(trx, { ...ids, version: 'null' })).rows[0];
        if (existing) {
          const replaced = decodeObject(existing);
          assertRemovable(replaced, await this.#lockClock(trx), false);
          removed.push(replaced);
          await this.#q.deleteVersion.execute(trx, { ...ids, version: 'null' });
        }
      }
      const seq = Number((await this.#q.nextSeq.execute(trx, {})).rows[0]?.value);
      await this.#q.demoteLatest.execute(trx, ids);
      await this.#q.insertObject.execute(trx, { ...encoded, seq });
      await this.#q.raiseHighWater.execute(trx, { ms: record.lastModified.getTime() });
      const releasedBlobIds = await this.uploads.applyToPutVersion(trx, record, options);
      return releasedBlobIds ? { removed, releasedBlobIds } : { removed };
    });
  }

  async getObjectVersion(bucket: string, key: string, versionId?: string): Promise<ObjectVersionRecord | undefined> {
    const rows =
      versionId === undefined
        ? await this.#read(this.#q.getLatest, { bucket, key })
        : await this.#read(this.#q.getVersion, { bucket, key, version: versionId });
    const row = rows[0];
    return row ? decodeObject(row) : undefined;
  }

  async deleteObjectVersion(bucket: string, key: string, versionId: string, options?: DeleteVersionOptions): Promise<ObjectVersionRecord | undefined> {
    const ids = { bucket, key };
    return this.write(async (trx) => {
      if (options?.expect) checkLatest((await this.#q.getLatest.execute(trx, ids)).rows[0], options.expect, key);
      const row = (await this.#q.getVersion.execute(trx, { ...ids, version: versionId })).rows[0];
      if (!row) return undefined;
      const removed = decodeObject(row);
      assertRemovable(removed, await this.#lockClock(trx), options?.bypassGovernance === true);
      await this.#q.deleteVersion.execute(trx, { ...ids, version: versionId });
      if (removed.isLatest) {
        const next = (await this.#q.newestVersion.execute(trx, ids)).rows[0];
        if (next) await this.#q.promote.execute(trx, { ...ids, version: next.version_id });
      }
      return removed;
    });
  }

  async listObjects(query: ListObjectsQuery): Promise<ListObjectsPage> {
    const { listing } = this.#q;
    const fetch = async (lower: KeyBound, upper: string | undefined, limit: number): Promise<ObjectSummaryRow[]> => {
      const prepared = lower.inclusive
        ? upper === undefined ? listing.fromOpen : listing.fromBounded
        : upper === undefined ? listing.afterOpen : listing.afterBounded;
      const { rows } = await this.guard(() => prepared.execute(this.#db, { bucket: query.bucket, lower: lower.key, upper, limit }));
      this.#options.onListingRows?.(rows.length);
      return rows;
    };
    const { entries, isTruncated } = await collectListing(fetch, query);
    const page: ListObjectsPage = { objects: [], commonPrefixes: [], isTruncated, nextAfter: undefined };
    for (const entry of entries) {
      if (entry.kind === 'object') {
        page.objects.push(decodeObjectSummary(entry.row));
        page.nextAfter = entry.row.key;
      } else {
        page.commonPrefixes.push(entry.prefix);
        page.nextAfter = entry.prefix;
      }
    }
    return page;
  }

  async listObjectVersions(query: ListObjectVersionsQuery): Promise<ListObjectVersionsPage> {
    const run = async <R, P extends string>(prepared: PreparedQuery<R, P>, values: Readonly<Record<P, unknown>>): Promise<R[]> => {
      const { rows } = await this.guard(() => prepared.execute(this.#db, values));
      this.#options.onListingRows?.(rows.length);
      return rows;
    };
    let markerSeq: number | undefined;
    if (query.keyMarker !== '' && query.versionIdMarker !== '') {
      const row = (await this.#read(this.#vq.seqOf, { bucket: query.bucket, key: query.keyMarker, version: query.versionIdMarker }))[0];
      markerSeq = row ? Number(row.seq) : undefined;
    }
    const fetch = versionFetcher(this.#vq, run, query.bucket);
    const { entries, isTruncated } = await collectVersions(fetch, query, versionStart(query, markerSeq));
    const page: ListObjectVersionsPage = { versions: [], commonPrefixes: [], isTruncated, nextKeyMarker: undefined, nextVersionIdMarker: undefined };
    for (const entry of entries) {
      if (entry.kind === 'version') {
        page.versions.push(decodeObjectSummary(entry.row));
        page.nextKeyMarker = entry.row.key;
        page.nextVersionIdMarker = entry.row.version_id;
      } else {
        page.commonPrefixes.push(entry.prefix);
        page.nextKeyMarker = entry.prefix;
        page.nextVersionIdMarker = undefined;
      }
    }
    return page;
  }

  async listEncryptedVersions(query: EncryptedVersionsQuery): Promise<EncryptedVersionsPage> {
    return this.guard(() => scanEncryptedVersions(this.#db, query));
  }

  async replaceSealedKey(bucket: string, key: string, versionId: string, expected: SealedKeyMaterial, next: SealedKeyMaterial): Promise<SealedKeySwap> {
    return this.write((trx) => swapSealedKey(trx, this.#q, { bucket, key, version: versionId }, expected, next));
  }

  async referencedBlobIds(blobIds: string[]): Promise<Set<string>> {
    const found = new Set<string>();
    for (let i = 0; i < blobIds.length; i += REFERENCE_BATCH) {
      const ids = blobIds.slice(i, i + REFERENCE_BATCH);
      const rows = await this.guard(() => referencedBlobsQuery(this.#db, ids).execute());
      for (const row of rows) if (row.blob_id !== null) found.add(row.blob_id);
      for (const id of await this.uploads.referencedPartBlobs(ids)) found.add(id);
    }
    return found;
  }

  async close(): Promise<void> {
    await this.#db.destroy();
    await this.#options.onClose?.();
  }

  /** A read-only prepared query: synchronously when the dialect allows it, else through Kysely. */
  async #read<R, P extends string>(query: PreparedQuery<R, P>, values: Readonly<Record<P, unknown>>): Promise<R[]> {
    return this.guard(async () => {
      const direct = this.#options.directReader?.tryRead<R>(query.sql, query.parameters(values));
      return direct ?? (await query.execute(this.#db, values)).rows;
    });
  }

  /** Runs `fn` in a write transaction on one connection; commits, or rolls back and rethrows. */
  async write<T>(fn: (trx: Kysely<CofferSchema>) => Promise<T>): Promise<T> {
    const result = await this.guard(() =>
      this.#db.connection().execute(async (conn) => {
        if (this.#options.beginWrite) await this.#options.beginWrite();
        else await sql.raw(this.#profile.beginWriteSql).execute(conn);
        try {
          const result = await fn(conn);
          await sql`commit`.execute(conn);
          return result;
        } catch (error) {
          await sql`rollback`.execute(conn).catch(() => undefined);
          throw error;
        }
      }),
    );
    // Outside the connection: other writers commit while this one waits for the shared sync.
    await this.#durable();
    return result;
  }

  /** Waits until every commit made so far is on stable storage (see afterCommit). */
  async #durable(): Promise<void> {
    if (this.#options.afterCommit) await this.guard(() => this.#options.afterCommit!());
  }

  /** Runs a database call, translating driver errors into StorageError. */
  async guard<T>(fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (error) {
      if (error instanceof StorageError) throw error;
      throw this.#profile.toStorageError(error) ?? error;
    }
  }
}
