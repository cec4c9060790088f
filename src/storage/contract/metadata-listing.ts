import assert from 'node:assert/strict';
import { beforeEach, it } from 'node:test';
import type { ListObjectsPage, ListObjectsQuery, MetadataStore } from '../ports.js';
import { bucketRecord, deleteMarker, expectedListing, objectRecord, UNICODE_KEYS_IN_ORDER } from './fixtures.js';
import type { MetadataStoreHarness } from './harness.js';

const B = 'listing';
const query = (q: Partial<ListObjectsQuery>): ListObjectsQuery => ({ bucket: B, prefix: '', after: '', delimiter: '', limit: 1000, ...q });
const shape = (page: ListObjectsPage) => ({
  objects: page.objects.map((o) => o.key),
  commonPrefixes: page.commonPrefixes,
  isTruncated: page.isTruncated,
});

/** Keys that exercise ordering, delimiters ('/', multi-char 'ab'), '//' and '..'. */
const TRICKY_KEYS = [
  ...UNICODE_KEYS_IN_ORDER,
  'a//b', 'a//', 'a/../x', '../up', 'a/b/c', 'a/b/d', 'a/c', 'xab', 'xabyab', 'xaby', 'xxab/1', 'é/1', 'é/2', '😀/a', 'ｚ/ab/c',
];

async function putKeys(store: MetadataStore, keys: readonly string[]): Promise<void> {
  for (const key of keys) await store.putObjectVersion(objectRecord(B, key));
}

/** Walks every page with `limit` and checks each against the oracle and the joined result. */
async function walkPages(store: MetadataStore, keys: readonly string[], q: Omit<ListObjectsQuery, 'bucket' | 'after'>) {
  let after = '';
  const all = { objects: [] as string[], commonPrefixes: [] as string[] };
  for (let pages = 0; ; pages++) {
    assert.ok(pages <= keys.length + 1, 'pagination does not terminate');
    const page = await store.listObjects(query({ ...q, after }));
    const context = `limit=${q.limit} prefix=${JSON.stringify(q.prefix)} delimiter=${JSON.stringify(q.delimiter)} after=${JSON.stringify(after)}`;
    assert.deepEqual(shape(page), expectedListing(keys, { ...q, after }), context);
    all.objects.push(...page.objects.map((o) => o.key));
    all.commonPrefixes.push(...page.commonPrefixes);
    if (!page.isTruncated) break;
    assert.ok(page.nextAfter !== undefined, context);
    after = page.nextAfter;
  }
  const whole = expectedListing(keys, { ...q, after: '', limit: Number.MAX_SAFE_INTEGER });
  assert.deepEqual(all, { objects: whole.objects, commonPrefixes: whole.commonPrefixes });
}

export function listingCases(current: () => MetadataStoreHarness): void {
  beforeEach(async () => current().store.createBucket(bucketRecord(B)));

  it('lists keys in UTF-8 byte order, not JavaScript string order', async () => {
    const shuffled = [...UNICODE_KEYS_IN_ORDER].reverse();
    await putKeys(current().store, shuffled);
    assert.deepEqual(shape(await current().store.listObjects(query({}))).objects, [...UNICODE_KEYS_IN_ORDER]);
  });

  it('lists only latest versions and hides keys whose latest version is a delete marker', async () => {
    const { store } = current();
    await store.putObjectVersion(objectRecord(B, 'a', { versionId: 'v1' }));
    await store.putObjectVersion(objectRecord(B, 'a', { versionId: 'v2', etag: '"newest"' }));
    await store.putObjectVersion(objectRecord(B, 'b', { versionId: 'v1' }));
    await store.putObjectVersion(deleteMarker(B, 'b', 'dm'));
    await store.putObjectVersion(deleteMarker(B, 'c/only-marker', 'dm'));
    const page = await store.listObjects(query({}));
    assert.deepEqual(page.objects.map((o) => [o.key, o.versionId, o.etag]), [['a', 'v2', '"newest"']]);
    const delimited = await store.listObjects(query({ delimiter: '/' }));
    assert.deepEqual(delimited.commonPrefixes, [], 'a prefix holding only delete markers is not listed');
    await store.deleteObjectVersion(B, 'b', 'dm');
    assert.deepEqual((await store.listObjects(query({}))).objects.map((o) => o.key), ['a', 'b']);
  });

  it('returns every field of a listed version except the inline bytes', async () => {
    const inline = objectRecord(B, 'inline', { data: { kind: 'inline', bytes: Buffer.from('hello') }, size: 5, userMetadata: { a: 'b' } });
    const blob = objectRecord(B, 'blob', { data: { kind: 'blob', blobId: '01HZZZZZZZZZZZZZZZZZZZZZZZ' }, partSizes: [1, 2] });
    const empty = objectRecord(B, 'empty', { data: { kind: 'none' }, size: 0 });
    for (const record of [inline, blob, empty]) await current().store.putObjectVersion(record);
    assert.deepEqual((await current().store.listObjects(query({}))).objects, [
      { ...blob },
      { ...empty },
      { ...inline, data: { kind: 'inline' } },
    ]);
  });

  it('matches the S3 listing for every prefix, delimiter and cursor', async () => {
    await putKeys(current().store, TRICKY_KEYS);
    const prefixes = ['', 'a', 'a/', 'a//', 'x', 'xab', 'é', 'ｚ', '😀', 'nothing'];
    const delimiters = ['', '/', 'ab', '//', '.'];
    const afters = ['', 'a', 'a/', 'a/b', 'a//', 'xab', 'é/', '😀', 'zzz', '\u{10FFFF}'];
    for (const prefix of prefixes) {
      for (const delimiter of delimiters) {
        for (const after of afters) {
          const q = { prefix, delimiter, after, limit: 1000 };
          assert.deepEqual(shape(await current().store.listObjects(query(q))), expectedListing(TRICKY_KEYS, q), JSON.stringify(q));
        }
      }
    }
  });

  it('paginates at every page size without losing or repeating an entry', async () => {
    await putKeys(current().store, TRICKY_KEYS);
    for (const delimiter of ['', '/', 'ab']) {
      for (const prefix of ['', 'a', 'x']) {
        for (let limit = 1; limit <= TRICKY_KEYS.length + 1; limit++) {
          await walkPages(current().store, TRICKY_KEYS, { prefix, delimiter, limit });
        }
      }
    }
  });

  it('reports truncation exactly at the page boundary', async () => {
    const { store } = current();
    await putKeys(store, ['k1', 'k2', 'k3']);
    const full = await store.listObjects(query({ limit: 3 }));
    assert.equal(full.isTruncated, false);
    assert.equal(full.nextAfter, 'k3');
    const short = await store.listObjects(query({ limit: 2 }));
    assert.equal(short.isTruncated, true);
    assert.equal(short.nextAfter, 'k2');
    const last = await store.listObjects(query({ limit: 2, after: 'k2' }));
    assert.deepEqual(shape(last), { objects: ['k3'], commonPrefixes: [], isTruncated: false });
  });

  it('counts a common prefix against the limit and resumes after it', async () => {
    const { store } = current();
    await putKeys(store, ['a/1', 'a/2', 'b', 'c/1']);
    const first = await store.listObjects(query({ delimiter: '/', limit: 1 }));
    assert.deepEqual([first.commonPrefixes, first.isTruncated, first.nextAfter], [['a/'], true, 'a/']);
    const second = await store.listObjects(query({ delimiter: '/', limit: 2, after: 'a/' }));
    assert.deepEqual(shape(second), { objects: ['b'], commonPrefixes: ['c/'], isTruncated: false });
  });

  it('returns an empty, untruncated page for a zero limit, an empty bucket or a prefix past every key', async () => {
    const { store } = current();
    const empty = { objects: [], commonPrefixes: [], isTruncated: false };
    assert.deepEqual(shape(await store.listObjects(query({}))), empty);
    await putKeys(store, ['a']);
    assert.deepEqual(shape(await store.listObjects(query({ limit: 0 }))), empty);
    assert.deepEqual(shape(await store.listObjects(query({ prefix: '\u{10FFFF}' }))), empty);
    assert.deepEqual(shape(await store.listObjects(query({ bucket: 'other' }))), empty);
  });

  it('seeks past a common prefix with 10,000 keys under it instead of reading them', async (t) => {
    const harness = current();
    if (!harness.listingRowsRead) return t.skip('the harness cannot count rows read by listings');
    const keys = ['a', ...Array.from({ length: 10_000 }, (_, i) => `big/${String(i).padStart(5, '0')}`), 'c', 'd/1', 'e'];
    await putKeys(harness.store, keys);
    const before = harness.listingRowsRead();
    const page = await harness.store.listObjects(query({ delimiter: '/' }));
    const rowsRead = harness.listingRowsRead() - before;
    assert.deepEqual(shape(page), { objects: ['a', 'c', 'e'], commonPrefixes: ['big/', 'd/'], isTruncated: false });
    assert.ok(rowsRead < 50, `a delimiter listing read ${rowsRead} rows`);
    const resumed = await harness.store.listObjects(query({ delimiter: '/', after: 'big/' }));
    assert.deepEqual(shape(resumed), { objects: ['c', 'e'], commonPrefixes: ['d/'], isTruncated: false });
    assert.ok(harness.listingRowsRead() - before - rowsRead < 50);
  });
}
