/** What a request asks for, once its SSE headers (or the bucket default) were parsed and validated. */

/** SSE-C: the client's 256-bit key (request-scoped; never stored, never logged) and its base64 MD5. */
export interface CustomerKey {
  key: Buffer;
  keyMd5: string;
}

export type SseRequest =
  | { mode: 'SSE-S3' }
  /** keyId: without the arn:aws:kms prefix; context: base64 of the client's JSON object, as sent. */
  | { mode: 'SSE-KMS'; keyId?: string | undefined; context?: string | undefined }
  | ({ mode: 'SSE-C' } & CustomerKey);
