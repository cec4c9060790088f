/**
 * Parsing of the aws-chunked trailer section: `name:value\r\n` lines, an optional (signed mode:
 * required, last) `x-amz-trailer-signature:<64 hex>` line, then an empty line.
 * Protects: only trailers announced in x-amz-trailer are accepted, each once, and (signed mode)
 * only after the trailer signature over exactly those lines has been verified.
 * Inputs bound: the whole section is capped at 16 KiB by the caller; names are lower-cased and
 * values trimmed before they are hashed, as the AWS SDKs canonicalise them.
 */
import { createHash } from 'node:crypto';
import { AppError } from '../../../core/index.js';
import type { SignatureChain } from './chunk-signature.js';

export function malformedTrailer(reason: string): AppError {
  return new AppError('MalformedTrailerError', {
    message: 'The request contained trailing data that was not well-formed or did not conform to our published schema.',
    details: { reason },
  });
}

export class TrailerSection {
  readonly #announced: ReadonlySet<string>;
  readonly #chain: SignatureChain | undefined;
  readonly #values = new Map<string, string>();
  #signed = false;

  /** `chain` is given in signed mode: the section must then end with a valid signature line. */
  constructor(announced: readonly string[], chain: SignatureChain | undefined) {
    this.#announced = new Set(announced.map((n) => n.trim().toLowerCase()));
    this.#chain = chain;
  }

  get lineCount(): number {
    return this.#values.size;
  }

  /** Takes one line without its line ending. Returns true when the section is complete. */
  line(text: string): boolean {
    if (text === '') {
      this.#finish();
      return true;
    }
    if (this.#signed) throw malformedTrailer('data after the trailer signature');
    const colon = text.indexOf(':');
    if (colon <= 0) throw malformedTrailer('a trailer line without a name');
    const name = text.slice(0, colon).trim().toLowerCase();
    const value = text.slice(colon + 1).trim();
    if (name === 'x-amz-trailer-signature') {
      if (this.#chain === undefined) throw malformedTrailer('a trailer signature in an unsigned payload');
      this.#chain.verifyTrailer(this.#canonicalHash(), value);
      this.#signed = true;
      return false;
    }
    if (!this.#announced.has(name)) throw malformedTrailer(`trailer ${name.slice(0, 64)} was not announced`);
    if (this.#values.has(name)) throw malformedTrailer(`trailer ${name} sent twice`);
    this.#values.set(name, value);
    return false;
  }

  /** Called when the body ends right after the zero chunk (some clients send no trailer
   * section at all when they have nothing to send). */
  endWithoutSection(): void {
    this.#finish();
  }

  #canonicalHash(): string {
    const hash = createHash('sha256');
    for (const [name, value] of this.#values) hash.update(`${name}:${value}\n`);
    return hash.digest('hex');
  }

  #finish(): void {
    if (this.#chain !== undefined && !this.#signed) {
      throw new AppError('SignatureDoesNotMatch', {
        message: 'The trailer signature is missing.',
        details: { what: 'trailer' },
      });
    }
    for (const name of this.#announced) {
      if (!this.#values.has(name)) throw malformedTrailer(`announced trailer ${name.slice(0, 64)} is missing`);
    }
  }

  values(): Record<string, string> {
    return Object.fromEntries(this.#values);
  }
}
