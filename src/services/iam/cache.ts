/**
 * The request-path cache of resolved credentials and policies.
 *
 * Protects: the "disable or delete takes effect on the next request" promise while keeping a
 * cache hit cheap (a Map lookup and two clock reads; no I/O, no await on the hot path).
 * Invalidation: (1) every change this process makes through the identity service clears the
 * cache synchronously when its transaction has committed — so on this node a disabled user's
 * next request is already refused; (2) changes made by other nodes (or by the sweep) bump the
 * store's IAM generation; the cache re-reads the generation when its last check is older than
 * `checkIntervalMs` (1 s by default) and clears itself when it moved. Another node's change is
 * thus seen within about a second.
 * Races: every fill carries the epoch it started in; a fill that started before a clear is
 * dropped instead of re-inserting stale data. Entries carry their own expiry (key/session
 * expiresAt) checked on every hit. The maps are bounded (oldest entries go first), so unknown
 * key ids sent by an attacker cannot grow memory without limit.
 */
import { performance } from 'node:perf_hooks';
import type { IamStore } from '../../storage/ports.js';

export const MAX_CACHE_ENTRIES = 10_000;

export class BoundedCache<V> {
  readonly #map = new Map<string, V>();
  readonly #max: number;

  constructor(max = MAX_CACHE_ENTRIES) {
    this.#max = max;
  }

  get(key: string): V | undefined {
    return this.#map.get(key);
  }

  set(key: string, value: V): void {
    if (!this.#map.has(key) && this.#map.size >= this.#max) {
      const oldest = this.#map.keys().next();
      if (oldest.done !== true) this.#map.delete(oldest.value);
    }
    this.#map.set(key, value);
  }

  clear(): void {
    this.#map.clear();
  }

  get size(): number {
    return this.#map.size;
  }
}

export class IamCache {
  readonly #store: IamStore;
  readonly #checkIntervalMs: number;
  readonly #caches: Array<BoundedCache<unknown>> = [];
  #epoch = 0;
  #generation = Number.NaN;
  #checkedAt = Number.NEGATIVE_INFINITY;
  #refreshing: Promise<void> | undefined;

  constructor(store: IamStore, checkIntervalMs = 1000) {
    this.#store = store;
    this.#checkIntervalMs = checkIntervalMs;
  }

  /** A cache whose entries are dropped on every invalidation. */
  register<V>(cache: BoundedCache<V>): BoundedCache<V> {
    this.#caches.push(cache as BoundedCache<unknown>);
    return cache;
  }

  /** Changes with every invalidation; fills compare it before storing. */
  get epoch(): number {
    return this.#epoch;
  }

  /** Drops everything now (a local change committed; `generation` is the store's new one). */
  invalidate(generation?: number): void {
    this.#epoch++;
    for (const cache of this.#caches) cache.clear();
    if (generation !== undefined && !(generation < this.#generation)) {
      this.#generation = generation;
      this.#checkedAt = performance.now();
    }
  }

  /** Resolves at once unless the generation check is due; then re-reads it (one read for all callers). */
  fresh(): Promise<void> | undefined {
    if (performance.now() - this.#checkedAt < this.#checkIntervalMs) return undefined;
    this.#refreshing ??= this.#refresh().finally(() => (this.#refreshing = undefined));
    return this.#refreshing;
  }

  async #refresh(): Promise<void> {
    const started = performance.now();
    const generation = await this.#store.iamGeneration();
    if (generation < this.#generation) return; // read before a local change that already invalidated
    if (generation !== this.#generation) this.invalidate();
    this.#generation = generation;
    this.#checkedAt = started;
  }
}
