import { strict as assert } from 'node:assert';
import { createHash, randomBytes } from 'node:crypto';
import { describe, it } from 'node:test';
import { Crc32cJs, Crc64NvmeJs } from '@aws-sdk/checksums/crc';
import {
  checksumAlgorithmFromHeader,
  checksumHeaderName,
  createChecksum,
  parseChecksumAlgorithm,
  type ChecksumAlgorithm,
} from './checksums.js';

function digestOf(alg: ChecksumAlgorithm, ...parts: Buffer[]): string {
  const c = createChecksum(alg);
  for (const p of parts) c.update(p);
  return c.digest().toString('hex');
}

const check = Buffer.from('123456789');

describe('checksums', () => {
  const vectors: Array<[ChecksumAlgorithm, Buffer, string]> = [
    ['CRC32', check, 'cbf43926'],
    ['CRC32C', check, 'e3069283'],
    ['CRC64NVME', check, 'ae8b14860a799888'],
    ['CRC32', Buffer.alloc(0), '00000000'],
    ['CRC32C', Buffer.alloc(0), '00000000'],
    ['CRC64NVME', Buffer.alloc(0), '0000000000000000'],
    ['SHA1', check, createHash('sha1').update(check).digest('hex')],
    ['SHA256', Buffer.alloc(0), 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855'],
    // S3 documents CRC32C of "Hello world" style values in base64; this one is well known:
    ['CRC32C', Buffer.alloc(32, 0), '8a9136aa'],
  ];
  for (const [alg, input, hex] of vectors) {
    it(`computes ${alg} of ${JSON.stringify(input.toString().slice(0, 12))} (${input.length} bytes) as ${hex}`, () => {
      assert.equal(digestOf(alg, input), hex);
    });
  }

  for (const alg of ['CRC32', 'CRC32C', 'CRC64NVME', 'SHA1', 'SHA256'] as const) {
    it(`gives the same ${alg} however the input is split`, () => {
      const data = randomBytes(1000);
      const whole = digestOf(alg, data);
      for (const cut of [0, 1, 3, 7, 8, 9, 500, 999, 1000]) {
        assert.equal(digestOf(alg, data.subarray(0, cut), data.subarray(cut)), whole, `cut at ${cut}`);
      }
    });
  }

  it('agrees with the AWS SDK CRC32C and CRC64NVME on random buffers', async () => {
    for (let i = 0; i < 40; i++) {
      const data = randomBytes(Math.floor(Math.random() * 5000));
      const a = new Crc32cJs();
      a.update(data);
      assert.equal(Buffer.from(await a.digest()).toString('hex'), digestOf('CRC32C', data));
      const b = new Crc64NvmeJs();
      b.update(data);
      assert.equal(Buffer.from(await b.digest()).toString('hex'), digestOf('CRC64NVME', data));
    }
  });

  it('names the header of each algorithm and maps it back', () => {
    assert.equal(checksumHeaderName('CRC64NVME'), 'x-amz-checksum-crc64nvme');
    assert.equal(checksumHeaderName('SHA256'), 'x-amz-checksum-sha256');
    assert.equal(checksumAlgorithmFromHeader('X-Amz-Checksum-Crc32c'), 'CRC32C');
    assert.equal(checksumAlgorithmFromHeader('x-amz-checksum-md5'), undefined);
  });

  it('parses algorithm names case-insensitively and refuses unknown ones', () => {
    assert.equal(parseChecksumAlgorithm('crc32c'), 'CRC32C');
    assert.equal(parseChecksumAlgorithm('SHA1'), 'SHA1');
    assert.throws(() => parseChecksumAlgorithm('MD5'), { code: 'InvalidRequest' });
  });
});
