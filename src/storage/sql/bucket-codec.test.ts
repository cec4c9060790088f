import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { RECORD_FORMAT_VERSION, type BucketRecord } from '../ports.js';
import { decodeBucket, encodeBucket } from './codec.js';

const bucket: BucketRecord = {
  formatVersion: RECORD_FORMAT_VERSION, name: 'b', owner: 'o', region: 'us-east-1', createdAt: new Date('2026-01-01T00:00:00Z'),
  versioning: 'Unversioned', objectLockEnabled: false,
};

describe('bucket record codec', () => {
  it('keeps a bucket policy text exactly as stored, within format 1', () => {
    const policy = '{ "Version": "2012-10-17", "Statement": [] }\n';
    const encoded = encodeBucket({ ...bucket, policy });
    assert.equal(JSON.parse(encoded.record).formatVersion, 1);
    assert.equal(decodeBucket('b', encoded.record).policy, policy);
  });

  it('reads records written before bucket policies existed as having none', () => {
    const encoded = encodeBucket(bucket);
    assert.equal('policy' in JSON.parse(encoded.record), false);
    assert.equal('policy' in decodeBucket('b', encoded.record), false);
  });
});
