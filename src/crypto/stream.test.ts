import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { randomBytes } from 'node:crypto';
import { Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import {
  CryptoError, PACKAGE_SIZE, decryptBuffer, decryptStream, encryptBuffer, encryptStream, encryptedSize, newObjectKey, plaintextSize,
  type DecryptOptions,
} from './index.js';

const KiB64 = 65536;
const notAuthentic = (e: unknown): boolean => e instanceof CryptoError && e.code === 'NotAuthentic';

/** Deterministic pseudo-random chunking of `data` (sizes 0..max). */
function chunk(data: Buffer, seed: number, max: number): Buffer[] {
  const out: Buffer[] = [];
  let s = seed;
  for (let i = 0; i < data.length;) {
    s = (s * 1103515245 + 12345) & 0x7fffffff;
    const n = s % (max + 1);
    if (n === 0) continue; // an empty push() would stall Readable.from in byte mode
    out.push(data.subarray(i, i + n));
    i += n;
  }
  return out;
}

async function run(transform: NodeJS.ReadWriteStream, chunks: Buffer[]): Promise<Buffer> {
  const got: Buffer[] = [];
  const sink = new Writable({ write(c: Buffer, _e, cb) { got.push(c); cb(); } });
  await pipeline(Readable.from(chunks, { objectMode: false }), transform, sink);
  return Buffer.concat(got);
}

const SIZES = [0, 1, 65535, KiB64, KiB64 + 1, 3 * KiB64 + 5];

describe('coffer-dare-v1 round trips', () => {
  const key = newObjectKey();
  for (const size of SIZES) {
    const plain = randomBytes(size);
    it(`encrypts and decrypts ${size} bytes through buffers`, () => {
      const enc = encryptBuffer(key, plain);
      assert.equal(enc.length, encryptedSize(size));
      assert.equal(plaintextSize(enc.length), size);
      assert.deepEqual(decryptBuffer(key, enc), plain);
    });
    for (const [seed, max] of [[1, 1], [2, 7], [3, 1000], [4, 70000], [5, 200000]] as const) {
      if (max * 2000 < size) continue; // tiny chunks over big inputs only cost time
      it(`encrypts and decrypts ${size} bytes through streams in chunks of up to ${max}`, async () => {
        const enc = await run(encryptStream(key), chunk(plain, seed, max));
        assert.equal(enc.length, encryptedSize(size), 'package boundaries do not depend on the chunking');
        assert.deepEqual(await run(decryptStream(key), chunk(enc, seed + 10, max)), plain);
      });
    }
  }

  it('uses a different stream for a different key', () => {
    const plain = randomBytes(100);
    assert.notDeepEqual(encryptBuffer(newObjectKey(), plain), encryptBuffer(key, plain));
    assert.throws(() => decryptBuffer(newObjectKey(), encryptBuffer(key, plain)), notAuthentic);
  });

  it('draws a fresh stream nonce for every stream, even under the same key (a re-uploaded part)', () => {
    const plain = randomBytes(100);
    const a = encryptBuffer(key, plain);
    const b = encryptBuffer(key, plain);
    assert.notDeepEqual(a.subarray(4, 16), b.subarray(4, 16));
    assert.deepEqual(decryptBuffer(key, b), plain);
  });

  it('keeps back-pressure: a paused reader stops the writer', async () => {
    const enc = encryptStream(key);
    let accepted = 0;
    const block = randomBytes(KiB64 * 2);
    while (enc.write(block) && accepted < 1000) accepted += 1;
    assert.ok(accepted < 4, `writer kept accepting (${accepted} blocks) with nobody reading`);
    enc.destroy();
  });
});

describe('coffer-dare-v1 tampering', () => {
  const key = newObjectKey();
  const plain = randomBytes(3 * KiB64 + 5);
  const enc = encryptBuffer(key, plain);
  const other = encryptBuffer(key, plain); // same key, another stream (a part uploaded twice)
  const pkg = (i: number): Buffer => enc.subarray(i * PACKAGE_SIZE, Math.min((i + 1) * PACKAGE_SIZE, enc.length));
  const flipAt = (at: number, mask = 0x01): Buffer => {
    const copy = Buffer.from(enc);
    copy[at] = copy[at]! ^ mask;
    return copy;
  };

  const cases: Array<[string, Buffer, DecryptOptions?]> = [
    ['a flipped version byte', flipAt(0)],
    ['a flipped cipher byte', flipAt(1)],
    ['a flipped length byte', flipAt(2)],
    ['a flipped nonce byte', flipAt(9)],
    ['a set final flag on the first package', flipAt(4, 0x80)],
    ['a cleared final flag on the last package', flipAt(3 * PACKAGE_SIZE + 4, 0x80)],
    ['a set empty-payload flag', flipAt(1, 0x80)],
    ['a flipped body byte', flipAt(1000)],
    ['a flipped body byte in the last package', flipAt(enc.length - 20)],
    ['a flipped tag byte', flipAt(PACKAGE_SIZE - 1)],
    ['two packages swapped', Buffer.concat([pkg(1), pkg(0), pkg(2), pkg(3)])],
    ['a package repeated', Buffer.concat([pkg(0), pkg(0), pkg(1), pkg(2), pkg(3)])],
    ['the last package dropped', Buffer.concat([pkg(0), pkg(1), pkg(2)])],
    ['a middle package dropped', Buffer.concat([pkg(0), pkg(2), pkg(3)])],
    ['the last package cut short', enc.subarray(0, enc.length - 1)],
    ['everything dropped', Buffer.alloc(0)],
    ['a package appended after the final one', Buffer.concat([enc, pkg(0)])],
    ['a byte appended after the final one', Buffer.concat([enc, Buffer.from([0])])],
    ['bytes after the final package in a read bounded by length', Buffer.concat([enc, Buffer.from([0])]), { length: 3 * KiB64 + 5 }],
    ['a range read whose input stops early', enc.subarray(0, 2 * PACKAGE_SIZE), { length: 3 * KiB64 }],
    ['a range read started at the wrong sequence', pkg(1), { firstSequence: 2, length: 10 }],
    ['the final package presented as a middle one', pkg(3), { firstSequence: 2, length: 10 }],
    ['the first package dropped in a full read', Buffer.concat([pkg(1), pkg(2), pkg(3)])],
    ['packages shifted in a range read', Buffer.concat([pkg(2), pkg(3)]), { firstSequence: 1, length: KiB64 + 5 }],
    ['packages of two streams under the same key mixed', Buffer.concat([pkg(0), other.subarray(PACKAGE_SIZE)])],
  ];
  for (const [name, bytes, options] of cases) {
    it(`refuses ${name} (buffer)`, () => assert.throws(() => decryptBuffer(key, bytes, options), notAuthentic));
    it(`refuses ${name} (stream)`, async () => {
      await assert.rejects(run(decryptStream(key, options), chunk(bytes, 9, 5000)), notAuthentic);
    });
  }

  it('detects truncation of an empty object to zero bytes and extension of it', () => {
    const empty = encryptBuffer(key, Buffer.alloc(0));
    assert.equal(empty.length, 32);
    assert.deepEqual(decryptBuffer(key, empty), Buffer.alloc(0));
    assert.throws(() => decryptBuffer(key, Buffer.alloc(0)), notAuthentic);
    assert.throws(() => decryptBuffer(key, Buffer.concat([empty, empty])), notAuthentic);
  });

  it('never emits plaintext from a package that fails authentication', async () => {
    const bad = flipAt(PACKAGE_SIZE + 100); // second package
    const got: Buffer[] = [];
    const sink = new Writable({ write(c: Buffer, _e, cb) { got.push(c); cb(); } });
    await assert.rejects(pipeline(Readable.from([bad]), decryptStream(key), sink), notAuthentic);
    assert.ok(Buffer.concat(got).length <= KiB64, 'at most the first, authentic package');
    assert.deepEqual(Buffer.concat(got), plain.subarray(0, Buffer.concat(got).length));
  });
});
