/**
 * The admin API's refusals of bad requests: authentication (unsigned, wrongly signed, unknown
 * key, presigned, unsigned payload, tampered body — CVE-2020-11012), and bad bodies (malformed
 * or duplicate-key JSON, unknown fields, oversized, bad names, bad policies).
 */
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import type { AdminClient } from '../../client/index.js';
import { amzDate, sendRaw, sha256Hex, signRequest, signingKey, type RawResponse } from '../helpers/raw-request.js';
import { ROOT_ACCESS_KEY, ROOT_SECRET_KEY, startTestServer, type TestServer } from '../helpers/server.js';
import { allow, expectAdminError, policy, rootAdmin } from './admin-helpers.js';

interface Sent {
  status: number;
  json: { Code: string; Message: string; RequestId: string } & Record<string, unknown>;
  raw: RawResponse;
}

describe('admin API: bad requests', () => {
  let server: TestServer;
  let root: AdminClient;
  let host: string;

  const send = async (options: { method: string; path: string; body?: Buffer | string; accessKey?: string; secretKey?: string; payloadHash?: string; headers?: Record<string, string>; unsigned?: boolean }): Promise<Sent> => {
    const body = options.body === undefined ? Buffer.alloc(0) : Buffer.from(options.body);
    const [path, query] = options.path.split('?') as [string, string | undefined];
    const headers = options.unsigned
      ? { host, 'content-type': 'application/json', ...options.headers }
      : signRequest({
          method: options.method,
          host,
          path,
          ...(query === undefined ? {} : { query }),
          headers: { 'content-type': 'application/json', ...options.headers },
          payloadHash: options.payloadHash ?? sha256Hex(body),
          accessKey: options.accessKey ?? ROOT_ACCESS_KEY,
          secretKey: options.secretKey ?? ROOT_SECRET_KEY,
        }).headers;
    const raw = await sendRaw(server.endpoint, { method: options.method, path: options.path, headers: { ...headers, 'content-length': String(body.length) }, body });
    const text = raw.body.toString();
    return { status: raw.status, json: text === '' ? ({} as Sent['json']) : JSON.parse(text), raw };
  };

  before(async () => {
    server = await startTestServer();
    root = rootAdmin(server);
    host = new URL(server.endpoint).host;
    await root.createUser({ name: 'app1', secretKey: 'app1-secret-key' });
  });
  after(() => server.stop());

  describe('authentication', () => {
    it('answers an unsigned call 403 AccessDenied with no hint', async () => {
      const res = await send({ method: 'GET', path: '/coffer/admin/v1/users', unsigned: true });
      assert.equal(res.status, 403);
      assert.equal(res.json.Code, 'AccessDenied');
      assert.equal(res.json.Message, 'Access Denied.');
      assert.deepEqual(Object.keys(res.json).sort(), ['Code', 'Message', 'RequestId']);
      assert.equal(res.raw.headers['content-type'], 'application/json');
    });

    it('answers an unknown access key and a wrong secret identically', async () => {
      const unknown = await send({ method: 'GET', path: '/coffer/admin/v1/users', accessKey: 'AKIANOSUCHKEY0000000', secretKey: 'whatever-secret' });
      const wrong = await send({ method: 'GET', path: '/coffer/admin/v1/users', accessKey: ROOT_ACCESS_KEY, secretKey: 'not-the-root-secret' });
      const wrongUser = await send({ method: 'GET', path: '/coffer/admin/v1/users', accessKey: 'app1', secretKey: 'not-app1-secret' });
      for (const res of [unknown, wrong, wrongUser]) {
        assert.equal(res.status, 403);
        assert.deepEqual({ ...res.json, RequestId: '' }, { Code: 'AccessDenied', Message: 'Access Denied.', RequestId: '' });
      }
    });

    it('answers an unknown endpoint 403 before authentication and 404 after it', async () => {
      assert.equal((await send({ method: 'GET', path: '/coffer/admin/v1/nothing-here', unsigned: true })).status, 403);
      const known = await send({ method: 'GET', path: '/coffer/admin/v1/nothing-here' });
      assert.equal(known.status, 404);
      assert.equal(known.json.Code, 'NoSuchEntity');
      const method = await send({ method: 'PATCH', path: '/coffer/admin/v1/users' });
      assert.equal(method.status, 405);
    });

    it('refuses presigned admin URLs', async () => {
      const date = amzDate();
      const scope = `${date.slice(0, 8)}/us-east-1/s3/aws4_request`;
      const query = [
        ['X-Amz-Algorithm', 'AWS4-HMAC-SHA256'],
        ['X-Amz-Credential', `${ROOT_ACCESS_KEY}/${scope}`],
        ['X-Amz-Date', date],
        ['X-Amz-Expires', '300'],
        ['X-Amz-SignedHeaders', 'host'],
      ]
        .map(([k, v]) => `${encodeURIComponent(k as string)}=${encodeURIComponent(v as string)}`)
        .sort()
        .join('&');
      const canonical = ['GET', '/coffer/admin/v1/users', query, `host:${host}\n`, 'host', 'UNSIGNED-PAYLOAD'].join('\n');
      const toSign = ['AWS4-HMAC-SHA256', date, scope, sha256Hex(canonical)].join('\n');
      const signature = createHmac('sha256', signingKey(ROOT_SECRET_KEY, date.slice(0, 8))).update(toSign).digest('hex');
      const res = await sendRaw(server.endpoint, { method: 'GET', path: `/coffer/admin/v1/users?${query}&X-Amz-Signature=${signature}`, headers: { host } });
      assert.equal(res.status, 403);
      assert.equal(JSON.parse(res.body.toString()).Code, 'AccessDenied');
    });

    it('refuses an unsigned payload and a body that does not match its signed hash', async () => {
      const body = JSON.stringify({ name: 'unsigned-body' });
      const unsignedPayload = await send({ method: 'POST', path: '/coffer/admin/v1/users', body, payloadHash: 'UNSIGNED-PAYLOAD' });
      assert.equal(unsignedPayload.status, 403);
      const tampered = await send({ method: 'POST', path: '/coffer/admin/v1/users', body, payloadHash: sha256Hex(JSON.stringify({ name: 'other' })) });
      assert.equal(tampered.status, 400);
      assert.equal(tampered.json.Code, 'XAmzContentSHA256Mismatch');
      await expectAdminError(root.getUser('unsigned-body'), 'NoSuchEntity', 404);
    });

    it('does not route other service scopes or regions to an admin identity', async () => {
      const url = new URL(server.endpoint);
      const signed = signRequest({ method: 'GET', host: url.host, path: '/coffer/admin/v1/users', headers: {}, payloadHash: sha256Hex(''), accessKey: ROOT_ACCESS_KEY, secretKey: ROOT_SECRET_KEY });
      const iamScoped = signed.headers.authorization!.replace('/s3/aws4_request', '/iam/aws4_request');
      const res = await sendRaw(server.endpoint, { method: 'GET', path: '/coffer/admin/v1/users', headers: { ...signed.headers, authorization: iamScoped } });
      assert.ok(res.status === 400 || res.status === 403, String(res.status));
    });
  });

  describe('bodies and parameters', () => {
    it('refuses malformed JSON', async () => {
      const res = await send({ method: 'POST', path: '/coffer/admin/v1/users', body: '{"name": "x",' });
      assert.equal(res.status, 400);
      assert.equal(res.json.Code, 'InvalidInput');
      assert.match(res.json.Message, /not valid JSON/);
    });

    it('refuses JSON with duplicate keys (the last one must not silently win)', async () => {
      const res = await send({ method: 'POST', path: '/coffer/admin/v1/access-keys', body: '{"user":"app1","user":"root"}' });
      assert.equal(res.status, 400);
      assert.match(res.json.Message, /duplicate key "user"/);
    });

    it('refuses unknown fields, naming them', async () => {
      const res = await send({ method: 'POST', path: '/coffer/admin/v1/users', body: JSON.stringify({ name: 'x1', policy: 'consoleAdmin' }) });
      assert.equal(res.status, 400);
      assert.match(res.json.Message, /Unknown field "policy"/);
      await expectAdminError(root.getUser('x1'), 'NoSuchEntity', 404);
    });

    it('refuses wrong types, missing fields, a body where none belongs, unknown query parameters and non-UTF-8', async () => {
      for (const body of ['[]', '"x"', '{"name": 5}', '{}']) {
        const res = await send({ method: 'POST', path: '/coffer/admin/v1/users', body });
        assert.equal(res.status, 400, body);
        assert.equal(res.json.Code, 'InvalidInput', body);
      }
      assert.equal((await send({ method: 'GET', path: '/coffer/admin/v1/users', body: '{}' })).status, 400);
      assert.equal((await send({ method: 'GET', path: '/coffer/admin/v1/users?admin=true' })).status, 400);
      assert.equal((await send({ method: 'POST', path: '/coffer/admin/v1/users', body: Buffer.from([0x7b, 0xff, 0x7d]) })).status, 400);
    });

    it('refuses a body over 64 KiB with 413', async () => {
      const big = JSON.stringify({ name: 'big', tags: { pad: 'x'.repeat(70 * 1024) } });
      const res = await send({ method: 'POST', path: '/coffer/admin/v1/users', body: big });
      assert.equal(res.status, 413);
      assert.equal(res.json.Code, 'RequestTooLarge');
    });

    it('refuses deeply nested JSON', async () => {
      const res = await send({ method: 'POST', path: '/coffer/admin/v1/users', body: `${'['.repeat(100)}${']'.repeat(100)}` });
      assert.equal(res.status, 400);
    });

    it('refuses bad names with a message naming the field', async () => {
      for (const name of ['bad name', 'a/b', '', 'x'.repeat(65), 'ünïcode']) {
        await expectAdminError(root.createUser({ name }), 'InvalidInput', 400, /UserName/);
      }
      await expectAdminError(root.createGroup({ name: 'bad group' }), 'InvalidInput', 400);
      await expectAdminError(root.createPolicy({ name: 'bad policy', document: policy(allow('s3:GetObject', '*')) }), 'InvalidInput', 400);
      await expectAdminError(root.createAccessKey({ user: 'app1', name: '1-starts-with-digit' }), 'InvalidInput', 400);
    });

    it('refuses invalid policy documents with the statement and field named', async () => {
      const error = await expectAdminError(
        root.createPolicy({ name: 'typo', document: policy(allow('s3:GetObjekt', '*')) }),
        'MalformedPolicyDocument',
        400,
      );
      assert.match(error.message, /Statement\[0\]/);
      await expectAdminError(root.createPolicy({ name: 'not-json', document: '{"Version":' }), 'MalformedPolicyDocument', 400);
      await expectAdminError(root.createAccessKey({ user: 'app1', policy: policy(allow('s3:GetObject', 'not-an-arn')) }), 'MalformedPolicyDocument', 400);
    });

    it('refuses bad expiries and attach targets', async () => {
      await expectAdminError(root.createAccessKey({ user: 'app1', expiration: 'tomorrow' }), 'InvalidInput', 400);
      await expectAdminError(root.createAccessKey({ user: 'app1', expiration: '2000-01-01T00:00:00Z' }), 'InvalidInput', 400);
      await expectAdminError(root.attachPolicy('readonly', { user: 'app1', group: 'g' } as never), 'InvalidInput', 400);
      await expectAdminError(root.attachPolicy('readonly', {} as never), 'InvalidInput', 400);
    });
  });
});
