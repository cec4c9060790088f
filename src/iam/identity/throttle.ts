/**
 * Failed-login throttle for identity providers (password guessing, CVE-2026-33419 in MinIO).
 *
 * Protects: the directory's passwords against online guessing through our STS endpoint.
 * Construction: a sliding window of failure times per username (trimmed, NFKC, lower-cased)
 * and per source address (IPv4-mapped IPv6 unwrapped; IPv6 grouped by its /64, which one
 * client usually owns). `allowed()` is asked BEFORE the directory is contacted: once a key holds
 * `maxPerUser` / `maxPerSource` failures inside `windowMs`, every attempt is refused until the
 * oldest of them ages out, so a throttled attempt can never confirm a password. A success clears
 * the user's failures (not the source's). Refused attempts are not counted again.
 * Memory is bounded: at most `maxKeys` keys per kind; the least recently failed key goes first.
 * State is per process: several Coffer nodes each keep their own counts.
 */

export interface ThrottleOptions {
  /** Failures per username inside the window before it is refused (default 5). */
  maxPerUser?: number;
  /** Failures per source address inside the window (default 20). */
  maxPerSource?: number;
  /** Window in milliseconds (default 5 minutes). */
  windowMs?: number;
  /** Keys remembered per kind (default 10000). */
  maxKeys?: number;
  now?: () => Date;
}

export function throttleUserKey(username: string): string {
  return username.trim().slice(0, 512).normalize('NFKC').toLowerCase(); // bounded: keys are kept in memory
}

function expandIpv6(ip: string): string[] | undefined {
  const [head, tail, extra] = ip.split('::');
  if (extra !== undefined) return undefined;
  const left = head ? head.split(':') : [];
  const right = tail ? tail.split(':') : [];
  const fill = tail === undefined ? [] : Array(8 - left.length - right.length).fill('0');
  const groups = [...left, ...fill, ...right];
  return groups.length === 8 ? groups.map((g) => g.toLowerCase().padStart(4, '0')) : undefined;
}

export function throttleSourceKey(source: string): string {
  const ip = source.trim().slice(0, 64).replace(/^\[|\]$/g, '').replace(/%.*$/, '');
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(ip);
  if (mapped) return mapped[1]!;
  if (!ip.includes(':')) return ip;
  const groups = expandIpv6(ip);
  return groups ? `${groups.slice(0, 4).join(':')}::/64` : ip.toLowerCase();
}

class Window {
  readonly #failures = new Map<string, number[]>();
  constructor(private readonly max: number, private readonly windowMs: number, private readonly maxKeys: number) {}

  #recent(key: string, now: number): number[] {
    const times = (this.#failures.get(key) ?? []).filter((t) => t > now - this.windowMs);
    if (times.length === 0) this.#failures.delete(key);
    else this.#failures.set(key, times);
    return times;
  }

  blocked(key: string, now: number): boolean {
    return this.#recent(key, now).length >= this.max;
  }

  add(key: string, now: number): void {
    const times = this.#recent(key, now);
    this.#failures.delete(key); // re-insert: Map order = least recently failed first
    this.#failures.set(key, [...times, now].slice(-this.max));
    while (this.#failures.size > this.maxKeys) this.#failures.delete(this.#failures.keys().next().value!);
  }

  clear(key: string): void {
    this.#failures.delete(key);
  }
}

export class LoginThrottle {
  readonly #users: Window;
  readonly #sources: Window;
  readonly #now: () => Date;

  constructor(options: ThrottleOptions = {}) {
    const windowMs = options.windowMs ?? 5 * 60_000;
    const maxKeys = options.maxKeys ?? 10_000;
    this.#users = new Window(options.maxPerUser ?? 5, windowMs, maxKeys);
    this.#sources = new Window(options.maxPerSource ?? 20, windowMs, maxKeys);
    this.#now = options.now ?? (() => new Date());
  }

  /** False: refuse without contacting the provider. */
  allowed(username: string, source: string): boolean {
    const now = this.#now().getTime();
    return !this.#users.blocked(throttleUserKey(username), now) && !this.#sources.blocked(throttleSourceKey(source), now);
  }

  failed(username: string, source: string): void {
    const now = this.#now().getTime();
    this.#users.add(throttleUserKey(username), now);
    this.#sources.add(throttleSourceKey(source), now);
  }

  succeeded(username: string): void {
    this.#users.clear(throttleUserKey(username));
  }
}
