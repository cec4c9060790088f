/**
 * Chooses the body decoder for an authenticated request.
 * Protects: the bytes handed to storage are the bytes the client signed or declared.
 *  - UNSIGNED-PAYLOAD, or anonymous without a declared hash: passed through unchanged;
 *  - anonymous with a declared x-amz-content-sha256 (unsigned, but still a promise about the
 *    bytes): verified like a signed hash, so a bucket-policy upload is never stored torn;
 *  - a declared SHA-256: passed through while hashing, compared in constant time at the end
 *    (XAmzContentSHA256Mismatch);
 *  - STREAMING-AWS4-HMAC-SHA256-PAYLOAD[-TRAILER]: aws-chunked with the chunk signature chain;
 *  - STREAMING-UNSIGNED-PAYLOAD-TRAILER: aws-chunked without signatures, trailers unsigned.
 * Invariant: every failure surfaces as a stream error carrying an AppError, before the stream
 * ends; a consumer that commits only after a clean end never stores unverified data.
 */
import { createHash, timingSafeEqual, type Hash } from 'node:crypto';
import { PassThrough, Transform, type TransformCallback } from 'node:stream';
import { AppError } from '../../../core/index.js';
import type { Authentication } from '../sigv4/index.js';
import { AwsChunkedDecoder } from './aws-chunked.js';
import { SignatureChain } from './chunk-signature.js';
import { TrailerSection } from './trailer-section.js';

export interface PayloadHeaders {
  contentEncoding?: string;
  decodedContentLength?: number;
  /** Names announced in x-amz-trailer. */
  trailer?: string[];
  /** x-amz-content-sha256 as sent; only consulted for anonymous requests (signed ones carry it in `auth`). */
  contentSha256?: string | undefined;
}

export interface PayloadDecoder {
  /** Raw body in, decoded payload out. */
  stream: Transform;
  /** Trailing headers (lower-case names); complete once the stream has ended. */
  trailers(): Record<string, string>;
  /** Content-Encoding to store with the object: the sent value without `aws-chunked`. */
  contentEncoding: string | undefined;
}

class Sha256Verifier extends Transform {
  readonly #hash: Hash = createHash('sha256');
  readonly #expected: Buffer;

  constructor(expectedHex: string) {
    super();
    this.#expected = Buffer.from(expectedHex.toLowerCase(), 'hex');
  }

  override _transform(buf: Buffer, _enc: BufferEncoding, done: TransformCallback): void {
    this.#hash.update(buf);
    done(null, buf);
  }

  override _flush(done: TransformCallback): void {
    const actual = this.#hash.digest();
    if (this.#expected.length === actual.length && timingSafeEqual(actual, this.#expected)) done();
    else {
      done(
        new AppError('XAmzContentSHA256Mismatch', {
          message: "The provided 'x-amz-content-sha256' header does not match what was computed.",
          fields: {
            ClientComputedContentSHA256: this.#expected.toString('hex'),
            S3ComputedContentSHA256: actual.toString('hex'),
          },
        }),
      );
    }
  }
}

/** The Content-Encoding to store: S3 removes the transport-only `aws-chunked` coding. */
export function storedContentEncoding(contentEncoding: string | undefined): string | undefined {
  if (contentEncoding === undefined) return undefined;
  const parts = contentEncoding.split(',');
  const kept = parts.filter((c) => c.trim().toLowerCase() !== 'aws-chunked');
  // Unchanged values keep their exact spelling ("deflate, gzip" is returned as sent).
  if (kept.length === parts.length) return contentEncoding.trim() === '' ? undefined : contentEncoding;
  const joined = kept.map((c) => c.trim()).filter((c) => c !== '').join(',');
  return joined === '' ? undefined : joined;
}

export function createPayloadDecoder(auth: Authentication, headers: PayloadHeaders = {}): PayloadDecoder {
  const contentEncoding = storedContentEncoding(headers.contentEncoding);
  const noTrailers = (): Record<string, string> => ({});
  if (auth.kind === 'anonymous') {
    const declared = headers.contentSha256;
    const stream = declared !== undefined && /^[0-9a-f]{64}$/.test(declared) ? new Sha256Verifier(declared) : new PassThrough();
    return { stream, trailers: noTrailers, contentEncoding };
  }
  const payload = auth.payload;
  switch (payload.kind) {
    case 'unsigned':
      return { stream: new PassThrough(), trailers: noTrailers, contentEncoding };
    case 'sha256':
      return { stream: new Sha256Verifier(payload.hex), trailers: noTrailers, contentEncoding };
    case 'streaming-signed':
    case 'streaming-unsigned-trailer': {
      const signed = payload.kind === 'streaming-signed';
      const chain = signed ? new SignatureChain(auth.seed) : undefined;
      const hasTrailer = signed ? payload.trailer : true;
      const trailer = hasTrailer ? new TrailerSection(headers.trailer ?? [], chain) : undefined;
      const stream = new AwsChunkedDecoder({ chain, trailer, decodedContentLength: headers.decodedContentLength });
      return { stream, trailers: () => trailer?.values() ?? {}, contentEncoding };
    }
  }
}
