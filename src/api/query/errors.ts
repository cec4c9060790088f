/**
 * Errors of the AWS query protocol (IAM, STS): the wire codes with their HTTP status and default
 * message, the exhaustive AppErrorCode → wire code table (the compiler refuses a build in which a
 * code has no name), per-service renames, and the ErrorResponse document.
 * Never leaks internals: anything that is not an AppError or a QueryError becomes an opaque
 * ServiceFailure / InternalFailure; credential errors always carry the AWS default message, so an
 * unknown key, a wrong secret and a wrong token cannot be told apart beyond their AWS code.
 */
import { isAppError, type AppErrorCode } from '../../core/index.js';
import { buildXml } from '../common/index.js';

export type QueryService = 'iam' | 'sts';

export const XMLNS: Record<QueryService, string> = {
  iam: 'https://iam.amazonaws.com/doc/2010-05-08/',
  sts: 'https://sts.amazonaws.com/doc/2011-06-15/',
};

export const QUERY_ERRORS = {
  AccessDenied: [403, 'Access Denied'],
  IncompleteSignature: [400, 'The request signature does not conform to AWS standards.'],
  InvalidAction: [400, 'The action or operation requested is invalid. Verify that the action is typed correctly.'],
  InvalidClientTokenId: [403, 'The security token included in the request is invalid.'],
  SignatureDoesNotMatch: [
    403,
    'The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.',
  ],
  ExpiredToken: [403, 'The security token included in the request is expired'],
  InvalidIdentityToken: [400, 'The web identity token that was passed could not be validated by AWS. Get a new identity token from the identity provider and then retry the request.'],
  IDPCommunicationError: [400, 'The request could not be fulfilled because the identity provider (IDP) that was asked to verify the incoming identity token could not be reached.'],
  MissingAuthenticationToken: [403, 'Request is missing Authentication Token'],
  MissingAction: [400, 'The request is missing an action or a required parameter.'],
  MissingParameter: [400, 'A required parameter for the specified action is not supplied.'],
  InvalidParameterValue: [400, 'An invalid or out-of-range value was supplied for the input parameter.'],
  ValidationError: [400, 'The input fails to satisfy the constraints specified by an AWS service.'],
  InvalidInput: [400, 'The request was rejected because an invalid or out-of-range value was supplied for an input parameter.'],
  NoSuchEntity: [404, 'The request was rejected because it referenced a resource entity that does not exist.'],
  EntityAlreadyExists: [409, 'The request was rejected because it attempted to create a resource that already exists.'],
  DeleteConflict: [409, 'The request was rejected because it attempted to delete a resource that has attached subordinate entities.'],
  LimitExceeded: [409, 'The request was rejected because it attempted to create resources beyond the current account limits.'],
  MalformedPolicyDocument: [400, 'The request was rejected because the policy document was malformed.'],
  PackedPolicyTooLarge: [400, 'The request was rejected because the total packed size of the session policies was too large.'],
  NotImplemented: [501, 'This operation is not implemented by Coffer.'],
  Throttling: [400, 'Rate exceeded'],
  ServiceUnavailable: [503, 'The request has failed due to a temporary failure of the server.'],
  ServiceFailure: [500, 'The request processing has failed because of an unknown error, exception or failure.'],
  InternalFailure: [500, 'The request processing has failed because of an unknown error, exception or failure.'],
} as const satisfies Record<string, readonly [number, string]>;

export type QueryErrorCode = keyof typeof QUERY_ERRORS;

/** A protocol-level refusal (routing, Version, Action, missing authentication). */
export class QueryError extends Error {
  readonly code: QueryErrorCode;
  constructor(code: QueryErrorCode, message?: string) {
    super(message ?? QUERY_ERRORS[code][1]);
    this.name = 'QueryError';
    this.code = code;
  }
}

const BAD_INPUT: QueryErrorCode = 'InvalidInput';

/** Service-neutral names; SERVICE_RENAMES adapts them to what IAM or STS answers. */
export const APP_TO_QUERY: Record<AppErrorCode, QueryErrorCode> = {
  InvalidArgument: BAD_INPUT,
  InvalidRequest: BAD_INPUT,
  InvalidURI: BAD_INPUT,
  InvalidBucketName: BAD_INPUT,
  KeyTooLongError: BAD_INPUT,
  MetadataTooLarge: BAD_INPUT,
  RequestHeaderSectionTooLarge: BAD_INPUT,
  MalformedXML: BAD_INPUT,
  MaxMessageLengthExceeded: 'ValidationError',
  InvalidRange: BAD_INPUT,
  InvalidPartNumber: BAD_INPUT,
  InvalidPart: BAD_INPUT,
  InvalidPartOrder: BAD_INPUT,
  AccessControlListNotSupported: BAD_INPUT,
  IllegalLocationConstraintException: BAD_INPUT,
  // AWS answers an oversized IAM/STS query body with a 400, not a 413.
  EntityTooLarge: 'ValidationError',
  EntityTooSmall: BAD_INPUT,
  IncompleteBody: BAD_INPUT,
  MissingContentLength: BAD_INPUT,
  InvalidDigest: BAD_INPUT,
  BadDigest: BAD_INPUT,
  XAmzContentSHA256Mismatch: 'SignatureDoesNotMatch',
  InvalidChunkSizeError: BAD_INPUT,
  MalformedTrailerError: BAD_INPUT,
  InvalidEncodingType: BAD_INPUT,
  InvalidStorageClass: BAD_INPUT,
  TooManyObjects: BAD_INPUT,
  RequestTimeout: BAD_INPUT,
  NotImplemented: 'NotImplemented',
  MethodNotAllowed: 'InvalidAction',
  InvalidTag: BAD_INPUT,
  TooManyTags: 'LimitExceeded',
  NoSuchTagSet: 'NoSuchEntity',
  MalformedPOSTRequest: BAD_INPUT,
  InvalidPolicyDocument: 'MalformedPolicyDocument',
  MaxPostPreDataLengthExceeded: 'ValidationError',
  IncorrectNumberOfFilesInPostRequest: BAD_INPUT,
  CORSForbidden: 'AccessDenied',
  NoSuchCORSConfiguration: 'NoSuchEntity',
  InvalidBucketState: 'InvalidAction',
  ObjectLockConfigurationNotFoundError: 'NoSuchEntity',
  NoSuchObjectLockConfiguration: 'NoSuchEntity',
  InvalidRetentionPeriod: BAD_INPUT,
  ObjectLocked: 'AccessDenied',
  AccessDenied: 'AccessDenied',
  InvalidAccessKeyId: 'InvalidClientTokenId',
  SignatureDoesNotMatch: 'SignatureDoesNotMatch',
  AuthorizationHeaderMalformed: 'IncompleteSignature',
  AuthorizationQueryParametersError: 'IncompleteSignature',
  RequestTimeTooSkewed: 'SignatureDoesNotMatch',
  ExpiredToken: 'ExpiredToken',
  InvalidToken: 'InvalidClientTokenId',
  UnsupportedSignature: 'IncompleteSignature',
  InvalidBucketOwnerAWSAccountID: 'AccessDenied',
  InvalidIdentityToken: 'InvalidIdentityToken',
  IDPCommunicationError: 'IDPCommunicationError',
  NoSuchEntity: 'NoSuchEntity',
  EntityAlreadyExists: 'EntityAlreadyExists',
  DeleteConflict: 'DeleteConflict',
  LimitExceeded: 'LimitExceeded',
  MalformedPolicyDocument: 'MalformedPolicyDocument',
  MalformedPolicy: 'MalformedPolicyDocument',
  NoSuchBucketPolicy: 'NoSuchEntity',
  InvalidInput: 'InvalidInput',
  MissingParameter: 'MissingParameter',
  InvalidParameterValue: 'InvalidParameterValue',
  InvalidClientTokenId: 'InvalidClientTokenId',
  NoSuchBucket: 'NoSuchEntity',
  NoSuchKey: 'NoSuchEntity',
  NoSuchVersion: 'NoSuchEntity',
  NoSuchUpload: 'NoSuchEntity',
  BucketAlreadyExists: 'EntityAlreadyExists',
  BucketAlreadyOwnedByYou: 'EntityAlreadyExists',
  BucketNotEmpty: 'DeleteConflict',
  PreconditionFailed: BAD_INPUT,
  NotModified: BAD_INPUT,
  'KMS.NotFoundException': BAD_INPUT,
  ServerSideEncryptionConfigurationNotFoundError: 'NoSuchEntity',
  StorageCorrupt: 'InternalFailure',
  StorageFull: 'ServiceUnavailable',
  ServiceUnavailable: 'ServiceUnavailable',
  SlowDown: 'Throttling',
  InternalError: 'InternalFailure',
};

/**
 * IAM reports parameter validation as ValidationError and faults as ServiceFailure; STS answers
 * MissingParameter / InvalidParameterValue, and never says whether a role exists (AccessDenied).
 */
const SERVICE_RENAMES: Record<QueryService, Partial<Record<QueryErrorCode, QueryErrorCode>>> = {
  iam: { MissingParameter: 'ValidationError', InvalidParameterValue: 'ValidationError', InternalFailure: 'ServiceFailure' },
  sts: {
    InvalidInput: 'InvalidParameterValue',
    NoSuchEntity: 'AccessDenied',
    EntityAlreadyExists: 'InvalidParameterValue',
    DeleteConflict: 'InvalidParameterValue',
    LimitExceeded: 'PackedPolicyTooLarge',
  },
};

/** Codes whose message is always the AWS default: credentials and faults reveal nothing more. */
const DEFAULT_MESSAGE_ONLY: ReadonlySet<QueryErrorCode> = new Set([
  'InvalidClientTokenId',
  'ExpiredToken',
  'ServiceFailure',
  'InternalFailure',
  'ServiceUnavailable',
]);

export interface RenderedQueryError {
  code: QueryErrorCode;
  status: number;
  body: string;
  /** Not an AppError/QueryError, or a fault: log it as an error. */
  unexpected: boolean;
}

function skewMessage(fields: Record<string, string> | undefined): string | undefined {
  const requestTime = fields?.RequestTime;
  const server = fields?.ServerTime === undefined ? NaN : Date.parse(fields.ServerTime);
  if (requestTime === undefined || Number.isNaN(server)) return undefined;
  const skewMinutes = Math.round(Number(fields?.MaxAllowedSkewMilliseconds ?? 900000) / 60000);
  const amz = (ms: number): string => new Date(ms).toISOString().replace(/[-:]/g, '').replace(/\.\d{3}/, '');
  const skewMs = skewMinutes * 60000;
  const sent = Date.UTC(+requestTime.slice(0, 4), +requestTime.slice(4, 6) - 1, +requestTime.slice(6, 8), +requestTime.slice(9, 11), +requestTime.slice(11, 13), +requestTime.slice(13, 15));
  return sent < server
    ? `Signature expired: ${requestTime} is now earlier than ${amz(server - skewMs)} (${amz(server)} - ${skewMinutes} min.)`
    : `Signature not yet current: ${requestTime} is still later than ${amz(server + skewMs)} (${amz(server)} + ${skewMinutes} min.)`;
}

function classify(error: unknown): { code: QueryErrorCode; message: string | undefined; known: boolean } {
  if (error instanceof QueryError) return { code: error.code, message: error.message, known: true };
  if (!isAppError(error)) return { code: 'InternalFailure', message: undefined, known: false };
  const base = APP_TO_QUERY[error.code];
  let message = error.hasCustomMessage ? error.message : undefined;
  if (error.code === 'RequestTimeTooSkewed') message = skewMessage(error.fields);
  if (error.code === 'SignatureDoesNotMatch' || error.code === 'InvalidAccessKeyId' || error.code === 'InvalidToken') message = undefined;
  return { code: base, message, known: true };
}

export function renderQueryError(error: unknown, service: QueryService, requestId: string): RenderedQueryError {
  const classified = classify(error);
  const renamed = SERVICE_RENAMES[service][classified.code];
  const code = renamed ?? classified.code;
  const [status, defaultMessage] = QUERY_ERRORS[code];
  // A refusal renamed to AccessDenied (STS: unknown role) must not keep the original message.
  const useDefault = classified.message === undefined || DEFAULT_MESSAGE_ONLY.has(code) || (renamed === 'AccessDenied');
  const body = buildXml(
    'ErrorResponse',
    { Error: { Type: status >= 500 ? 'Receiver' : 'Sender', Code: code, Message: useDefault ? defaultMessage : classified.message }, RequestId: requestId },
    XMLNS[service],
  );
  return { code, status, body, unexpected: !classified.known || (status >= 500 && code !== 'NotImplemented' && code !== 'ServiceUnavailable') };
}
