/** What an implementation provides to run the storage contract suites against it. */
import { afterEach, beforeEach } from 'node:test';
import type { BlobStore, MetadataStore } from '../ports.js';

export interface MetadataStoreHarness {
  readonly store: MetadataStore;
  /** Closes the store and opens a new one on the same storage (persistence checks). */
  reopen(): Promise<MetadataStore>;
  /** Rows read by listing queries so far; lets the suite check that listings seek, not scan. */
  listingRowsRead?: () => number;
  /** Rewrites a stored record's format version, as a future writer would. */
  setStoredFormatVersion?: (target: { bucket: string; key?: string }, version: number) => Promise<void>;
  /** Runs one raw SQL statement on a second connection, as an attacker with database access would;
   * failures come back as the dialect's StorageError (Object Lock trigger checks). */
  rawSql?: (statement: string) => Promise<void>;
  /** Closes whatever store is open and removes the storage. */
  dispose(): Promise<void>;
}

export type MetadataStoreFactory = () => Promise<MetadataStoreHarness>;

export interface BlobStoreHarness {
  readonly store: BlobStore;
  /** Directory where the store keeps its temp files, to check that nothing is left behind. */
  readonly tempDir?: string;
  /** Makes a committed blob look `ageMs` old to the sweep. */
  age?: (blobId: string, ageMs: number) => Promise<void>;
  /** Leaves a temp file behind as a crashed writer would; `ageMs` old. */
  strandTemp?: (ageMs: number) => Promise<void>;
  dispose(): Promise<void>;
}

export type BlobStoreFactory = () => Promise<BlobStoreHarness>;

/** A fresh harness per test from `factory`, disposed after it; `current()` returns it. */
export function freshHarnessPerTest<H extends { dispose(): Promise<void> }>(factory: () => Promise<H>): () => H {
  let harness: H | undefined;
  beforeEach(async () => {
    harness = await factory();
  });
  afterEach(async () => {
    await harness?.dispose();
    harness = undefined;
  });
  return () => {
    if (!harness) throw new Error('no store: the factory did not run');
    return harness;
  };
}
