import assert from 'node:assert/strict';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { exportJWK, generateKeyPair } from 'jose';
import { fetchDiscovery } from './discovery.js';
import { FetchError, fetchJson, isLoopbackHost, MAX_DOCUMENT_BYTES } from './fetch.js';
import { fetchKeySet, keySetFrom } from './jwks.js';

type Route = (req: IncomingMessage, res: ServerResponse) => void;

const json = (body: unknown, status = 200): Route => (_req, res) => {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
};

describe('fetching OpenID documents', () => {
  let server: Server;
  let base: string;
  const routes: Record<string, Route> = {
    '/ok': json({ issuer: 'x' }),
    '/not-found': json({ error: 'nope' }, 404),
    '/redirect': (_req, res) => {
      res.writeHead(302, { location: '/ok' });
      res.end();
    },
    '/array': json([1, 2]),
    '/text': (_req, res) => res.end('hello'),
    '/huge-declared': (_req, res) => {
      res.writeHead(200, { 'content-length': String(MAX_DOCUMENT_BYTES + 1) });
      res.write('{');
    },
    '/huge-streamed': (_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ pad: 'x'.repeat(MAX_DOCUMENT_BYTES) }));
    },
    '/slow': () => undefined, // never answers
    '/discovery-no-jwks': json({ issuer: 'https://idp.example' }),
    '/discovery-no-issuer': json({ jwks_uri: 'https://idp.example/jwks' }),
    '/discovery-http-jwks': json({ issuer: 'https://idp.example', jwks_uri: 'http://idp.example/jwks' }),
  };

  before(async () => {
    server = createServer((req, res) => (routes[req.url ?? ''] ?? json({}, 404))(req, res));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  it('returns a JSON object answered with 200', async () => {
    assert.deepEqual(await fetchJson(`${base}/ok`), { issuer: 'x' });
  });

  for (const [path, why] of [
    ['/not-found', /status 404/], ['/redirect', /status 302/], ['/array', /not a JSON object/], ['/text', /not a JSON object/],
    ['/huge-declared', /too large/], ['/huge-streamed', /too large/],
  ] as const) {
    it(`refuses ${path.slice(1)}`, async () => {
      await assert.rejects(fetchJson(`${base}${path}`), (e: unknown) => e instanceof FetchError && why.test(e.message));
    });
  }

  it('gives up after the timeout', async () => {
    const started = Date.now();
    await assert.rejects(fetchJson(`${base}/slow`, { timeoutMs: 200 }), /timeout/);
    assert.ok(Date.now() - started < 2000);
  });

  it('refuses plain http to a non-loopback host, URLs with credentials and other schemes', async () => {
    for (const url of ['http://192.0.2.1/x', 'http://idp.example/x', 'https://user:pw@idp.example/x', 'ftp://127.0.0.1/x', 'file:///etc/passwd', 'nonsense']) {
      await assert.rejects(fetchJson(url), FetchError);
    }
    assert.ok(isLoopbackHost('127.0.0.1') && isLoopbackHost('127.8.9.10') && isLoopbackHost('localhost') && isLoopbackHost('[::1]'));
    assert.ok(!isLoopbackHost('128.0.0.1') && !isLoopbackHost('localhost.example') && !isLoopbackHost('0.0.0.0') && !isLoopbackHost('::ffff:127.0.0.1'));
  });

  it('requires issuer and jwks_uri in a discovery document, and a fetchable jwks_uri', async () => {
    await assert.rejects(fetchDiscovery(`${base}/discovery-no-jwks`, {}), /no jwks_uri/);
    await assert.rejects(fetchDiscovery(`${base}/discovery-no-issuer`, {}), /no issuer/);
    await assert.rejects(fetchDiscovery(`${base}/discovery-http-jwks`, {}), /only https/);
    assert.deepEqual(await fetchDiscovery(`${base}/discovery-http-jwks`, { allowInsecureHttp: true }), { issuer: 'https://idp.example', jwksUri: 'http://idp.example/jwks' });
  });

  it('keeps only public signature keys from a JWKS', async () => {
    const rsa = await generateKeyPair('RS256', { extractable: true });
    const pub = { ...(await exportJWK(rsa.publicKey)), kid: 'pub' };
    const priv = { ...(await exportJWK(rsa.privateKey)), kid: 'priv' };
    const set = keySetFrom({ keys: [pub, priv, { kty: 'oct', k: 'c2VjcmV0', kid: 'oct' }, { ...pub, kid: 'enc', use: 'enc' }, 'junk', null] });
    assert.equal(set.size, 1);
    assert.deepEqual([...set.kids], ['pub']);
    assert.throws(() => keySetFrom({ keys: [{ kty: 'oct', k: 'c2VjcmV0' }] }), /no usable/);
    assert.throws(() => keySetFrom({ nokeys: [] }), /no keys/);
    assert.throws(() => keySetFrom({ keys: Array.from({ length: 65 }, (_, i) => ({ ...pub, kid: `k${i}` })) }), /too many/);
    routes['/jwks'] = json({ keys: [pub] });
    assert.equal((await fetchKeySet(`${base}/jwks`, {})).size, 1);
  });
});
