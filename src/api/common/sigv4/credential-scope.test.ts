import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseCredentialScope } from './credential-scope.js';

const expect = (services: string[]) => ({ region: 'us-east-1', services, requestDate: '20261129', amzDate: '20261129T000000Z' });

describe('credential scope', () => {
  it('accepts the configured region for every service', () => {
    assert.equal(parseCredentialScope('header', 'AK/20261129/us-east-1/s3/aws4_request', expect(['s3'])).scope, '20261129/us-east-1/s3/aws4_request');
  });

  it('accepts an empty region for the global IAM and STS services only, keeping it in the signed scope', () => {
    assert.equal(parseCredentialScope('header', 'AK/20261129//iam/aws4_request', expect(['iam', 'sts'])).scope, '20261129//iam/aws4_request');
    assert.equal(parseCredentialScope('header', 'AK/20261129//sts/aws4_request', expect(['iam', 'sts'])).region, '');
    assert.throws(() => parseCredentialScope('header', 'AK/20261129//s3/aws4_request', expect(['s3'])), { code: 'AuthorizationHeaderMalformed' });
  });

  it('refuses another region, service, date or terminator', () => {
    for (const credential of ['AK/20261129/eu-west-1/s3/aws4_request', 'AK/20261129/us-east-1/ec2/aws4_request', 'AK/20261128/us-east-1/s3/aws4_request', 'AK/20261129/us-east-1/s3/aws5_request', '/20261129/us-east-1/s3/aws4_request']) {
      assert.throws(() => parseCredentialScope('header', credential, expect(['s3'])), (error: { code?: string }) => typeof error.code === 'string', credential);
    }
  });
});
