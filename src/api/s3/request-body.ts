/**
 * The request body as operations see it: the raw socket bytes run through the payload decoder
 * (signature / hash / aws-chunked verification) exactly once, lazily, after authorization.
 * `Expect: 100-continue` is answered only here, so unauthorized uploads are never sent.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Readable } from 'node:stream';
import { AppError } from '../../core/index.js';
import { createPayloadDecoder, type Authentication } from '../common/index.js';

/**
 * The body is aws-chunked framed only when x-amz-content-sha256 says so (STREAMING-…): that is
 * what the payload decoder frames on. A `Content-Encoding: aws-chunked` alone (S3 accepts it on a
 * plain body and strips it from the stored encoding) does not change how the length is read.
 */
function isAwsChunked(req: IncomingMessage): boolean {
  const sha = req.headers['x-amz-content-sha256'];
  return typeof sha === 'string' && sha.startsWith('STREAMING-');
}

function parseLength(value: string | string[] | undefined): number | undefined {
  if (typeof value !== 'string') return undefined;
  if (!/^\d{1,16}$/.test(value)) throw new AppError('InvalidArgument', { message: 'Invalid content length.' });
  return Number(value);
}

export class RequestBody {
  #stream: Readable | undefined;
  #trailers: () => Record<string, string> = () => ({});
  readonly #req: IncomingMessage;
  readonly #res: ServerResponse;
  readonly #auth: Authentication;
  readonly chunked: boolean;
  readonly declaredLength: number | undefined;

  constructor(req: IncomingMessage, res: ServerResponse, auth: Authentication) {
    this.#req = req;
    this.#res = res;
    this.#auth = auth;
    this.chunked = isAwsChunked(req);
    this.declaredLength = parseLength(this.chunked ? req.headers['x-amz-decoded-content-length'] : req.headers['content-length']);
  }

  get started(): boolean {
    return this.#stream !== undefined;
  }

  stream(): Readable {
    if (this.#stream) throw new AppError('InternalError', { details: { reason: 'request body read twice' } });
    const req = this.#req;
    if (req.headers.expect?.toLowerCase() === '100-continue' && !this.#res.headersSent) this.#res.writeContinue();
    const trailerHeader = req.headers['x-amz-trailer'];
    const decoder = createPayloadDecoder(this.#auth, {
      contentEncoding: req.headers['content-encoding'],
      decodedContentLength: this.chunked ? this.declaredLength : undefined,
      contentSha256: typeof req.headers['x-amz-content-sha256'] === 'string' ? req.headers['x-amz-content-sha256'] : undefined,
      trailer: typeof trailerHeader === 'string' ? trailerHeader.split(',').map((t) => t.trim().toLowerCase()).filter(Boolean) : [],
    });
    const out = decoder.stream;
    req.on('error', (error) => out.destroy(error));
    req.on('close', () => {
      if (!req.complete) out.destroy(new AppError('IncompleteBody', { details: { reason: 'client closed the connection mid-body' } }));
    });
    req.pipe(out);
    this.#stream = out;
    this.#trailers = decoder.trailers;
    return out;
  }

  async read(maxBytes: number): Promise<Buffer> {
    if (this.declaredLength !== undefined && this.declaredLength > maxBytes) {
      throw new AppError('MaxMessageLengthExceeded', { message: 'Your request was too big.' });
    }
    const chunks: Buffer[] = [];
    let total = 0;
    for await (const chunk of this.stream()) {
      total += (chunk as Buffer).length;
      if (total > maxBytes) throw new AppError('MaxMessageLengthExceeded', { message: 'Your request was too big.' });
      chunks.push(chunk as Buffer);
    }
    return Buffer.concat(chunks);
  }

  trailers(): Record<string, string> {
    return this.#trailers();
  }
}
