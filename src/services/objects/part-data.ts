/**
 * Reading and releasing objects completed from multipart uploads: the object is its part blobs
 * in order, never a copy. A range is served by opening only the parts it overlaps, each with the
 * sub-range that falls inside it; the first blob is opened before the reply starts, so a missing
 * blob is an error reply rather than a truncated body.
 */
import { Readable } from 'node:stream';
import type { BlobStore, ByteRange, ObjectData, ObjectDataLocation, ObjectPartRef } from '../../storage/ports.js';

interface Slice {
  blobId: string;
  range: ByteRange;
}

/** The pieces of each part blob that make up [range.start, range.end] of the whole object. */
export function sliceParts(parts: readonly ObjectPartRef[], range: ByteRange | undefined): Slice[] {
  const slices: Slice[] = [];
  let offset = 0;
  for (const part of parts) {
    const partStart = offset;
    const partEnd = offset + part.size - 1;
    offset += part.size;
    if (part.size === 0) continue;
    const start = range ? Math.max(range.start, partStart) : partStart;
    const end = range ? Math.min(range.end, partEnd) : partEnd;
    if (start > end) continue;
    slices.push({ blobId: part.blobId, range: { start: start - partStart, end: end - partStart } });
  }
  return slices;
}

export async function openParts(blobs: BlobStore, parts: readonly ObjectPartRef[], range: ByteRange | undefined): Promise<Readable> {
  const slices = sliceParts(parts, range);
  const first = slices[0];
  if (!first) return Readable.from([]);
  const firstStream = await blobs.read(first.blobId, first.range);
  async function* chunks(): AsyncGenerator<Buffer> {
    let current: Readable | undefined = firstStream;
    try {
      for (let i = 0; i < slices.length; i++) {
        const slice = slices[i] as Slice;
        current = i === 0 ? firstStream : await blobs.read(slice.blobId, slice.range);
        for await (const chunk of current) yield chunk as Buffer;
      }
    } finally {
      current?.destroy();
      if (current !== firstStream) firstStream.destroy();
    }
  }
  return Readable.from(chunks(), { objectMode: false, highWaterMark: 1 << 20 });
}

/** Every blob a version's data occupies. */
export function blobIdsOf(data: ObjectData | ObjectDataLocation): string[] {
  if (data.kind === 'blob') return [data.blobId];
  if (data.kind === 'parts') return data.parts.map((p) => p.blobId);
  return [];
}
