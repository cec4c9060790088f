/**
 * AppErrorCode → S3 error code. A Record over the closed union: the compiler refuses a build
 * in which any code has no S3 name.
 */
import type { AppErrorCode } from '../../../core/index.js';
import type { S3ErrorCode } from './catalogue.js';

export const APP_TO_S3: Record<AppErrorCode, S3ErrorCode> = {
  InvalidArgument: 'InvalidArgument',
  InvalidRequest: 'InvalidRequest',
  InvalidURI: 'InvalidURI',
  InvalidBucketName: 'InvalidBucketName',
  KeyTooLongError: 'KeyTooLongError',
  MetadataTooLarge: 'MetadataTooLarge',
  RequestHeaderSectionTooLarge: 'RequestHeaderSectionTooLarge',
  MalformedXML: 'MalformedXML',
  MaxMessageLengthExceeded: 'MaxMessageLengthExceeded',
  InvalidRange: 'InvalidRange',
  InvalidPartNumber: 'InvalidPartNumber',
  InvalidPart: 'InvalidPart',
  AccessControlListNotSupported: 'AccessControlListNotSupported',
  IllegalLocationConstraintException: 'IllegalLocationConstraintException',
  EntityTooLarge: 'EntityTooLarge',
  EntityTooSmall: 'EntityTooSmall',
  IncompleteBody: 'IncompleteBody',
  MissingContentLength: 'MissingContentLength',
  InvalidDigest: 'InvalidDigest',
  BadDigest: 'BadDigest',
  XAmzContentSHA256Mismatch: 'XAmzContentSHA256Mismatch',
  InvalidChunkSizeError: 'InvalidChunkSizeError',
  MalformedTrailerError: 'MalformedTrailerError',
  InvalidEncodingType: 'InvalidArgument',
  InvalidStorageClass: 'InvalidStorageClass',
  TooManyObjects: 'MalformedXML',
  RequestTimeout: 'RequestTimeout',
  NotImplemented: 'NotImplemented',
  MethodNotAllowed: 'MethodNotAllowed',
  AccessDenied: 'AccessDenied',
  InvalidAccessKeyId: 'InvalidAccessKeyId',
  SignatureDoesNotMatch: 'SignatureDoesNotMatch',
  AuthorizationHeaderMalformed: 'AuthorizationHeaderMalformed',
  AuthorizationQueryParametersError: 'AuthorizationQueryParametersError',
  RequestTimeTooSkewed: 'RequestTimeTooSkewed',
  ExpiredToken: 'ExpiredToken',
  InvalidToken: 'InvalidToken',
  UnsupportedSignature: 'InvalidRequest',
  NoSuchBucket: 'NoSuchBucket',
  NoSuchKey: 'NoSuchKey',
  NoSuchVersion: 'NoSuchVersion',
  NoSuchUpload: 'NoSuchUpload',
  BucketAlreadyExists: 'BucketAlreadyExists',
  BucketAlreadyOwnedByYou: 'BucketAlreadyOwnedByYou',
  BucketNotEmpty: 'BucketNotEmpty',
  PreconditionFailed: 'PreconditionFailed',
  NotModified: 'NotModified',
  StorageCorrupt: 'InternalError',
  StorageFull: 'ServiceUnavailable',
  ServiceUnavailable: 'ServiceUnavailable',
  SlowDown: 'SlowDown',
  InternalError: 'InternalError',
};

/** Codes whose AppError message is the server's own and must not reach clients. */
export const OPAQUE_CODES: ReadonlySet<AppErrorCode> = new Set(['InternalError', 'StorageCorrupt']);
