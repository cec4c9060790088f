/** Storage ports, part 4: key rotation's scan and compare-and-swap, and background job records (re-exported by ports.ts). */
import type { ObjectVersionSummary, StoredSealedKey } from './ports.js';

/** A version's place in key rotation's scan order: bucket, then key, then version id (UTF-8 byte order). */
export interface VersionCursor {
  bucket: string;
  key: string;
  versionId: string;
}

export interface EncryptedVersionsQuery {
  /** Only this bucket; absent: every bucket. */
  bucket?: string | undefined;
  /** Only keys starting with this; '' or absent: every key. */
  prefix?: string | undefined;
  /** Exclusive resume point; absent: from the start. */
  after?: VersionCursor | undefined;
  /** At most this many versions are examined (1..1000); fewer may be returned. */
  limit: number;
}

export interface EncryptedVersionsPage {
  /** The encrypted versions among those examined (delete markers are never examined), in scan order. */
  versions: ObjectVersionSummary[];
  /** The last version examined, the `after` of the next page; undefined when the scan is complete. */
  next: VersionCursor | undefined;
}

/** The KMS-wrapped key material of an SSE-S3 / SSE-KMS version: what key rotation replaces, nothing else. */
export interface SealedKeyMaterial {
  keyId: string;
  sealedDataKey: string;
  sealedObjectKey: StoredSealedKey;
}

/** replaceSealedKey's outcome: 'changed' — the version holds other key material now (overwritten, re-keyed). */
export type SealedKeySwap = 'replaced' | 'changed' | 'gone';

/** Small JSON state records of background jobs (key rotation's progress), one per name, compare-and-set. */
export interface JobStateStore {
  get(name: string): Promise<string | undefined>;
  /** Writes `state` if the stored one is exactly `expect` (null: no record yet); false when it was not. */
  put(name: string, state: string, expect: string | null): Promise<boolean>;
}
