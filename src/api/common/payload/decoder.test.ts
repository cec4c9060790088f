import { strict as assert } from 'node:assert';
import { createHash, randomBytes } from 'node:crypto';
import { Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { describe, it } from 'node:test';
import { Sha256 } from '@aws-sdk/checksums/sha';
import { SignatureV4 } from '@smithy/signature-v4';
import { Secret } from '../../../core/index.js';
import { deriveSigningKey, type Authentication, type PayloadMode } from '../sigv4/index.js';
import { createPayloadDecoder, type PayloadHeaders } from './decoder.js';

const SECRET = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY';
const DATE = new Date('2013-05-24T00:00:00Z');
const EMPTY = createHash('sha256').digest('hex');
const SEED = '4f232c4386841ef735655705268965c44a0e4690baa4adea153f7db9fa80a0a9';

function authWith(payload: PayloadMode, seed = SEED): Authentication {
  const credential = { accessKeyId: 'AKIAIOSFODNN7EXAMPLE', secretKey: new Secret(SECRET) };
  return {
    kind: 'sigv4', accessKeyId: credential.accessKeyId, credential, region: 'us-east-1', service: 's3',
    requestTime: DATE, presigned: false, payload,
    seed: {
      signingKey: new Secret(deriveSigningKey(SECRET, '20130524', 'us-east-1', 's3')),
      scope: '20130524/us-east-1/s3/aws4_request', amzDate: '20130524T000000Z', signature: seed,
    },
  };
}

/** An independent encoder: signatures come from @smithy/signature-v4's own key derivation. */
const signer = new SignatureV4({
  credentials: { accessKeyId: 'AKIAIOSFODNN7EXAMPLE', secretAccessKey: SECRET },
  region: 'us-east-1', service: 's3', sha256: Sha256,
});
const sign = (s: string): Promise<string> => signer.sign(s, { signingDate: DATE, signingRegion: 'us-east-1', signingService: 's3' });
const hex = (b: Buffer | string): string => createHash('sha256').update(b).digest('hex');

async function encodeSigned(chunks: Buffer[], trailers?: Array<[string, string]>, seed = SEED): Promise<Buffer> {
  const parts: Buffer[] = [];
  let prev = seed;
  for (const data of [...chunks, Buffer.alloc(0)]) {
    prev = await sign(`AWS4-HMAC-SHA256-PAYLOAD\n20130524T000000Z\n20130524/us-east-1/s3/aws4_request\n${prev}\n${EMPTY}\n${hex(data)}`);
    parts.push(Buffer.from(`${data.length.toString(16)};chunk-signature=${prev}\r\n`), data);
    if (data.length > 0 || trailers === undefined) parts.push(Buffer.from('\r\n'));
  }
  if (trailers !== undefined) {
    const canonical = trailers.map(([n, v]) => `${n}:${v}\n`).join('');
    const sig = await sign(`AWS4-HMAC-SHA256-TRAILER\n20130524T000000Z\n20130524/us-east-1/s3/aws4_request\n${prev}\n${hex(canonical)}`);
    parts.push(Buffer.from(trailers.map(([n, v]) => `${n}:${v}\r\n`).join('') + `x-amz-trailer-signature:${sig}\r\n\r\n`));
  }
  return Buffer.concat(parts);
}

function encodeUnsigned(chunks: Buffer[], trailers: Array<[string, string]>): Buffer {
  const parts = chunks.flatMap((d) => [Buffer.from(`${d.length.toString(16)}\r\n`), d, Buffer.from('\r\n')]);
  parts.push(Buffer.from('0\r\n' + trailers.map(([n, v]) => `${n}:${v}\r\n`).join('') + '\r\n'));
  return Buffer.concat(parts);
}

async function decode(auth: Authentication, pieces: Buffer[], headers: PayloadHeaders = {}) {
  const decoder = createPayloadDecoder(auth, headers);
  const out: Buffer[] = [];
  await pipeline(Readable.from(pieces), decoder.stream, new Writable({ write(c: Buffer, _e, cb) { out.push(c); cb(); } }));
  return { body: Buffer.concat(out), trailers: decoder.trailers() };
}

function splitAt(buf: Buffer, cuts: number[]): Buffer[] {
  const points = [0, ...cuts.filter((c) => c > 0 && c < buf.length).sort((a, b) => a - b), buf.length];
  return points.slice(1).map((p, i) => buf.subarray(points[i]!, p));
}

const streaming = (trailer: boolean): Authentication => authWith({ kind: 'streaming-signed', trailer });
const unsignedTrailer = authWith({ kind: 'streaming-unsigned-trailer' });
const crc = 'x-amz-checksum-crc32c';

describe('payload decoding', () => {
  it('decodes the AWS chunked upload example (64 KiB + 1 KiB of "a")', async () => {
    const a = (n: number): Buffer => Buffer.alloc(n, 'a');
    const body = Buffer.concat([
      Buffer.from('10000;chunk-signature=ad80c730a21e5b8d04586a2213dd63b9a0e99e0e2307b0ade35a65485a288648\r\n'), a(65536), Buffer.from('\r\n'),
      Buffer.from('400;chunk-signature=0055627c9e194cb4542bae2aa5492e3c1575bbb81b612b7d234b86a503ef5497\r\n'), a(1024), Buffer.from('\r\n'),
      Buffer.from('0;chunk-signature=b6c6ea8a5354eaf15b3cb7646744f4275b71ea724fed81ceb9323e279d449df9\r\n\r\n'),
    ]);
    assert.equal(body.length, 66824);
    const { body: out } = await decode(streaming(false), splitAt(body, [7, 100, 65600, 65620, 66700]), { decodedContentLength: 66560 });
    assert.ok(out.equals(a(66560)));
    assert.deepEqual(await encodeSigned([a(65536), a(1024)]), body);
  });

  it('decodes signed chunks and a signed trailer split at every byte', async () => {
    const chunks = [randomBytes(5), randomBytes(17), randomBytes(1)];
    const body = await encodeSigned(chunks, [[crc, 'sOO8/Q==']]);
    for (let cut = 1; cut < body.length; cut++) {
      const pieces = splitAt(body, [cut, cut + 1, cut + 3]);
      const r = await decode(streaming(true), pieces, { trailer: [crc], decodedContentLength: 23 });
      assert.ok(r.body.equals(Buffer.concat(chunks)), `cut ${cut}`);
      assert.deepEqual(r.trailers, { [crc]: 'sOO8/Q==' });
    }
    const single = await decode(streaming(true), [...body].map((b) => Buffer.from([b])), { trailer: [crc] });
    assert.ok(single.body.equals(Buffer.concat(chunks)));
  });

  it('decodes an unsigned-trailer body as the AWS SDK sends it, split at every byte', async () => {
    const chunks = [randomBytes(9), randomBytes(300)];
    const body = encodeUnsigned(chunks, [['x-amz-checksum-crc32', 'AAAAAA==']]);
    for (let cut = 1; cut < body.length; cut += 1) {
      const r = await decode(unsignedTrailer, splitAt(body, [cut, cut + 2]), { trailer: ['x-amz-checksum-crc32'] });
      assert.ok(r.body.equals(Buffer.concat(chunks)));
      assert.deepEqual(r.trailers, { 'x-amz-checksum-crc32': 'AAAAAA==' });
    }
  });

  it('accepts an unsigned-trailer body that ends right after the zero chunk when nothing was announced', async () => {
    const r = await decode(unsignedTrailer, [Buffer.from('3\r\nabc\r\n0\r\n')]);
    assert.equal(r.body.toString(), 'abc');
  });

  it('reports the Content-Encoding to store without the aws-chunked coding', () => {
    assert.equal(createPayloadDecoder(unsignedTrailer, { contentEncoding: 'aws-chunked' }).contentEncoding, undefined);
    assert.equal(createPayloadDecoder(unsignedTrailer, { contentEncoding: 'gzip, aws-chunked' }).contentEncoding, 'gzip');
    assert.equal(createPayloadDecoder({ kind: 'anonymous' }, { contentEncoding: 'br' }).contentEncoding, 'br');
  });

  it('passes anonymous and UNSIGNED-PAYLOAD bodies through unchanged', async () => {
    const data = randomBytes(1000);
    assert.ok((await decode({ kind: 'anonymous' }, [data])).body.equals(data));
    assert.ok((await decode(authWith({ kind: 'unsigned' }), splitAt(data, [10]))).body.equals(data));
  });

  it('verifies the x-amz-content-sha256 an anonymous request declares, and refuses a body that does not match it', async () => {
    const data = randomBytes(1000);
    assert.ok((await decode({ kind: 'anonymous' }, splitAt(data, [7]), { contentSha256: hex(data) })).body.equals(data));
    await assert.rejects(decode({ kind: 'anonymous' }, [data], { contentSha256: hex(randomBytes(10)) }), { code: 'XAmzContentSHA256Mismatch' });
    assert.ok((await decode({ kind: 'anonymous' }, [data], { contentSha256: 'UNSIGNED-PAYLOAD' })).body.equals(data));
  });

  it('verifies a declared x-amz-content-sha256 at the end of the body', async () => {
    const data = randomBytes(1000);
    assert.ok((await decode(authWith({ kind: 'sha256', hex: hex(data) }), splitAt(data, [1, 999]))).body.equals(data));
    await assert.rejects(decode(authWith({ kind: 'sha256', hex: hex(data) }), [data.subarray(1)]), { code: 'XAmzContentSHA256Mismatch' });
  });

  it('decodes a 64 MiB signed body split at arbitrary points', async () => {
    const piece = randomBytes(64 * 1024);
    const chunkCount = 1024;
    const body = await encodeSigned(Array.from({ length: chunkCount }, () => piece));
    const pieces = splitAt(body, Array.from({ length: Math.ceil(body.length / 65000) }, (_, i) => i * 65000 + 17));
    const r = await decode(streaming(false), pieces, { decodedContentLength: chunkCount * piece.length });
    assert.equal(r.body.length, 64 * 1024 * 1024);
    assert.ok(r.body.subarray(0, piece.length).equals(piece) && r.body.subarray(-piece.length).equals(piece));
  });
});

describe('payload decoding refuses', () => {
  const tamper = (buf: Buffer, at: number): Buffer => {
    const copy = Buffer.from(buf);
    copy[at] = copy[at]! ^ 1;
    return copy;
  };
  const cases: Array<{ name: string; make: () => Promise<Buffer>; auth?: Authentication; headers?: PayloadHeaders; code: string }> = [
    { name: 'a tampered chunk', make: async () => tamper(await encodeSigned([Buffer.from('hello world')]), 90), code: 'SignatureDoesNotMatch' },
    { name: 'chunks from another request (other seed)', make: () => encodeSigned([Buffer.from('x')], undefined, EMPTY), code: 'SignatureDoesNotMatch' },
    { name: 'reordered chunks', make: async () => {
      const [a, b] = [Buffer.from('first'), Buffer.from('second')];
      const good = await encodeSigned([a, b]);
      const firstEnd = 84 + a.length + 2;
      const secondEnd = firstEnd + 84 + b.length + 2;
      return Buffer.concat([good.subarray(firstEnd, secondEnd), good.subarray(0, firstEnd), good.subarray(secondEnd)]);
    }, code: 'SignatureDoesNotMatch' },
    { name: 'a truncated chunk', make: async () => (await encodeSigned([Buffer.from('hello world')])).subarray(0, 95), code: 'IncompleteBody' },
    { name: 'a body without the final chunk', make: async () => (await encodeSigned([Buffer.from('hello')])).subarray(0, 93), code: 'IncompleteBody' },
    { name: 'a wrong trailer signature', auth: streaming(true), headers: { trailer: [crc] },
      make: async () => tamper(await encodeSigned([Buffer.from('abc')], [[crc, 'sOO8/Q==']]), 280), code: 'SignatureDoesNotMatch' },
    { name: 'a changed trailer value', auth: streaming(true), headers: { trailer: [crc] },
      make: async () => Buffer.from((await encodeSigned([Buffer.from('abc')], [[crc, 'sOO8/Q==']])).toString('latin1').replace('sOO8', 'sOO9'), 'latin1'), code: 'SignatureDoesNotMatch' },
    { name: 'a missing trailer signature', auth: streaming(true), headers: { trailer: [crc] },
      make: async () => Buffer.from((await encodeSigned([Buffer.from('abc')], [[crc, 'sOO8/Q==']])).toString('latin1').replace(/x-amz-trailer-signature:[0-9a-f]+\r\n/, ''), 'latin1'), code: 'SignatureDoesNotMatch' },
    { name: 'an unannounced trailer', auth: streaming(true), headers: { trailer: [crc] },
      make: () => encodeSigned([Buffer.from('abc')], [['x-amz-meta-evil', '1']]), code: 'MalformedTrailerError' },
    { name: 'an announced trailer that never comes', auth: unsignedTrailer, headers: { trailer: [crc] },
      make: async () => encodeUnsigned([Buffer.from('abc')], []), code: 'MalformedTrailerError' },
    { name: 'a trailer signature in an unsigned body', auth: unsignedTrailer, headers: { trailer: [crc] },
      make: async () => encodeUnsigned([Buffer.from('abc')], [[crc, 'x'], ['x-amz-trailer-signature', EMPTY]]), code: 'MalformedTrailerError' },
    { name: 'an oversized trailer section', auth: unsignedTrailer, headers: { trailer: [crc] },
      make: async () => encodeUnsigned([Buffer.from('abc')], [[crc, 'x'.repeat(17000)]]), code: 'MalformedTrailerError' },
    { name: 'an oversized chunk header line', make: async () => Buffer.from(`5;chunk-signature=${'a'.repeat(5000)}\r\nhello\r\n`), code: 'InvalidChunkSizeError' },
    { name: 'a chunk larger than 16 MiB', auth: unsignedTrailer, make: async () => Buffer.from('1000001\r\n'), code: 'InvalidChunkSizeError' },
    { name: 'a non-hexadecimal chunk size', auth: unsignedTrailer, make: async () => Buffer.from('zz\r\nhello\r\n'), code: 'InvalidChunkSizeError' },
    { name: 'a chunk header without CRLF', auth: unsignedTrailer, make: async () => Buffer.from('5\nhello\r\n0\r\n\r\n'), code: 'InvalidChunkSizeError' },
    { name: 'chunk data not followed by CRLF', auth: unsignedTrailer, make: async () => Buffer.from('3\r\nhello\r\n0\r\n\r\n'), code: 'IncompleteBody' },
    { name: 'a chunk without a signature in signed mode', make: async () => Buffer.from('5\r\nhello\r\n'), code: 'SignatureDoesNotMatch' },
    { name: 'data after the final chunk', make: async () => Buffer.concat([await encodeSigned([Buffer.from('hi')]), Buffer.from('x')]), code: 'InvalidRequest' },
    { name: 'a decoded length different from x-amz-decoded-content-length', headers: { decodedContentLength: 6 },
      make: () => encodeSigned([Buffer.from('hello')]), code: 'IncompleteBody' },
    { name: 'more data than x-amz-decoded-content-length', headers: { decodedContentLength: 4 },
      make: () => encodeSigned([Buffer.from('hello')]), code: 'IncompleteBody' },
  ];
  for (const c of cases) {
    it(c.name, async () => {
      const body = await c.make();
      await assert.rejects(decode(c.auth ?? streaming(false), [body], c.headers ?? {}), { code: c.code });
      await assert.rejects(decode(c.auth ?? streaming(false), splitAt(body, [1, 50, 91, 92]), c.headers ?? {}), { code: c.code });
    });
  }
});
