/**
 * Turns any thrown value into an S3 error reply. AppErrors map through the exhaustive table;
 * anything else is an opaque InternalError whose details only the log sees (with request id).
 */
import { isAppError } from '../../../core/index.js';
import { buildXml } from '../../common/xml/index.js';
import { S3_ERRORS, type S3ErrorCode } from './catalogue.js';
import { APP_TO_S3, OPAQUE_CODES } from './map.js';

export interface RenderedError {
  code: S3ErrorCode;
  status: number;
  headers: Record<string, string>;
  body: string;
  /** true when the error was not an AppError and must be logged as a fault. */
  unexpected: boolean;
}

export function renderS3Error(error: unknown, resource: string, requestId: string, hostId: string): RenderedError {
  const known = isAppError(error);
  const code: S3ErrorCode = known ? APP_TO_S3[error.code] : 'InternalError';
  const [status, defaultMessage] = S3_ERRORS[code];
  const message = known && error.hasCustomMessage && !OPAQUE_CODES.has(error.code) ? error.message : defaultMessage;
  const body = buildXml(
    'Error',
    { Code: code, Message: message, ...(known ? error.fields : undefined), Resource: resource, RequestId: requestId, HostId: hostId },
    null,
  );
  return { code, status, headers: { ...(known ? error.headers : undefined) }, body, unexpected: !known || code === 'InternalError' };
}
