/**
 * Encrypted object bytes: sealing a body on its way to storage and opening stored packages for a
 * (ranged) read.
 *
 * Protects: what leaves here on a read is plaintext whose package tags verified (src/crypto
 * decryptStream); a range reads and decrypts only the packages it overlaps. Multipart objects are
 * their part blobs in order, part n encrypted with partKey(objectKey, n).
 * Inputs: the unsealed object key, the version record (plaintext sizes; encryption.partNumbers),
 * a plaintext byte range. Invariant: stored sizes are encryptedSize(plaintext size), derived, never
 * trusted from the request. A read whose first package fails is an error reply (500 / 403);
 * a later failure errors the stream, and the pipeline destroys the connection (the client sees a
 * truncated body, never unauthenticated bytes).
 */
import { Readable } from 'node:stream';
import { CryptoError, decryptBuffer, decryptStream, encryptBuffer, encryptedRange, partKey } from '../../crypto/index.js';
import { AppError } from '../../core/index.js';
import type { BlobStore, ByteRange, ObjectPartRef, ObjectVersionRecord } from '../../storage/ports.js';

/** The plaintext pieces of each part that make up [range.start, range.end] (part sizes are plaintext sizes). */
function sliceParts(parts: readonly ObjectPartRef[], range: ByteRange | undefined): Array<{ blobId: string; range: ByteRange }> {
  const slices: Array<{ blobId: string; range: ByteRange }> = [];
  let offset = 0;
  for (const part of parts) {
    const partStart = offset;
    offset += part.size;
    const start = range ? Math.max(range.start, partStart) : partStart;
    const end = range ? Math.min(range.end, offset - 1) : offset - 1;
    if (part.size > 0 && start <= end) slices.push({ blobId: part.blobId, range: { start: start - partStart, end: end - partStart } });
  }
  return slices;
}

export function encryptBytes(key: Buffer, plain: Buffer): Buffer {
  return encryptBuffer(key, plain);
}

/** Plaintext of an inline encrypted object (or a range of it); NotAuthentic becomes an integrity error. */
export function decryptInline(record: ObjectVersionRecord, objectKey: Buffer, stored: Buffer, range: ByteRange | undefined): Buffer {
  const size = record.size;
  try {
    // An empty object is still one authenticated (empty, final) package: check it, never assume it.
    if (size === 0) return decryptBuffer(objectKey, stored);
    const r = encryptedRange(size, range ?? { start: 0, end: size - 1 });
    return decryptBuffer(objectKey, stored.subarray(r.encStart, r.encEnd + 1), { firstSequence: r.firstSequence, skip: r.skip, length: r.length });
  } catch (error) {
    throw asIntegrityError(error);
  }
}

/** Plaintext stream of a blob or multipart object, reading only the packages `range` needs. */
export async function openEncryptedBlobs(blobs: BlobStore, record: ObjectVersionRecord, objectKey: Buffer, range: ByteRange | undefined): Promise<Readable> {
  const data = record.data;
  if (data.kind === 'blob') return primed(await openPiece(blobs, data.blobId, objectKey, record.size, range));
  if (data.kind !== 'parts') throw new AppError('InternalError', { details: { reason: `no blob data (${data.kind})` } });
  const numbers = record.encryption?.partNumbers;
  if (!numbers || numbers.length !== data.parts.length) throw new AppError('StorageCorrupt', { details: { integrity: true, reason: 'part numbers missing', bucket: record.bucket, key: record.key } });
  // Part sizes are plaintext sizes: slice in plaintext space, then map each slice into its part.
  const index = new Map(data.parts.map((p, i) => [p.blobId, i]));
  const slices = sliceParts(data.parts, range);
  async function* chunks(): AsyncGenerator<Buffer> {
    for (const slice of slices) {
      const i = index.get(slice.blobId) as number;
      const part = data.kind === 'parts' ? data.parts[i] : undefined;
      const stream = await openPiece(blobs, slice.blobId, partKey(objectKey, numbers?.[i] as number), part?.size ?? 0, slice.range);
      try {
        for await (const chunk of stream) yield chunk as Buffer;
      } finally {
        stream.destroy();
      }
    }
  }
  return primed(Readable.from(chunks(), { objectMode: false, highWaterMark: 1 << 20 }));
}

async function openPiece(blobs: BlobStore, blobId: string, key: Buffer, plainSize: number, range: ByteRange | undefined): Promise<Readable> {
  // An empty piece is still one authenticated (empty, final) package: read and check it whole.
  const r = plainSize === 0 ? undefined : encryptedRange(plainSize, range ?? { start: 0, end: plainSize - 1 });
  const source = await blobs.read(blobId, r ? { start: r.encStart, end: r.encEnd } : undefined);
  const decrypt = decryptStream(key, r ? { firstSequence: r.firstSequence, skip: r.skip, length: r.length } : {});
  source.on('error', (error) => decrypt.destroy(error));
  decrypt.on('close', () => source.destroy());
  return source.pipe(decrypt);
}

/**
 * Waits for the first plaintext chunk (or the end) before the reply starts, so a tampered first
 * package or a wrong key is an error reply rather than a 200 with a broken body.
 */
async function primed(stream: Readable): Promise<Readable> {
  // Waits without consuming: the same stream is then piped to the client (no extra stream layer).
  await new Promise<void>((resolve, reject) => {
    const settle = (error?: unknown): void => {
      stream.off('readable', onReadable);
      stream.off('error', onError);
      if (error === undefined) resolve();
      else reject(error);
    };
    const onReadable = (): void => settle();
    const onError = (error: unknown): void => settle(error);
    stream.on('readable', onReadable);
    stream.on('error', onError);
  }).catch((error: unknown) => {
    stream.destroy();
    throw asIntegrityError(error);
  });
  // The stream reads ahead while the reply is prepared: a package that fails in that gap must
  // not be an unhandled 'error' (a crash). The reply's pipeline still sees it (stream.errored)
  // and aborts the response.
  stream.on('error', () => undefined);
  return stream;
}

/** A package that does not authenticate: a logged integrity error (500), never plaintext. */
export function asIntegrityError(error: unknown): unknown {
  if (error instanceof CryptoError) return new AppError('StorageCorrupt', { details: { integrity: true, reason: error.message }, cause: error });
  return error;
}

