/**
 * What every part of the identity service shares: the store, the sealer, the clock, the root
 * key and settings, the cache, and the one way to write (a batch applied in one transaction,
 * serialised in this process, followed by a cache invalidation).
 */
import { AppError, type Clock } from '../../core/index.js';
import type { SecretSealer } from '../../iam/credentials/index.js';
import type { ParsedPolicy } from '../../iam/policy/index.js';
import { StorageError, type IamChange, type IamEntity, type IamEntityKind, type IamStore } from '../../storage/ports.js';
import { IamCache } from './cache.js';
import { keyOf, keyOfHolder } from './keys.js';

/** Kinds whose store name is the lower-cased IAM name (names are unique case-insensitively). */
const NAMED: ReadonlySet<IamEntityKind> = new Set(['user', 'group', 'role', 'policy']);

/** The store form of a change: entity names of NAMED kinds and link ends lower-cased. */
function normalise(change: IamChange): IamChange {
  switch (change.op) {
    case 'put':
      return NAMED.has(change.entity.kind) ? { ...change, entity: { ...change.entity, name: keyOf(change.entity.name) } } : change;
    case 'delete':
      return NAMED.has(change.kind) ? { ...change, name: keyOf(change.name) } : change;
    case 'link':
    case 'unlink':
      return change.kind === 'member'
        ? { ...change, from: keyOf(change.from), to: keyOf(change.to) }
        : { ...change, from: keyOfHolder(change.from), to: keyOf(change.to) };
    case 'unlinkAll': {
      const end = (value: string | undefined, holder: boolean) => (value === undefined ? {} : { [holder ? 'from' : 'to']: holder && change.kind === 'attached' ? keyOfHolder(value) : keyOf(value) });
      return { op: 'unlinkAll', kind: change.kind, ...end(change.from, true), ...end(change.to, false) };
    }
    default:
      return change;
  }
}

export interface IamSettings {
  /** The root access key id: never usable as another key's id or a user's name. */
  rootAccessKeyId: string;
  /** COFFER_API_ROOT_ACCESS: false refuses the root key and every root-owned key and session. */
  apiRootAccess: boolean;
  /** COFFER_STS_MAX_DURATION. */
  stsMaxDurationSeconds: number;
}

export interface IamContextDeps extends IamSettings {
  store: IamStore;
  sealer: SecretSealer;
  clock: Clock;
  bucketPolicy: (bucket: string) => Promise<ParsedPolicy | undefined>;
  /** How old the cached IAM generation may get before it is re-read (other nodes' changes). */
  generationCheckIntervalMs?: number;
}

export class IamContext {
  readonly store: IamStore;
  readonly sealer: SecretSealer;
  readonly clock: Clock;
  readonly settings: IamSettings;
  readonly cache: IamCache;
  readonly bucketPolicy: (bucket: string) => Promise<ParsedPolicy | undefined>;
  #queue: Promise<unknown> = Promise.resolve();

  constructor(deps: IamContextDeps) {
    this.store = deps.store;
    this.sealer = deps.sealer;
    this.clock = deps.clock;
    this.bucketPolicy = deps.bucketPolicy;
    this.settings = { rootAccessKeyId: deps.rootAccessKeyId, apiRootAccess: deps.apiRootAccess, stsMaxDurationSeconds: deps.stsMaxDurationSeconds };
    this.cache = new IamCache(deps.store, deps.generationCheckIntervalMs);
  }

  now(): Date {
    return this.clock.now();
  }

  /**
   * Runs a read-check-write sequence alone in this process, so that limits, "still attached"
   * checks and read-modify-write updates see no interleaving local change. (Across nodes, the
   * last writer of a record wins; each batch is still atomic.)
   */
  mutate<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.#queue.then(fn, fn);
    this.#queue = run.catch(() => undefined);
    return run;
  }

  /** Applies one batch atomically and invalidates the request-path cache once it committed. */
  async apply(changes: readonly IamChange[]): Promise<void> {
    try {
      const generation = await this.store.applyIamChanges(changes.map(normalise));
      this.cache.invalidate(generation);
    } catch (error) {
      // A failed batch changed nothing, but drop the cache anyway: cheap and never wrong.
      this.cache.invalidate();
      if (error instanceof StorageError && error.code === 'AlreadyExists') throw new AppError('EntityAlreadyExists', { message: 'The entity already exists.', cause: error });
      if (error instanceof StorageError && error.code === 'NotFound') throw new AppError('NoSuchEntity', { message: 'The entity was changed or removed meanwhile.', cause: error });
      throw error;
    }
  }

  /** Users, groups, roles and policies are found by any case of their name. */
  get(kind: IamEntityKind, name: string): Promise<IamEntity | undefined> {
    return this.store.getIamEntity(kind, NAMED.has(kind) ? keyOf(name) : name);
  }

  /** Every entity of `kind` (optionally of one owner), page by page. */
  async all(kind: IamEntityKind, owner?: string): Promise<IamEntity[]> {
    const out: IamEntity[] = [];
    for (let after: string | undefined; ; ) {
      const page = await this.store.listIamEntities(kind, { limit: 500, ...(owner === undefined ? {} : { owner }), ...(after === undefined ? {} : { after }) });
      out.push(...page);
      if (page.length < 500) return out;
      after = page.at(-1)?.name;
    }
  }
}

export function noSuch(what: string, name: string): AppError {
  return new AppError('NoSuchEntity', { message: `The ${what} with name ${name} cannot be found.` });
}

export function alreadyExists(what: string, name: string): AppError {
  return new AppError('EntityAlreadyExists', { message: `${what} with name ${name} already exists.` });
}

export function limitExceeded(message: string): AppError {
  return new AppError('LimitExceeded', { message });
}
