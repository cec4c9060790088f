/**
 * Table shapes and the dialect seam. One schema and one query layer serve SQLite and
 * PostgreSQL; everything a dialect must do differently goes through SqlDialectProfile.
 */
import type { ColumnDefinitionBuilder } from 'kysely';
import type { StorageError } from '../ports.js';
import type { IamEntitiesTable, IamLinksTable, IamStateTable } from './iam-schema.js';
import type { JobsTable } from './key-rotation.js';
import type { CompletedUploadsTable, MultipartPartsTable, MultipartUploadsTable, ObjectPartsTable } from './uploads-schema.js';

export interface SchemaMigrationsTable {
  version: number;
  applied_at: string;
}

export interface BucketsTable {
  name: string;
  /** JSON of the stored bucket record; carries formatVersion. */
  record: string;
  created_at: string;
}

export interface ObjectsTable {
  bucket: string;
  key: string;
  version_id: string;
  /** Store-wide monotonic write counter: orders a key's versions, newest = highest. */
  seq: number;
  is_latest: number;
  is_delete_marker: number;
  /** JSON of the stored version record; carries formatVersion. */
  record: string;
  inline_data: Buffer | null;
  blob_id: string | null;
  /** Migration 5: the record's Object Lock state, mirrored so that checks and triggers need no JSON. */
  lock_mode: string | null;
  /** Retain-until as milliseconds since the epoch; null without retention. */
  retain_until_ms: number | null;
  /** 1 while a legal hold is ON. */
  legal_hold: number;
}

/** Named counters (`object_seq`, `clock_high_water_ms`); a PostgreSQL dialect may replace it with a sequence. */
export interface StoreCountersTable {
  name: string;
  value: number;
}

export interface CofferSchema {
  schema_migrations: SchemaMigrationsTable;
  buckets: BucketsTable;
  objects: ObjectsTable;
  store_counters: StoreCountersTable;
  multipart_uploads: MultipartUploadsTable;
  multipart_parts: MultipartPartsTable;
  object_parts: ObjectPartsTable;
  completed_uploads: CompletedUploadsTable;
  iam_entities: IamEntitiesTable;
  iam_links: IamLinksTable;
  iam_state: IamStateTable;
  store_jobs: JobsTable;
}

/** The row shape that listing queries select: everything but the inline bytes. */
export interface ObjectSummaryRow {
  bucket: string;
  key: string;
  version_id: string;
  is_latest: number;
  is_delete_marker: number;
  record: string;
  blob_id: string | null;
}

/** The row shape that single-version queries select. */
export interface ObjectRow extends ObjectSummaryRow {
  inline_data: Buffer | null;
}

export interface SqlDialectProfile {
  readonly name: string;
  /**
   * Applied to every key-like text column (bucket, key, version id). Keys must compare in UTF-8
   * byte order: SQLite's default BINARY collation does; PostgreSQL needs `collate "C"`, e.g.
   * `(col) => col.modifyEnd(sql\`collate "C"\`)`.
   */
  keyColumn(column: ColumnDefinitionBuilder): ColumnDefinitionBuilder;
  /** Column type for inline object bytes: 'blob' (SQLite) or 'bytea' (PostgreSQL). */
  readonly binaryType: 'blob' | 'bytea';
  /** Starts a write transaction: 'begin immediate' (SQLite takes the write lock up front) or 'begin'. */
  readonly beginWriteSql: string;
  /** Maps a driver error to a StorageError (busy → Unavailable, disk full → NoSpace, …) or undefined. */
  toStorageError(error: unknown): StorageError | undefined;
  /**
   * Object Lock's last line (migration 5): statements creating triggers that refuse, by the
   * database's own clock, to delete a row under legal hold or active COMPLIANCE retention and to
   * weaken an active COMPLIANCE retention, even for raw SQL. Their abort must map to
   * StorageError('Locked') in toStorageError. Empty when the dialect has none (then only the
   * store's own checks hold).
   */
  readonly objectLockTriggers: readonly string[];
}
