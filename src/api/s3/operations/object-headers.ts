/** Response headers of GET/HEAD that describe a stored object version. */
import type { ObjectVersionRecord } from '../../../storage/ports.js';

export function checksumHeaders(record: ObjectVersionRecord): Record<string, string> {
  if (!record.checksum) return {};
  return {
    [`x-amz-checksum-${record.checksum.algorithm.toLowerCase()}`]: record.checksum.value,
    'x-amz-checksum-type': record.checksum.type,
  };
}

export function objectHeaders(record: ObjectVersionRecord): Record<string, string | number> {
  const headers: Record<string, string | number> = {
    etag: record.etag,
    'last-modified': record.lastModified.toUTCString(),
    'accept-ranges': 'bytes',
    'content-type': 'binary/octet-stream',
    ...record.contentHeaders,
  };
  for (const [name, value] of Object.entries(record.userMetadata)) headers[`x-amz-meta-${name}`] = value;
  if (record.storageClass !== 'STANDARD') headers['x-amz-storage-class'] = record.storageClass;
  if (record.versionId !== 'null') headers['x-amz-version-id'] = record.versionId;
  if (record.partSizes) headers['x-amz-mp-parts-count'] = record.partSizes.length;
  if (record.tags && record.tags.length > 0) headers['x-amz-tagging-count'] = record.tags.length;
  return headers;
}
