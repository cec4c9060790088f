/** Versioned-write helpers for ObjectService: delete markers and what a delete did. */
import { RECORD_FORMAT_VERSION, type ObjectVersionRecord } from '../../storage/ports.js';

/** What DeleteObject (and each DeleteObjects entry) did, as S3 reports it. */
export interface DeleteOutcome {
  /** The version that was removed or the delete marker that was created; undefined for a plain unversioned delete. */
  versionId: string | undefined;
  /** true when a delete marker was created, or when the removed version was a delete marker. */
  deleteMarker: boolean;
}

export function deleteMarkerRecord(bucket: string, key: string, versionId: string, now: Date): ObjectVersionRecord {
  return {
    formatVersion: RECORD_FORMAT_VERSION,
    bucket,
    key,
    versionId,
    isLatest: true,
    isDeleteMarker: true,
    size: 0,
    etag: '',
    lastModified: now,
    contentHeaders: {},
    userMetadata: {},
    checksum: undefined,
    dataCrc32: '00000000',
    data: { kind: 'none' },
    partSizes: undefined,
    storageClass: 'STANDARD',
  };
}
