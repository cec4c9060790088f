/**
 * When the cluster primary restarts a worker that died, and when it gives up. A worker that dies
 * is replaced after a short back-off that doubles with every recent death (100 ms, 200 ms, …,
 * capped at 5 s); more than `maxDeaths` deaths within `windowMs` means something is wrong that
 * a restart will not fix (a bad disk, a corrupt database, a bug hit by every request), and the
 * primary stops the whole server instead of restarting forever.
 */
export interface RestartPolicyOptions {
  maxDeaths?: number;
  windowMs?: number;
  baseDelayMs?: number;
  maxDelayMs?: number;
}

export type RestartDecision = { action: 'restart'; delayMs: number } | { action: 'give-up'; deaths: number; windowMs: number };

export class RestartPolicy {
  readonly #deaths: number[] = [];
  readonly #maxDeaths: number;
  readonly #windowMs: number;
  readonly #baseDelayMs: number;
  readonly #maxDelayMs: number;

  constructor(options: RestartPolicyOptions = {}) {
    this.#maxDeaths = options.maxDeaths ?? 5;
    this.#windowMs = options.windowMs ?? 60_000;
    this.#baseDelayMs = options.baseDelayMs ?? 100;
    this.#maxDelayMs = options.maxDelayMs ?? 5_000;
  }

  /** Records a worker death at `now` (ms) and says what to do about it. */
  onDeath(now: number): RestartDecision {
    this.#deaths.push(now);
    while (this.#deaths.length > 0 && (this.#deaths[0] as number) <= now - this.#windowMs) this.#deaths.shift();
    const recent = this.#deaths.length;
    if (recent > this.#maxDeaths) return { action: 'give-up', deaths: recent, windowMs: this.#windowMs };
    return { action: 'restart', delayMs: Math.min(this.#maxDelayMs, this.#baseDelayMs * 2 ** (recent - 1)) };
  }
}
