/**
 * Conditional-write headers of PutObject and CopyObject (If-None-Match: *, If-Match: <etag>)
 * and of DeleteObject (If-Match, x-amz-if-match-size, x-amz-if-match-last-modified-time),
 * turned into what the object service checks. Evaluated only after authorization.
 */
import type { IncomingHttpHeaders } from 'node:http';
import { AppError } from '../../../core/index.js';
import type { DeleteConditions, WriteExpectation } from '../../../services/index.js';

function single(headers: IncomingHttpHeaders, name: string): string | undefined {
  const value = headers[name];
  if (value === undefined) return undefined;
  if (Array.isArray(value)) throw new AppError('InvalidArgument', { message: `Multiple ${name} headers are not allowed.`, fields: { ArgumentName: name } });
  return value.trim();
}

/** A client may send an ETag with or without its quotes; the stored one is quoted. */
export function quotedEtag(value: string): string {
  return value.startsWith('"') && value.endsWith('"') && value.length >= 2 ? value : `"${value}"`;
}

export function writeExpectationOf(headers: IncomingHttpHeaders): WriteExpectation | undefined {
  const ifNoneMatch = single(headers, 'if-none-match');
  const ifMatch = single(headers, 'if-match');
  if (ifNoneMatch === undefined && ifMatch === undefined) return undefined;
  const expect: WriteExpectation = {};
  if (ifNoneMatch !== undefined) {
    // S3 implements only the asterisk for writes.
    if (ifNoneMatch !== '*') throw new AppError('NotImplemented', { message: 'If-None-Match on a write accepts only the value *.', fields: { Header: 'If-None-Match' } });
    expect.noLatest = true;
  }
  if (ifMatch !== undefined) {
    if (ifMatch === '' || ifMatch === '*' || ifMatch.includes(',')) {
      throw new AppError('NotImplemented', { message: 'If-Match on a write accepts exactly one ETag.', fields: { Header: 'If-Match' } });
    }
    expect.latestEtag = quotedEtag(ifMatch);
  }
  return expect;
}

export function deleteConditionsOf(headers: IncomingHttpHeaders): DeleteConditions | undefined {
  const ifMatch = single(headers, 'if-match');
  const size = single(headers, 'x-amz-if-match-size');
  const time = single(headers, 'x-amz-if-match-last-modified-time');
  if (ifMatch === undefined && size === undefined && time === undefined) return undefined;
  const conditions: DeleteConditions = {};
  if (ifMatch !== undefined) {
    if (ifMatch === '' || ifMatch.includes(',')) throw new AppError('InvalidArgument', { message: 'If-Match accepts * or one ETag.', fields: { ArgumentName: 'If-Match' } });
    conditions.ifMatch = ifMatch === '*' ? '*' : quotedEtag(ifMatch);
  }
  if (size !== undefined) {
    if (!/^\d{1,16}$/.test(size)) throw new AppError('InvalidArgument', { message: 'Invalid x-amz-if-match-size.', fields: { ArgumentName: 'x-amz-if-match-size', ArgumentValue: size } });
    conditions.size = Number(size);
  }
  if (time !== undefined) {
    const parsed = Date.parse(time);
    if (Number.isNaN(parsed)) throw new AppError('InvalidArgument', { message: 'Invalid x-amz-if-match-last-modified-time.', fields: { ArgumentName: 'x-amz-if-match-last-modified-time' } });
    conditions.lastModified = new Date(parsed);
  }
  return conditions;
}
