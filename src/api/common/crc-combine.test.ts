import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { describe, it } from 'node:test';
import { createChecksum } from './checksums.js';
import { combineCrc } from './crc-combine.js';

const crc = (algorithm: 'CRC32' | 'CRC32C' | 'CRC64NVME', bytes: Buffer) => {
  const hash = createChecksum(algorithm);
  hash.update(bytes);
  return hash.digest();
};

describe('CRC combination', () => {
  for (const algorithm of ['CRC32', 'CRC32C', 'CRC64NVME'] as const) {
    for (const [a, b] of [[0, 5], [1, 1], [1000, 33333], [7, 0], [5 * 1024 * 1024, 123]] as const) {
      it(`gives ${algorithm}(A‖B) from ${algorithm}(A), ${algorithm}(B) and |B| for |A|=${a}, |B|=${b}`, () => {
        const left = randomBytes(a);
        const right = randomBytes(b);
        assert.deepEqual(combineCrc(algorithm, crc(algorithm, left), crc(algorithm, right), b), crc(algorithm, Buffer.concat([left, right])));
      });
    }
  }
  it('refuses algorithms that are not CRCs', () => {
    assert.throws(() => combineCrc('SHA256', Buffer.alloc(32), Buffer.alloc(32), 1), RangeError);
  });
});
