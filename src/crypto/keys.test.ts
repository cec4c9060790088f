import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createHmac, randomBytes } from 'node:crypto';
import { CryptoError, newObjectKey, partKey, sealObjectKey, sealValue, unsealObjectKey, unsealValue, type SealBinding, type SealedKey } from './index.js';

const notAuthentic = (e: unknown): boolean => e instanceof CryptoError && e.code === 'NotAuthentic';
const invalidInput = (e: unknown): boolean => e instanceof CryptoError && e.code === 'InvalidInput';

const flip = (b64: string, at: number): string => {
  const b = Buffer.from(b64, 'base64');
  b[at % b.length] = b[at % b.length]! ^ 0x01;
  return b.toString('base64');
};

describe('object key sealing', () => {
  const external = randomBytes(32);
  const binding: SealBinding = { domain: 'SSE-S3', bucket: 'photos', key: '2024/cat.jpg' };
  const objectKey = newObjectKey();
  const sealed = sealObjectKey(objectKey, external, binding);

  it('unseals the object key with the same external key and binding', () => {
    assert.deepEqual(unsealObjectKey(sealed, external, binding), objectKey);
    assert.equal(sealed.algorithm, 'coffer-v1-hmac-sha256-aes-gcm');
    assert.equal(Buffer.from(sealed.iv, 'base64').length, 32);
  });

  it('draws a fresh object key and a fresh IV every time', () => {
    assert.notDeepEqual(newObjectKey(), newObjectKey());
    const again = sealObjectKey(objectKey, external, binding);
    assert.notEqual(again.iv, sealed.iv);
    assert.notEqual(again.sealed, sealed.sealed);
  });

  const wrong: Array<[string, Buffer, SealBinding]> = [
    ['another external key', randomBytes(32), binding],
    ['another bucket', external, { ...binding, bucket: 'photos2' }],
    ['another object key', external, { ...binding, key: '2024/dog.jpg' }],
    ['a bucket/key split elsewhere', external, { ...binding, bucket: 'photos2024', key: 'cat.jpg' }],
    ['the SSE-KMS domain', external, { ...binding, domain: 'SSE-KMS' }],
    ['the SSE-C domain', external, { ...binding, domain: 'SSE-C' }],
  ];
  for (const [name, ext, bind] of wrong) {
    it(`refuses to unseal with ${name}`, () => assert.throws(() => unsealObjectKey(sealed, ext, bind), notAuthentic));
  }

  const tampered: Array<[string, SealedKey]> = [
    ['a flipped IV bit', { ...sealed, iv: flip(sealed.iv, 5) }],
    ['a flipped nonce bit', { ...sealed, sealed: flip(sealed.sealed, 3) }],
    ['a flipped ciphertext bit', { ...sealed, sealed: flip(sealed.sealed, 20) }],
    ['a flipped tag bit', { ...sealed, sealed: flip(sealed.sealed, 59) }],
    ['a truncated sealed key', { ...sealed, sealed: Buffer.from(sealed.sealed, 'base64').subarray(0, 40).toString('base64') }],
    ['a non-base64 sealed key', { ...sealed, sealed: `${sealed.sealed.slice(0, -4)}!!!!` }],
    ['another algorithm', { ...sealed, algorithm: 'DAREv2-HMAC-SHA256' as SealedKey['algorithm'] }],
  ];
  for (const [name, bad] of tampered) {
    it(`refuses ${name}`, () => assert.throws(() => unsealObjectKey(bad, external, binding), notAuthentic));
  }

  it('refuses keys that are not 32 bytes and unknown domains', () => {
    assert.throws(() => sealObjectKey(randomBytes(16), external, binding), invalidInput);
    assert.throws(() => sealObjectKey(objectKey, randomBytes(31), binding), invalidInput);
    assert.throws(() => sealObjectKey(objectKey, external, { ...binding, domain: 'SSE' as 'SSE-C' }), invalidInput);
    assert.throws(() => sealObjectKey(objectKey, external, { ...binding, bucket: 'a/b' }), invalidInput);
  });
});

describe('part keys', () => {
  const objectKey = newObjectKey();
  it('is HMAC-SHA256(objectKey, uint32 LE part number)', () => {
    const n = Buffer.from([7, 0, 0, 0]);
    assert.deepEqual(partKey(objectKey, 7), createHmac('sha256', objectKey).update(n).digest());
  });
  it('differs per part and per object', () => {
    assert.notDeepEqual(partKey(objectKey, 1), partKey(objectKey, 2));
    assert.notDeepEqual(partKey(objectKey, 1), partKey(newObjectKey(), 1));
  });
  for (const bad of [0, -1, 1.5, 2 ** 32]) {
    it(`refuses part number ${bad}`, () => assert.throws(() => partKey(objectKey, bad), invalidInput));
  }
});

describe('sealed values', () => {
  const objectKey = newObjectKey();
  const etag = Buffer.from('9b2cf535f27731c974343645a3985328', 'hex');
  const sealed = sealValue(objectKey, 'etag', etag);
  it('round-trips with the same object key and label', () => assert.deepEqual(unsealValue(objectKey, 'etag', sealed), etag));
  it('refuses another label', () => assert.throws(() => unsealValue(objectKey, 'checksum', sealed), notAuthentic));
  it('refuses another object key', () => assert.throws(() => unsealValue(newObjectKey(), 'etag', sealed), notAuthentic));
  it('refuses a flipped bit', () => assert.throws(() => unsealValue(objectKey, 'etag', flip(sealed, 14)), notAuthentic));
  it('refuses garbage', () => assert.throws(() => unsealValue(objectKey, 'etag', 'abc'), notAuthentic));
});
