/**
 * Tables of multipart uploads (migration 2). An upload's parts are blobs of their own; a
 * completed object keeps pointing at them, so `object_parts` indexes every blob a version made of
 * parts uses (the orphan sweep asks it) and goes away with the version (ON DELETE CASCADE).
 * The version's record also lists its parts, so reads never join.
 */
import { sql, type Kysely } from 'kysely';
import type { CofferSchema, SqlDialectProfile } from './schema.js';

export interface MultipartUploadsTable {
  bucket: string;
  upload_id: string;
  key: string;
  /** ISO time of creation; sorts as text. */
  initiated: string;
  /** JSON of the stored upload record; carries formatVersion. */
  record: string;
}

export interface MultipartPartsTable {
  bucket: string;
  upload_id: string;
  part_number: number;
  blob_id: string;
  /** JSON of the stored part record; carries formatVersion. */
  record: string;
}

export interface ObjectPartsTable {
  bucket: string;
  key: string;
  version_id: string;
  part_index: number;
  blob_id: string;
}

/**
 * Completed multipart uploads (migration 3): what a repeated CompleteMultipartUpload of the same
 * upload answers from, as S3 does, for as long as abandoned uploads are kept.
 */
export interface CompletedUploadsTable {
  bucket: string;
  upload_id: string;
  key: string;
  version_id: string;
  /** ISO time of completion; sorts as text. */
  completed: string;
  /** JSON: { formatVersion, etag, parts: [{ partNumber, etag }] }. */
  record: string;
}

export async function createCompletedUploadsTable(db: Kysely<CofferSchema>, profile: SqlDialectProfile): Promise<void> {
  const key = profile.keyColumn;
  await db.schema
    .createTable('completed_uploads')
    .addColumn('bucket', 'text', (c) => key(c.notNull()))
    .addColumn('upload_id', 'text', (c) => key(c.notNull()))
    .addColumn('key', 'text', (c) => key(c.notNull()))
    .addColumn('version_id', 'text', (c) => key(c.notNull()))
    .addColumn('completed', 'text', (c) => c.notNull())
    .addColumn('record', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('completed_uploads_pk', ['bucket', 'upload_id'])
    .addForeignKeyConstraint('completed_uploads_bucket_fk', ['bucket'], 'buckets', ['name'], (fk) => fk.onDelete('cascade'))
    .execute();
  await sql`create index completed_uploads_completed on completed_uploads (completed)`.execute(db);
}

export async function createUploadTables(db: Kysely<CofferSchema>, profile: SqlDialectProfile): Promise<void> {
  const key = profile.keyColumn;
  await db.schema
    .createTable('multipart_uploads')
    .addColumn('bucket', 'text', (c) => key(c.notNull()))
    .addColumn('upload_id', 'text', (c) => key(c.notNull()))
    .addColumn('key', 'text', (c) => key(c.notNull()))
    .addColumn('initiated', 'text', (c) => c.notNull())
    .addColumn('record', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('multipart_uploads_pk', ['bucket', 'upload_id'])
    // Deleting a bucket drops its unfinished uploads; the orphan sweep then takes their blobs.
    .addForeignKeyConstraint('multipart_uploads_bucket_fk', ['bucket'], 'buckets', ['name'], (fk) => fk.onDelete('cascade'))
    .execute();
  await sql`create index multipart_uploads_key on multipart_uploads (bucket, key, upload_id)`.execute(db);
  await sql`create index multipart_uploads_initiated on multipart_uploads (initiated)`.execute(db);
  await db.schema
    .createTable('multipart_parts')
    .addColumn('bucket', 'text', (c) => key(c.notNull()))
    .addColumn('upload_id', 'text', (c) => key(c.notNull()))
    .addColumn('part_number', 'integer', (c) => c.notNull())
    .addColumn('blob_id', 'text', (c) => c.notNull())
    .addColumn('record', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('multipart_parts_pk', ['bucket', 'upload_id', 'part_number'])
    .addForeignKeyConstraint('multipart_parts_upload_fk', ['bucket', 'upload_id'], 'multipart_uploads', ['bucket', 'upload_id'], (fk) =>
      fk.onDelete('cascade'),
    )
    .execute();
  await sql`create index multipart_parts_blob on multipart_parts (blob_id)`.execute(db);
  await db.schema
    .createTable('object_parts')
    .addColumn('bucket', 'text', (c) => key(c.notNull()))
    .addColumn('key', 'text', (c) => key(c.notNull()))
    .addColumn('version_id', 'text', (c) => key(c.notNull()))
    .addColumn('part_index', 'integer', (c) => c.notNull())
    .addColumn('blob_id', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('object_parts_pk', ['bucket', 'key', 'version_id', 'part_index'])
    .addForeignKeyConstraint('object_parts_version_fk', ['bucket', 'key', 'version_id'], 'objects', ['bucket', 'key', 'version_id'], (fk) =>
      fk.onDelete('cascade'),
    )
    .execute();
  await sql`create index object_parts_blob on object_parts (blob_id)`.execute(db);
}
