/**
 * The bench's S3 load client (undici, keep-alive pool, path-style, SigV4 UNSIGNED-PAYLOAD).
 * Large phase: PUT then GET N objects of one size at a fixed concurrency → MiB/s.
 * Small phase: PUT for D seconds, then GET the same keys for D seconds → ops/s.
 */
import { createHash } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { Pool } from 'undici';
import { canonicalQuery, encodePath, SigV4Signer } from './sigv4.js';

export interface Endpoint {
  url: string;
  accessKey: string;
  secretKey: string;
}

export interface PhaseResult {
  ops: number;
  bytes: number;
  seconds: number;
  errors: number;
  firstErrors: string[];
  p50Ms: number;
  p99Ms: number;
}

interface Reply {
  status: number;
  bytes: number;
  text: string;
}

export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;
}

/** Runs `n` workers until each returns. */
async function workers(n: number, work: (id: number) => Promise<void>): Promise<void> {
  await Promise.all(Array.from({ length: n }, (_, id) => work(id)));
}

class Phase {
  readonly latencies: number[] = [];
  readonly firstErrors: string[] = [];
  ops = 0;
  bytes = 0;
  errors = 0;
  readonly #start = performance.now();

  record(started: number, reply: Reply, okStatus: number, expectBytes?: number): boolean {
    this.latencies.push(performance.now() - started);
    const ok = reply.status === okStatus && (expectBytes === undefined || reply.bytes === expectBytes);
    if (ok) this.ops += 1;
    else {
      this.errors += 1;
      if (this.firstErrors.length < 3) this.firstErrors.push(`HTTP ${reply.status}, ${reply.bytes} bytes: ${reply.text.slice(0, 300)}`);
    }
    return ok;
  }

  fail(error: unknown): void {
    this.errors += 1;
    if (this.firstErrors.length < 3) this.firstErrors.push(String(error));
  }

  result(bytesPerOp: number): PhaseResult {
    const seconds = (performance.now() - this.#start) / 1000;
    const sorted = [...this.latencies].sort((a, b) => a - b);
    return {
      ops: this.ops, bytes: this.ops * bytesPerOp, seconds, errors: this.errors, firstErrors: this.firstErrors,
      p50Ms: percentile(sorted, 50), p99Ms: percentile(sorted, 99),
    };
  }
}

export class S3LoadClient {
  readonly #pool: Pool;
  readonly #signer: SigV4Signer;
  readonly #host: string;
  readonly concurrency: number;

  constructor(endpoint: Endpoint, concurrency: number) {
    const url = new URL(endpoint.url);
    this.#host = url.host;
    this.concurrency = concurrency;
    this.#pool = new Pool(url.origin, { connections: concurrency, pipelining: 1, headersTimeout: 120_000, bodyTimeout: 120_000 });
    this.#signer = new SigV4Signer({ accessKey: endpoint.accessKey, secretKey: endpoint.secretKey, region: 'us-east-1' });
  }

  async request(method: string, path: string, query: Record<string, string> = {}, body?: Buffer, extra: Record<string, string> = {}): Promise<Reply> {
    const headers = this.#signer.sign(method, this.#host, path, query, extra);
    const qs = canonicalQuery(query);
    const res = await this.#pool.request({ method, path: encodePath(path) + (qs ? `?${qs}` : ''), headers, body: body ?? null });
    let bytes = 0;
    const keep: Buffer[] = [];
    for await (const chunk of res.body as AsyncIterable<Buffer>) {
      bytes += chunk.length;
      if (res.statusCode >= 300 && bytes <= 4096) keep.push(chunk);
    }
    return { status: res.statusCode, bytes, text: Buffer.concat(keep).toString('utf8') };
  }

  async large(bucket: string, count: number, data: Buffer): Promise<{ put: PhaseResult; get: PhaseResult }> {
    const key = (i: number): string => `/${bucket}/large/obj-${String(i).padStart(5, '0')}`;
    const run = async (method: 'PUT' | 'GET'): Promise<PhaseResult> => {
      const phase = new Phase();
      let next = 0;
      await workers(this.concurrency, async () => {
        for (let i = next++; i < count; i = next++) {
          const started = performance.now();
          try {
            const reply = await this.request(method, key(i), {}, method === 'PUT' ? data : undefined);
            phase.record(started, reply, 200, method === 'GET' ? data.length : undefined);
          } catch (error) {
            phase.fail(error);
          }
        }
      });
      return phase.result(data.length);
    };
    const put = await run('PUT');
    return { put, get: await run('GET') };
  }

  async small(bucket: string, seconds: number, data: Buffer): Promise<{ put: PhaseResult; get: PhaseResult; keys: string[] }> {
    const written: string[][] = Array.from({ length: this.concurrency }, () => []);
    const run = async (method: 'PUT' | 'GET'): Promise<PhaseResult> => {
      const phase = new Phase();
      const deadline = performance.now() + seconds * 1000;
      await workers(this.concurrency, async (w) => {
        const mine = written[w] ?? [];
        for (let n = 0; performance.now() < deadline; n += 1) {
          if (method === 'GET' && mine.length === 0) return;
          const key = method === 'PUT' ? `/${bucket}/small/w${w}/obj-${n}` : (mine[n % mine.length] ?? '');
          const started = performance.now();
          try {
            const reply = await this.request(method, key, {}, method === 'PUT' ? data : undefined);
            if (phase.record(started, reply, 200, method === 'GET' ? data.length : undefined) && method === 'PUT') mine.push(key);
          } catch (error) {
            phase.fail(error);
          }
        }
      });
      return phase.result(data.length);
    };
    const put = await run('PUT');
    const get = await run('GET');
    return { put, get, keys: written.flat() };
  }

  /** DeleteObjects in batches of 1000 (paths are `/bucket/key`), then DeleteBucket. Returns failures. */
  async cleanup(bucket: string, paths: readonly string[]): Promise<number> {
    let failures = 0;
    const prefix = `/${bucket}/`;
    const batches: string[][] = [];
    for (let i = 0; i < paths.length; i += 1000) batches.push(paths.slice(i, i + 1000).map((p) => p.slice(prefix.length)));
    let next = 0;
    await workers(Math.min(4, batches.length), async () => {
      for (let i = next++; i < batches.length; i = next++) {
        const objects = (batches[i] ?? []).map((k) => `<Object><Key>${k}</Key></Object>`).join('');
        const body = Buffer.from(`<Delete><Quiet>true</Quiet>${objects}</Delete>`);
        const md5 = createHash('md5').update(body).digest('base64');
        const reply = await this.request('POST', `/${bucket}`, { delete: '' }, body, { 'content-md5': md5, 'content-type': 'application/xml' });
        if (reply.status !== 200 || reply.text.includes('<Error>')) failures += 1;
      }
    });
    const del = await this.request('DELETE', `/${bucket}`);
    if (del.status !== 204) failures += 1;
    return failures;
  }

  async close(): Promise<void> {
    await this.#pool.close();
  }
}
