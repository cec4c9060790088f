/** Records and helpers shared by the storage contract suites. */
import assert from 'node:assert/strict';
import { RECORD_FORMAT_VERSION, StorageError, type BucketRecord, type ObjectVersionRecord, type StorageErrorCode } from '../ports.js';

export function bucketRecord(name: string, overrides: Partial<BucketRecord> = {}): BucketRecord {
  return {
    formatVersion: RECORD_FORMAT_VERSION,
    name,
    owner: 'owner-canonical-id',
    region: 'us-east-1',
    createdAt: new Date('2024-01-02T03:04:05.678Z'),
    versioning: 'Unversioned',
    objectLockEnabled: false,
    ...overrides,
  };
}

export function objectRecord(bucket: string, key: string, overrides: Partial<ObjectVersionRecord> = {}): ObjectVersionRecord {
  return {
    formatVersion: RECORD_FORMAT_VERSION,
    bucket,
    key,
    versionId: 'null',
    isLatest: true,
    isDeleteMarker: false,
    size: 3,
    etag: '"900150983cd24fb0d6963f7d28e17f72"',
    lastModified: new Date('2024-05-06T07:08:09.010Z'),
    contentHeaders: { 'content-type': 'text/plain' },
    userMetadata: {},
    checksum: undefined,
    dataCrc32: '352441c2',
    data: { kind: 'inline', bytes: Buffer.from('abc') },
    partSizes: undefined,
    storageClass: 'STANDARD',
    ...overrides,
  };
}

export function deleteMarker(bucket: string, key: string, versionId: string): ObjectVersionRecord {
  return objectRecord(bucket, key, { versionId, isDeleteMarker: true, size: 0, etag: '', dataCrc32: '00000000', data: { kind: 'none' } });
}

export async function assertStorageError(promise: Promise<unknown>, code: StorageErrorCode): Promise<void> {
  await assert.rejects(promise, (error: unknown) => {
    assert.ok(error instanceof StorageError, `expected StorageError(${code}), got ${String(error)}`);
    assert.equal(error.code, code);
    return true;
  });
}

/** UTF-8 byte order, computed independently of the stores under test. */
export function byUtf8(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
}

/** Keys in UTF-8 byte order; a JS sort would put '😀' before 'ｚ'. */
export const UNICODE_KEYS_IN_ORDER = ['B', 'Z', '_x', 'a', 'a-b', 'a/b', 'é', 'ｚ', '😀'] as const;

export interface ExpectedPage {
  objects: string[];
  commonPrefixes: string[];
  isTruncated: boolean;
}

/**
 * The listing oracle, by brute force over keys (all latest and visible): keys after the cursor,
 * rolled up at the first delimiter after the prefix, first `limit` entries.
 */
export function expectedListing(keys: readonly string[], query: { prefix: string; after: string; delimiter: string; limit: number }): ExpectedPage {
  const sorted = [...keys].sort(byUtf8);
  const entries: Array<{ value: string; isPrefix: boolean }> = [];
  for (const key of sorted) {
    if (!key.startsWith(query.prefix)) continue;
    if (query.after !== '' && byUtf8(key, query.after) <= 0) continue;
    let value = key;
    let isPrefix = false;
    if (query.delimiter !== '') {
      const at = key.indexOf(query.delimiter, query.prefix.length);
      if (at >= 0) {
        value = key.slice(0, at + query.delimiter.length);
        isPrefix = true;
      }
    }
    // A cursor that is itself a common prefix was returned already: skip everything under it.
    if (isPrefix && value === query.after) continue;
    const last = entries[entries.length - 1];
    if (last && last.value === value) continue;
    entries.push({ value, isPrefix });
  }
  const page = entries.slice(0, Math.max(0, query.limit));
  return {
    objects: page.filter((e) => !e.isPrefix).map((e) => e.value),
    commonPrefixes: page.filter((e) => e.isPrefix).map((e) => e.value),
    isTruncated: query.limit > 0 && entries.length > query.limit,
  };
}
