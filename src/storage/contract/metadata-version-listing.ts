/** ListObjectVersions contract: ordering, markers, delimiters and paging against a brute-force oracle. */
import assert from 'node:assert/strict';
import { beforeEach, it } from 'node:test';
import type { ListObjectVersionsPage, ListObjectVersionsQuery, MetadataStore } from '../ports.js';
import { bucketRecord, byUtf8, deleteMarker, objectRecord, UNICODE_KEYS_IN_ORDER } from './fixtures.js';
import type { MetadataStoreHarness } from './harness.js';

const B = 'version-listing';

type Q = Omit<ListObjectVersionsQuery, 'bucket'>;
const query = (q: Partial<ListObjectVersionsQuery>): ListObjectVersionsQuery => ({
  bucket: B, prefix: '', delimiter: '', keyMarker: '', versionIdMarker: '', limit: 1000, ...q,
});

/** One write: a version or a delete marker of a key, in write order. */
interface Write {
  key: string;
  versionId: string;
  marker?: boolean;
}

type Entry = string; // "key@version", "key@version!" for a marker, "key/" prefix as "prefix:key/"
const entryOf = (key: string, versionId: string, marker: boolean): Entry => `${key}@${versionId}${marker ? '!' : ''}`;

function shape(page: ListObjectVersionsPage) {
  return {
    entries: page.versions.map((v) => entryOf(v.key, v.versionId, v.isDeleteMarker)),
    commonPrefixes: page.commonPrefixes,
    isTruncated: page.isTruncated,
  };
}

/** The oracle: every surviving version by key (UTF-8) then newest first, markers, roll-up, limit. */
function expected(writes: readonly Write[], q: Q) {
  const live = new Map<string, { key: string; versionId: string; marker: boolean; order: number }>();
  writes.forEach((w, order) => {
    live.set(`${w.key}\u0000${w.versionId}`, { key: w.key, versionId: w.versionId, marker: w.marker === true, order });
  });
  const all = [...live.values()].sort((a, b) => byUtf8(a.key, b.key) || b.order - a.order);
  let started = q.keyMarker === '';
  const items: Array<{ value: string; isPrefix: boolean; key: string; versionId?: string }> = [];
  for (const v of all) {
    if (!v.key.startsWith(q.prefix)) continue;
    if (!started) {
      const cmp = byUtf8(v.key, q.keyMarker);
      if (cmp < 0) continue;
      if (cmp === 0) {
        if (q.versionIdMarker === '') continue;
        const marker = all.find((x) => x.key === v.key && x.versionId === q.versionIdMarker);
        if (!marker || v.order >= marker.order) continue;
      }
      started = true;
    }
    let value = entryOf(v.key, v.versionId, v.marker);
    let isPrefix = false;
    if (q.delimiter !== '') {
      const at = v.key.indexOf(q.delimiter, q.prefix.length);
      if (at >= 0) {
        value = v.key.slice(0, at + q.delimiter.length);
        isPrefix = true;
      }
    }
    if (isPrefix && value === q.keyMarker) continue;
    const last = items[items.length - 1];
    if (isPrefix && last?.isPrefix && last.value === value) continue;
    items.push({ value, isPrefix, key: v.key, versionId: v.versionId });
  }
  const page = items.slice(0, Math.max(0, q.limit));
  const tail = page[page.length - 1];
  return {
    shape: {
      entries: page.filter((e) => !e.isPrefix).map((e) => e.value),
      commonPrefixes: page.filter((e) => e.isPrefix).map((e) => e.value),
      isTruncated: q.limit > 0 && items.length > q.limit,
    },
    nextKeyMarker: tail ? (tail.isPrefix ? tail.value : tail.key) : undefined,
    nextVersionIdMarker: tail && !tail.isPrefix ? tail.versionId : undefined,
  };
}

async function write(store: MetadataStore, writes: readonly Write[]): Promise<void> {
  for (const w of writes) {
    await store.putObjectVersion(w.marker ? deleteMarker(B, w.key, w.versionId) : objectRecord(B, w.key, { versionId: w.versionId }));
  }
}

/** Keys with several versions each, a null version, delete markers, and '/' and 'ab' structure. */
const WRITES: Write[] = [
  ...UNICODE_KEYS_IN_ORDER.flatMap((key, i) => [{ key, versionId: `v${i}a` }, { key, versionId: `v${i}b` }]),
  { key: 'a/b', versionId: 'null' },
  { key: 'a/b', versionId: 'v-after-null' },
  { key: 'a/c', versionId: 'dm1', marker: true },
  { key: 'a/c/d', versionId: 'v1' },
  { key: 'a/c/d', versionId: 'dm2', marker: true },
  { key: 'xab', versionId: 'v1' },
  { key: 'xabyab', versionId: 'v1' },
  { key: 'xabyab', versionId: 'v2' },
  { key: 'B', versionId: 'null' },
  { key: 'é', versionId: 'dm3', marker: true },
];

export function versionListingCases(current: () => MetadataStoreHarness): void {
  beforeEach(async () => current().store.createBucket(bucketRecord(B)));

  it('lists every version and delete marker by key in UTF-8 byte order, newest first within a key', async () => {
    const { store } = current();
    // Version ids deliberately sort opposite to write order.
    await write(store, [
      { key: '😀', versionId: 'c' }, { key: 'ｚ', versionId: 'z' }, { key: 'ｚ', versionId: 'y', marker: true }, { key: 'ｚ', versionId: 'a' },
    ]);
    const page = await store.listObjectVersions(query({}));
    assert.deepEqual(shape(page).entries, ['ｚ@a', 'ｚ@y!', 'ｚ@z', '😀@c']);
    assert.deepEqual(page.versions.map((v) => v.isLatest), [true, false, false, true]);
    assert.deepEqual(page.versions[1]?.data, { kind: 'none' });
  });

  it('puts a null version written after real versions first, where its write put it', async () => {
    const { store } = current();
    await write(store, [{ key: 'k', versionId: 'null' }, { key: 'k', versionId: 'v1' }, { key: 'k', versionId: 'null' }]);
    assert.deepEqual(shape(await store.listObjectVersions(query({}))).entries, ['k@null', 'k@v1']);
  });

  it('skips every version of the key marker, or resumes below the version id marker', async () => {
    const { store } = current();
    await write(store, [{ key: 'a', versionId: 'a1' }, { key: 'b', versionId: 'b1' }, { key: 'b', versionId: 'b2' }, { key: 'b', versionId: 'b3' }, { key: 'c', versionId: 'c1' }]);
    assert.deepEqual(shape(await store.listObjectVersions(query({ keyMarker: 'b' }))).entries, ['c@c1']);
    assert.deepEqual(shape(await store.listObjectVersions(query({ keyMarker: 'b', versionIdMarker: 'b3' }))).entries, ['b@b2', 'b@b1', 'c@c1']);
    assert.deepEqual(shape(await store.listObjectVersions(query({ keyMarker: 'b', versionIdMarker: 'b1' }))).entries, ['c@c1']);
    assert.deepEqual(shape(await store.listObjectVersions(query({ keyMarker: 'b', versionIdMarker: 'gone' }))).entries, ['c@c1']);
    assert.deepEqual(shape(await store.listObjectVersions(query({ keyMarker: '0' }))).entries, ['a@a1', 'b@b3', 'b@b2', 'b@b1', 'c@c1']);
  });

  it('matches the oracle for every prefix, delimiter and marker', async () => {
    await write(current().store, WRITES);
    const markers: Array<[string, string]> = [['', ''], ['a', ''], ['a/', ''], ['a/b', 'v-after-null'], ['a/b', 'null'], ['B', 'null'], ['xab', ''], ['é', 'dm3'], ['ｚ', 'v7a'], ['\u{10FFFF}', '']];
    for (const prefix of ['', 'a', 'a/', 'x', 'é', 'nothing']) {
      for (const delimiter of ['', '/', 'ab']) {
        for (const [keyMarker, versionIdMarker] of markers) {
          const q: Q = { prefix, delimiter, keyMarker, versionIdMarker, limit: 1000 };
          const page = await current().store.listObjectVersions(query(q));
          assert.deepEqual(shape(page), expected(WRITES, q).shape, JSON.stringify(q));
        }
      }
    }
  });

  it('paginates with the next markers at every page size without losing or repeating an entry', async () => {
    const { store } = current();
    await write(store, WRITES);
    for (const delimiter of ['', '/', 'ab']) {
      for (const prefix of ['', 'a', 'x']) {
        const whole = expected(WRITES, { prefix, delimiter, keyMarker: '', versionIdMarker: '', limit: 10_000 }).shape;
        for (let limit = 1; limit <= WRITES.length + 1; limit++) {
          const got = { entries: [] as string[], commonPrefixes: [] as string[] };
          let keyMarker = '';
          let versionIdMarker = '';
          for (let pages = 0; ; pages++) {
            assert.ok(pages <= WRITES.length + 1, 'pagination does not terminate');
            const q: Q = { prefix, delimiter, keyMarker, versionIdMarker, limit };
            const page = await store.listObjectVersions(query(q));
            const want = expected(WRITES, q);
            assert.deepEqual(shape(page), want.shape, JSON.stringify(q));
            assert.deepEqual([page.nextKeyMarker, page.nextVersionIdMarker], [want.nextKeyMarker, want.nextVersionIdMarker], JSON.stringify(q));
            got.entries.push(...shape(page).entries);
            got.commonPrefixes.push(...page.commonPrefixes);
            if (!page.isTruncated) break;
            keyMarker = page.nextKeyMarker ?? '';
            versionIdMarker = page.nextVersionIdMarker ?? '';
          }
          assert.deepEqual(got, { entries: whole.entries, commonPrefixes: whole.commonPrefixes });
        }
      }
    }
  });

  it('returns an empty, untruncated page for a zero limit, an empty bucket or a missing bucket', async () => {
    const { store } = current();
    const empty = { entries: [], commonPrefixes: [], isTruncated: false };
    assert.deepEqual(shape(await store.listObjectVersions(query({}))), empty);
    await write(store, [{ key: 'a', versionId: 'v1' }]);
    assert.deepEqual(shape(await store.listObjectVersions(query({ limit: 0 }))), empty);
    assert.deepEqual(shape(await store.listObjectVersions(query({ bucket: 'other' }))), empty);
  });

  it('seeks past a common prefix holding 10,000 versions instead of reading them', async (t) => {
    const harness = current();
    if (!harness.listingRowsRead) return t.skip('the harness cannot count rows read by listings');
    const writes: Write[] = [
      { key: 'a', versionId: 'v1' },
      ...Array.from({ length: 2_000 }, (_, i) => Array.from({ length: 5 }, (__, j) => ({ key: `big/${String(i).padStart(4, '0')}`, versionId: `v${j}` }))).flat(),
      { key: 'c', versionId: 'v1' },
      { key: 'c', versionId: 'dm', marker: true },
    ];
    await write(harness.store, writes);
    const before = harness.listingRowsRead();
    const page = await harness.store.listObjectVersions(query({ delimiter: '/' }));
    assert.deepEqual(shape(page), { entries: ['a@v1', 'c@dm!', 'c@v1'], commonPrefixes: ['big/'], isTruncated: false });
    assert.ok(harness.listingRowsRead() - before < 50, `a delimiter listing read ${harness.listingRowsRead() - before} rows`);
  });
}
