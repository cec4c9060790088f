/**
 * CompleteMultipartUpload's rules, as S3 applies them: parts listed in ascending order without
 * repeats, each one uploaded with the listed ETag (and checksum), every part but the last at
 * least 5 MiB. The ETag is the MD5 of the parts' binary MD5s plus "-N"; checksums are composite
 * (a checksum of the part checksums, "-N") or, for CRCs, the full-object CRC combined from parts.
 */
import { createHash } from 'node:crypto';
import { AppError } from '../../core/index.js';
import type { ChecksumAlgorithm, MultipartUploadRecord, ObjectChecksum, UploadPartRecord } from '../../storage/ports.js';
import type { ChecksumKit } from './checksum-kit.js';

export const MIN_PART_BYTES = 5 * 1024 * 1024;
export const MAX_PART_BYTES = 5 * 1024 ** 3;
export const MAX_PARTS = 10_000;
export const MAX_OBJECT_BYTES = 5 * 1024 ** 4;

export interface CompletePartInput {
  partNumber: number;
  etag: string;
  /** Checksum<ALG> elements of the Part, base64. */
  checksums: Partial<Record<ChecksumAlgorithm, string>>;
}

const unquote = (etag: string): string => etag.trim().replace(/^"(.*)"$/, '$1');

export function assertPartOrder(parts: readonly CompletePartInput[]): void {
  if (parts.length === 0) throw new AppError('MalformedXML', { details: { reason: 'no parts' } });
  if (parts.length > MAX_PARTS) throw new AppError('InvalidArgument', { message: `Part count must not exceed ${MAX_PARTS}.` });
  let previous = 0;
  for (const part of parts) {
    if (!Number.isInteger(part.partNumber) || part.partNumber < 1 || part.partNumber > MAX_PARTS) {
      throw new AppError('InvalidArgument', { message: 'Part number must be an integer between 1 and 10000, inclusive', fields: { ArgumentName: 'partNumber', ArgumentValue: String(part.partNumber) } });
    }
    if (part.partNumber <= previous) throw new AppError('InvalidPartOrder');
    previous = part.partNumber;
  }
}

/** The stored parts the request names, after checking ETags, checksums and sizes. */
export function selectParts(upload: MultipartUploadRecord, requested: readonly CompletePartInput[], stored: ReadonlyMap<number, UploadPartRecord>): UploadPartRecord[] {
  const selected: UploadPartRecord[] = [];
  for (const want of requested) {
    const part = stored.get(want.partNumber);
    if (!part || unquote(part.etag) !== unquote(want.etag)) throw invalidPart(want.partNumber);
    for (const [algorithm, value] of Object.entries(want.checksums) as Array<[ChecksumAlgorithm, string]>) {
      if (upload.checksum && algorithm !== upload.checksum.algorithm) {
        throw new AppError('InvalidRequest', { message: `Checksum Type mismatch occurred, expected checksum Type: ${upload.checksum.algorithm.toLowerCase()}, actual checksum Type: ${algorithm.toLowerCase()}` });
      }
      if (part.checksum?.algorithm === algorithm && part.checksum.value !== value) throw invalidPart(want.partNumber);
    }
    if (upload.checksum?.type === 'COMPOSITE' && want.checksums[upload.checksum.algorithm] === undefined) {
      throw new AppError('InvalidRequest', {
        message: `The upload was created using a ${upload.checksum.algorithm.toLowerCase()} checksum. The complete request must include the checksum for each part. It was missing for part ${want.partNumber} in the request.`,
      });
    }
    selected.push(part);
  }
  selected.forEach((part, index) => {
    if (index < selected.length - 1 && part.size < MIN_PART_BYTES) {
      throw new AppError('EntityTooSmall', {
        fields: { ProposedSize: String(part.size), MinSizeAllowed: String(MIN_PART_BYTES), PartNumber: String(part.partNumber), ETag: unquote(part.etag) },
      });
    }
  });
  return selected;
}

function invalidPart(partNumber: number): AppError {
  return new AppError('InvalidPart', { details: { partNumber } });
}

export function multipartEtag(parts: readonly UploadPartRecord[]): string {
  const md5 = createHash('md5');
  for (const part of parts) md5.update(Buffer.from(unquote(part.etag), 'hex'));
  return `"${md5.digest('hex')}-${parts.length}"`;
}

/** The object's checksum from its parts', or undefined when the upload asked for none. */
export function objectChecksum(kit: ChecksumKit, upload: MultipartUploadRecord, parts: readonly UploadPartRecord[]): ObjectChecksum | undefined {
  if (!upload.checksum) return undefined;
  const { algorithm, type } = upload.checksum;
  const digests = parts.map((part) => {
    if (part.checksum?.algorithm !== algorithm) throw new AppError('InternalError', { details: { reason: 'part without the upload checksum', partNumber: part.partNumber } });
    return Buffer.from(part.checksum.value, 'base64');
  });
  if (type === 'COMPOSITE') {
    const hash = kit.create(algorithm);
    for (const digest of digests) hash.update(digest);
    return { algorithm, type, value: `${hash.digest().toString('base64')}-${parts.length}` };
  }
  let combined: Buffer = digests[0] as Buffer;
  for (let i = 1; i < digests.length; i++) combined = kit.combineCrc(algorithm, combined, digests[i] as Buffer, (parts[i] as UploadPartRecord).size);
  return { algorithm, type, value: combined.toString('base64') };
}

/** The bitrot CRC32 of the whole object, combined from the parts' without reading them. */
export function combinedCrc32(kit: ChecksumKit, parts: readonly UploadPartRecord[]): string {
  let crc: Buffer = Buffer.from((parts[0] as UploadPartRecord).dataCrc32, 'hex');
  for (let i = 1; i < parts.length; i++) {
    const part = parts[i] as UploadPartRecord;
    crc = kit.combineCrc('CRC32', crc, Buffer.from(part.dataCrc32, 'hex'), part.size);
  }
  return crc.toString('hex');
}
