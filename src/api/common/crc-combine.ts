/**
 * CRC combination: CRC(A‖B) from CRC(A), CRC(B) and len(B), without the bytes (zlib's
 * crc32_combine, generalised to the reflected CRCs S3 uses; each has init = xorout = all ones,
 * so CRC(A‖B) = CRC(A)·x^(8·len B) mod P ⊕ CRC(B)). Integrity arithmetic only, not a MAC.
 * Used to give a multipart object its FULL_OBJECT CRC from its parts' CRCs.
 * Polynomials are in reflected form; arithmetic is BigInt (a few thousand steps per part).
 */
import type { ChecksumAlgorithm } from './checksums.js';
import { createChecksum } from './checksums.js';

interface CrcSpec {
  width: number;
  poly: bigint;
}

const SPECS: Partial<Record<ChecksumAlgorithm, CrcSpec>> = {
  CRC32: { width: 32, poly: 0xedb88320n },
  CRC32C: { width: 32, poly: 0x82f63b78n },
  CRC64NVME: { width: 64, poly: 0x9a6c9329ac4bc9b5n },
};

const powers = new Map<ChecksumAlgorithm, bigint[]>();

/** a·b mod P, both in reflected representation (bit width-1 is x^0). */
function multiply(a: bigint, b: bigint, spec: CrcSpec): bigint {
  let m = 1n << BigInt(spec.width - 1);
  let product = 0n;
  for (;;) {
    if (a & m) {
      product ^= b;
      if ((a & (m - 1n)) === 0n) break;
    }
    m >>= 1n;
    b = b & 1n ? (b >> 1n) ^ spec.poly : b >> 1n;
  }
  return product;
}

/** x^(2^k) mod P, for k = 0, 1, 2 … as needed. */
function power(algorithm: ChecksumAlgorithm, spec: CrcSpec, k: number): bigint {
  let table = powers.get(algorithm);
  if (!table) {
    table = [1n << BigInt(spec.width - 2)];
    powers.set(algorithm, table);
  }
  while (table.length <= k) {
    const last = table[table.length - 1] as bigint;
    table.push(multiply(last, last, spec));
  }
  return table[k] as bigint;
}

/** x^(8·bytes) mod P. */
function shiftFor(algorithm: ChecksumAlgorithm, spec: CrcSpec, bytes: number): bigint {
  let result = 1n << BigInt(spec.width - 1);
  let n = BigInt(bytes);
  for (let k = 3; n > 0n; k++, n >>= 1n) {
    if (n & 1n) result = multiply(power(algorithm, spec, k), result, spec);
  }
  return result;
}

export function combineCrc(algorithm: ChecksumAlgorithm, crcA: Buffer, crcB: Buffer, lengthB: number): Buffer {
  const spec = SPECS[algorithm];
  if (!spec) throw new RangeError(`${algorithm} is not a CRC`);
  const bytes = spec.width / 8;
  if (crcA.length !== bytes || crcB.length !== bytes) throw new RangeError('CRC length does not match the algorithm');
  const a = BigInt(`0x${crcA.toString('hex')}`);
  const b = BigInt(`0x${crcB.toString('hex')}`);
  const combined = multiply(shiftFor(algorithm, spec, lengthB), a, spec) ^ b;
  return Buffer.from(combined.toString(16).padStart(bytes * 2, '0'), 'hex');
}

export function isCrcAlgorithm(algorithm: ChecksumAlgorithm): boolean {
  return SPECS[algorithm] !== undefined;
}

/** The checksum toolkit the multipart service is given (structurally its ChecksumKit). */
export const multipartChecksums = {
  create: createChecksum,
  combineCrc,
};
