import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { Agent, request } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { connect, type ConnectionOptions } from 'node:tls';
import { CreateBucketCommand, GetObjectCommand, PutBucketPolicyCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { startApp } from '../../src/app/index.js';
import { loadConfig } from '../../src/config/index.js';
import { silentLogger } from '../../src/observability/index.js';
import { fingerprintOf, makeTestCa, type Pair, type TestCa } from '../helpers/tls-material.js';
import { ROOT_ACCESS_KEY, ROOT_SECRET_KEY, expectS3Error, startTestServer, type TestServer } from '../helpers/server.js';

interface Handshake {
  protocol: string | null;
  cipher: string;
  alpn: string | false | null;
  fingerprint: string;
}

function handshake(port: number, options: ConnectionOptions = {}): Promise<Handshake> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: '127.0.0.1', port, servername: 'localhost', ALPNProtocols: ['http/1.1'], ...options }, () => {
      const result = {
        protocol: socket.getProtocol(),
        cipher: socket.getCipher().name,
        alpn: socket.alpnProtocol,
        fingerprint: socket.getPeerCertificate().fingerprint256,
      };
      socket.end();
      resolve(result);
    });
    socket.once('error', reject);
  });
}

function writePair(dir: string, pair: Pair): void {
  mkdirSync(dir, { recursive: true });
  // Written next to the target and renamed, as a certificate manager would.
  writeFileSync(join(dir, '.public.crt.tmp'), pair.cert);
  writeFileSync(join(dir, '.private.key.tmp'), pair.key, { mode: 0o600 });
  renameSync(join(dir, '.private.key.tmp'), join(dir, 'private.key'));
  renameSync(join(dir, '.public.crt.tmp'), join(dir, 'public.crt'));
}

async function eventually(check: () => Promise<boolean>, what: string): Promise<void> {
  const deadline = Date.now() + 8_000;
  while (Date.now() < deadline) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`timed out waiting until ${what}`);
}

function customerKey(): { SSECustomerAlgorithm: string; SSECustomerKey: string; SSECustomerKeyMD5: string } {
  const raw = randomBytes(32);
  return { SSECustomerAlgorithm: 'AES256', SSECustomerKey: raw.toString('base64'), SSECustomerKeyMD5: createHash('md5').update(raw).digest('base64') };
}

/** Adds headers after the SDK built the request (before signing), as a proxy in front would. */
function withHeaders<T extends { middlewareStack: { add: (...args: never[]) => void } }>(command: T, headers: Record<string, string>): T {
  (command.middlewareStack as unknown as { add(mw: unknown, opts: unknown): void }).add(
    (next: (args: { request: { headers: Record<string, string> } }) => Promise<unknown>) => async (args: { request: { headers: Record<string, string> } }) => {
      Object.assign(args.request.headers, headers);
      return next(args);
    },
    { step: 'build' },
  );
  return command;
}

describe('TLS on the API listener', () => {
  let ca: TestCa;
  let certsDir: string;
  let secure: TestServer;
  let plain: TestServer;
  let port: number;
  let s3: S3Client;
  let first: Pair;

  before(async () => {
    ca = makeTestCa();
    certsDir = mkdtempSync(join(tmpdir(), 'coffer-certs-'));
    first = ca.issue('coffer-default', 'DNS:localhost,IP:127.0.0.1');
    writePair(certsDir, first);
    writePair(join(certsDir, 'tenant-a'), ca.issue('tenant-a', 'DNS:a.example.test,DNS:*.a.example.test'));
    // Kubernetes' `..data` folders are ignored even when they hold a pair.
    writePair(join(certsDir, '..2026_data'), ca.issue('hidden', 'DNS:hidden.example.test'));
    // The TCP peer (127.0.0.1) is a trusted proxy here, so X-Forwarded-For can make the client look remote.
    secure = await startTestServer({ COFFER_CERTS_DIR: certsDir, COFFER_TRUSTED_PROXIES: '127.0.0.1' });
    plain = await startTestServer({ COFFER_TRUSTED_PROXIES: '127.0.0.1' });
    port = secure.app.port;
    s3 = new S3Client({
      endpoint: secure.endpoint,
      region: 'us-east-1',
      forcePathStyle: true,
      credentials: { accessKeyId: ROOT_ACCESS_KEY, secretAccessKey: ROOT_SECRET_KEY },
      maxAttempts: 1,
      requestHandler: { httpsAgent: new Agent({ ca: ca.cert }) },
    });
  });

  after(async () => {
    s3?.destroy();
    await secure?.stop();
    await plain?.stop();
    if (certsDir) rmSync(certsDir, { recursive: true, force: true });
  });

  it('answers on https only when the default certificate exists, and plain http otherwise', () => {
    assert.match(secure.endpoint, /^https:\/\/127\.0\.0\.1:\d+$/);
    assert.match(plain.endpoint, /^http:\/\/127\.0\.0\.1:\d+$/);
  });

  it('completes a TLS 1.3 handshake with ALPN http/1.1, verified against the CA', async () => {
    const result = await handshake(port, { ca: ca.cert, minVersion: 'TLSv1.3' });
    assert.equal(result.protocol, 'TLSv1.3');
    assert.equal(result.alpn, 'http/1.1');
    assert.equal(result.fingerprint, fingerprintOf(first.cert));
  });

  it('completes a TLS 1.2 handshake with an ECDHE AEAD suite', async () => {
    const result = await handshake(port, { ca: ca.cert, maxVersion: 'TLSv1.2' });
    assert.equal(result.protocol, 'TLSv1.2');
    assert.match(result.cipher, /^ECDHE-(ECDSA|RSA)-(AES(128|256)-GCM-SHA(256|384)|CHACHA20-POLY1305)$/);
  });

  it('refuses TLS 1.1 and a client that offers only CBC suites', async () => {
    await assert.rejects(handshake(port, { ca: ca.cert, minVersion: 'TLSv1', maxVersion: 'TLSv1.1', ciphers: 'DEFAULT@SECLEVEL=0' }), { code: 'ERR_SSL_TLSV1_ALERT_PROTOCOL_VERSION' });
    await assert.rejects(handshake(port, {
      ca: ca.cert,
      maxVersion: 'TLSv1.2',
      ciphers: 'ECDHE-ECDSA-AES128-SHA:ECDHE-ECDSA-AES256-SHA:ECDHE-ECDSA-AES128-SHA256:ECDHE-RSA-AES128-SHA:AES128-SHA',
    }), { code: /^ERR_SSL_(SSLV3|SSL\/TLS)_ALERT_HANDSHAKE_FAILURE$/ }); // the name differs between OpenSSL 3.0 (Node 20) and 3.5 (Node 24)
  });

  it('picks the SNI certificate of a sub-folder by server name, and the default for other names', async () => {
    const tenant = await handshake(port, { ca: ca.cert, servername: 'a.example.test' });
    const wildcard = await handshake(port, { ca: ca.cert, servername: 'bucket.a.example.test' });
    const hidden = await handshake(port, { ca: ca.cert, servername: 'hidden.example.test', rejectUnauthorized: false });
    assert.notEqual(tenant.fingerprint, fingerprintOf(first.cert));
    assert.equal(wildcard.fingerprint, tenant.fingerprint);
    assert.equal(hidden.fingerprint, fingerprintOf(first.cert));
  });

  it('sends HSTS and nosniff over TLS, and nosniff but no HSTS over plain HTTP', async () => {
    const headers = await new Promise<Record<string, unknown>>((resolve, reject) => {
      request(`${secure.endpoint}/coffer/health/live`, { ca: ca.cert }, (res) => {
        res.resume();
        resolve(res.headers);
      }).on('error', reject).end();
    });
    assert.equal(headers['strict-transport-security'], 'max-age=31536000; includeSubDomains');
    assert.equal(headers['x-content-type-options'], 'nosniff');
    const res = await fetch(`${plain.endpoint}/coffer/health/live`);
    assert.equal(res.headers.get('strict-transport-security'), null);
    assert.equal(res.headers.get('x-content-type-options'), 'nosniff');
  });

  it('serves the AWS SDK over HTTPS with the CA bundle', async () => {
    await s3.send(new CreateBucketCommand({ Bucket: 'over-tls' }));
    await s3.send(new PutObjectCommand({ Bucket: 'over-tls', Key: 'a.txt', Body: 'hello' }));
    const got = await s3.send(new GetObjectCommand({ Bucket: 'over-tls', Key: 'a.txt' }));
    assert.equal(await got.Body?.transformToString(), 'hello');
  });

  it('accepts SSE-C over TLS from a non-loopback client, and refuses it over plain HTTP from one', async () => {
    const remote = { 'x-forwarded-for': '203.0.113.5' };
    const key = customerKey();
    await s3.send(withHeaders(new PutObjectCommand({ Bucket: 'over-tls', Key: 'ssec', Body: 'secret', ...key }), remote));
    const got = await s3.send(withHeaders(new GetObjectCommand({ Bucket: 'over-tls', Key: 'ssec', ...key }), remote));
    assert.equal(await got.Body?.transformToString(), 'secret');
    await plain.client.send(new CreateBucketCommand({ Bucket: 'plain' }));
    await expectS3Error(plain.client.send(withHeaders(new PutObjectCommand({ Bucket: 'plain', Key: 'ssec', Body: 'x', ...key }), remote)), 'InvalidRequest', 400);
    // Behind a trusted proxy that terminated TLS, the same request is acceptable.
    await plain.client.send(withHeaders(new PutObjectCommand({ Bucket: 'plain', Key: 'ssec', Body: 'x', ...key }), { ...remote, 'x-forwarded-proto': 'https' }));
  });

  it('makes aws:SecureTransport true exactly for TLS (or a trusted proxy saying https)', async () => {
    const denyPlain = (bucket: string) => JSON.stringify({
      Version: '2012-10-17',
      Statement: [{ Effect: 'Deny', Principal: '*', Action: 's3:GetObject', Resource: `arn:aws:s3:::${bucket}/*`, Condition: { Bool: { 'aws:SecureTransport': 'false' } } }],
    });
    await s3.send(new PutObjectCommand({ Bucket: 'over-tls', Key: 'doc', Body: 'doc' }));
    await s3.send(new PutBucketPolicyCommand({ Bucket: 'over-tls', Policy: denyPlain('over-tls') }));
    assert.equal(await (await s3.send(new GetObjectCommand({ Bucket: 'over-tls', Key: 'doc' }))).Body?.transformToString(), 'doc');
    await plain.client.send(new PutObjectCommand({ Bucket: 'plain', Key: 'doc', Body: 'doc' }));
    await plain.client.send(new PutBucketPolicyCommand({ Bucket: 'plain', Policy: denyPlain('plain') }));
    await expectS3Error(plain.client.send(new GetObjectCommand({ Bucket: 'plain', Key: 'doc' })), 'AccessDenied', 403);
    const viaProxy = await plain.client.send(withHeaders(new GetObjectCommand({ Bucket: 'plain', Key: 'doc' }), { 'x-forwarded-proto': 'https' }));
    assert.equal(await viaProxy.Body?.transformToString(), 'doc');
  });

  it('serves a renewed certificate without a restart, and keeps it when a broken one replaces it', async () => {
    const renewed = ca.issue('coffer-renewed', 'DNS:localhost,IP:127.0.0.1');
    writePair(certsDir, renewed);
    await eventually(async () => (await handshake(port, { ca: ca.cert })).fingerprint === fingerprintOf(renewed.cert), 'the renewed certificate is served');
    // A certificate whose key does not match, then plain garbage: neither is installed.
    writePair(certsDir, { cert: ca.issue('mismatch', 'DNS:localhost').cert, key: ca.issue('other', 'DNS:localhost').key });
    await new Promise((r) => setTimeout(r, 600));
    writePair(certsDir, { cert: 'not a certificate', key: 'not a key' });
    await secure.app.reloadCertificates();
    const after = await handshake(port, { ca: ca.cert });
    assert.equal(after.fingerprint, fingerprintOf(renewed.cert));
    // SIGHUP's path (reloadCertificates) picks up a good pair again.
    const third = ca.issue('coffer-third', 'DNS:localhost,IP:127.0.0.1');
    writePair(certsDir, third);
    await secure.app.reloadCertificates();
    assert.equal((await handshake(port, { ca: ca.cert })).fingerprint, fingerprintOf(third.cert));
  });
});

describe('coffer server --auto-tls', () => {
  it('is suggested by the first-start banner when the listener is plain HTTP, and not over HTTPS', async () => {
    for (const autoTls of [false, true]) {
      const dataDir = mkdtempSync(join(tmpdir(), 'coffer-banner-'));
      let banner = '';
      const config = loadConfig({ dataDir, address: '127.0.0.1:0', autoTls }, {});
      const app = await startApp(config, { logger: silentLogger, announce: (text) => { banner += text; }, notice: () => undefined });
      try {
        assert.match(banner, /Secret key: /);
        if (autoTls) assert.doesNotMatch(banner, /--auto-tls/);
        else assert.ok(banner.includes('--auto-tls') && banner.includes(join(dataDir, '.coffer', 'certs')), banner);
      } finally {
        await app.stop();
        rmSync(dataDir, { recursive: true, force: true });
      }
    }
  });

  it('creates a private CA and a 0600 server key, prints how to trust it, and reuses them on the next start', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'coffer-autotls-'));
    const env = { COFFER_ROOT_USER: ROOT_ACCESS_KEY, COFFER_ROOT_PASSWORD: ROOT_SECRET_KEY, COFFER_DOMAIN: 's3.example.test' };
    const start = async (): Promise<{ app: Awaited<ReturnType<typeof startApp>>; notice: string }> => {
      let notice = '';
      const config = loadConfig({ dataDir, address: '127.0.0.1:0', autoTls: true }, env);
      const app = await startApp(config, { logger: silentLogger, announce: () => undefined, notice: (text) => { notice += text; } });
      return { app, notice };
    };
    try {
      const first = await start();
      const certs = join(dataDir, '.coffer', 'certs');
      const caPath = join(certs, 'CAs', 'coffer-auto-tls-ca.crt');
      const caPem = readFileSync(caPath, 'utf8');
      assert.match(first.app.endpoint, /^https:/);
      assert.ok(first.notice.includes(caPath) && first.notice.includes(fingerprintOf(caPem)));
      assert.match(first.notice, /AWS_CA_BUNDLE=/);
      assert.match(first.notice, /--ca-bundle/);
      assert.equal(statSync(join(certs, 'private.key')).mode & 0o777, 0o600);
      // The CA key is gone: only the pair and the CA certificate remain.
      assert.deepEqual(readdirSync(certs).sort(), ['CAs', 'private.key', 'public.crt']);
      assert.deepEqual(readdirSync(join(certs, 'CAs')), ['coffer-auto-tls-ca.crt']);
      const tls13 = await handshake(first.app.port, { ca: caPem });
      assert.equal(tls13.protocol, 'TLSv1.3');
      await handshake(first.app.port, { ca: caPem, servername: 'bucket.s3.example.test' });
      const s3 = new S3Client({
        endpoint: first.app.endpoint, region: 'us-east-1', forcePathStyle: true, maxAttempts: 1,
        credentials: { accessKeyId: ROOT_ACCESS_KEY, secretAccessKey: ROOT_SECRET_KEY },
        requestHandler: { httpsAgent: new Agent({ ca: caPem }) },
      });
      await s3.send(new CreateBucketCommand({ Bucket: 'auto' }));
      s3.destroy();
      await first.app.stop();
      const second = await start();
      assert.equal(second.notice, '');
      assert.equal((await handshake(second.app.port, { ca: caPem })).fingerprint, tls13.fingerprint);
      await second.app.stop();
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
