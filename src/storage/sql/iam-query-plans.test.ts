import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import BetterSqlite3 from 'better-sqlite3';
import { Kysely, SqliteDialect } from 'kysely';
import { openSqliteMetadataStore } from '../sqlite/index.js';
import { buildIamQueries } from './iam-queries.js';
import type { CofferSchema } from './schema.js';

describe('IAM queries on SQLite', () => {
  let dir = '';
  let path = '';
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'coffer-iam-plans-'));
    path = join(dir, 'metadata.sqlite');
    await (await openSqliteMetadataStore({ path })).close();
  });
  after(() => rm(dir, { recursive: true, force: true }));

  it('answers every entity and link query with an index search, never a table scan or a sort', async () => {
    const raw = new BetterSqlite3(path, { readonly: true });
    const db = new Kysely<CofferSchema>({ dialect: new SqliteDialect({ database: raw }) });
    try {
      const q = buildIamQueries(db);
      const plans: Record<string, string> = Object.fromEntries(
        Object.entries(q)
          .filter(([name]) => !['generation', 'bumpGeneration', 'insertEntity', 'upsertEntity', 'link'].includes(name))
          .map(([name, query]) => [name, query.sql]),
      );
      const links = (where: string) => db.selectFrom('iam_links').select(['from_name', 'to_name']).where('kind', '=', 'member').where(where as 'to_name', '=', 'x').orderBy('from_name').orderBy('to_name').compile().sql;
      plans.linksTo = links('to_name');
      plans.linksFrom = links('from_name');
      for (const [name, sql] of Object.entries(plans)) {
        const args = Array.from({ length: (sql.match(/\?/g) ?? []).length }, () => 'x');
        const plan = (raw.prepare(`explain query plan ${sql}`).all(...args) as Array<{ detail: string }>).map((r) => r.detail).join('; ');
        assert.match(plan, /SEARCH iam_(entities|links) USING (COVERING )?INDEX/, `${name}: ${plan}`);
        assert.doesNotMatch(plan, /SCAN|TEMP B-TREE/, `${name}: ${plan}`);
      }
    } finally {
      await db.destroy();
    }
  });
});
