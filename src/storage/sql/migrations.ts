/**
 * Schema migrations, in order, each applied once inside a write transaction and recorded in
 * `schema_migrations`. Never edit a released migration: add the next one. A database that is
 * newer than this code (a version we do not know) is refused rather than written to.
 */
import { sql, type Kysely } from 'kysely';
import { StorageError } from '../ports.js';
import type { CofferSchema, SqlDialectProfile } from './schema.js';
import { createIamTables } from './iam-schema.js';
import { createJobsTable } from './key-rotation.js';
import { addObjectLock } from './lock-schema.js';
import { createCompletedUploadsTable, createUploadTables } from './uploads-schema.js';

export interface Migration {
  version: number;
  up(db: Kysely<CofferSchema>, profile: SqlDialectProfile): Promise<void>;
}

export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    async up(db, profile) {
      const key = profile.keyColumn;
      await db.schema
        .createTable('buckets')
        .addColumn('name', 'text', (c) => key(c.notNull()).primaryKey())
        .addColumn('record', 'text', (c) => c.notNull())
        .addColumn('created_at', 'text', (c) => c.notNull())
        .execute();
      await db.schema
        .createTable('objects')
        .addColumn('bucket', 'text', (c) => key(c.notNull()))
        .addColumn('key', 'text', (c) => key(c.notNull()))
        .addColumn('version_id', 'text', (c) => key(c.notNull()))
        .addColumn('seq', 'bigint', (c) => c.notNull())
        .addColumn('is_latest', 'integer', (c) => c.notNull())
        .addColumn('is_delete_marker', 'integer', (c) => c.notNull())
        .addColumn('record', 'text', (c) => c.notNull())
        .addColumn('inline_data', profile.binaryType)
        .addColumn('blob_id', 'text')
        .addPrimaryKeyConstraint('objects_pk', ['bucket', 'key', 'version_id'])
        .addForeignKeyConstraint('objects_bucket_fk', ['bucket'], 'buckets', ['name'])
        .execute();
      // At most one latest version per key; also the listing index (listing adds
      // `is_delete_marker = 0` as a filter). Queries must spell `is_latest = 1` literally.
      await sql`create unique index objects_latest on objects (bucket, key) where is_latest = 1`.execute(db);
      // A key's versions newest-first: promotion after a delete, and ListObjectVersions later.
      await sql`create index objects_versions on objects (bucket, key, seq)`.execute(db);
      await sql`create index objects_blob on objects (blob_id) where blob_id is not null`.execute(db);
      await db.schema
        .createTable('store_counters')
        .addColumn('name', 'text', (c) => c.notNull().primaryKey())
        .addColumn('value', 'bigint', (c) => c.notNull())
        .execute();
      await db.insertInto('store_counters').values({ name: 'object_seq', value: 0 }).execute();
    },
  },
  {
    // Multipart uploads, their parts, and the part blobs of completed objects.
    version: 2,
    up: (db, profile) => createUploadTables(db, profile),
  },
  {
    // Completed multipart uploads, so that a repeated completion succeeds as on S3.
    version: 3,
    up: (db, profile) => createCompletedUploadsTable(db, profile),
  },
  {
    // IAM: users, groups, policies, roles, access keys, STS sessions, links and the generation.
    version: 4,
    up: (db, profile) => createIamTables(db, profile),
  },
  {
    // Object Lock: lock columns mirroring each record, the dialect's triggers, the clock high-water mark.
    version: 5,
    up: (db, profile) => addObjectLock(db, profile),
  },
  {
    // Background job state (key rotation's resumable progress).
    version: 6,
    up: (db, profile) => createJobsTable(db, profile),
  },
];

export const SCHEMA_VERSION = MIGRATIONS.length;

/** Applies pending migrations; `write` runs its callback in a write transaction. */
export async function migrate(
  db: Kysely<CofferSchema>,
  profile: SqlDialectProfile,
  write: <T>(fn: (trx: Kysely<CofferSchema>) => Promise<T>) => Promise<T>,
): Promise<void> {
  await db.schema
    .createTable('schema_migrations')
    .ifNotExists()
    .addColumn('version', 'integer', (c) => c.notNull().primaryKey())
    .addColumn('applied_at', 'text', (c) => c.notNull())
    .execute();
  await write(async (trx) => {
    const row = await trx
      .selectFrom('schema_migrations')
      .select((eb) => eb.fn.max('version').as('version'))
      .executeTakeFirst();
    const current = Number(row?.version ?? 0);
    if (current > SCHEMA_VERSION) {
      throw new StorageError('Corrupt', `metadata schema version ${current} is newer than this Coffer (${SCHEMA_VERSION})`);
    }
    for (const migration of MIGRATIONS) {
      if (migration.version <= current) continue;
      await migration.up(trx, profile);
      await trx
        .insertInto('schema_migrations')
        .values({ version: migration.version, applied_at: new Date().toISOString() })
        .execute();
    }
  });
}
