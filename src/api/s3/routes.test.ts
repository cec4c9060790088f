import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { buildOperationRegistry, ROUTES, routeRequest } from './index.js';

const route = (method: string, target: 'service' | 'bucket' | 'object', query: Record<string, string> = {}, headers: Record<string, string> = {}) =>
  routeRequest({ method, target, query: new Map(Object.entries(query)), headers });

describe('S3 routing', () => {
  const cases: Array<[string, ReturnType<typeof route>]> = [
    ['ListBuckets', route('GET', 'service')],
    ['ListObjects', route('GET', 'bucket')],
    ['ListObjectsV2', route('GET', 'bucket', { 'list-type': '2' })],
    ['GetBucketVersioning', route('GET', 'bucket', { versioning: '' })],
    ['ListObjectVersions', route('GET', 'bucket', { versions: '' })],
    ['CreateBucket', route('PUT', 'bucket')],
    ['PutBucketPolicy', route('PUT', 'bucket', { policy: '' })],
    ['DeleteObjects', route('POST', 'bucket', { delete: '' })],
    ['PostObject', route('POST', 'bucket')],
    ['GetObject', route('GET', 'object', { versionId: 'x', partNumber: '1' })],
    ['ListParts', route('GET', 'object', { uploadId: 'u' })],
    ['PutObject', route('PUT', 'object')],
    ['CopyObject', route('PUT', 'object', {}, { 'x-amz-copy-source': '/b/k' })],
    ['UploadPart', route('PUT', 'object', { uploadId: 'u', partNumber: '1' })],
    ['UploadPartCopy', route('PUT', 'object', { uploadId: 'u', partNumber: '1' }, { 'x-amz-copy-source': '/b/k' })],
    ['PutObjectRetention', route('PUT', 'object', { retention: '' })],
    ['CreateMultipartUpload', route('POST', 'object', { uploads: '' })],
    ['CompleteMultipartUpload', route('POST', 'object', { uploadId: 'u' })],
    ['AbortMultipartUpload', route('DELETE', 'object', { uploadId: 'u' })],
    ['DeleteObject', route('DELETE', 'object', { versionId: 'v' })],
    ['HeadObject', route('HEAD', 'object')],
  ];
  for (const [expected, actual] of cases) it(`routes to ${expected}`, () => assert.equal(actual, expected));

  it('answers no operation for a method that makes no sense on the target', () => {
    assert.equal(route('DELETE', 'service'), undefined);
    assert.equal(route('PATCH', 'object'), undefined);
    assert.equal(route('POST', 'object'), undefined);
  });

  it('has exactly one default route per method and target', () => {
    const defaults = ROUTES.filter((r) => r.query === undefined && r.header === undefined).map((r) => `${r.method} ${r.target}`);
    assert.equal(new Set(defaults).size, defaults.length);
  });

  it('registers every implemented operation under a routed name with declared checks', () => {
    const registry = buildOperationRegistry();
    assert.ok(registry.size >= 12);
    for (const spec of registry.values()) {
      if (spec.access === 'anonymous') continue; // the CORS preflight only; see the next test
      if (spec.admission === 'per-item') continue; // DeleteObjects and the lock writes; see below
      const checks = spec.authorize({ bucket: 'b', key: 'k', query: new Map(), headers: { 'x-amz-copy-source': '/src/key' } });
      assert.ok(checks.length > 0, `${spec.name} declares checks`);
      for (const check of checks) assert.match(check.action, /^s3:[A-Za-z]+$/);
    }
  });

  it('lets only DeleteObjects and the two lock writes authorize after their body, and refuses per-item admission anywhere else', () => {
    const registry = buildOperationRegistry();
    const perItem = [...registry.values()].filter((s) => s.admission === 'per-item').map((s) => s.name);
    assert.deepEqual(perItem.sort(), ['DeleteObjects', 'PutObjectLegalHold', 'PutObjectRetention']);
    const sneaky = { name: 'PutObject', admission: 'per-item' as const, needsBucket: true, authorize: () => [], handle: async () => ({}) };
    assert.throws(() => buildOperationRegistry([sneaky]), /InternalError/);
  });

  it('lets only OptionsPreflight be anonymous and only PostObject authenticate from its form', () => {
    const registry = buildOperationRegistry();
    const exceptions = [...registry.values()].filter((s) => (s.access ?? 'signed') !== 'signed').map((s) => `${s.name}:${s.access}`);
    assert.deepEqual(exceptions.sort(), ['OptionsPreflight:anonymous', 'PostObject:post-form']);
    const handle = async () => ({});
    assert.throws(() => buildOperationRegistry([{ name: 'GetObject', access: 'anonymous', needsBucket: true, authorize: () => [], handle }]));
    assert.throws(() => buildOperationRegistry([{ name: 'PutObject', access: 'post-form', needsBucket: true, authorize: () => [], handle }]));
    assert.throws(() => buildOperationRegistry([{ name: 'PostObject', access: 'anonymous', needsBucket: true, authorize: () => [], handle }]));
  });

  it('refuses to register an operation that no route reaches', () => {
    assert.throws(() => buildOperationRegistry([{ name: 'MadeUp', needsBucket: false, authorize: () => [], handle: async () => ({}) }]));
  });
});
