/**
 * Admin API errors: every AppErrorCode maps to a JSON error code and an HTTP status through a
 * Record over the closed union, so the compiler refuses a build in which a code has no answer.
 * The body is always {"Code","Message","RequestId"}. Authentication failures of every kind
 * (unknown key, wrong secret, bad or missing token, anonymous) collapse into one AccessDenied
 * with one message, so nothing distinguishes an unknown key from a wrong secret (reference §10,
 * CVE-2020-11012 / CVE-2026-33419 class). Messages of opaque codes never reach the client.
 */
import { isAppError, type AppErrorCode } from '../../core/index.js';

type Wire = readonly [code: string, status: number, defaultMessage: string];

const DENIED: Wire = ['AccessDenied', 403, 'Access Denied.'];
const BAD: (code: string, message: string) => Wire = (code, message) => [code, 400, message];
const INTERNAL: Wire = ['InternalError', 500, 'We encountered an internal error. Please try again.'];
const UNAVAILABLE: Wire = ['ServiceUnavailable', 503, 'The service is unavailable. Please try again.'];

export const APP_TO_ADMIN: Record<AppErrorCode, Wire> = {
  InvalidArgument: BAD('InvalidArgument', 'Invalid argument.'),
  InvalidRequest: BAD('InvalidRequest', 'Invalid request.'),
  InvalidURI: BAD('InvalidURI', "Couldn't parse the specified URI."),
  InvalidBucketName: BAD('InvalidBucketName', 'The specified bucket is not valid.'),
  KeyTooLongError: BAD('InvalidInput', 'A value is too long.'),
  MetadataTooLarge: BAD('InvalidInput', 'The request headers are too large.'),
  RequestHeaderSectionTooLarge: BAD('RequestHeaderSectionTooLarge', 'The request headers are too large.'),
  MalformedXML: BAD('InvalidInput', 'The request body is not well-formed.'),
  MaxMessageLengthExceeded: ['RequestTooLarge', 413, 'The request body is too large.'],
  InvalidRange: BAD('InvalidInput', 'Invalid range.'),
  InvalidPartNumber: BAD('InvalidInput', 'Invalid input.'),
  InvalidPart: BAD('InvalidInput', 'Invalid input.'),
  InvalidPartOrder: BAD('InvalidInput', 'Invalid input.'),
  AccessControlListNotSupported: BAD('InvalidInput', 'Invalid input.'),
  IllegalLocationConstraintException: BAD('InvalidInput', 'Invalid input.'),
  EntityTooLarge: ['RequestTooLarge', 413, 'The request body is too large.'],
  EntityTooSmall: BAD('InvalidInput', 'Invalid input.'),
  IncompleteBody: BAD('IncompleteBody', 'The request body is shorter than its Content-Length.'),
  MissingContentLength: ['MissingContentLength', 411, 'The request needs a Content-Length header.'],
  InvalidDigest: BAD('InvalidDigest', 'The Content-MD5 you specified is not valid.'),
  BadDigest: BAD('BadDigest', 'The body does not match its digest.'),
  XAmzContentSHA256Mismatch: BAD('XAmzContentSHA256Mismatch', "The provided 'x-amz-content-sha256' header does not match what was computed."),
  InvalidChunkSizeError: BAD('InvalidRequest', 'The admin API takes a plain signed body.'),
  MalformedTrailerError: BAD('InvalidRequest', 'The admin API takes a plain signed body.'),
  InvalidEncodingType: BAD('InvalidInput', 'Invalid input.'),
  InvalidStorageClass: BAD('InvalidInput', 'Invalid input.'),
  TooManyObjects: BAD('InvalidInput', 'Invalid input.'),
  RequestTimeout: BAD('RequestTimeout', 'The request body was not received in time.'),
  NotImplemented: ['NotImplemented', 501, 'This operation is not implemented.'],
  MethodNotAllowed: ['MethodNotAllowed', 405, 'The method is not allowed on this resource.'],
  InvalidTag: BAD('InvalidInput', 'Invalid tag.'),
  TooManyTags: BAD('LimitExceeded', 'Too many tags.'),
  NoSuchTagSet: ['NoSuchEntity', 404, 'The entity does not exist.'],
  MalformedPOSTRequest: BAD('InvalidInput', 'Invalid input.'),
  InvalidPolicyDocument: BAD('MalformedPolicyDocument', 'The policy document is not valid.'),
  MaxPostPreDataLengthExceeded: ['RequestTooLarge', 413, 'The request body is too large.'],
  IncorrectNumberOfFilesInPostRequest: BAD('InvalidInput', 'Invalid input.'),
  CORSForbidden: DENIED,
  NoSuchCORSConfiguration: ['NoSuchEntity', 404, 'The entity does not exist.'],
  InvalidBucketState: ['InvalidBucketState', 409, 'The bucket is not in a state that allows this request.'],
  ObjectLockConfigurationNotFoundError: ['NoSuchEntity', 404, 'The entity does not exist.'],
  NoSuchObjectLockConfiguration: ['NoSuchEntity', 404, 'The entity does not exist.'],
  InvalidRetentionPeriod: BAD('InvalidInput', 'Invalid input.'),
  ObjectLocked: DENIED,
  AccessDenied: DENIED,
  InvalidAccessKeyId: DENIED,
  SignatureDoesNotMatch: DENIED,
  AuthorizationHeaderMalformed: BAD('AuthorizationHeaderMalformed', 'The authorization header is malformed.'),
  AuthorizationQueryParametersError: DENIED,
  RequestTimeTooSkewed: ['RequestTimeTooSkewed', 403, 'The difference between the request time and the server time is too large.'],
  ExpiredToken: DENIED,
  InvalidToken: DENIED,
  UnsupportedSignature: DENIED,
  InvalidBucketOwnerAWSAccountID: BAD('InvalidInput', 'Invalid input.'),
  InvalidIdentityToken: DENIED,
  IDPCommunicationError: UNAVAILABLE,
  NoSuchEntity: ['NoSuchEntity', 404, 'The entity does not exist.'],
  EntityAlreadyExists: ['EntityAlreadyExists', 409, 'The entity already exists.'],
  DeleteConflict: ['DeleteConflict', 409, 'The entity is still in use.'],
  LimitExceeded: ['LimitExceeded', 409, 'A limit was exceeded.'],
  MalformedPolicyDocument: BAD('MalformedPolicyDocument', 'The policy document is not valid.'),
  MalformedPolicy: BAD('MalformedPolicyDocument', 'The policy document is not valid.'),
  NoSuchBucketPolicy: ['NoSuchEntity', 404, 'The entity does not exist.'],
  InvalidInput: BAD('InvalidInput', 'Invalid input.'),
  MissingParameter: BAD('MissingParameter', 'A required parameter is missing.'),
  InvalidParameterValue: BAD('InvalidParameterValue', 'A parameter value is not valid.'),
  InvalidClientTokenId: DENIED,
  NoSuchBucket: ['NoSuchEntity', 404, 'The entity does not exist.'],
  NoSuchKey: ['NoSuchEntity', 404, 'The entity does not exist.'],
  NoSuchVersion: ['NoSuchEntity', 404, 'The entity does not exist.'],
  NoSuchUpload: ['NoSuchEntity', 404, 'The entity does not exist.'],
  BucketAlreadyExists: ['EntityAlreadyExists', 409, 'The entity already exists.'],
  BucketAlreadyOwnedByYou: ['EntityAlreadyExists', 409, 'The entity already exists.'],
  BucketNotEmpty: ['DeleteConflict', 409, 'The entity is still in use.'],
  PreconditionFailed: ['PreconditionFailed', 412, 'A precondition did not hold.'],
  NotModified: BAD('InvalidRequest', 'Invalid request.'),
  'KMS.NotFoundException': BAD('InvalidInput', 'The KMS key does not exist.'),
  ServerSideEncryptionConfigurationNotFoundError: ['NoSuchEntity', 404, 'The entity does not exist.'],
  StorageCorrupt: INTERNAL,
  StorageFull: UNAVAILABLE,
  ServiceUnavailable: UNAVAILABLE,
  SlowDown: ['SlowDown', 503, 'Please reduce your request rate.'],
  InternalError: INTERNAL,
};

/** Codes whose own message is kept; every other code answers with the table's message. */
const MESSAGE_PASSES = new Set<AppErrorCode>([
  'NoSuchEntity', 'EntityAlreadyExists', 'DeleteConflict', 'LimitExceeded', 'MalformedPolicyDocument', 'MalformedPolicy',
  'InvalidInput', 'MissingParameter', 'InvalidParameterValue', 'RequestTimeTooSkewed', 'MethodNotAllowed', 'NotImplemented',
]);

export interface RenderedAdminError {
  code: string;
  status: number;
  body: string;
  /** true when the error was not an AppError (or an internal one) and must be logged as a fault. */
  unexpected: boolean;
}

export function renderAdminError(error: unknown, requestId: string): RenderedAdminError {
  const known = isAppError(error);
  const [code, status, defaultMessage] = known ? APP_TO_ADMIN[error.code] : INTERNAL;
  const message = known && error.hasCustomMessage && MESSAGE_PASSES.has(error.code) ? error.message : defaultMessage;
  return {
    code,
    status,
    body: JSON.stringify({ Code: code, Message: message, RequestId: requestId }),
    unexpected: !known || status >= 500,
  };
}
