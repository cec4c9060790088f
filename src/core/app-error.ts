/**
 * AppError: the one error type every layer below the protocol throws.
 * `code` is a closed union; the protocol layers (S3 XML, STS, admin JSON) map every code
 * exhaustively to their own wire error. `details` are for logs only and never reach a client.
 */
export const APP_ERROR_CODES = [
  // request shape and limits
  'InvalidArgument',
  'InvalidRequest',
  'InvalidURI',
  'InvalidBucketName',
  'KeyTooLongError',
  'MetadataTooLarge',
  'RequestHeaderSectionTooLarge',
  'MalformedXML',
  'MaxMessageLengthExceeded',
  'InvalidRange',
  'InvalidPartNumber',
  'InvalidPart',
  'InvalidPartOrder',
  'AccessControlListNotSupported',
  'IllegalLocationConstraintException',
  'EntityTooLarge',
  'EntityTooSmall',
  'IncompleteBody',
  'MissingContentLength',
  'InvalidDigest',
  'BadDigest',
  'XAmzContentSHA256Mismatch',
  'InvalidChunkSizeError',
  'MalformedTrailerError',
  'InvalidEncodingType',
  'InvalidStorageClass',
  'TooManyObjects',
  'RequestTimeout',
  'NotImplemented',
  'MethodNotAllowed',
  // tagging
  'InvalidTag',
  'TooManyTags',
  'NoSuchTagSet',
  // POST Object forms and CORS
  'MalformedPOSTRequest',
  'InvalidPolicyDocument',
  'MaxPostPreDataLengthExceeded',
  'IncorrectNumberOfFilesInPostRequest',
  'CORSForbidden',
  'NoSuchCORSConfiguration',
  // Object Lock
  'InvalidBucketState',
  'ObjectLockConfigurationNotFoundError',
  'NoSuchObjectLockConfiguration',
  'InvalidRetentionPeriod',
  /** A locked version (retention or legal hold) refused a delete, overwrite or weaker retention. */
  'ObjectLocked',
  // authentication and authorization
  'AccessDenied',
  'InvalidAccessKeyId',
  'SignatureDoesNotMatch',
  'AuthorizationHeaderMalformed',
  'AuthorizationQueryParametersError',
  'RequestTimeTooSkewed',
  'ExpiredToken',
  'InvalidToken',
  'UnsupportedSignature',
  'InvalidBucketOwnerAWSAccountID',
  // federated sign-in (STS with LDAP / OpenID identities)
  /** A web identity token that is malformed, forged or not for this client (AWS STS). */
  'InvalidIdentityToken',
  /** The identity provider could not be reached or answered badly (AWS STS). */
  'IDPCommunicationError',
  // identities and policies (IAM, STS, admin API, bucket policies)
  'NoSuchEntity',
  'EntityAlreadyExists',
  'DeleteConflict',
  'LimitExceeded',
  'MalformedPolicyDocument',
  'MalformedPolicy',
  'NoSuchBucketPolicy',
  'InvalidInput',
  'MissingParameter',
  'InvalidParameterValue',
  'InvalidClientTokenId',
  // resources
  'NoSuchBucket',
  'NoSuchKey',
  'NoSuchVersion',
  'NoSuchUpload',
  'BucketAlreadyExists',
  'BucketAlreadyOwnedByYou',
  'BucketNotEmpty',
  'PreconditionFailed',
  'NotModified',
  // encryption at rest (SSE)
  'KMS.NotFoundException',
  'ServerSideEncryptionConfigurationNotFoundError',
  // storage and service conditions
  'StorageCorrupt',
  'StorageFull',
  'ServiceUnavailable',
  'SlowDown',
  'InternalError',
] as const;

export type AppErrorCode = (typeof APP_ERROR_CODES)[number];

export interface AppErrorOptions {
  /** Shown to the client: must never carry paths, secrets, stack traces or backend text. */
  message?: string;
  /** Logged with the request id; never sent to the client. */
  details?: Record<string, unknown>;
  /** Extra response headers that belong to this error (e.g. Content-Range on InvalidRange). */
  headers?: Record<string, string>;
  /** Extra XML fields that AWS adds to some errors (e.g. ArgumentName, MaxSizeAllowed). */
  fields?: Record<string, string>;
  cause?: unknown;
}

export class AppError extends Error {
  readonly code: AppErrorCode;
  readonly details: Record<string, unknown> | undefined;
  readonly headers: Record<string, string> | undefined;
  readonly fields: Record<string, string> | undefined;
  readonly hasCustomMessage: boolean;

  constructor(code: AppErrorCode, options: AppErrorOptions = {}) {
    super(options.message ?? code, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'AppError';
    this.code = code;
    this.details = options.details;
    this.headers = options.headers;
    this.fields = options.fields;
    this.hasCustomMessage = options.message !== undefined;
  }
}

export function isAppError(error: unknown): error is AppError {
  return error instanceof AppError;
}
