import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import { Secret } from '../../../core/index.js';
import { authenticate } from './authenticate.js';
import type { AuthenticateOptions, SigningCredential } from './types.js';

/** The signature examples from the Amazon S3 API reference (sig-v4-header-based-auth and
 * sigv4-query-string-auth): credentials AKIAIOSFODNN7EXAMPLE, 24 May 2013, us-east-1. */
const credential: SigningCredential = {
  accessKeyId: 'AKIAIOSFODNN7EXAMPLE',
  secretKey: new Secret('wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY'),
};
const opts: AuthenticateOptions = {
  lookup: async (id) => (id === credential.accessKeyId ? credential : undefined),
  now: new Date('2013-05-24T00:05:00Z'),
  region: 'us-east-1',
  services: ['s3'],
};
const EMPTY = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855';
const scope = 'Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request';

function auth(signedHeaders: string, signature: string): string {
  return `AWS4-HMAC-SHA256 ${scope},SignedHeaders=${signedHeaders},Signature=${signature}`;
}

const cases: Array<{ name: string; method: string; url: string; headers: string[] }> = [
  {
    name: 'GET Object with a Range header',
    method: 'GET',
    url: '/test.txt',
    headers: [
      'Host', 'examplebucket.s3.amazonaws.com', 'Range', 'bytes=0-9', 'x-amz-content-sha256', EMPTY,
      'x-amz-date', '20130524T000000Z',
      'Authorization', auth('host;range;x-amz-content-sha256;x-amz-date', 'f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41'),
    ],
  },
  {
    name: 'PUT Object with a Date header and a $ in the key',
    method: 'PUT',
    url: '/test%24file.text',
    headers: [
      'Host', 'examplebucket.s3.amazonaws.com', 'Date', 'Fri, 24 May 2013 00:00:00 GMT',
      'x-amz-date', '20130524T000000Z', 'x-amz-storage-class', 'REDUCED_REDUNDANCY',
      'x-amz-content-sha256', '44ce7dd67c959e0d3524ffac1771dfbba87d2b6b4b4e99e42034a8b803f8b072',
      'Authorization', auth('date;host;x-amz-content-sha256;x-amz-date;x-amz-storage-class', '98ad721746da40c64f1a55b78f14c238d841ea1380cd77a1b5971af0ece108bd'),
    ],
  },
  {
    name: 'GET Bucket lifecycle (a parameter without a value)',
    method: 'GET',
    url: '/?lifecycle',
    headers: [
      'Host', 'examplebucket.s3.amazonaws.com', 'x-amz-date', '20130524T000000Z', 'x-amz-content-sha256', EMPTY,
      'Authorization', auth('host;x-amz-content-sha256;x-amz-date', 'fea454ca298b7da1c68078a5d1bdbfbbe0d65c699e0f91ac7a200a0136783543'),
    ],
  },
  {
    name: 'GET Bucket (list objects, sorted query)',
    method: 'GET',
    url: '/?max-keys=2&prefix=J',
    headers: [
      'Host', 'examplebucket.s3.amazonaws.com', 'x-amz-date', '20130524T000000Z', 'x-amz-content-sha256', EMPTY,
      'Authorization', auth('host;x-amz-content-sha256;x-amz-date', '34b48302e7b5fa45bde8084f4b7868a86f0a534bc59db6670ed5711ef69dc6f7'),
    ],
  },
  {
    name: 'the presigned GET Object URL',
    method: 'GET',
    url:
      '/test.txt?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKIAIOSFODNN7EXAMPLE%2F20130524%2Fus-east-1%2Fs3%2Faws4_request' +
      '&X-Amz-Date=20130524T000000Z&X-Amz-Expires=86400&X-Amz-SignedHeaders=host' +
      '&X-Amz-Signature=aeeed9bbccd4d02ee5c0109b86d86835f995330da4c265957d157751f604d404',
    headers: ['Host', 'examplebucket.s3.amazonaws.com'],
  },
  {
    name: 'the chunked upload seed request',
    method: 'PUT',
    url: '/examplebucket/chunkObject.txt',
    headers: [
      'Host', 's3.amazonaws.com', 'x-amz-date', '20130524T000000Z', 'x-amz-storage-class', 'REDUCED_REDUNDANCY',
      'x-amz-content-sha256', 'STREAMING-AWS4-HMAC-SHA256-PAYLOAD', 'Content-Encoding', 'aws-chunked',
      'x-amz-decoded-content-length', '66560', 'Content-Length', '66824',
      'Authorization', auth(
        'content-encoding;content-length;host;x-amz-content-sha256;x-amz-date;x-amz-decoded-content-length;x-amz-storage-class',
        '4f232c4386841ef735655705268965c44a0e4690baa4adea153f7db9fa80a0a9',
      ),
    ],
  },
];

describe('SigV4 against the AWS documented examples', () => {
  for (const c of cases) {
    it(`accepts ${c.name}`, async () => {
      const result = await authenticate({ method: c.method, rawUrl: c.url, rawHeaders: c.headers }, opts);
      assert.equal(result.kind, 'sigv4');
      if (result.kind !== 'sigv4') return;
      assert.equal(result.accessKeyId, 'AKIAIOSFODNN7EXAMPLE');
      assert.equal(result.region, 'us-east-1');
      assert.equal(result.requestTime.toISOString(), '2013-05-24T00:00:00.000Z');
    });
    it(`refuses ${c.name} when the method is changed`, async () => {
      await assert.rejects(
        authenticate({ method: c.method === 'GET' ? 'HEAD' : 'POST', rawUrl: c.url, rawHeaders: c.headers }, opts),
        { code: 'SignatureDoesNotMatch' },
      );
    });
  }

  it('reports the streaming mode and seed of the chunked upload example', async () => {
    const c = cases.at(-1)!;
    const result = await authenticate({ method: c.method, rawUrl: c.url, rawHeaders: c.headers }, opts);
    assert.ok(result.kind === 'sigv4');
    assert.deepEqual(result.payload, { kind: 'streaming-signed', trailer: false });
    assert.equal(result.seed.signature, '4f232c4386841ef735655705268965c44a0e4690baa4adea153f7db9fa80a0a9');
    assert.equal(result.seed.scope, '20130524/us-east-1/s3/aws4_request');
    assert.equal(result.seed.amzDate, '20130524T000000Z');
  });

  it('reports a presigned request with an unsigned payload', async () => {
    const c = cases[4]!;
    const result = await authenticate({ method: c.method, rawUrl: c.url, rawHeaders: c.headers }, opts);
    assert.ok(result.kind === 'sigv4');
    assert.equal(result.presigned, true);
    assert.deepEqual(result.payload, { kind: 'unsigned' });
  });
});
