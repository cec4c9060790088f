/**
 * If-Match / If-None-Match / If-Modified-Since / If-Unmodified-Since for GET and HEAD, with
 * S3's precedence rules. Called only after authorization (CVE-2024-36107 evaluated them before).
 */
import { AppError } from '../../../core/index.js';
import type { ObjectVersionRecord } from '../../../storage/ports.js';

function etagMatches(header: string, etag: string): boolean {
  return header.split(',').some((candidate) => {
    const value = candidate.trim();
    return value === '*' || value === etag || `"${value}"` === etag;
  });
}

function parseDate(value: string | string[] | undefined): number | undefined {
  if (typeof value !== 'string') return undefined;
  const time = Date.parse(value);
  return Number.isNaN(time) ? undefined : Math.floor(time / 1000);
}

export function checkReadPreconditions(headers: Record<string, string | string[] | undefined>, record: ObjectVersionRecord): void {
  const modified = Math.floor(record.lastModified.getTime() / 1000);
  const ifMatch = headers['if-match'];
  const ifNoneMatch = headers['if-none-match'];
  const unmodifiedSince = parseDate(headers['if-unmodified-since']);
  const modifiedSince = parseDate(headers['if-modified-since']);
  if (typeof ifMatch === 'string') {
    if (!etagMatches(ifMatch, record.etag)) throw new AppError('PreconditionFailed', { fields: { Condition: 'If-Match' } });
  } else if (unmodifiedSince !== undefined && modified > unmodifiedSince) {
    throw new AppError('PreconditionFailed', { fields: { Condition: 'If-Unmodified-Since' } });
  }
  const notModified = () =>
    new AppError('NotModified', { headers: { etag: record.etag, 'last-modified': record.lastModified.toUTCString() } });
  if (typeof ifNoneMatch === 'string') {
    if (etagMatches(ifNoneMatch, record.etag)) throw notModified();
  } else if (modifiedSince !== undefined && modified <= modifiedSince) {
    throw notModified();
  }
}
