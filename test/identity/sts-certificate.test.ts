/**
 * AssumeRoleWithCertificate end to end: real HTTPS Coffer servers whose certificates directory
 * holds a client CA in CAs/, and node:https clients presenting certificates made with openssl
 * (trusted, untrusted, serverAuth-only, expired, not yet valid, CN without a policy, too many
 * intermediates). The credentials are then used for allowed and denied S3 calls.
 */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { Agent, request as httpsRequest } from 'node:https';
import { Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { CreateBucketCommand, GetObjectCommand, ListObjectsV2Command, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { AdminClient } from '../../client/index.js';
import { clientCertificateOf } from '../../src/api/query/sts/certificate.js';
import { intermediateChain, issueLeaf, makeClientCa, type ClientCa, type ClientLeaf } from '../helpers/client-certs.js';
import { makeTestCa, type Pair, type TestCa } from '../helpers/tls-material.js';
import { expectS3Error, ROOT_ACCESS_KEY, ROOT_SECRET_KEY, startTestServer, type TestServer } from '../helpers/server.js';

interface Answer {
  status: number;
  body: string;
  code: string | undefined;
  message: string | undefined;
}

const field = (xml: string, name: string): string | undefined => new RegExp(`<${name}>([^<]*)</${name}>`).exec(xml)?.[1];
const hoursFromNow = (n: number): Date => new Date(Date.now() + n * 3600_000);

/** POST Action=AssumeRoleWithCertificate on a fresh connection (no agent: the certificate is per connection). */
function assumeWithCertificate(endpoint: string, tls: { ca?: string; cert?: string; key?: string; servername?: string }, extra: Record<string, string> = {}, headers: Record<string, string> = {}): Promise<Answer> {
  const body = new URLSearchParams({ Action: 'AssumeRoleWithCertificate', Version: '2011-06-15', ...extra }).toString();
  const url = new URL(endpoint);
  const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise((resolve, reject) => {
    const req = send({
      host: url.hostname,
      port: url.port,
      method: 'POST',
      path: '/',
      agent: false,
      headers: { 'content-type': 'application/x-www-form-urlencoded', 'content-length': Buffer.byteLength(body), ...headers },
      ...(url.protocol === 'https:' ? { servername: 'localhost', ...tls } : {}),
    }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        resolve({ status: res.statusCode ?? 0, body: text, code: field(text, 'Code'), message: field(text, 'Message') });
      });
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(body);
  });
}

function writeCertsDir(server: Pair, clientCas: string[]): string {
  const dir = mkdtempSync(join(tmpdir(), 'coffer-mtls-certs-'));
  writeFileSync(join(dir, 'public.crt'), server.cert);
  writeFileSync(join(dir, 'private.key'), server.key, { mode: 0o600 });
  if (clientCas.length > 0) {
    mkdirSync(join(dir, 'CAs'));
    clientCas.forEach((pem, i) => writeFileSync(join(dir, 'CAs', `client-${i}.pem`), pem));
  }
  return dir;
}

const READ_CERTS_BUCKET = JSON.stringify({
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Action: ['s3:GetObject', 's3:ListBucket'], Resource: ['arn:aws:s3:::certs', 'arn:aws:s3:::certs/*'] }],
});

describe('STS AssumeRoleWithCertificate over mutual TLS', () => {
  let serverCa: TestCa;
  let clientCa: ClientCa;
  let rogueCa: ClientCa;
  const dirs: string[] = [];
  let mtls: TestServer;
  let skip: TestServer;
  let plain: TestServer;
  let httpsOnly: TestServer;
  let app1: ClientLeaf;
  const clients: Array<{ destroy(): void }> = [];

  const s3For = (endpoint: string, credentials: { accessKeyId: string; secretAccessKey: string; sessionToken?: string }): S3Client => {
    const client = new S3Client({ endpoint, region: 'us-east-1', forcePathStyle: true, maxAttempts: 1, credentials, requestHandler: { httpsAgent: new Agent({ ca: serverCa.cert }) } });
    clients.push(client);
    return client;
  };
  const tlsOf = (leaf: ClientLeaf, chain = false) => ({ ca: serverCa.cert, cert: chain ? leaf.fullChain : leaf.cert, key: leaf.key });

  async function expectRefused(answer: Promise<Answer>, code: string, status: number, message?: RegExp): Promise<void> {
    const got = await answer;
    assert.equal(got.code, code, got.body);
    assert.equal(got.status, status, got.body);
    assert.ok(!got.body.includes('<AccessKeyId>'), 'no credentials in a refusal');
    if (message) assert.match(got.message ?? '', message);
  }

  before(async () => {
    serverCa = makeTestCa();
    clientCa = makeClientCa('coffer-client-ca');
    rogueCa = makeClientCa('rogue-ca');
    const serverPair = serverCa.issue('coffer', 'DNS:localhost,IP:127.0.0.1');
    const certsDir = writeCertsDir(serverPair, [clientCa.cert]);
    // An extra domain served by SNI: its context must verify client certificates too.
    const tenant = serverCa.issue('tenant', 'DNS:tenant.example.test');
    mkdirSync(join(certsDir, 'tenant'));
    writeFileSync(join(certsDir, 'tenant', 'public.crt'), tenant.cert);
    writeFileSync(join(certsDir, 'tenant', 'private.key'), tenant.key, { mode: 0o600 });
    const skipDir = writeCertsDir(serverPair, []);
    const httpsDir = writeCertsDir(serverPair, [clientCa.cert]);
    dirs.push(certsDir, skipDir, httpsDir);
    [mtls, skip, plain, httpsOnly] = await Promise.all([
      startTestServer({ COFFER_CERTS_DIR: certsDir, COFFER_IDENTITY_TLS_ENABLE: 'on' }),
      startTestServer({ COFFER_CERTS_DIR: skipDir, MINIO_IDENTITY_TLS_ENABLE: 'on', MINIO_IDENTITY_TLS_SKIP_VERIFY: 'on' }),
      startTestServer({}),
      startTestServer({ COFFER_CERTS_DIR: httpsDir }),
    ]);
    for (const server of [mtls, skip]) {
      const admin = new AdminClient({ endpoint: server.endpoint, credentials: { accessKeyId: ROOT_ACCESS_KEY, secretAccessKey: ROOT_SECRET_KEY }, ca: serverCa.cert });
      await admin.createPolicy({ name: 'app1', document: READ_CERTS_BUCKET });
      const root = s3For(server.endpoint, { accessKeyId: ROOT_ACCESS_KEY, secretAccessKey: ROOT_SECRET_KEY });
      await root.send(new CreateBucketCommand({ Bucket: 'certs' }));
      await root.send(new PutObjectCommand({ Bucket: 'certs', Key: 'report.txt', Body: 'numbers' }));
    }
    app1 = issueLeaf(clientCa, { subject: '/CN=app1', eku: 'clientAuth' });
  });

  after(async () => {
    for (const c of clients) c.destroy();
    await Promise.all([mtls, skip, plain, httpsOnly].map((s) => s?.stop()));
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  });

  it('gives CN=app1 the policy named app1: it reads the bucket, is denied a write, and is the federated user tls/app1', async () => {
    const started = Date.now();
    const answer = await assumeWithCertificate(mtls.endpoint, tlsOf(app1));
    assert.equal(answer.status, 200, answer.body);
    assert.match(answer.body, /<AssumeRoleWithCertificateResponse xmlns="https:\/\/sts\.amazonaws\.com\/doc\/2011-06-15\/"><AssumeRoleWithCertificateResult><Credentials><AccessKeyId>/);
    const credentials = { accessKeyId: field(answer.body, 'AccessKeyId')!, secretAccessKey: field(answer.body, 'SecretAccessKey')!, sessionToken: field(answer.body, 'SessionToken')! };
    // Default 1 h (the certificate is valid for a day).
    const expires = Date.parse(field(answer.body, 'Expiration')!);
    assert.ok(Math.abs(expires - (started + 3600_000)) < 10_000, `expiration ${field(answer.body, 'Expiration')}`);

    const s3 = s3For(mtls.endpoint, credentials);
    assert.equal(await (await s3.send(new GetObjectCommand({ Bucket: 'certs', Key: 'report.txt' }))).Body!.transformToString(), 'numbers');
    assert.equal((await s3.send(new ListObjectsV2Command({ Bucket: 'certs' }))).KeyCount, 1);
    await expectS3Error(s3.send(new PutObjectCommand({ Bucket: 'certs', Key: 'x.txt', Body: 'x' })), 'AccessDenied', 403);
    await expectS3Error(s3.send(new CreateBucketCommand({ Bucket: 'other' })), 'AccessDenied', 403);

    const sts = new STSClient({ endpoint: mtls.endpoint, region: 'us-east-1', maxAttempts: 1, credentials, requestHandler: { httpsAgent: new Agent({ ca: serverCa.cert }) } });
    clients.push(sts);
    const who = await sts.send(new GetCallerIdentityCommand({}));
    assert.equal(who.Arn, 'arn:aws:sts::000000000000:federated-user/tls/app1');
  });

  it('verifies client certificates on an SNI domain of the certificates directory too', async () => {
    const viaSni = await assumeWithCertificate(mtls.endpoint, { ...tlsOf(app1), servername: 'tenant.example.test' });
    assert.equal(viaSni.status, 200, viaSni.body);
    const rogue = issueLeaf(rogueCa, { subject: '/CN=app1', eku: 'clientAuth' });
    await expectRefused(assumeWithCertificate(mtls.endpoint, { ...tlsOf(rogue), servername: 'tenant.example.test' }), 'AccessDenied', 403, /not issued by a certificate authority this server trusts/);
  });

  it('lets a session Policy narrow the CN policy, never widen it', async () => {
    const only = (action: string) => JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: action, Resource: ['arn:aws:s3:::certs', 'arn:aws:s3:::certs/*'] }] });
    const listOnly = await assumeWithCertificate(mtls.endpoint, tlsOf(app1), { Policy: only('s3:ListBucket') });
    const narrowed = s3For(mtls.endpoint, { accessKeyId: field(listOnly.body, 'AccessKeyId')!, secretAccessKey: field(listOnly.body, 'SecretAccessKey')!, sessionToken: field(listOnly.body, 'SessionToken')! });
    await narrowed.send(new ListObjectsV2Command({ Bucket: 'certs' }));
    await expectS3Error(narrowed.send(new GetObjectCommand({ Bucket: 'certs', Key: 'report.txt' })), 'AccessDenied', 403);
    const wider = await assumeWithCertificate(mtls.endpoint, tlsOf(app1), { Policy: only('s3:*') });
    const notWider = s3For(mtls.endpoint, { accessKeyId: field(wider.body, 'AccessKeyId')!, secretAccessKey: field(wider.body, 'SecretAccessKey')!, sessionToken: field(wider.body, 'SessionToken')! });
    await expectS3Error(notWider.send(new PutObjectCommand({ Bucket: 'certs', Key: 'x.txt', Body: 'x' })), 'AccessDenied', 403);
  });

  it("caps the session at the certificate's NotAfter, and checks DurationSeconds", async () => {
    const notAfter = new Date(Math.floor(hoursFromNow(1).getTime() / 1000) * 1000);
    const shortLived = issueLeaf(clientCa, { subject: '/CN=app1', eku: 'clientAuth', notAfter });
    const capped = await assumeWithCertificate(mtls.endpoint, tlsOf(shortLived), { DurationSeconds: '43200' });
    assert.equal(capped.status, 200, capped.body);
    assert.equal(Date.parse(field(capped.body, 'Expiration')!), notAfter.getTime());
    const started = Date.now();
    const shorter = await assumeWithCertificate(mtls.endpoint, tlsOf(shortLived), { DurationSeconds: '900' });
    assert.ok(Math.abs(Date.parse(field(shorter.body, 'Expiration')!) - (started + 900_000)) < 10_000, shorter.body);
    await expectRefused(assumeWithCertificate(mtls.endpoint, tlsOf(app1), { DurationSeconds: '899' }), 'InvalidParameterValue', 400);
    // Above COFFER_STS_MAX_DURATION (12 h by default).
    await expectRefused(assumeWithCertificate(mtls.endpoint, tlsOf(app1), { DurationSeconds: '43201' }), 'InvalidParameterValue', 400);
  });

  it('refuses a connection without a client certificate, whatever headers claim one', async () => {
    await expectRefused(assumeWithCertificate(mtls.endpoint, { ca: serverCa.cert }), 'AccessDenied', 403, /none was presented/);
    const forwarded = { 'x-ssl-client-cert': encodeURIComponent(app1.cert), 'x-forwarded-client-cert': `Cert="${encodeURIComponent(app1.cert)}"`, 'x-client-cn': 'app1' };
    await expectRefused(assumeWithCertificate(mtls.endpoint, { ca: serverCa.cert }, {}, forwarded), 'AccessDenied', 403, /none was presented/);
  });

  it('refuses a certificate from a CA that is not in CAs/, even with a CN that has a policy', async () => {
    const rogue = issueLeaf(rogueCa, { subject: '/CN=app1', eku: 'clientAuth' });
    await expectRefused(assumeWithCertificate(mtls.endpoint, tlsOf(rogue)), 'AccessDenied', 403, /not issued by a certificate authority this server trusts/);
    // The server's own CA is not a client CA either.
    const serverIssued = serverCa.issue('app1', 'DNS:app1.example.test');
    await expectRefused(assumeWithCertificate(mtls.endpoint, { ca: serverCa.cert, ...serverIssued }), 'AccessDenied', 403);
  });

  it('refuses a certificate that is not for client authentication (serverAuth only, or no EKU), also with skip-verify', async () => {
    const serverAuth = issueLeaf(clientCa, { subject: '/CN=app1', eku: 'serverAuth' });
    const noEku = issueLeaf(clientCa, { subject: '/CN=app1' });
    await expectRefused(assumeWithCertificate(mtls.endpoint, tlsOf(serverAuth)), 'AccessDenied', 403);
    await expectRefused(assumeWithCertificate(mtls.endpoint, tlsOf(noEku)), 'AccessDenied', 403, /clientAuth/);
    await expectRefused(assumeWithCertificate(skip.endpoint, tlsOf(serverAuth)), 'AccessDenied', 403, /clientAuth/);
    await expectRefused(assumeWithCertificate(skip.endpoint, tlsOf(noEku)), 'AccessDenied', 403, /clientAuth/);
  });

  it('refuses expired and not-yet-valid certificates, also with skip-verify', async () => {
    const expired = issueLeaf(clientCa, { subject: '/CN=app1', eku: 'clientAuth', notBefore: hoursFromNow(-3), notAfter: hoursFromNow(-1) });
    const early = issueLeaf(clientCa, { subject: '/CN=app1', eku: 'clientAuth', notBefore: hoursFromNow(1), notAfter: hoursFromNow(3) });
    for (const leaf of [expired, early]) {
      await expectRefused(assumeWithCertificate(mtls.endpoint, tlsOf(leaf)), 'AccessDenied', 403);
      await expectRefused(assumeWithCertificate(skip.endpoint, tlsOf(leaf)), 'AccessDenied', 403, /expired or not yet valid/);
    }
  });

  it('refuses a CN that names no policy, and a certificate without a CN', async () => {
    const nobody = issueLeaf(clientCa, { subject: '/CN=nobody', eku: 'clientAuth' });
    await expectRefused(assumeWithCertificate(mtls.endpoint, tlsOf(nobody)), 'AccessDenied', 403, /does not grant access to any policy/);
    const spaced = issueLeaf(clientCa, { subject: '/CN=app1 admin', eku: 'clientAuth' });
    await expectRefused(assumeWithCertificate(mtls.endpoint, tlsOf(spaced)), 'AccessDenied', 403, /does not grant access to any policy/);
    const noCn = issueLeaf(clientCa, { subject: '/O=no-common-name', eku: 'clientAuth' });
    await expectRefused(assumeWithCertificate(mtls.endpoint, tlsOf(noCn)), 'AccessDenied', 403, /common name/);
  });

  it('accepts a chain through 2 intermediate CAs and refuses one through 11 (TooManyIntermediateCAs)', async () => {
    const two = intermediateChain(clientCa, 2);
    const viaTwo = issueLeaf(two, { subject: '/CN=app1', eku: 'clientAuth' });
    assert.equal((await assumeWithCertificate(mtls.endpoint, tlsOf(viaTwo, true))).status, 200);
    const eleven = intermediateChain(two, 9);
    const viaEleven = issueLeaf(eleven, { subject: '/CN=app1', eku: 'clientAuth' });
    await expectRefused(assumeWithCertificate(mtls.endpoint, tlsOf(viaEleven, true)), 'AccessDenied', 403, /TooManyIntermediateCAs/);
  });

  it('with skip-verify, accepts a clientAuth certificate from any CA (the operator chose so)', async () => {
    const rogue = issueLeaf(rogueCa, { subject: '/CN=app1', eku: 'clientAuth' });
    const answer = await assumeWithCertificate(skip.endpoint, tlsOf(rogue));
    assert.equal(answer.status, 200, answer.body);
    const s3 = s3For(skip.endpoint, { accessKeyId: field(answer.body, 'AccessKeyId')!, secretAccessKey: field(answer.body, 'SecretAccessKey')!, sessionToken: field(answer.body, 'SessionToken')! });
    await s3.send(new GetObjectCommand({ Bucket: 'certs', Key: 'report.txt' }));
    await expectS3Error(s3.send(new PutObjectCommand({ Bucket: 'certs', Key: 'x.txt', Body: 'x' })), 'AccessDenied', 403);
  });

  it('is refused where it is not enabled: plain HTTP, and HTTPS without COFFER_IDENTITY_TLS_ENABLE', async () => {
    await expectRefused(assumeWithCertificate(plain.endpoint, {}), 'InvalidParameterValue', 400, /not configured/);
    await expectRefused(assumeWithCertificate(httpsOnly.endpoint, tlsOf(app1)), 'InvalidParameterValue', 400, /not configured/);
    // Without TLS on the connection the handler never finds a certificate.
    assert.equal(clientCertificateOf(undefined), 'plain');
    assert.equal(clientCertificateOf(new Socket()), 'plain');
  });

  it('keeps serving normal S3 requests on the same listener, with or without a client certificate', async () => {
    const root = s3For(mtls.endpoint, { accessKeyId: ROOT_ACCESS_KEY, secretAccessKey: ROOT_SECRET_KEY });
    await root.send(new PutObjectCommand({ Bucket: 'certs', Key: 'plain.txt', Body: 'no client cert' }));
    assert.equal(await (await root.send(new GetObjectCommand({ Bucket: 'certs', Key: 'plain.txt' }))).Body!.transformToString(), 'no client cert');
    // A certificate (even an untrusted one) neither blocks nor grants anything on S3: SigV4 decides.
    const rogue = issueLeaf(rogueCa, { subject: '/CN=app1', eku: 'clientAuth' });
    const withCert = new S3Client({
      endpoint: mtls.endpoint, region: 'us-east-1', forcePathStyle: true, maxAttempts: 1,
      credentials: { accessKeyId: ROOT_ACCESS_KEY, secretAccessKey: ROOT_SECRET_KEY },
      requestHandler: { httpsAgent: new Agent({ ca: serverCa.cert, cert: rogue.cert, key: rogue.key }) },
    });
    clients.push(withCert);
    assert.equal(await (await withCert.send(new GetObjectCommand({ Bucket: 'certs', Key: 'plain.txt' }))).Body!.transformToString(), 'no client cert');
    const anonymous = new S3Client({
      endpoint: mtls.endpoint, region: 'us-east-1', forcePathStyle: true, maxAttempts: 1,
      credentials: { accessKeyId: 'AKIANOSUCHKEY0000000', secretAccessKey: 'nope-nope-nope-nope' },
      requestHandler: { httpsAgent: new Agent({ ca: serverCa.cert, cert: app1.cert, key: app1.key }) },
    });
    clients.push(anonymous);
    await expectS3Error(anonymous.send(new GetObjectCommand({ Bucket: 'certs', Key: 'plain.txt' })), 'InvalidAccessKeyId', 403);
  });
});
