/**
 * The SigV4 streaming signature chain (aws-chunked, STREAMING-AWS4-HMAC-SHA256-PAYLOAD[-TRAILER]).
 * Protects: integrity and order of every chunk of a streamed body, and of the trailing headers.
 * Construction: chunk i's signature = HMAC(kSigning, "AWS4-HMAC-SHA256-PAYLOAD\n" + amzDate +
 * "\n" + scope + "\n" + signature(i-1) + "\n" + SHA256("") + "\n" + SHA256(chunk data)), chained
 * from the request's seed signature; the final zero-length chunk is signed the same way. The
 * trailer signature = HMAC(kSigning, "AWS4-HMAC-SHA256-TRAILER\n" + amzDate + "\n" + scope + "\n"
 * + previous signature + "\n" + SHA256("name:value\n" for each trailer, in the order sent)).
 * Bound: signing key (day/region/service), request time, the previous signature (so chunks can
 * be neither reordered, dropped nor replayed from another request) and the data.
 * Invariants: comparisons are constant time; the chain advances only on a verified signature.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { AppError } from '../../../core/index.js';
import type { SeedSignature } from '../sigv4/index.js';

const EMPTY_SHA256 = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855';

function mismatch(what: string): AppError {
  return new AppError('SignatureDoesNotMatch', {
    message:
      'The request signature we calculated does not match the signature you provided. Check your key and signing method.',
    details: { what },
  });
}

export class SignatureChain {
  readonly #key: Buffer;
  readonly #prefix: string;
  #previous: string;

  constructor(seed: SeedSignature) {
    this.#key = seed.signingKey.reveal();
    this.#prefix = `${seed.amzDate}\n${seed.scope}\n`;
    this.#previous = seed.signature;
  }

  #check(stringToSign: string, provided: string, what: string): void {
    const expected = createHmac('sha256', this.#key).update(stringToSign).digest('hex');
    const a = Buffer.from(expected, 'latin1');
    const b = Buffer.from(provided, 'latin1');
    if (a.length !== b.length || !timingSafeEqual(a, b)) throw mismatch(what);
    this.#previous = expected;
  }

  /** Verifies one chunk given the hex SHA-256 of its data. */
  verifyChunk(dataSha256Hex: string, provided: string): void {
    this.#check(
      `AWS4-HMAC-SHA256-PAYLOAD\n${this.#prefix}${this.#previous}\n${EMPTY_SHA256}\n${dataSha256Hex}`,
      provided,
      'chunk',
    );
  }

  /** Verifies the trailer signature given SHA-256 (hex) of the canonical trailer lines. */
  verifyTrailer(trailerSha256Hex: string, provided: string): void {
    this.#check(`AWS4-HMAC-SHA256-TRAILER\n${this.#prefix}${this.#previous}\n${trailerSha256Hex}`, provided, 'trailer');
  }
}
