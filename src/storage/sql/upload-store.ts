/**
 * UploadStore over the shared SQL layer, plus the two places where uploads meet object
 * versions: putObjectVersion's transaction (a version made of parts indexes its blobs; a
 * completing upload's rows leave in the same commit) and the orphan sweep's reference check.
 */
import type { Kysely } from 'kysely';
import {
  StorageError,
  type CompletedUploadRecord,
  type ListUploadsPage,
  type ListUploadsQuery,
  type MultipartUploadRecord,
  type ObjectVersionRecord,
  type PutVersionOptions,
  type UploadPartRecord,
  type UploadStore,
} from '../ports.js';
import { param, prepare, type PreparedQuery } from './prepared.js';
import type { CofferSchema } from './schema.js';
import { collectUploads } from './upload-listing.js';
import { decodePart, decodeUpload, encodePart, encodeUpload, type PartRow, type UploadRow } from './uploads-codec.js';

type Write = <T>(fn: (trx: Kysely<CofferSchema>) => Promise<T>) => Promise<T>;
type Guard = <T>(fn: () => Promise<T>) => Promise<T>;

const UPLOAD_COLUMNS = ['bucket', 'upload_id', 'key', 'record'] as const;
const PART_COLUMNS = ['bucket', 'upload_id', 'part_number', 'blob_id', 'record'] as const;
/** object_parts rows per insert statement (5 parameters each; well under every driver's limit). */
const PART_INSERT_BATCH = 200;

function buildUploadQueries(db: Kysely<CofferSchema>) {
  const parts = () =>
    db.selectFrom('multipart_parts').select(PART_COLUMNS).where('bucket', '=', param('bucket')).where('upload_id', '=', param('upload'));
  return {
    insertUpload: prepare<unknown, 'bucket' | 'upload_id' | 'key' | 'initiated' | 'record'>(
      db.insertInto('multipart_uploads').values({
        bucket: param('bucket'),
        upload_id: param('upload_id'),
        key: param('key'),
        initiated: param('initiated'),
        record: param('record'),
      }),
    ),
    getUpload: prepare<UploadRow, 'bucket' | 'upload'>(
      db.selectFrom('multipart_uploads').select(UPLOAD_COLUMNS).where('bucket', '=', param('bucket')).where('upload_id', '=', param('upload')),
    ),
    deleteUpload: prepare<unknown, 'bucket' | 'upload'>(
      db.deleteFrom('multipart_uploads').where('bucket', '=', param('bucket')).where('upload_id', '=', param('upload')),
    ),
    getPart: prepare<PartRow, 'bucket' | 'upload' | 'number'>(parts().where('part_number', '=', param<number>('number'))),
    deletePart: prepare<unknown, 'bucket' | 'upload' | 'number'>(
      db
        .deleteFrom('multipart_parts')
        .where('bucket', '=', param('bucket'))
        .where('upload_id', '=', param('upload'))
        .where('part_number', '=', param<number>('number')),
    ),
    insertPart: prepare<unknown, 'bucket' | 'upload_id' | 'part_number' | 'blob_id' | 'record'>(
      db.insertInto('multipart_parts').values({
        bucket: param('bucket'),
        upload_id: param('upload_id'),
        part_number: param<number>('part_number'),
        blob_id: param('blob_id'),
        record: param('record'),
      }),
    ),
    listParts: prepare<PartRow, 'bucket' | 'upload' | 'after' | 'limit'>(
      parts().where('part_number', '>', param<number>('after')).orderBy('part_number').limit(param<number>('limit')),
    ),
    allParts: prepare<PartRow, 'bucket' | 'upload'>(parts().orderBy('part_number')),
    initiatedBefore: prepare<{ bucket: string; key: string; upload_id: string }, 'before' | 'limit'>(
      db
        .selectFrom('multipart_uploads')
        .select(['bucket', 'key', 'upload_id'])
        .where('initiated', '<', param('before'))
        .orderBy('initiated')
        .limit(param<number>('limit')),
    ),
  };
}

export class SqlUploadStore implements UploadStore {
  readonly #db: Kysely<CofferSchema>;
  readonly #write: Write;
  readonly #guard: Guard;
  readonly #q: ReturnType<typeof buildUploadQueries>;

  constructor(db: Kysely<CofferSchema>, write: Write, guard: Guard) {
    this.#db = db;
    this.#write = write;
    this.#guard = guard;
    this.#q = buildUploadQueries(db);
  }

  async createUpload(upload: MultipartUploadRecord): Promise<void> {
    await this.#guard(() => this.#q.insertUpload.execute(this.#db, encodeUpload(upload)));
  }

  async getUpload(bucket: string, uploadId: string): Promise<MultipartUploadRecord | undefined> {
    const row = (await this.#run(this.#q.getUpload, { bucket, upload: uploadId }))[0];
    return row ? decodeUpload(row) : undefined;
  }

  async putPart(part: UploadPartRecord): Promise<UploadPartRecord | undefined> {
    const ids = { bucket: part.bucket, upload: part.uploadId, number: part.partNumber };
    return this.#write(async (trx) => {
      if ((await this.#q.getUpload.execute(trx, ids)).rows.length === 0) {
        throw new StorageError('NotFound', `upload ${part.uploadId} does not exist`);
      }
      const old = (await this.#q.getPart.execute(trx, ids)).rows[0];
      if (old) await this.#q.deletePart.execute(trx, ids);
      await this.#q.insertPart.execute(trx, encodePart(part));
      return old ? decodePart(old) : undefined;
    });
  }

  async listParts(bucket: string, uploadId: string, afterPartNumber: number, limit: number): Promise<UploadPartRecord[]> {
    if (limit <= 0) return [];
    const rows = await this.#run(this.#q.listParts, { bucket, upload: uploadId, after: afterPartNumber, limit });
    return rows.map(decodePart);
  }

  async deleteUpload(bucket: string, uploadId: string): Promise<UploadPartRecord[] | undefined> {
    const ids = { bucket, upload: uploadId };
    return this.#write(async (trx) => {
      if ((await this.#q.getUpload.execute(trx, ids)).rows.length === 0) return undefined;
      const parts = (await this.#q.allParts.execute(trx, ids)).rows.map(decodePart);
      await this.#q.deleteUpload.execute(trx, ids);
      return parts;
    });
  }

  async listUploads(query: ListUploadsQuery): Promise<ListUploadsPage> {
    return this.#guard(() => collectUploads(this.#db, query));
  }

  async getCompletedUpload(bucket: string, uploadId: string): Promise<CompletedUploadRecord | undefined> {
    const row = await this.#guard(() =>
      this.#db.selectFrom('completed_uploads').selectAll().where('bucket', '=', bucket).where('upload_id', '=', uploadId).executeTakeFirst(),
    );
    if (!row) return undefined;
    let stored: { etag?: unknown; parts?: unknown };
    try {
      stored = JSON.parse(row.record) as { etag?: unknown; parts?: unknown };
    } catch {
      throw new StorageError('Corrupt', `completed upload ${uploadId}: record is not JSON`);
    }
    if (typeof stored.etag !== 'string' || !Array.isArray(stored.parts)) throw new StorageError('Corrupt', `completed upload ${uploadId}: bad record`);
    const parts = (stored.parts as Array<{ partNumber?: unknown; etag?: unknown }>).map((p) => {
      if (typeof p.partNumber !== 'number' || typeof p.etag !== 'string') throw new StorageError('Corrupt', `completed upload ${uploadId}: bad part`);
      return { partNumber: p.partNumber, etag: p.etag };
    });
    return { bucket: row.bucket, uploadId: row.upload_id, key: row.key, versionId: row.version_id, etag: stored.etag, completed: new Date(row.completed), parts };
  }

  async deleteCompletedUploadsBefore(before: Date): Promise<number> {
    return this.#write(async (trx) => {
      const result = await trx.deleteFrom('completed_uploads').where('completed', '<', before.toISOString()).executeTakeFirst();
      return Number(result.numDeletedRows ?? 0);
    });
  }

  async listUploadsInitiatedBefore(before: Date, limit: number): Promise<Array<{ bucket: string; key: string; uploadId: string }>> {
    const rows = await this.#run(this.#q.initiatedBefore, { before: before.toISOString(), limit });
    return rows.map((row) => ({ bucket: row.bucket, key: row.key, uploadId: row.upload_id }));
  }

  /**
   * Runs inside putObjectVersion's transaction, after the version row is in: indexes the part
   * blobs of a version made of parts and, for CompleteMultipartUpload, checks that the upload and
   * every listed part (with the same blob) still exist, then removes the upload. Returns the
   * blobs of the upload's parts that the object does not use.
   */
  async applyToPutVersion(trx: Kysely<CofferSchema>, record: ObjectVersionRecord, options: PutVersionOptions | undefined): Promise<string[] | undefined> {
    if (record.data.kind === 'parts') {
      const rows = record.data.parts.map((part, index) => ({
        bucket: record.bucket,
        key: record.key,
        version_id: record.versionId,
        part_index: index,
        blob_id: part.blobId,
      }));
      for (let i = 0; i < rows.length; i += PART_INSERT_BATCH) {
        await trx.insertInto('object_parts').values(rows.slice(i, i + PART_INSERT_BATCH)).execute();
      }
    }
    const completing = options?.completesUpload;
    if (!completing) return undefined;
    const ids = { bucket: record.bucket, upload: completing.uploadId };
    const upload = (await this.#q.getUpload.execute(trx, ids)).rows[0];
    if (!upload || upload.key !== record.key) throw new StorageError('NotFound', `upload ${completing.uploadId} does not exist`);
    const stored = new Map((await this.#q.allParts.execute(trx, ids)).rows.map((row) => [Number(row.part_number), row.blob_id]));
    const used = new Set<string>();
    for (const part of completing.parts) {
      if (stored.get(part.partNumber) !== part.blobId) throw new StorageError('NotFound', `part ${part.partNumber} changed or is gone`);
      used.add(part.blobId);
    }
    await this.#q.deleteUpload.execute(trx, ids);
    if (completing.parts.every((part) => part.etag !== undefined)) {
      // Remembered so that a repeated completion can be answered (see getCompletedUpload).
      await trx.deleteFrom('completed_uploads').where('bucket', '=', record.bucket).where('upload_id', '=', completing.uploadId).execute();
      await trx
        .insertInto('completed_uploads')
        .values({
          bucket: record.bucket,
          upload_id: completing.uploadId,
          key: record.key,
          version_id: record.versionId,
          completed: record.lastModified.toISOString(),
          record: JSON.stringify({ formatVersion: 1, etag: record.etag, parts: completing.parts.map((p) => ({ partNumber: p.partNumber, etag: p.etag })) }),
        })
        .execute();
    }
    return [...stored.values()].filter((blobId) => !used.has(blobId));
  }

  /** Which of these blob ids an upload part or a completed object's part list references. */
  async referencedPartBlobs(ids: string[]): Promise<string[]> {
    if (ids.length === 0) return [];
    const rows = await this.#guard(() =>
      this.#db
        .selectFrom('multipart_parts')
        .select('blob_id')
        .where('blob_id', 'in', ids)
        .union(this.#db.selectFrom('object_parts').select('blob_id').where('blob_id', 'in', ids))
        .execute(),
    );
    return rows.map((row) => row.blob_id);
  }

  async #run<R, P extends string>(query: PreparedQuery<R, P>, values: Readonly<Record<P, unknown>>): Promise<R[]> {
    return this.#guard(async () => (await query.execute(this.#db, values)).rows);
  }
}
