import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { randomBytes } from 'node:crypto';
import { Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import {
  CryptoError, decryptBuffer, decryptStream, encryptBuffer, encryptedMultipartSize, encryptedPartRanges, encryptedRange, encryptedSize,
  newObjectKey, partKey, plaintextSize,
} from './index.js';

const K = 65536;
const invalidInput = (e: unknown): boolean => e instanceof CryptoError && e.code === 'InvalidInput';

/** Offsets around every package boundary of a plaintext of `size` bytes. */
function interesting(size: number): number[] {
  const set = new Set<number>([0, 1, size - 2, size - 1]);
  for (let b = K; b < size; b += K) for (const d of [-2, -1, 0, 1]) set.add(b + d);
  return [...set].filter((o) => o >= 0 && o < size).sort((a, b) => a - b);
}

describe('sizes', () => {
  const table: Array<[number, number]> = [[0, 32], [1, 33], [K - 1, K + 31], [K, K + 32], [K + 1, K + 65], [3 * K + 5, 3 * K + 5 + 128]];
  for (const [plain, enc] of table) {
    it(`${plain} plaintext bytes encrypt to ${enc} bytes and back`, () => {
      assert.equal(encryptedSize(plain), enc);
      assert.equal(plaintextSize(enc), plain);
    });
  }
  for (const bad of [0, 31, K + 64, K + 33, 2 * (K + 32) + 10]) {
    it(`refuses ${bad} as an encrypted stream size`, () => assert.throws(() => plaintextSize(bad), invalidInput));
  }
});

describe('range reads of one stream', () => {
  const key = newObjectKey();
  for (const size of [1, 5, K, K + 1, 2 * K + 3, 3 * K]) {
    const plain = randomBytes(size);
    const enc = encryptBuffer(key, plain);
    const offsets = interesting(size);
    it(`returns exactly the plaintext slice for every range between boundary offsets of ${size} bytes`, () => {
      let n = 0;
      for (const start of offsets) {
        for (const end of offsets) {
          if (end < start) continue;
          const r = encryptedRange(size, { start, end });
          assert.ok(r.encStart >= 0 && r.encEnd < enc.length && r.encStart <= r.encEnd);
          const got = decryptBuffer(key, enc.subarray(r.encStart, r.encEnd + 1), r);
          assert.deepEqual(got, plain.subarray(start, end + 1), `range ${start}-${end}`);
          n += 1;
        }
      }
      assert.ok(n > 0);
    });
  }

  it('reads only the packages holding the range', () => {
    assert.deepEqual(encryptedRange(3 * K + 5, { start: K + 10, end: 2 * K + 1 }), {
      encStart: K + 32, encEnd: 3 * (K + 32) - 1, firstSequence: 1, skip: 10, length: K - 8,
    });
    assert.deepEqual(encryptedRange(3 * K + 5, { start: 3 * K + 4, end: 3 * K + 4 }), {
      encStart: 3 * (K + 32), encEnd: 3 * (K + 32) + 5 + 32 - 1, firstSequence: 3, skip: 4, length: 1,
    });
  });

  it('decrypts a range through the stream with arbitrary chunking', async () => {
    const size = 3 * K + 5;
    const plain = randomBytes(size);
    const enc = encryptBuffer(key, plain);
    const r = encryptedRange(size, { start: K - 3, end: 3 * K + 1 });
    const slice = enc.subarray(r.encStart, r.encEnd + 1);
    const chunks: Buffer[] = [];
    for (let i = 0; i < slice.length; i += 4099) chunks.push(slice.subarray(i, i + 4099));
    const got: Buffer[] = [];
    await pipeline(Readable.from(chunks), decryptStream(key, r), new Writable({ write(c: Buffer, _e, cb) { got.push(c); cb(); } }));
    assert.deepEqual(Buffer.concat(got), plain.subarray(K - 3, 3 * K + 2));
  });

  const bad: Array<[string, number, { start: number; end: number }]> = [
    ['an empty object', 0, { start: 0, end: 0 }],
    ['a start past the end', 10, { start: 10, end: 10 }],
    ['an end past the end', 10, { start: 0, end: 10 }],
    ['an end before the start', 10, { start: 5, end: 4 }],
    ['a negative start', 10, { start: -1, end: 4 }],
  ];
  for (const [name, size, range] of bad) {
    it(`refuses ${name}`, () => assert.throws(() => encryptedRange(size, range), invalidInput));
  }
});

describe('range reads of multipart objects', () => {
  const objectKey = newObjectKey();
  const partSizes = [K + 10, 7, 2 * K, 1, K - 1];
  const parts = partSizes.map((n) => randomBytes(n));
  const plain = Buffer.concat(parts);
  const encParts = parts.map((p, i) => encryptBuffer(partKey(objectKey, i + 1), p));
  const encrypted = Buffer.concat(encParts);

  it('sizes a multipart object as the sum of its encrypted parts', () => {
    assert.equal(encryptedMultipartSize(partSizes), encrypted.length);
  });

  const offsets = interesting(plain.length).concat([K + 9, K + 10, K + 16, K + 17, 3 * K + 17, 3 * K + 18]).sort((a, b) => a - b);
  it('returns exactly the plaintext slice for every range between part and package boundaries', () => {
    for (const start of offsets) {
      for (const end of offsets) {
        if (end < start) continue;
        const pieces = encryptedPartRanges(partSizes, { start, end }).map((r) => {
          const absolute = encrypted.subarray(r.partOffset + r.encStart, r.partOffset + r.encEnd + 1);
          assert.deepEqual(absolute, encParts[r.partIndex]!.subarray(r.encStart, r.encEnd + 1));
          return decryptBuffer(partKey(objectKey, r.partIndex + 1), absolute, r);
        });
        assert.deepEqual(Buffer.concat(pieces), plain.subarray(start, end + 1), `range ${start}-${end}`);
      }
    }
  });

  it('skips empty parts and parts outside the range', () => {
    const ranges = encryptedPartRanges([5, 0, 5], { start: 3, end: 7 });
    assert.deepEqual(ranges.map((r) => [r.partIndex, r.partOffset, r.skip, r.length]), [[0, 0, 3, 2], [2, 37 + 32, 0, 3]]);
    assert.throws(() => encryptedPartRanges([5, 5], { start: 0, end: 10 }), invalidInput);
  });
});
