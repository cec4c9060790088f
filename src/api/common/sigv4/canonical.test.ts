import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import { Secret } from '../../../core/index.js';
import { authenticate } from './authenticate.js';
import { indexHeaders, buildCanonicalRequest, parseAmzDate } from './canonical-request.js';
import { SigningKeyCache, deriveSigningKey } from './signing-key.js';
import type { AuthenticateOptions } from './types.js';
import { canonicalQuery, canonicalUri, parseQuery } from './uri-encoding.js';

describe('canonical URI', () => {
  const table: Array<[string, string]> = [
    ['', '/'],
    ['/', '/'],
    ['/bucket/key.txt', '/bucket/key.txt'],
    ['/b/with%20space', '/b/with%20space'],
    ['/b/with space', '/b/with%20space'],
    ['/b/plus+sign', '/b/plus%2Bsign'],
    ['/b/%2b%2B', '/b/%2B%2B'],
    ['/b/a//b/../c/./d', '/b/a//b/../c/./d'],
    ['/b/%C3%BC', '/b/%C3%BC'],
    ['/b/ü', '/b/%C3%BC'],
    ['/b/~tilde_-.', '/b/~tilde_-.'],
    ['/b/%7E', '/b/~'],
    ['/b/a%2Fb', '/b/a/b'],
    ["/b/!'()*$", '/b/%21%27%28%29%2A%24'],
  ];
  for (const [raw, expected] of table) {
    it(`encodes ${JSON.stringify(raw)} as ${expected}`, () => assert.equal(canonicalUri(raw), expected));
  }
  for (const bad of ['/b/%', '/b/%4', '/b/%zz', '/b/%G0']) {
    it(`refuses the malformed escape in ${bad} with InvalidURI`, () => assert.throws(() => canonicalUri(bad), { code: 'InvalidURI' }));
  }
});

describe('canonical query', () => {
  const table: Array<[string, string]> = [
    ['', ''],
    ['acl', 'acl='],
    ['b=2&a=1', 'a=1&b=2'],
    ['a=2&a=1&a=', 'a=&a=1&a=2'],
    ['prefix=a b&x=1+1', 'prefix=a%20b&x=1%2B1'],
    ['prefix=a%2Fb', 'prefix=a%2Fb'],
    ['k=%e2%82%ac', 'k=%E2%82%AC'],
    ['a=b=c', 'a=b%3Dc'],
    ['&&a=1&', 'a=1'],
    ['Z=1&a=1', 'Z=1&a=1'],
  ];
  for (const [raw, expected] of table) {
    it(`canonicalises ${JSON.stringify(raw)} as ${JSON.stringify(expected)}`, () => assert.equal(canonicalQuery(parseQuery(raw)), expected));
  }
  it('drops X-Amz-Signature when asked', () => {
    assert.equal(canonicalQuery(parseQuery('X-Amz-Signature=abc&b=1'), 'X-Amz-Signature'), 'b=1');
  });
});

describe('canonical headers', () => {
  it('lower-cases names, trims values, collapses inner spaces and joins repeats with commas', () => {
    const headers = indexHeaders(['Host', 'h', 'X-Amz-Meta-A', '  a   b  ', 'x-amz-meta-a', 'c']);
    const cr = buildCanonicalRequest({ method: 'GET', canonicalUri: '/', canonicalQuery: '', headers, signedHeaders: ['host', 'x-amz-meta-a'], payloadHash: 'UNSIGNED-PAYLOAD' });
    assert.equal(cr, 'GET\n/\n\nhost:h\nx-amz-meta-a:a b,c\n\nhost;x-amz-meta-a\nUNSIGNED-PAYLOAD');
  });
  it('parses x-amz-date strictly', () => {
    assert.equal(parseAmzDate('20130524T000000Z')?.toISOString(), '2013-05-24T00:00:00.000Z');
    for (const bad of ['20130532T000000Z', '20130524T240000Z', '2013-05-24T00:00:00Z', '20130524T000000']) assert.equal(parseAmzDate(bad), undefined);
  });
});

describe('signing key cache', () => {
  it('derives the AWS documented key and serves it from the cache', () => {
    const cache = new SigningKeyCache(2);
    const key = cache.signingKey('AK', 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY', '20130524', 'us-east-1', 's3');
    assert.ok(key.equals(deriveSigningKey('wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY', '20130524', 'us-east-1', 's3')));
    assert.equal(cache.signingKey('AK', 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY', '20130524', 'us-east-1', 's3'), key);
  });
  it('misses when the secret of an access key changed', () => {
    const cache = new SigningKeyCache(2);
    const a = cache.signingKey('AK', 'one', '20130524', 'us-east-1', 's3');
    const b = cache.signingKey('AK', 'two', '20130524', 'us-east-1', 's3');
    assert.ok(!a.equals(b));
    assert.ok(b.equals(deriveSigningKey('two', '20130524', 'us-east-1', 's3')));
  });
  it('stays within its bound', () => {
    const cache = new SigningKeyCache(2);
    for (const d of ['20130524', '20130525', '20130526']) cache.signingKey('AK', 's', d, 'r', 's3');
    assert.equal(cache.size, 2);
  });
});

describe('presigned URL parameters are refused when', () => {
  const opts: AuthenticateOptions = {
    lookup: async () => ({ accessKeyId: 'AKIAIOSFODNN7EXAMPLE', secretKey: new Secret('wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY') }),
    now: new Date('2013-05-24T00:05:00Z'),
    region: 'us-east-1',
    services: ['s3'],
  };
  const base =
    '/test.txt?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKIAIOSFODNN7EXAMPLE%2F20130524%2Fus-east-1%2Fs3%2Faws4_request' +
    '&X-Amz-Date=20130524T000000Z&X-Amz-Expires=86400&X-Amz-SignedHeaders=host' +
    '&X-Amz-Signature=aeeed9bbccd4d02ee5c0109b86d86835f995330da4c265957d157751f604d404';
  const run = (url: string, o: Partial<AuthenticateOptions> = {}) =>
    authenticate({ method: 'GET', rawUrl: url, rawHeaders: ['Host', 'examplebucket.s3.amazonaws.com'] }, { ...opts, ...o });
  const cases: Array<[string, string, Partial<AuthenticateOptions>, string, RegExp?]> = [
    ['X-Amz-Expires exceeds seven days', base.replace('Expires=86400', 'Expires=604801'), {}, 'AuthorizationQueryParametersError', /less than a week/],
    ['X-Amz-Expires is zero', base.replace('Expires=86400', 'Expires=0'), {}, 'AuthorizationQueryParametersError'],
    ['X-Amz-Expires is not a number', base.replace('Expires=86400', 'Expires=1e3'), {}, 'AuthorizationQueryParametersError'],
    ['the URL has expired', base, { now: new Date('2013-05-25T00:00:01Z') }, 'AccessDenied', /Request has expired/],
    ['the region is another one', base, { region: 'eu-west-1' }, 'AuthorizationQueryParametersError', /the region 'us-east-1' is wrong; expecting 'eu-west-1'/],
    ['a required parameter is missing', base.replace('&X-Amz-SignedHeaders=host', ''), {}, 'AuthorizationQueryParametersError'],
    ['the algorithm is not AWS4-HMAC-SHA256', base.replace('AWS4-HMAC-SHA256', 'AWS4-HMAC-SHA1'), {}, 'AuthorizationQueryParametersError'],
    ['a parameter is repeated', `${base}&X-Amz-Expires=1`, {}, 'AuthorizationQueryParametersError'],
    ['the signature is wrong', base.replace('aeeed9', 'aeeed8'), {}, 'SignatureDoesNotMatch'],
    ['a parameter was added', `${base}&response-content-type=text%2Fhtml`, {}, 'SignatureDoesNotMatch'],
    ['an unsigned session token is added', `${base}&X-Amz-Security-Token=abc`, {}, 'SignatureDoesNotMatch'],
  ];
  for (const [name, url, o, code, message] of cases) {
    it(name, async () => {
      await assert.rejects(run(url, o), (err: Error & { code: string }) => {
        assert.equal(err.code, code, err.message);
        if (message !== undefined) assert.match(err.message, message);
        return true;
      });
    });
  }
  it('the example is accepted as is (control)', async () => {
    assert.equal((await run(base)).kind, 'sigv4');
  });
  it('the region error names the expected region in the Region field', async () => {
    await assert.rejects(run(base, { region: 'eu-west-1' }), { fields: { Region: 'eu-west-1' } });
  });
});

describe('anonymous requests', () => {
  it('are recognised when neither header nor query authentication is present', async () => {
    const r = await authenticate({ method: 'GET', rawUrl: '/b/k?versionId=1', rawHeaders: ['Host', 'h'] }, {
      lookup: async () => undefined, now: new Date(), region: 'us-east-1', services: ['s3'],
    });
    assert.deepEqual(r, { kind: 'anonymous' });
  });
});
