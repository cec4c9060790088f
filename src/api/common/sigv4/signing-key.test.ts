import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Secret } from '../../../core/index.js';
import { parseSignedHeaders } from './credential-scope.js';
import { deriveSigningKey, SigningKeyCache } from './signing-key.js';

describe('signing keys cached per Secret object', () => {
  it('derives the AWS key once per secret and scope, then reuses it', () => {
    const cache = new SigningKeyCache();
    const secret = new Secret('wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY');
    const key = cache.keyFor('AK', secret, '20130524', 'us-east-1', 's3');
    assert.ok(key.equals(deriveSigningKey('wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY', '20130524', 'us-east-1', 's3')));
    assert.equal(cache.keyFor('AK', secret, '20130524', 'us-east-1', 's3'), key);
  });

  it('never hands a rotated secret the key of the old one, for the same access key', () => {
    const cache = new SigningKeyCache();
    const before = cache.keyFor('AK', new Secret('old-secret'), '20130524', 'us-east-1', 's3');
    const after = cache.keyFor('AK', new Secret('new-secret'), '20130524', 'us-east-1', 's3');
    assert.ok(!before.equals(after));
    assert.ok(after.equals(deriveSigningKey('new-secret', '20130524', 'us-east-1', 's3')));
  });

  it('keeps days, regions and services apart', () => {
    const cache = new SigningKeyCache();
    const secret = new Secret('s');
    for (const [date, region, service] of [['20130524', 'us-east-1', 's3'], ['20130525', 'us-east-1', 's3'], ['20130524', 'eu-west-1', 's3'], ['20130524', 'us-east-1', 'sts']] as const) {
      assert.ok(cache.keyFor('AK', secret, date, region, service).equals(deriveSigningKey('s', date, region, service)), `${date} ${region} ${service}`);
    }
  });
});

describe('SignedHeaders parsing', () => {
  it('answers repeated lists from memory, frozen, sorted and unique', () => {
    const first = parseSignedHeaders('header', 'x-amz-date;host;x-amz-content-sha256;host');
    assert.deepEqual(first, ['host', 'x-amz-content-sha256', 'x-amz-date']);
    assert.ok(Object.isFrozen(first));
    assert.equal(parseSignedHeaders('header', 'x-amz-date;host;x-amz-content-sha256;host'), first);
  });

  it('still refuses a malformed list every time', () => {
    for (let i = 0; i < 2; i++) assert.throws(() => parseSignedHeaders('header', 'Host;x-amz-date'), /SignedHeaders/);
  });
});
