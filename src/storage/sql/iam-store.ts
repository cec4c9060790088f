/**
 * IamStore over the shared SQL layer. applyIamChanges runs every change of a batch, in order, in
 * one write transaction and bumps the generation in the same commit: a failing change rolls the
 * whole batch back, and a reader that sees the new generation sees every change of it.
 */
import type { Kysely } from 'kysely';
import { StorageError, type IamChange, type IamEntity, type IamEntityKind, type IamLinkKind, type IamStore } from '../ports.js';
import { decodeIamEntity, encodeIamEntity } from './iam-codec.js';
import { buildIamQueries, type IamQueries } from './iam-queries.js';
import type { PreparedQuery } from './prepared.js';
import type { CofferSchema } from './schema.js';

type Write = <T>(fn: (trx: Kysely<CofferSchema>) => Promise<T>) => Promise<T>;
type Read = <R, P extends string>(query: PreparedQuery<R, P>, values: Readonly<Record<P, unknown>>) => Promise<R[]>;
type Guard = <T>(fn: () => Promise<T>) => Promise<T>;

const affected = (result: { numAffectedRows?: bigint; numUpdatedRows?: bigint; numDeletedRows?: bigint }): number =>
  Number(result.numAffectedRows ?? result.numUpdatedRows ?? result.numDeletedRows ?? 0n);

export class SqlIamStore implements IamStore {
  readonly #db: Kysely<CofferSchema>;
  readonly #write: Write;
  readonly #read: Read;
  readonly #guard: Guard;
  readonly #q: IamQueries;

  constructor(db: Kysely<CofferSchema>, deps: { write: Write; read: Read; guard: Guard }) {
    this.#db = db;
    this.#write = deps.write;
    this.#read = deps.read;
    this.#guard = deps.guard;
    this.#q = buildIamQueries(db);
  }

  async iamGeneration(): Promise<number> {
    return Number((await this.#read(this.#q.generation, {}))[0]?.generation ?? 0);
  }

  async applyIamChanges(changes: readonly IamChange[]): Promise<number> {
    // Encode first: a record that cannot be stored fails the batch before the transaction.
    const encoded = changes.map((change) => (change.op === 'put' ? encodeIamEntity(change.entity) : undefined));
    return this.#write(async (trx) => {
      for (const [index, change] of changes.entries()) await this.#apply(trx, change, encoded[index]);
      return this.#bump(trx);
    });
  }

  async getIamEntity(kind: IamEntityKind, name: string): Promise<IamEntity | undefined> {
    const row = (await this.#read(this.#q.getEntity, { kind, name }))[0];
    return row ? decodeIamEntity(row) : undefined;
  }

  async listIamEntities(kind: IamEntityKind, options: { owner?: string; after?: string; limit: number }): Promise<IamEntity[]> {
    const limit = Math.trunc(options.limit);
    if (!(limit > 0)) return [];
    const values = { kind, owner: options.owner, after: options.after ?? '', limit };
    const rows = await this.#read(options.owner === undefined ? this.#q.list : this.#q.listOwned, values);
    return rows.map(decodeIamEntity);
  }

  async listIamLinks(kind: IamLinkKind, options: { from?: string; to?: string }): Promise<Array<{ from: string; to: string }>> {
    let query = this.#db.selectFrom('iam_links').select(['from_name', 'to_name']).where('kind', '=', kind);
    if (options.from !== undefined) query = query.where('from_name', '=', options.from);
    if (options.to !== undefined) query = query.where('to_name', '=', options.to);
    const rows = await this.#guard(() => query.orderBy('from_name').orderBy('to_name').execute());
    return rows.map((row) => ({ from: row.from_name, to: row.to_name }));
  }

  async deleteExpiredIamEntities(kind: IamEntityKind, before: Date): Promise<number> {
    return this.#write(async (trx) => {
      const removed = affected(await this.#q.deleteExpired.execute(trx, { kind, before: before.toISOString() }));
      if (removed > 0) await this.#bump(trx);
      return removed;
    });
  }

  async #bump(trx: Kysely<CofferSchema>): Promise<number> {
    await this.#q.bumpGeneration.execute(trx, {});
    return Number((await this.#q.generation.execute(trx, {})).rows[0]?.generation ?? 0);
  }

  async #apply(trx: Kysely<CofferSchema>, change: IamChange, row: ReturnType<typeof encodeIamEntity> | undefined): Promise<void> {
    const q = this.#q;
    switch (change.op) {
      case 'put': {
        const values = row!;
        const what = `iam ${values.kind} ${JSON.stringify(values.name)}`;
        if (change.mode === 'create') {
          if (affected(await q.insertEntity.execute(trx, values)) === 0) throw new StorageError('AlreadyExists', `${what} exists`);
        } else if (change.mode === 'replace') {
          if (affected(await q.updateEntity.execute(trx, values)) === 0) throw new StorageError('NotFound', `${what} does not exist`);
        } else {
          await q.upsertEntity.execute(trx, values);
        }
        return;
      }
      case 'delete': {
        const removed = affected(await q.deleteEntity.execute(trx, { kind: change.kind, name: change.name }));
        if (removed === 0 && change.mustExist === true) throw new StorageError('NotFound', `iam ${change.kind} ${JSON.stringify(change.name)} does not exist`);
        return;
      }
      case 'deleteOwned':
        await q.deleteOwned.execute(trx, { kind: change.kind, owner: change.owner });
        return;
      case 'link':
        await q.link.execute(trx, { kind: change.kind, from: change.from, to: change.to });
        return;
      case 'unlink':
        await q.unlink.execute(trx, { kind: change.kind, from: change.from, to: change.to });
        return;
      case 'unlinkAll': {
        // Neither end given: every link of the kind (the caller asked for exactly that).
        let query = trx.deleteFrom('iam_links').where('kind', '=', change.kind);
        if (change.from !== undefined) query = query.where('from_name', '=', change.from);
        if (change.to !== undefined) query = query.where('to_name', '=', change.to);
        await query.execute();
        return;
      }
    }
  }
}
