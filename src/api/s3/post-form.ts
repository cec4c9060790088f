/**
 * The multipart/form-data body of POST Object, read with busboy (docs/adr/0005-busboy.md).
 * Protects the server from the form before anyone is authenticated: every field before the
 * `file` part is capped (20 KiB a value, 1 MiB together, 100 fields, 16 header lines a part) and
 * a field over a cap is refused, never truncated. The promise settles when the `file` part
 * begins, so the caller can authenticate and authorize before any file byte goes to storage
 * (busboy buffers at most one high-water mark of it and applies backpressure until then). As AWS does, fields after the file are ignored,
 * and a part other than `file` that carries a filename is a field whose value is its content.
 * Framing errors surface as MalformedPOSTRequest — also as an error of the file stream, before
 * it ends, so a consumer that commits only after a clean end never stores a broken upload.
 */
import type { IncomingMessage } from 'node:http';
import { Readable, Transform, type TransformCallback } from 'node:stream';
import busboy, { type Busboy } from 'busboy';
import { AppError, isAppError } from '../../core/index.js';

export const MAX_FIELD_BYTES = 20 * 1024;
export const MAX_FIELDS_BYTES = 1024 * 1024;
const MAX_FIELDS = 100;

export interface PostFile {
  /** The file bytes; ends only after the rest of the form was parsed cleanly. */
  stream: Readable;
  filename: string;
  contentType: string;
}

export interface PostForm {
  /** Fields before the file, keyed by lower-case name (AWS field names are case-insensitive). */
  fields: ReadonlyMap<string, string>;
  file: PostFile | undefined;
}

export function malformedPost(reason: string): AppError {
  return new AppError('MalformedPOSTRequest', {
    message: 'The body of your POST request is not well-formed multipart/form-data.',
    details: { reason },
  });
}

function preDataTooLarge(): AppError {
  return new AppError('MaxPostPreDataLengthExceeded', { message: 'Your POST request fields preceding the upload file were too large.' });
}

/** A form upload authenticates with its fields; a second mechanism on the same request is refused. */
export function refuseRequestSignature(req: IncomingMessage): void {
  const query = (req.url ?? '').split('?')[1] ?? '';
  if (req.headers.authorization !== undefined || /(^|&)X-Amz-(Signature|Credential)=/i.test(query)) {
    throw new AppError('InvalidRequest', { message: 'POST Object is authenticated by its form fields; do not also sign the request.' });
  }
}

/** Requires `multipart/form-data; boundary=…` as AWS does (412 with the AWS condition text otherwise). */
export function assertMultipartForm(contentType: string | undefined): string {
  const value = contentType ?? '';
  if (!/^multipart\/form-data\s*;/i.test(value) || !/;\s*boundary=/i.test(value)) {
    throw new AppError('PreconditionFailed', {
      message: 'At least one of the pre-conditions you specified did not hold',
      fields: { Condition: 'Bucket POST must be of the enclosure-type multipart/form-data' },
    });
  }
  return value;
}

/** Holds the end of the file stream until busboy has seen the closing boundary. */
class FileTail extends Transform {
  readonly #formEnd: Promise<void>;

  constructor(formEnd: Promise<void>) {
    super({ highWaterMark: 1 << 20 });
    this.#formEnd = formEnd;
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    callback(null, chunk);
  }

  override _flush(callback: TransformCallback): void {
    this.#formEnd.then(() => callback(), (error: unknown) => callback(error as Error));
  }
}

export function readPostForm(body: Readable, contentType: string): Promise<PostForm> {
  let parser: Busboy;
  try {
    parser = busboy({
      headers: { 'content-type': contentType },
      limits: { fieldSize: MAX_FIELD_BYTES, fieldNameSize: 256, fields: MAX_FIELDS, files: MAX_FIELDS + 1, parts: MAX_FIELDS + 1, headerPairs: 16 },
      defParamCharset: 'utf8',
    });
  } catch {
    return Promise.reject(malformedPost('content type'));
  }
  const fields = new Map<string, string>();
  let total = 0;
  let file: PostFile | undefined;
  let settled = false;
  let failure: AppError | undefined;
  const formEnd = new Promise<void>((resolve, reject) => {
    parser.once('finish', () => (failure ? reject(failure) : resolve()));
    parser.once('error', (error: unknown) => reject(isAppError(error) ? error : malformedPost(String(error))));
  });
  formEnd.catch(() => undefined);

  return new Promise<PostForm>((resolve, reject) => {
    const fail = (error: AppError): void => {
      if (file !== undefined) return; // after the file, fields are ignored (AWS)
      failure ??= error;
      if (!settled) {
        settled = true;
        body.unpipe(parser);
        reject(error);
      }
    };
    // Events are handled strictly in form order: a field sent as a file part (browsers and
    // form libraries may give every part a filename) is read to its end before the next part.
    let queue: Promise<void> = Promise.resolve();
    const inOrder = (step: () => void): void => {
      queue = queue.then(step);
    };
    const addField = (name: string, value: string, mimeType: string): void => {
      if (file !== undefined || settled) return;
      total += Buffer.byteLength(name) + Buffer.byteLength(value);
      if (total > MAX_FIELDS_BYTES) return fail(preDataTooLarge());
      const lower = name.toLowerCase();
      if (lower === 'file') {
        // A `file` field without a filename is text content (AWS accepts it); fields after it are ignored.
        file = { stream: Readable.from([Buffer.from(value, 'utf8')]), filename: '', contentType: mimeType };
        settled = true;
        resolve({ fields, file });
        return;
      }
      if (fields.has(lower)) {
        return fail(new AppError('InvalidArgument', { message: `The form field ${name.slice(0, 64)} appears more than once.`, fields: { ArgumentName: name.slice(0, 64) } }));
      }
      fields.set(lower, value);
    };
    parser.on('field', (name, value, info) => {
      inOrder(() => {
        if (file !== undefined || settled) return;
        if (info.nameTruncated || info.valueTruncated) return fail(preDataTooLarge());
        addField(name, value, info.mimeType);
      });
    });
    parser.on('fieldsLimit', () => fail(preDataTooLarge()));
    parser.on('partsLimit', () => fail(preDataTooLarge()));
    parser.on('file', (name, stream, info) => {
      if (file !== undefined || settled) {
        stream.resume();
        return;
      }
      if (name.toLowerCase() !== 'file') {
        // Any other part with a filename is a field (AWS reads its content as the value), capped
        // like every field.
        const chunks: Buffer[] = [];
        let size = 0;
        const value = new Promise<string | undefined>((done) => {
          stream.on('data', (chunk: Buffer) => {
            size += chunk.length;
            if (size <= MAX_FIELD_BYTES) chunks.push(chunk);
          });
          stream.on('end', () => done(size > MAX_FIELD_BYTES ? undefined : Buffer.concat(chunks).toString('utf8')));
          stream.on('error', () => done(undefined));
        });
        queue = queue.then(async () => {
          const text = await value;
          if (file !== undefined || settled) return;
          if (text === undefined) return fail(preDataTooLarge());
          addField(name, text, info.mimeType);
        });
        return;
      }
      const tail = new FileTail(formEnd);
      stream.on('error', (error: unknown) => tail.destroy(isAppError(error) ? error : malformedPost(String(error))));
      stream.pipe(tail);
      inOrder(() => {
        if (file !== undefined || settled) {
          // a second file part, or one after a failure: drain it, nothing reads it
          stream.unpipe(tail);
          stream.resume();
          return;
        }
        file = { stream: tail, filename: info.filename ?? '', contentType: info.mimeType };
        settled = true;
        resolve({ fields, file });
      });
    });
    formEnd.then(
      () =>
        inOrder(() => {
          if (!settled) {
            settled = true;
            resolve({ fields, file: undefined });
          }
        }),
      (error: AppError) => fail(error),
    );
    body.on('error', (error) => parser.destroy(isAppError(error) ? error : malformedPost(String(error))));
    body.pipe(parser);
  });
}
