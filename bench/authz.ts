/**
 * npm run bench:authz [-- --rounds 3 --duration 8 --no-build]
 *
 * Authorization overhead (issue 4): 4 KiB PUT and GET ops/s, concurrency 16, signed by root
 * versus by an IAM user holding 10 attached managed policies of 20 statements each (mixed
 * Allow/Deny, other buckets, IP and string conditions; the grant it needs sits in the last
 * policy, so evaluation walks everything). Same Coffer, same bucket shape, alternating rounds.
 * Target: the user's GET rate ≥ 85 % of root's.
 */
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { parseArgs } from 'node:util';
import { AdminClient } from '../client/index.js';
import { S3LoadClient, type Endpoint } from './load.js';
import { waitForIdle } from './report.js';
import { startCoffer } from './servers.js';

const ROOT = new URL('..', import.meta.url).pathname;
const { values } = parseArgs({
  options: {
    rounds: { type: 'string', default: '3' },
    duration: { type: 'string', default: '8' },
    'no-build': { type: 'boolean', default: false },
  },
});
const rounds = Number(values.rounds);
const duration = Number(values.duration);
const log = (m: string): void => void process.stderr.write(`[bench:authz] ${m}\n`);

/** Policy i of 10: 20 statements; only the last policy grants the bench bucket. */
function policyDocument(i: number, bucket: string): string {
  const statements: object[] = [];
  for (let j = 0; j < 20; j += 1) {
    const other = `arn:aws:s3:::team-${i}-${j}`;
    if (j % 5 === 4) statements.push({ Effect: 'Deny', Action: ['s3:DeleteBucket', 's3:PutBucketPolicy'], Resource: other });
    else if (j % 3 === 0) statements.push({ Effect: 'Allow', Action: ['s3:GetObject', 's3:PutObject'], Resource: `${other}/home/\${aws:username}/*`, Condition: { IpAddress: { 'aws:SourceIp': ['10.0.0.0/8', '192.168.0.0/16'] } } });
    else statements.push({ Effect: 'Allow', Action: 's3:ListBucket', Resource: other, Condition: { StringLike: { 's3:prefix': [`reports/${j}/*`, 'shared/*'] } } });
  }
  if (i === 9) statements[19] = { Effect: 'Allow', Action: ['s3:GetObject', 's3:PutObject', 's3:DeleteObject', 's3:ListBucket', 's3:DeleteBucket'], Resource: [`arn:aws:s3:::${bucket}`, `arn:aws:s3:::${bucket}/*`] };
  return JSON.stringify({ Version: '2012-10-17', Statement: statements });
}

async function run(endpoint: Endpoint, bucket: string, data: Buffer): Promise<{ put: number; get: number; errors: number }> {
  const client = new S3LoadClient(endpoint, 16);
  try {
    const { put, get, keys } = await client.small(bucket, duration, data);
    await client.cleanup(bucket, keys).catch(() => 0);
    return { put: put.ops / put.seconds, get: get.ops / get.seconds, errors: put.errors + get.errors };
  } finally {
    await client.close();
  }
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? 0;

async function main(): Promise<void> {
  if (!values['no-build'] && spawnSync('npm', ['run', 'build', '--silent'], { cwd: ROOT, stdio: 'inherit' }).status !== 0) throw new Error('build failed');
  const server = await startCoffer(ROOT);
  const figures: { root: Array<{ put: number; get: number }>; user: Array<{ put: number; get: number }> } = { root: [], user: [] };
  try {
    const root = server.endpoint;
    const admin = new AdminClient({ endpoint: root.url, credentials: { accessKeyId: root.accessKey, secretAccessKey: root.secretKey } });
    const data = randomBytes(4096);
    for (let round = 1; round <= rounds; round += 1) {
      const bucket = `authz-${round}-${randomBytes(3).toString('hex')}`;
      const userName = `bench-user-${round}`;
      await admin.createUser({ name: userName });
      for (let i = 0; i < 10; i += 1) {
        const name = `bench-${round}-${i}`;
        await admin.createPolicy({ name, document: policyDocument(i, `${bucket}-user`) });
        await admin.attachPolicy(name, { user: userName });
      }
      const key = await admin.createAccessKey({ user: userName });
      const user: Endpoint = { url: root.url, accessKey: key.accessKeyId, secretKey: key.secretAccessKey };
      // The bucket is created by root; the user writes and reads it through its ten policies.
      const order: Array<['root' | 'user', Endpoint]> = round % 2 === 1 ? [['root', root], ['user', user]] : [['user', user], ['root', root]];
      for (const [who, endpoint] of order) {
        await waitForIdle();
        const b = `${bucket}-${who}`;
        const setup = new S3LoadClient(root, 1);
        const created = await setup.request('PUT', `/${b}`);
        await setup.close();
        if (created.status !== 200) throw new Error(`CreateBucket ${b}: HTTP ${created.status}`);
        const result = await run(endpoint, b, data);
        if (result.errors > 0) log(`  ${who}: ${result.errors} request errors`);
        figures[who].push(result);
        log(`round ${round}: ${who} PUT ${result.put.toFixed(0)} ops/s, GET ${result.get.toFixed(0)} ops/s`);
      }
    }
  } finally {
    await server.stop();
  }
  const rootGet = median(figures.root.map((f) => f.get));
  const userGet = median(figures.user.map((f) => f.get));
  const rootPut = median(figures.root.map((f) => f.put));
  const userPut = median(figures.user.map((f) => f.put));
  const ratio = userGet / rootGet;
  process.stdout.write(
    `\nAuthorization overhead (median of ${rounds} rounds, 4 KiB, concurrency 16, ${duration} s per phase)\n` +
      `  GET ops/s: root ${rootGet.toFixed(0)}, user with 10 × 20-statement policies ${userGet.toFixed(0)} → ${(ratio * 100).toFixed(0)} % of root (target ≥ 85 %) ${ratio >= 0.85 ? 'met' : 'NOT met'}\n` +
      `  PUT ops/s: root ${rootPut.toFixed(0)}, user ${userPut.toFixed(0)} → ${((userPut / rootPut) * 100).toFixed(0)} % of root\n`,
  );
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.stack ?? error.message : String(error)}\n`);
  process.exit(1);
});
