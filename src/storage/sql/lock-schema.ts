/**
 * Object Lock in the schema (migration 5). Each object row mirrors its record's lock state in
 * columns (lock_mode, retain_until_ms, legal_hold) kept in sync by every write of the record,
 * so that the dialect's triggers can refuse a delete or a weakening without parsing JSON, and
 * `store_counters.clock_high_water_ms` keeps the latest lastModified ever written, so a clock
 * that moved backwards is noticed (Object Lock then fails closed). Records written before this
 * migration never carried lock fields, so the column defaults are exact for them.
 */
import { sql, type Kysely } from 'kysely';
import type { CofferSchema, SqlDialectProfile } from './schema.js';

export const CLOCK_HIGH_WATER = 'clock_high_water_ms';

export async function addObjectLock(db: Kysely<CofferSchema>, profile: SqlDialectProfile): Promise<void> {
  await db.schema.alterTable('objects').addColumn('lock_mode', 'text').execute();
  await db.schema.alterTable('objects').addColumn('retain_until_ms', 'bigint').execute();
  await db.schema.alterTable('objects').addColumn('legal_hold', 'integer', (c) => c.notNull().defaultTo(0)).execute();
  // Starts at 0 and grows with every version written from now on (no version before this
  // migration has a lock; each version's own lastModified is checked against the clock too).
  await db.insertInto('store_counters').values({ name: CLOCK_HIGH_WATER, value: 0 }).execute();
  for (const statement of profile.objectLockTriggers) await sql.raw(statement).execute(db);
}
