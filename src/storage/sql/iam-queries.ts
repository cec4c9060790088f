/** The IAM store's fixed queries, compiled once per store (see prepared.ts). */
import { sql, type Kysely } from 'kysely';
import type { IamEntityRow } from './iam-codec.js';
import { param, prepare } from './prepared.js';
import type { CofferSchema } from './schema.js';

type EntityValues = 'kind' | 'name' | 'owner' | 'expires_at' | 'record';
const ENTITY_COLUMNS = ['kind', 'name', 'owner', 'expires_at', 'record'] as const;

export function buildIamQueries(db: Kysely<CofferSchema>) {
  const values = { kind: param('kind'), name: param('name'), owner: param<string | null>('owner'), expires_at: param<string | null>('expires_at'), record: param('record') };
  const listing = (byOwner: boolean) => {
    let q = db.selectFrom('iam_entities').select(ENTITY_COLUMNS).where('kind', '=', param('kind'));
    if (byOwner) q = q.where('owner', '=', param('owner'));
    return prepare<IamEntityRow, 'kind' | 'owner' | 'after' | 'limit'>(q.where('name', '>', param('after')).orderBy('name').limit(param<number>('limit')));
  };
  return {
    generation: prepare<{ generation: number | string }, never>(db.selectFrom('iam_state').select('generation')),
    bumpGeneration: prepare<unknown, never>(db.updateTable('iam_state').set({ generation: sql`generation + 1` })),
    getEntity: prepare<IamEntityRow, 'kind' | 'name'>(
      db.selectFrom('iam_entities').select(ENTITY_COLUMNS).where('kind', '=', param('kind')).where('name', '=', param('name')),
    ),
    insertEntity: prepare<unknown, EntityValues>(db.insertInto('iam_entities').values(values).onConflict((oc) => oc.columns(['kind', 'name']).doNothing())),
    updateEntity: prepare<unknown, EntityValues>(
      db
        .updateTable('iam_entities')
        .set({ owner: values.owner, expires_at: values.expires_at, record: values.record })
        .where('kind', '=', param('kind'))
        .where('name', '=', param('name')),
    ),
    upsertEntity: prepare<unknown, EntityValues>(
      db
        .insertInto('iam_entities')
        .values(values)
        .onConflict((oc) => oc.columns(['kind', 'name']).doUpdateSet({ owner: values.owner, expires_at: values.expires_at, record: values.record })),
    ),
    deleteEntity: prepare<unknown, 'kind' | 'name'>(db.deleteFrom('iam_entities').where('kind', '=', param('kind')).where('name', '=', param('name'))),
    deleteOwned: prepare<unknown, 'kind' | 'owner'>(db.deleteFrom('iam_entities').where('kind', '=', param('kind')).where('owner', '=', param('owner'))),
    deleteExpired: prepare<unknown, 'kind' | 'before'>(
      db.deleteFrom('iam_entities').where('kind', '=', param('kind')).where('expires_at', '<', param('before')),
    ),
    list: listing(false),
    listOwned: listing(true),
    link: prepare<unknown, 'kind' | 'from' | 'to'>(
      db
        .insertInto('iam_links')
        .values({ kind: param('kind'), from_name: param('from'), to_name: param('to') })
        .onConflict((oc) => oc.columns(['kind', 'from_name', 'to_name']).doNothing()),
    ),
    unlink: prepare<unknown, 'kind' | 'from' | 'to'>(
      db.deleteFrom('iam_links').where('kind', '=', param('kind')).where('from_name', '=', param('from')).where('to_name', '=', param('to')),
    ),
  };
}

export type IamQueries = ReturnType<typeof buildIamQueries>;
