import { strict as assert } from 'node:assert';
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, it, before, after } from 'node:test';
import { GetObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { Readable } from 'node:stream';
import { Secret } from '../../../core/index.js';
import { createPayloadDecoder } from '../payload/index.js';
import { authenticate } from './authenticate.js';
import type { Authentication, AuthenticateOptions, IncomingSignedRequest, SigningCredential } from './types.js';

const credential: SigningCredential = { accessKeyId: 'AKIDCOFFERTEST', secretKey: new Secret('s3cr3t/with+chars=') };
const sessionCred: SigningCredential = { accessKeyId: 'ASIACOFFERTEST', secretKey: new Secret('other'), sessionToken: new Secret('tok-123') };
const creds = new Map([credential, sessionCred].map((c) => [c.accessKeyId, c]));
const options = (over: Partial<AuthenticateOptions> = {}): AuthenticateOptions => ({
  lookup: async (id) => creds.get(id),
  now: new Date(),
  region: 'us-east-1',
  services: ['s3'],
  ...over,
});

interface Seen { req: IncomingSignedRequest; auth?: Authentication; body?: Buffer; trailers?: Record<string, string>; error?: string }
const seen: Seen[] = [];

async function handle(msg: IncomingMessage): Promise<Seen> {
  const req = { method: msg.method!, rawUrl: msg.url!, rawHeaders: [...msg.rawHeaders] };
  const entry: Seen = { req };
  seen.push(entry);
  try {
    entry.auth = await authenticate(req, options());
    const trailer = msg.headers['x-amz-trailer'];
    const declared = msg.headers['x-amz-decoded-content-length'];
    const decoder = createPayloadDecoder(entry.auth, {
      ...(typeof trailer === 'string' ? { trailer: trailer.split(',').map((s) => s.trim()) } : {}),
      ...(typeof declared === 'string' ? { decodedContentLength: Number(declared) } : {}),
    });
    const parts: Buffer[] = [];
    for await (const c of msg.pipe(decoder.stream)) parts.push(c as Buffer);
    entry.body = Buffer.concat(parts);
    entry.trailers = decoder.trailers();
  } catch (err) {
    entry.error = (err as { code?: string }).code ?? String(err);
    msg.resume();
  }
  return entry;
}

const server = createServer((msg, res) => {
  void handle(msg).then((e) => {
    if (e.error === undefined) res.writeHead(200, { ETag: '"x"' }).end();
    else res.writeHead(403, { 'Content-Type': 'application/xml' }).end(`<Error><Code>${e.error}</Code><Message>m</Message></Error>`);
  });
});
let client: S3Client;
let endpoint = '';

before(async () => {
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  client = new S3Client({
    endpoint, region: 'us-east-1', forcePathStyle: true,
    credentials: { accessKeyId: credential.accessKeyId, secretAccessKey: credential.secretKey.reveal() },
  });
});
after(() => {
  client.destroy();
  server.close();
});

const keys = ['plain.txt', 'with space.txt', 'ünïcødé/日本語.txt', 'percent%20literal', 'plus+sign=eq&amp', 'a//double//slash', 'dots/../x', './lead', "q'uote(*)!~", 'trailing/'];

describe('SigV4 with requests signed by the AWS SDK v3', () => {
  for (const key of keys) {
    it(`accepts PutObject of key ${JSON.stringify(key)} and decodes its body`, async () => {
      await client.send(new PutObjectCommand({ Bucket: 'bucket', Key: key, Body: `body of ${key}` }));
      const e = seen.at(-1)!;
      assert.equal(e.error, undefined);
      assert.equal(e.body?.toString(), `body of ${key}`);
      assert.equal(e.auth?.kind, 'sigv4');
    });
  }

  it('accepts a streamed PutObject (STREAMING-UNSIGNED-PAYLOAD-TRAILER) and collects its checksum trailer', async () => {
    const data = Buffer.alloc(200_000, 7);
    await client.send(new PutObjectCommand({ Bucket: 'bucket', Key: 's', Body: Readable.from([data.subarray(0, 70_000), data.subarray(70_000)]), ContentLength: data.length }));
    const e = seen.at(-1)!;
    assert.equal(e.error, undefined);
    assert.ok(e.auth?.kind === 'sigv4');
    assert.deepEqual(e.auth.payload, { kind: 'streaming-unsigned-trailer' });
    assert.ok(e.body?.equals(data));
    assert.deepEqual(Object.keys(e.trailers ?? {}), ['x-amz-checksum-crc32']);
  });

  it('accepts a presigned GetObject URL and refuses it once expired', async () => {
    const url = new URL(await getSignedUrl(client, new GetObjectCommand({ Bucket: 'b', Key: 'dir/ä b+c.txt' }), { expiresIn: 60 }));
    const req = { method: 'GET', rawUrl: url.pathname + url.search, rawHeaders: ['Host', url.host] };
    const auth = await authenticate(req, options());
    assert.ok(auth.kind === 'sigv4' && auth.presigned);
    await assert.rejects(authenticate(req, options({ now: new Date(Date.now() + 61_000) })), { code: 'AccessDenied', message: 'Request has expired' });
    await assert.rejects(authenticate(req, options({ now: new Date(Date.now() - 20 * 60_000) })), { code: 'AccessDenied', message: 'Request is not valid yet' });
    await assert.rejects(authenticate({ ...req, method: 'PUT' }, options()), { code: 'SignatureDoesNotMatch' });
    await assert.rejects(authenticate({ ...req, rawUrl: req.rawUrl.replace('X-Amz-Expires=60', 'X-Amz-Expires=600') }, options()), { code: 'SignatureDoesNotMatch' });
  });

  it('checks the session token of temporary credentials and refuses one sent for a long-term key', async () => {
    const tmp = new S3Client({
      endpoint, region: 'us-east-1', forcePathStyle: true,
      credentials: { accessKeyId: sessionCred.accessKeyId, secretAccessKey: 'other', sessionToken: 'tok-123' },
    });
    await tmp.send(new PutObjectCommand({ Bucket: 'b', Key: 'k', Body: 'x' }));
    assert.equal(seen.at(-1)!.error, undefined);
    const wrongSecret = options({ lookup: async () => ({ ...sessionCred, secretKey: new Secret('wrong') }) });
    await assert.rejects(authenticate(seen.at(-1)!.req, wrongSecret), (err: Error & { code: string; details: unknown }) => {
      assert.equal(err.code, 'SignatureDoesNotMatch');
      assert.ok(!JSON.stringify(err.details).includes('tok-123'), 'the session token never reaches the logs');
      return true;
    });
    const bad = new S3Client({
      endpoint, region: 'us-east-1', forcePathStyle: true,
      credentials: { accessKeyId: sessionCred.accessKeyId, secretAccessKey: 'other', sessionToken: 'tok-124' },
    });
    await assert.rejects(bad.send(new PutObjectCommand({ Bucket: 'b', Key: 'k', Body: 'x' })), { name: 'InvalidToken' });
    const stray = new S3Client({
      endpoint, region: 'us-east-1', forcePathStyle: true,
      credentials: { accessKeyId: credential.accessKeyId, secretAccessKey: credential.secretKey.reveal(), sessionToken: 'tok' },
    });
    await assert.rejects(stray.send(new PutObjectCommand({ Bucket: 'b', Key: 'k', Body: 'x' })), { name: 'InvalidToken' });
    for (const c of [tmp, bad, stray]) c.destroy();
  });
});

describe('SigV4 refuses', () => {
  let good: IncomingSignedRequest;
  before(async () => {
    await client.send(new PutObjectCommand({ Bucket: 'bucket', Key: 'k', Body: 'hello' }));
    good = seen.at(-1)!.req;
  });
  const setHeader = (r: IncomingSignedRequest, name: string, value: string): IncomingSignedRequest => {
    const h = [...r.rawHeaders];
    const i = h.findIndex((x, j) => j % 2 === 0 && x.toLowerCase() === name);
    if (i < 0) h.push(name, value);
    else h[i + 1] = value;
    return { ...r, rawHeaders: h };
  };
  const authz = (r: IncomingSignedRequest): string => r.rawHeaders[r.rawHeaders.findIndex((x) => x.toLowerCase() === 'authorization') + 1]!;
  const cases: Array<{ name: string; change: (r: IncomingSignedRequest) => IncomingSignedRequest; opts?: Partial<AuthenticateOptions>; code: string; message?: RegExp }> = [
    { name: 'a wrong secret', change: (r) => r, opts: { lookup: async () => ({ ...credential, secretKey: new Secret('nope') }) }, code: 'SignatureDoesNotMatch' },
    { name: 'an unknown access key', change: (r) => r, opts: { lookup: async () => undefined }, code: 'InvalidAccessKeyId' },
    { name: 'a request 16 minutes old', change: (r) => r, opts: { now: new Date(Date.now() + 16 * 60_000) }, code: 'RequestTimeTooSkewed' },
    { name: 'a region mismatch', change: (r) => r, opts: { region: 'eu-west-1' }, code: 'AuthorizationHeaderMalformed', message: /the region 'us-east-1' is wrong; expecting 'eu-west-1'/ },
    { name: 'a service mismatch', change: (r) => r, opts: { services: ['sts'] }, code: 'AuthorizationHeaderMalformed' },
    { name: 'a tampered signed header', change: (r) => setHeader(r, 'content-length', '6'), code: 'SignatureDoesNotMatch' },
    { name: 'a tampered path', change: (r) => ({ ...r, rawUrl: r.rawUrl.replace('/k', '/K') }), code: 'SignatureDoesNotMatch' },
    { name: 'an added query parameter', change: (r) => ({ ...r, rawUrl: `${r.rawUrl}${r.rawUrl.includes('?') ? '&' : '?'}acl` }), code: 'SignatureDoesNotMatch' },
    { name: 'an unsigned x-amz-* header', change: (r) => setHeader(r, 'x-amz-meta-extra', '1'), code: 'AccessDenied', message: /not signed/ },
    { name: 'a missing x-amz-content-sha256', change: (r) => ({ ...r, rawHeaders: r.rawHeaders.flatMap((x, i, a) => (i % 2 === 0 ? (x.toLowerCase() === 'x-amz-content-sha256' ? [] : [x, a[i + 1]!]) : [])) }), code: 'InvalidRequest' },
    { name: 'a bad x-amz-content-sha256', change: (r) => setHeader(r, 'x-amz-content-sha256', 'abc'), code: 'InvalidArgument' },
    { name: 'a missing x-amz-date', change: (r) => setHeader(r, 'x-amz-date', 'yesterday'), code: 'AccessDenied' },
    { name: 'an unsigned session token header', change: (r) => setHeader(r, 'x-amz-security-token', 't'), code: 'AccessDenied' },
    { name: 'a SigV2 Authorization header', change: (r) => setHeader(r, 'authorization', 'AWS AKIDCOFFERTEST:c2lnbmF0dXJl'), code: 'UnsupportedSignature' },
    { name: 'a SigV2 presigned URL', change: () => ({ method: 'GET', rawUrl: '/b/k?AWSAccessKeyId=AK&Expires=1&Signature=abc', rawHeaders: ['Host', 'h'] }), code: 'UnsupportedSignature' },
    { name: 'both header and query authentication', change: (r) => ({ ...r, rawUrl: `${r.rawUrl}${r.rawUrl.includes('?') ? '&' : '?'}X-Amz-Algorithm=AWS4-HMAC-SHA256` }), code: 'InvalidArgument' },
    { name: 'a credential scope terminator other than aws4_request', change: (r) => setHeader(r, 'authorization', authz(r).replace('/aws4_request', '/aws5_request')), code: 'AuthorizationHeaderMalformed' },
    { name: 'a credential date other than the x-amz-date day', change: (r) => setHeader(r, 'authorization', authz(r).replace(/\/\d{8}\//, '/20000101/')), code: 'AuthorizationHeaderMalformed' },
    { name: 'an Authorization header without a Signature', change: (r) => setHeader(r, 'authorization', authz(r).replace(/,\s*Signature=.*/, '')), code: 'AuthorizationHeaderMalformed' },
    { name: 'a host that is not signed', change: (r) => setHeader(r, 'authorization', authz(r).replace('host;', '')), code: 'AccessDenied' },
    { name: 'an invalid percent-encoding in the path', change: (r) => ({ ...r, rawUrl: '/bucket/%zz' }), code: 'InvalidURI' },
  ];
  for (const c of cases) {
    it(c.name, async () => {
      await assert.rejects(authenticate(c.change(good), options(c.opts)), (err: Error & { code: string }) => {
        assert.equal(err.code, c.code, err.message);
        if (c.message !== undefined) assert.match(err.message, c.message);
        return true;
      });
    });
  }

  it('a session token that differs from the credential', async () => {
    await assert.rejects(authenticate(good, options({ lookup: async () => ({ ...credential, sessionToken: new Secret('t') }) })), { code: 'InvalidToken' });
  });
});
