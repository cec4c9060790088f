/**
 * Listing benchmark: a bucket with 1,000,000 keys (`photos/NNNN/NNNNNN.jpg`, 1,000 folders of
 * 1,000), listed through the real S3 API of an in-process Coffer. Reports median and p99 ms per
 * ListObjectsV2 page for: the first page, a page deep in the bucket (start-after), a prefix
 * page, a root delimiter page (1,000 common prefixes: each must be skipped, not scanned), and a
 * delimiter page inside one folder. Run: `npm run bench:listing [-- --keys 1000000 --repeat 30]`.
 */
import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { startApp } from '../src/app/index.js';
import { loadConfig } from '../src/config/index.js';
import { silentLogger } from '../src/observability/index.js';
import { encodeObject } from '../src/storage/sql/index.js';
import { openSqliteMetadataStore } from '../src/storage/sqlite/index.js';
import { RECORD_FORMAT_VERSION } from '../src/storage/ports.js';
import { SigV4Signer } from './sigv4.js';

const { values } = parseArgs({ options: { keys: { type: 'string', default: '1000000' }, repeat: { type: 'string', default: '30' } } });
const totalKeys = Number(values.keys);
const repeat = Number(values.repeat);
const folders = Math.max(1, Math.round(totalKeys / 1000));
const perFolder = Math.ceil(totalKeys / folders);
const pad = (n: number, width: number): string => String(n).padStart(width, '0');

async function populate(dataDir: string): Promise<number> {
  const started = performance.now();
  const store = await openSqliteMetadataStore({ path: join(dataDir, 'metadata.sqlite') });
  await store.createBucket({ formatVersion: RECORD_FORMAT_VERSION, name: 'photos', owner: 'bench', region: 'us-east-1', createdAt: new Date(), versioning: 'Unversioned', objectLockEnabled: false });
  await store.close();
  const db = new Database(join(dataDir, 'metadata.sqlite'));
  db.pragma('journal_mode = WAL');
  const insert = db.prepare('insert into objects (bucket, key, version_id, seq, is_latest, is_delete_marker, record, inline_data, blob_id) values (?, ?, ?, ?, 1, 0, ?, null, null)');
  const now = new Date();
  let seq = 0;
  db.transaction(() => {
    for (let f = 0; f < folders; f++) {
      for (let i = 0; i < perFolder && seq < totalKeys; i++) {
        const key = `photos/${pad(f, 4)}/${pad(i, 6)}.jpg`;
        const encoded = encodeObject({
          formatVersion: RECORD_FORMAT_VERSION, bucket: 'photos', key, versionId: 'null', isLatest: true, isDeleteMarker: false,
          size: 0, etag: '"d41d8cd98f00b204e9800998ecf8427e"', lastModified: now, contentHeaders: {}, userMetadata: {},
          checksum: undefined, dataCrc32: '00000000', data: { kind: 'none' }, partSizes: undefined, storageClass: 'STANDARD',
        });
        insert.run('photos', key, 'null', ++seq, encoded.record);
      }
    }
    db.prepare("update store_counters set value = ? where name = 'object_seq'").run(seq);
  })();
  db.close();
  return performance.now() - started;
}

function stats(samples: number[]): { median: number; p99: number } {
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (p: number) => sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] ?? 0;
  return { median: Math.round(at(0.5) * 100) / 100, p99: Math.round(at(0.99) * 100) / 100 };
}

const dir = mkdtempSync(join(tmpdir(), 'coffer-bench-listing-'));
try {
  const populateMs = await populate(dir);
  const config = loadConfig({ dataDir: dir, address: '127.0.0.1:0' }, { COFFER_ROOT_USER: 'benchroot', COFFER_ROOT_PASSWORD: 'bench-listing-secret' });
  const app = await startApp(config, { logger: silentLogger, announce: () => undefined });
  const host = new URL(app.endpoint).host;
  const signer = new SigV4Signer({ accessKey: 'benchroot', secretKey: 'bench-listing-secret', region: 'us-east-1' });
  const mid = `photos/${pad(Math.floor(folders / 2), 4)}/`;
  const cases: Array<[string, Record<string, string>, (xml: string) => boolean]> = [
    ['first page (1,000 keys)', { 'list-type': '2' }, (x) => (x.match(/<Key>/g) ?? []).length === 1000],
    ['deep page (start-after, 1,000 keys)', { 'list-type': '2', 'start-after': `${mid}000500.jpg` }, (x) => (x.match(/<Key>/g) ?? []).length === 1000],
    ['prefix page (one folder)', { 'list-type': '2', prefix: mid }, (x) => (x.match(/<Key>/g) ?? []).length === Math.min(1000, perFolder)],
    [`root delimiter page (${Math.min(folders, 1000)} common prefixes)`, { 'list-type': '2', prefix: 'photos/', delimiter: '/' }, (x) => (x.match(/<CommonPrefixes>/g) ?? []).length === Math.min(folders, 1000)],
    ['delimiter page inside a folder', { 'list-type': '2', prefix: mid, delimiter: '/', 'max-keys': '100' }, (x) => (x.match(/<Key>/g) ?? []).length === 100],
  ];
  const results: Record<string, { median: number; p99: number }> = {};
  for (const [name, query, check] of cases) {
    const samples: number[] = [];
    for (let i = 0; i < repeat; i++) {
      const headers = signer.sign('GET', host, '/photos', query);
      const search = new URLSearchParams(query).toString().replace(/\+/g, '%20');
      const started = performance.now();
      const res = await fetch(`${app.endpoint}/photos?${search}`, { headers });
      const xml = await res.text();
      samples.push(performance.now() - started);
      if (res.status !== 200 || !check(xml)) throw new Error(`${name}: unexpected answer ${res.status} ${xml.slice(0, 300)}`);
    }
    results[name] = stats(samples);
  }
  await app.stop();
  console.log(`listing benchmark: ${totalKeys.toLocaleString('en')} keys in ${folders} folders (populated in ${(populateMs / 1000).toFixed(1)} s)`);
  console.log('| page | median ms | p99 ms |\n| --- | --- | --- |');
  for (const [name, s] of Object.entries(results)) console.log(`| ${name} | ${s.median} | ${s.p99} |`);
  console.log(JSON.stringify({ tool: 'coffer-listing-bench', keys: totalKeys, results }));
} finally {
  rmSync(dir, { recursive: true, force: true });
}
