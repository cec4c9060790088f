/**
 * npx tsx bench/crypto.ts [-- --mib 64 --rounds 3]
 *
 * Raw throughput of the coffer-dare-v1 stream format (src/crypto): encrypt and decrypt of a
 * 64 MiB plaintext through encryptStream / decryptStream in 1 MiB chunks, next to a PassThrough
 * and an MD5 pass (what an unencrypted PUT already pays) for scale. Not a test: no asserts on
 * timing. Issue 6's target (SSE-S3 PUT/GET ≥ 80 % of unencrypted MiB/s) is judged by
 * `npm run bench`; this shows how much of that budget the cipher itself takes.
 */
import { createHash, randomBytes } from 'node:crypto';
import { PassThrough, Readable, Writable, type Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { parseArgs } from 'node:util';
import { decryptStream, encryptBuffer, encryptStream, newObjectKey } from '../src/crypto/index.js';

const { values } = parseArgs({ options: { mib: { type: 'string', default: '64' }, rounds: { type: 'string', default: '3' } } });
const MiB = 1024 * 1024;
const size = Number(values.mib) * MiB;
const rounds = Number(values.rounds);

function chunks(data: Buffer, n: number): Buffer[] {
  const out: Buffer[] = [];
  for (let i = 0; i < data.length; i += n) out.push(data.subarray(i, i + n));
  return out;
}

async function measure(input: Buffer, make: () => Transform): Promise<number> {
  const sink = new Writable({ write(_c, _e, cb) { cb(); } });
  const start = process.hrtime.bigint();
  await pipeline(Readable.from(chunks(input, MiB)), make(), sink);
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  return input.length / MiB / seconds;
}

function md5Pass(): Transform {
  const hash = createHash('md5');
  return new PassThrough({ transform(c: Buffer, _e, cb) { hash.update(c); cb(null, c); }, flush(cb) { hash.digest(); cb(); } });
}

const key = newObjectKey();
const plain = randomBytes(size);
const encrypted = encryptBuffer(key, plain);
const cases: Array<[string, Buffer, () => Transform]> = [
  ['passthrough', plain, () => new PassThrough()],
  ['md5', plain, md5Pass],
  ['encrypt', plain, () => encryptStream(key)],
  ['decrypt', encrypted, () => decryptStream(key)],
];
const best = new Map<string, number>();
for (let round = 0; round < rounds; round += 1) {
  for (const [name, input, make] of cases) best.set(name, Math.max(best.get(name) ?? 0, await measure(input, make)));
}
console.log(`coffer-dare-v1, ${values.mib} MiB, best of ${rounds} (node ${process.version})`);
for (const [name] of cases) console.log(`  ${name.padEnd(12)} ${best.get(name)!.toFixed(0).padStart(6)} MiB/s`);
