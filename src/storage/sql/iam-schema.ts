/**
 * Tables of the IAM document store (migration 4). Entities are JSON records addressed by
 * (kind, name); `owner` and `expires_at` are copied out of the record so that a user's keys and
 * sessions can be listed and removed with it, and expired ones pruned, by index. Links are
 * directed name pairs (group membership, policy attachment). `iam_state` holds one row: the
 * generation every IAM write bumps, which caches on every node compare.
 */
import { sql, type Kysely } from 'kysely';
import type { CofferSchema, SqlDialectProfile } from './schema.js';

export interface IamEntitiesTable {
  kind: string;
  name: string;
  owner: string | null;
  /** ISO time (toISOString, always 24 characters in the years the service allows); sorts as text. */
  expires_at: string | null;
  /** JSON of the entity's record; the identity service puts formatVersion in it. */
  record: string;
}

export interface IamLinksTable {
  kind: string;
  from_name: string;
  to_name: string;
}

export interface IamStateTable {
  generation: number;
}

export async function createIamTables(db: Kysely<CofferSchema>, profile: SqlDialectProfile): Promise<void> {
  const key = profile.keyColumn;
  await db.schema
    .createTable('iam_entities')
    .addColumn('kind', 'text', (c) => key(c.notNull()))
    .addColumn('name', 'text', (c) => key(c.notNull()))
    .addColumn('owner', 'text', (c) => key(c))
    .addColumn('expires_at', 'text')
    .addColumn('record', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('iam_entities_pk', ['kind', 'name'])
    .execute();
  await sql`create index iam_entities_owner on iam_entities (kind, owner, name)`.execute(db);
  await sql`create index iam_entities_expires on iam_entities (kind, expires_at)`.execute(db);
  await db.schema
    .createTable('iam_links')
    .addColumn('kind', 'text', (c) => key(c.notNull()))
    .addColumn('from_name', 'text', (c) => key(c.notNull()))
    .addColumn('to_name', 'text', (c) => key(c.notNull()))
    .addPrimaryKeyConstraint('iam_links_pk', ['kind', 'from_name', 'to_name'])
    .execute();
  await sql`create index iam_links_to on iam_links (kind, to_name, from_name)`.execute(db);
  await db.schema.createTable('iam_state').addColumn('generation', 'bigint', (c) => c.notNull()).execute();
  await db.insertInto('iam_state').values({ generation: 0 }).execute();
}
