/**
 * Streaming aws-chunked decoder: `hex-size[;chunk-signature=<64 hex>]\r\n<data>\r\n` … zero
 * chunk … optional trailer section.
 * Protects: the decoded bytes are exactly the chunk data the client signed (signed mode), in
 * order, with nothing appended after the final chunk, and with the declared decoded length.
 * Bounds checked before anything is buffered: a chunk header line ≤ 4 KiB, a chunk ≤ 16 MiB,
 * the trailer section ≤ 16 KiB. Data is passed on as zero-copy slices of the input buffers;
 * only header and trailer lines are copied. A chunk's bytes reach the consumer before its
 * signature is checked (buffering 16 MiB per request is not affordable), so consumers must
 * treat the output as provisional until the stream ends without error — the same contract as
 * every other body check (length, payload hash, checksums).
 */
import { createHash, type Hash } from 'node:crypto';
import { Transform, type TransformCallback } from 'node:stream';
import { AppError } from '../../../core/index.js';
import type { SignatureChain } from './chunk-signature.js';
import type { TrailerSection } from './trailer-section.js';

const MAX_HEADER_LINE = 4096;
const MAX_CHUNK = 16 * 1024 * 1024;
const MAX_TRAILER = 16 * 1024;
const SIG_PREFIX = ';chunk-signature=';

const enum State { Header, Data, DataCrlf, Trailer, Done }

export interface AwsChunkedOptions {
  /** Given in signed mode: every chunk must carry a valid chunk-signature. */
  chain: SignatureChain | undefined;
  /** Given when a trailer section follows the zero chunk. */
  trailer: TrailerSection | undefined;
  decodedContentLength: number | undefined;
}

function chunkSizeError(reason: string): AppError {
  return new AppError('InvalidChunkSizeError', { message: `Invalid aws-chunked framing: ${reason}.` });
}

function incomplete(reason: string): AppError {
  return new AppError('IncompleteBody', {
    message: 'You did not provide the number of bytes specified by the Content-Length HTTP header.',
    details: { reason },
  });
}

export class AwsChunkedDecoder extends Transform {
  readonly #opts: AwsChunkedOptions;
  #state = State.Header;
  #line: Buffer[] = [];
  #lineLength = 0;
  #trailerBytes = 0;
  #remaining = 0;
  #crlfSeen = 0;
  #final = false;
  #signature = '';
  #hash: Hash | undefined;
  #decoded = 0;

  constructor(opts: AwsChunkedOptions) {
    super();
    this.#opts = opts;
  }

  override _transform(buf: Buffer, _enc: BufferEncoding, done: TransformCallback): void {
    try {
      this.#consume(buf);
      done();
    } catch (err) {
      done(err as Error);
    }
  }

  override _flush(done: TransformCallback): void {
    try {
      const trailer = this.#opts.trailer;
      const bareEnd = this.#state === State.Trailer && this.#lineLength === 0 && trailer?.lineCount === 0;
      if (bareEnd) trailer!.endWithoutSection();
      else if (this.#state !== State.Done) throw incomplete('body ended inside the aws-chunked framing');
      const declared = this.#opts.decodedContentLength;
      if (declared !== undefined && declared !== this.#decoded) throw incomplete('decoded length differs');
      done();
    } catch (err) {
      done(err as Error);
    }
  }

  #consume(buf: Buffer): void {
    let pos = 0;
    while (pos < buf.length) {
      switch (this.#state) {
        case State.Header:
        case State.Trailer: {
          const nl = buf.indexOf(10, pos);
          const end = nl < 0 ? buf.length : nl + 1;
          this.#line.push(buf.subarray(pos, end));
          this.#lineLength += end - pos;
          if (this.#state === State.Header && this.#lineLength > MAX_HEADER_LINE) {
            throw chunkSizeError('chunk header line too long');
          }
          if (this.#state === State.Trailer && this.#trailerBytes + this.#lineLength > MAX_TRAILER) {
            throw new AppError('MalformedTrailerError', { message: 'The trailer section is too large.' });
          }
          pos = end;
          if (nl < 0) break;
          const line = Buffer.concat(this.#line, this.#lineLength).toString('latin1');
          this.#trailerBytes += this.#state === State.Trailer ? this.#lineLength : 0;
          this.#line = [];
          this.#lineLength = 0;
          if (this.#state === State.Header) this.#header(line);
          else this.#trailerLine(line);
          break;
        }
        case State.Data: {
          const n = Math.min(this.#remaining, buf.length - pos);
          const slice = buf.subarray(pos, pos + n);
          this.#hash?.update(slice);
          this.push(slice);
          this.#remaining -= n;
          pos += n;
          if (this.#remaining === 0) this.#endOfData();
          break;
        }
        case State.DataCrlf: {
          const expected = this.#crlfSeen === 0 ? 13 : 10;
          if (buf[pos] !== expected) throw incomplete('chunk data not followed by CRLF');
          pos += 1;
          if (++this.#crlfSeen === 2) this.#state = this.#final ? State.Done : State.Header;
          break;
        }
        case State.Done:
          throw new AppError('InvalidRequest', { message: 'Data found after the end of the aws-chunked payload.' });
      }
    }
  }

  #header(line: string): void {
    if (!line.endsWith('\r\n')) throw chunkSizeError('chunk header not terminated by CRLF');
    const text = line.slice(0, -2);
    const semi = text.indexOf(';');
    const sizeText = semi < 0 ? text : text.slice(0, semi);
    if (!/^[0-9a-fA-F]{1,16}$/.test(sizeText)) throw chunkSizeError('chunk size is not hexadecimal');
    const size = parseInt(sizeText, 16);
    if (size > MAX_CHUNK) throw chunkSizeError('chunk larger than 16 MiB');
    const declared = this.#opts.decodedContentLength;
    if (declared !== undefined && this.#decoded + size > declared) throw incomplete('more data than declared');
    if (this.#opts.chain !== undefined) {
      const ext = semi < 0 ? '' : text.slice(semi);
      if (!ext.startsWith(SIG_PREFIX) || !/^[0-9a-f]{64}$/.test(ext.slice(SIG_PREFIX.length))) {
        throw new AppError('SignatureDoesNotMatch', {
          message: 'The chunk signature is missing or malformed.',
          details: { what: 'chunk' },
        });
      }
      this.#signature = ext.slice(SIG_PREFIX.length);
      this.#hash = createHash('sha256');
    }
    this.#decoded += size;
    this.#remaining = size;
    this.#final = size === 0;
    this.#state = State.Data;
    if (size === 0) this.#endOfData();
  }

  #endOfData(): void {
    if (this.#opts.chain !== undefined) this.#opts.chain.verifyChunk(this.#hash!.digest('hex'), this.#signature);
    this.#hash = undefined;
    this.#crlfSeen = 0;
    this.#state = this.#final && this.#opts.trailer !== undefined ? State.Trailer : State.DataCrlf;
  }

  #trailerLine(line: string): void {
    const text = line.endsWith('\r\n') ? line.slice(0, -2) : line.slice(0, -1);
    if (this.#opts.trailer!.line(text)) this.#state = State.Done;
  }
}
