/**
 * Size and range arithmetic of "coffer-dare-v1" (docs/security/crypto-format.md §5–6).
 *
 * A stream of n plaintext bytes has max(1, ceil(n / 64 KiB)) packages, 32 bytes of overhead
 * each. A plaintext range maps to whole packages: the reader fetches them, decrypts from their
 * sequence number, drops `skip` bytes of the first and emits `length` bytes. Multipart objects
 * are the concatenation of independently encrypted parts (sequence numbers restart at 0 in each
 * part), so a range maps to a list of per-part package ranges.
 * All ranges here are inclusive byte offsets, like HTTP Range and the storage port's ByteRange.
 */
import { CryptoError } from './errors.js';
import { PACKAGE_OVERHEAD, PACKAGE_SIZE, PAYLOAD_SIZE } from './package-format.js';

function checkSize(n: number, what: string): void {
  if (!Number.isSafeInteger(n) || n < 0) throw new CryptoError('InvalidInput', `${what} must be a non-negative integer`);
}

/** Encrypted size of a plaintext of `plainSize` bytes (an empty plaintext is one 32-byte package). */
export function encryptedSize(plainSize: number): number {
  checkSize(plainSize, 'plaintext size');
  if (plainSize === 0) return PACKAGE_OVERHEAD;
  return plainSize + PACKAGE_OVERHEAD * Math.ceil(plainSize / PAYLOAD_SIZE);
}

/** Plaintext size of a single encrypted stream of `encSize` bytes; InvalidInput if impossible. */
export function plaintextSize(encSize: number): number {
  checkSize(encSize, 'encrypted size');
  if (encSize === PACKAGE_OVERHEAD) return 0;
  const packages = Math.ceil(encSize / PACKAGE_SIZE);
  const last = encSize - (packages - 1) * PACKAGE_SIZE;
  if (encSize < PACKAGE_OVERHEAD || last <= PACKAGE_OVERHEAD) {
    throw new CryptoError('InvalidInput', 'not a valid coffer-dare-v1 stream size');
  }
  return encSize - PACKAGE_OVERHEAD * packages;
}

/** How to read plaintext bytes [start, end] (inclusive) of one encrypted stream. */
export interface EncryptedRange {
  /** Inclusive encrypted byte offsets to read. */
  encStart: number;
  encEnd: number;
  /** Pass these three to decryptStream. */
  firstSequence: number;
  skip: number;
  length: number;
}

/** Plaintext byte range (inclusive, 0 ≤ start ≤ end < plainSize) → encrypted range + trimming. */
export function encryptedRange(plainSize: number, range: { start: number; end: number }): EncryptedRange {
  checkSize(plainSize, 'plaintext size');
  const { start, end } = range;
  if (!Number.isSafeInteger(start) || !Number.isSafeInteger(end) || start < 0 || end < start || end >= plainSize) {
    throw new CryptoError('InvalidInput', 'range outside the plaintext');
  }
  const firstSequence = Math.floor(start / PAYLOAD_SIZE);
  const lastSequence = Math.floor(end / PAYLOAD_SIZE);
  return {
    encStart: firstSequence * PACKAGE_SIZE,
    encEnd: Math.min((lastSequence + 1) * PACKAGE_SIZE, encryptedSize(plainSize)) - 1,
    firstSequence,
    skip: start - firstSequence * PAYLOAD_SIZE,
    length: end - start + 1,
  };
}

/** One part's share of a multipart range read. */
export interface PartRange extends EncryptedRange {
  /** Index into the `partSizes` array given (0-based; parts in ascending part number). */
  partIndex: number;
  /** Encrypted offset where this part starts in the concatenation of all encrypted parts. */
  partOffset: number;
}

/**
 * Plaintext range (inclusive) of a multipart object → per-part encrypted ranges. `partSizes` are
 * the parts' plaintext sizes in order. Each entry's encStart/encEnd are inside that part's own
 * encrypted stream; add `partOffset` for offsets in the concatenated encrypted object.
 */
export function encryptedPartRanges(partSizes: readonly number[], range: { start: number; end: number }): PartRange[] {
  let total = 0;
  for (const size of partSizes) {
    checkSize(size, 'part size');
    total += size;
  }
  const { start, end } = range;
  if (!Number.isSafeInteger(start) || !Number.isSafeInteger(end) || start < 0 || end < start || end >= total) {
    throw new CryptoError('InvalidInput', 'range outside the plaintext');
  }
  const out: PartRange[] = [];
  let plainOffset = 0;
  let partOffset = 0;
  partSizes.forEach((size, partIndex) => {
    const partStart = plainOffset;
    const partEnd = plainOffset + size - 1;
    if (size > 0 && partEnd >= start && partStart <= end) {
      const local = { start: Math.max(start, partStart) - partStart, end: Math.min(end, partEnd) - partStart };
      out.push({ partIndex, partOffset, ...encryptedRange(size, local) });
    }
    plainOffset += size;
    partOffset += encryptedSize(size);
  });
  return out;
}

/** Encrypted size of a multipart object: the sum of its parts' encrypted sizes. */
export function encryptedMultipartSize(partSizes: readonly number[]): number {
  return partSizes.reduce((sum, size) => sum + encryptedSize(size), 0);
}
