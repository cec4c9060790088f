import assert from 'node:assert/strict';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import BetterSqlite3 from 'better-sqlite3';
import { Kysely, SqliteDialect } from 'kysely';
import { StorageError } from '../ports.js';
import { buildQueries, MIGRATIONS, SCHEMA_VERSION, type CofferSchema } from '../sql/index.js';
import { openSqliteMetadataStore } from './index.js';

describe('SQLite metadata store on disk', () => {
  let dir = '';
  let path = '';
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'coffer-sqlite-'));
    path = join(dir, 'metadata.sqlite');
    await (await openSqliteMetadataStore({ path })).close();
  });
  after(() => rm(dir, { recursive: true, force: true }));

  it('creates a private database file in WAL mode with the current schema version', async () => {
    assert.equal((await stat(path)).mode & 0o777, 0o600);
    const raw = new BetterSqlite3(path, { readonly: true });
    try {
      assert.equal(raw.pragma('journal_mode', { simple: true }), 'wal');
      assert.deepEqual(raw.prepare('select version from schema_migrations order by version').pluck().all(), MIGRATIONS.map((m) => m.version));
    } finally {
      raw.close();
    }
  });

  it('applies migrations once: reopening leaves the schema as it was', async () => {
    await (await openSqliteMetadataStore({ path })).close();
    const raw = new BetterSqlite3(path, { readonly: true });
    try {
      assert.equal(raw.prepare('select count(*) from schema_migrations').pluck().get(), SCHEMA_VERSION);
    } finally {
      raw.close();
    }
  });

  it('refuses a database written by a newer schema version', async () => {
    const copy = join(dir, 'newer.sqlite');
    await (await openSqliteMetadataStore({ path: copy })).close();
    const raw = new BetterSqlite3(copy);
    raw.prepare("insert into schema_migrations (version, applied_at) values (?, 'later')").run(SCHEMA_VERSION + 1);
    raw.close();
    await assert.rejects(openSqliteMetadataStore({ path: copy }), (error: unknown) => error instanceof StorageError && error.code === 'Corrupt');
  });

  it('reports Unavailable when the database cannot be opened', async () => {
    await assert.rejects(
      openSqliteMetadataStore({ path: join(dir, 'missing-dir', 'x.sqlite') }),
      (error: unknown) => error instanceof StorageError && error.code === 'Unavailable',
    );
  });

  it('answers every hot query with an index search, never a table scan', async () => {
    const raw = new BetterSqlite3(path, { readonly: true });
    const db = new Kysely<CofferSchema>({ dialect: new SqliteDialect({ database: raw }) });
    try {
      const q = buildQueries(db);
      const plans = {
        getLatest: q.getLatest.sql,
        getVersion: q.getVersion.sql,
        newestVersion: q.newestVersion.sql,
        ...Object.fromEntries(Object.entries(q.listing).map(([name, query]) => [name, query.sql])),
      };
      for (const [name, sql] of Object.entries(plans)) {
        const args = Array.from({ length: (sql.match(/\?/g) ?? []).length }, () => 'x');
        const plan = (raw.prepare(`explain query plan ${sql}`).all(...args) as Array<{ detail: string }>).map((r) => r.detail).join('; ');
        assert.match(plan, /SEARCH objects USING (COVERING )?INDEX/, `${name}: ${plan}`);
        if (name in q.listing) assert.match(plan, /INDEX objects_latest/, `${name}: ${plan}`);
        assert.doesNotMatch(plan, /SCAN|TEMP B-TREE FOR ORDER BY/, `${name}: ${plan}`);
      }
    } finally {
      await db.destroy();
    }
  });
});
