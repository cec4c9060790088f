import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import {
  CreateBucketCommand, DeleteBucketCorsCommand, GetBucketCorsCommand, PutBucketCorsCommand, PutObjectCommand, type CORSRule,
} from '@aws-sdk/client-s3';
import { errorCode, sendRaw, sha256Hex, signRequest } from '../helpers/raw-request.js';
import { expectS3Error, ROOT_ACCESS_KEY, ROOT_SECRET_KEY, startTestServer, type TestServer } from '../helpers/server.js';

/** PutBucketCors signed by hand, to send bodies the SDK would not (no checksum, oversized). */
async function putCorsRaw(endpoint: string, bucket: string, xml: string, options: { md5?: boolean } = {}) {
  const body = Buffer.from(xml);
  const headers: Record<string, string> = { 'content-length': String(body.length) };
  if (options.md5 !== false) headers['content-md5'] = createHash('md5').update(body).digest('base64');
  const signed = signRequest({
    method: 'PUT', host: new URL(endpoint).host, path: `/${bucket}`, query: 'cors=', headers,
    payloadHash: sha256Hex(body), accessKey: ROOT_ACCESS_KEY, secretKey: ROOT_SECRET_KEY,
  });
  return sendRaw(endpoint, { method: 'PUT', path: `/${bucket}?cors`, headers: signed.headers, body });
}

const RULES: CORSRule[] = [
  {
    ID: 'app',
    AllowedOrigins: ['https://app.example'],
    AllowedMethods: ['GET', 'PUT', 'POST'],
    AllowedHeaders: ['content-type', 'x-amz-*'],
    ExposeHeaders: ['ETag', 'x-amz-request-id'],
    MaxAgeSeconds: 600,
  },
  { AllowedOrigins: ['https://*.example.org'], AllowedMethods: ['GET'] },
  { AllowedOrigins: ['*'], AllowedMethods: ['HEAD'] },
];

describe('bucket CORS: configuration and preflight', () => {
  let server: TestServer;
  before(async () => {
    server = await startTestServer();
    await server.client.send(new CreateBucketCommand({ Bucket: 'web' }));
    await server.client.send(new CreateBucketCommand({ Bucket: 'plain' }));
    await server.client.send(new PutObjectCommand({ Bucket: 'web', Key: 'index.html', Body: '<p>hi</p>' }));
  });
  after(() => server.stop());

  const preflight = (path: string, headers: Record<string, string>) => sendRaw(server.endpoint, { method: 'OPTIONS', path, headers });

  it('GetBucketCors answers NoSuchCORSConfiguration before any configuration is set', async () => {
    await expectS3Error(server.client.send(new GetBucketCorsCommand({ Bucket: 'web' })), 'NoSuchCORSConfiguration', 404);
  });

  it('PutBucketCors stores the rules and GetBucketCors returns them', async () => {
    await server.client.send(new PutBucketCorsCommand({ Bucket: 'web', CORSConfiguration: { CORSRules: RULES } }));
    const got = await server.client.send(new GetBucketCorsCommand({ Bucket: 'web' }));
    assert.deepEqual(got.CORSRules, [
      RULES[0],
      { AllowedOrigins: ['https://*.example.org'], AllowedMethods: ['GET'] },
      { AllowedOrigins: ['*'], AllowedMethods: ['HEAD'] },
    ]);
  });

  it('answers an allowed preflight with the Access-Control headers and Vary: Origin', async () => {
    const res = await preflight('/web/index.html', {
      origin: 'https://app.example',
      'access-control-request-method': 'PUT',
      'access-control-request-headers': 'Content-Type, X-Amz-Date',
    });
    assert.equal(res.status, 200);
    assert.equal(res.headers['access-control-allow-origin'], 'https://app.example');
    assert.equal(res.headers['access-control-allow-methods'], 'GET, PUT, POST');
    assert.equal(res.headers['access-control-allow-headers'], 'content-type, x-amz-date');
    assert.equal(res.headers['access-control-max-age'], '600');
    assert.equal(res.headers['access-control-expose-headers'], 'ETag, x-amz-request-id');
    assert.equal(res.headers['access-control-allow-credentials'], 'true');
    assert.match(String(res.headers.vary), /Origin/);
  });

  it('matches one wildcard in an origin, and answers * for a rule allowing any origin', async () => {
    const sub = await preflight('/web', { origin: 'https://cdn.example.org', 'access-control-request-method': 'GET' });
    assert.equal(sub.status, 200);
    assert.equal(sub.headers['access-control-allow-origin'], 'https://cdn.example.org');
    const any = await preflight('/web/x', { origin: 'http://anything.test', 'access-control-request-method': 'HEAD' });
    assert.equal(any.headers['access-control-allow-origin'], '*');
    assert.equal(any.headers['access-control-allow-credentials'], undefined);
  });

  const refused: Array<[string, string, Record<string, string>]> = [
    ['an origin no rule names', '/web/index.html', { origin: 'https://evil.example', 'access-control-request-method': 'GET' }],
    ['a method the matching rule does not allow', '/web/index.html', { origin: 'https://app.example', 'access-control-request-method': 'DELETE' }],
    ['a request header the rule does not allow', '/web/index.html', { origin: 'https://app.example', 'access-control-request-method': 'PUT', 'access-control-request-headers': 'authorization' }],
    ['a bucket without CORS configuration', '/plain/x', { origin: 'https://app.example', 'access-control-request-method': 'GET' }],
    ['a bucket that does not exist', '/missing-bucket/x', { origin: 'https://app.example', 'access-control-request-method': 'GET' }],
  ];
  for (const [name, path, headers] of refused) {
    it(`refuses a preflight for ${name} with 403 CORSResponse`, async () => {
      const res = await preflight(path, headers);
      assert.equal(res.status, 403);
      assert.equal(errorCode(res.body), 'AccessForbidden');
      assert.match(res.body.toString(), /CORSResponse: This CORS request is not allowed/);
      assert.equal(res.headers['access-control-allow-origin'], undefined);
    });
  }

  it('answers a preflight without Origin or Access-Control-Request-Method with 400', async () => {
    assert.equal((await preflight('/web/x', { 'access-control-request-method': 'GET' })).status, 400);
    assert.equal((await preflight('/web/x', { origin: 'https://app.example' })).status, 400);
  });

  it('adds CORS headers to actual requests from an allowed origin, also to error replies', async () => {
    const ok = await fetch(`${server.endpoint}/web/index.html`, { headers: { origin: 'https://app.example' } });
    // anonymous GET is denied, but the browser may read the denial
    assert.equal(ok.status, 403);
    assert.equal(ok.headers.get('access-control-allow-origin'), 'https://app.example');
    assert.equal(ok.headers.get('access-control-expose-headers'), 'ETag, x-amz-request-id');
    const other = await fetch(`${server.endpoint}/web/index.html`, { headers: { origin: 'https://evil.example' } });
    assert.equal(other.headers.get('access-control-allow-origin'), null);
    const wrongMethod = await fetch(`${server.endpoint}/web/index.html`, { method: 'DELETE', headers: { origin: 'https://app.example' } });
    assert.equal(wrongMethod.headers.get('access-control-allow-origin'), null);
  });

  const invalid: Array<[string, string, string]> = [
    ['an unsupported method', '<CORSRule><AllowedOrigin>*</AllowedOrigin><AllowedMethod>PATCH</AllowedMethod></CORSRule>', 'InvalidRequest'],
    ['two wildcards in an origin', '<CORSRule><AllowedOrigin>https://*.*.com</AllowedOrigin><AllowedMethod>GET</AllowedMethod></CORSRule>', 'InvalidRequest'],
    ['two wildcards in a header', '<CORSRule><AllowedOrigin>*</AllowedOrigin><AllowedMethod>GET</AllowedMethod><AllowedHeader>x-*-*</AllowedHeader></CORSRule>', 'InvalidRequest'],
    ['a rule without AllowedOrigin', '<CORSRule><AllowedMethod>GET</AllowedMethod></CORSRule>', 'MalformedXML'],
    ['no rules', '', 'MalformedXML'],
    ['101 rules', '<CORSRule><AllowedOrigin>*</AllowedOrigin><AllowedMethod>GET</AllowedMethod></CORSRule>'.repeat(101), 'MalformedXML'],
    ['a non-numeric MaxAgeSeconds', '<CORSRule><AllowedOrigin>*</AllowedOrigin><AllowedMethod>GET</AllowedMethod><MaxAgeSeconds>soon</MaxAgeSeconds></CORSRule>', 'MalformedXML'],
    ['an unknown element', '<CORSRule><AllowedOrigin>*</AllowedOrigin><AllowedMethod>GET</AllowedMethod><Bogus/></CORSRule>', 'MalformedXML'],
  ];
  for (const [name, rules, code] of invalid) {
    it(`PutBucketCors refuses ${name} with ${code} and keeps the previous configuration`, async () => {
      const res = await putCorsRaw(server.endpoint, 'web', `<CORSConfiguration>${rules}</CORSConfiguration>`);
      assert.equal(errorCode(res.body), code, res.body.toString());
      const got = await server.client.send(new GetBucketCorsCommand({ Bucket: 'web' }));
      assert.equal(got.CORSRules?.length, 3);
    });
  }

  it('PutBucketCors refuses a body without Content-MD5 or checksum, and a body over 64 KiB', async () => {
    const rule = '<CORSRule><AllowedOrigin>*</AllowedOrigin><AllowedMethod>GET</AllowedMethod></CORSRule>';
    const noMd5 = await putCorsRaw(server.endpoint, 'web', `<CORSConfiguration>${rule}</CORSConfiguration>`, { md5: false });
    assert.equal(errorCode(noMd5.body), 'InvalidRequest');
    const big = await putCorsRaw(server.endpoint, 'web', `<CORSConfiguration>${rule}<!--${'x'.repeat(65 * 1024)}--></CORSConfiguration>`);
    assert.equal(errorCode(big.body), 'MaxMessageLengthExceeded');
  });

  it('DeleteBucketCors removes the configuration; preflights are refused afterwards', async () => {
    await server.client.send(new DeleteBucketCorsCommand({ Bucket: 'web' }));
    await expectS3Error(server.client.send(new GetBucketCorsCommand({ Bucket: 'web' })), 'NoSuchCORSConfiguration', 404);
    const res = await preflight('/web/index.html', { origin: 'https://app.example', 'access-control-request-method': 'GET' });
    assert.equal(res.status, 403);
  });
});
