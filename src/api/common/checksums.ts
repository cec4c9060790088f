/**
 * S3 flexible checksums (x-amz-checksum-*): CRC32, CRC32C, CRC64NVME, SHA1, SHA256.
 * Digests are the big-endian bytes that S3 base64-encodes in headers and XML.
 */
import { createHash } from 'node:crypto';
import { crc32 } from 'node:zlib';
import { AppError } from '../../core/index.js';
import { Crc32c } from './crc32c.js';
import { Crc64Nvme } from './crc64nvme.js';

export const CHECKSUM_ALGORITHMS = ['CRC32', 'CRC32C', 'CRC64NVME', 'SHA1', 'SHA256'] as const;
export type ChecksumAlgorithm = (typeof CHECKSUM_ALGORITHMS)[number];

export interface Checksum {
  update(buf: Buffer): void;
  digest(): Buffer;
}

class Crc32Checksum implements Checksum {
  #crc = 0;
  update(buf: Buffer): void {
    this.#crc = crc32(buf, this.#crc);
  }
  digest(): Buffer {
    const out = Buffer.alloc(4);
    out.writeUInt32BE(this.#crc >>> 0, 0);
    return out;
  }
}

class HashChecksum implements Checksum {
  readonly #hash;
  constructor(alg: 'sha1' | 'sha256') {
    this.#hash = createHash(alg);
  }
  update(buf: Buffer): void {
    this.#hash.update(buf);
  }
  digest(): Buffer {
    return this.#hash.digest();
  }
}

export function createChecksum(alg: ChecksumAlgorithm): Checksum {
  switch (alg) {
    case 'CRC32':
      return new Crc32Checksum();
    case 'CRC32C':
      return new Crc32c();
    case 'CRC64NVME':
      return new Crc64Nvme();
    case 'SHA1':
      return new HashChecksum('sha1');
    case 'SHA256':
      return new HashChecksum('sha256');
  }
}

/** Digest length in bytes; a base64 header value must decode to exactly this many bytes. */
export function checksumLength(alg: ChecksumAlgorithm): number {
  return { CRC32: 4, CRC32C: 4, CRC64NVME: 8, SHA1: 20, SHA256: 32 }[alg];
}

export function checksumHeaderName(alg: ChecksumAlgorithm): string {
  return `x-amz-checksum-${alg.toLowerCase()}`;
}

/** Parses an algorithm name as sent in x-amz-checksum-algorithm / x-amz-sdk-checksum-algorithm
 * (case-insensitive); anything else is InvalidRequest, as S3 answers. */
export function parseChecksumAlgorithm(value: string): ChecksumAlgorithm {
  const upper = value.trim().toUpperCase();
  const found = CHECKSUM_ALGORITHMS.find((a) => a === upper);
  if (found === undefined) {
    throw new AppError('InvalidRequest', {
      message: 'Value for x-amz-checksum-algorithm header is invalid.',
      details: { value: value.slice(0, 64) },
    });
  }
  return found;
}

/** Maps a trailer / header name such as 'x-amz-checksum-crc32c' back to its algorithm. */
export function checksumAlgorithmFromHeader(name: string): ChecksumAlgorithm | undefined {
  const lower = name.toLowerCase();
  return CHECKSUM_ALGORITHMS.find((a) => checksumHeaderName(a) === lower);
}
