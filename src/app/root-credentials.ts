/**
 * Root credentials. Protects the one identity that may do everything.
 * Provided ones come from configuration (validated there: secret ≥ 8 characters). Without
 * them, a random pair is generated on first start (access key 20 chars, secret 40 chars from
 * a CSPRNG), written to <data>/.coffer/root-credentials.json with mode 0600 in a 0700 folder
 * (temp file + fsync + rename), and printed once. Later starts read the file silently.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, open, readFile, rename, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { Secret } from '../core/index.js';

export interface RootCredentials {
  accessKey: string;
  secretKey: Secret<string>;
  generated: boolean;
  path: string | undefined;
}

const ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';

function randomString(length: number, alphabet: string): string {
  const bytes = randomBytes(length * 2);
  let out = '';
  for (let i = 0; out.length < length && i < bytes.length; i++) {
    const byte = bytes[i] as number;
    if (byte < 256 - (256 % alphabet.length)) out += alphabet[byte % alphabet.length];
  }
  return out.length === length ? out : randomString(length, alphabet);
}

export async function resolveRootCredentials(
  dataDir: string,
  provided: { accessKey: string; secretKey: Secret<string> } | undefined,
): Promise<RootCredentials> {
  if (provided) return { ...provided, generated: false, path: undefined };
  const dir = join(dataDir, '.coffer');
  const path = join(dir, 'root-credentials.json');
  try {
    const info = await stat(path);
    if ((info.mode & 0o077) !== 0) throw new Error(`${path} must have mode 0600`);
    const parsed = JSON.parse(await readFile(path, 'utf8')) as { formatVersion: number; accessKey: string; secretKey: string };
    if (parsed.formatVersion !== 1 || typeof parsed.accessKey !== 'string' || typeof parsed.secretKey !== 'string') {
      throw new Error(`${path} is not a Coffer root credentials file`);
    }
    return { accessKey: parsed.accessKey, secretKey: new Secret(parsed.secretKey), generated: false, path };
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const accessKey = randomString(20, ALNUM);
  const secretKey = randomBytes(30).toString('base64').replace(/[+/]/g, (c) => (c === '+' ? 'x' : 'z'));
  const temp = `${path}.${process.pid}.tmp`;
  const handle = await open(temp, 'wx', 0o600);
  try {
    await handle.writeFile(`${JSON.stringify({ formatVersion: 1, accessKey, secretKey }, null, 2)}\n`);
    await handle.sync();
  } finally {
    await handle.close();
  }
  await rename(temp, path);
  const dirHandle = await open(dir, 'r');
  await dirHandle.sync().finally(() => dirHandle.close());
  return { accessKey, secretKey: new Secret(secretKey), generated: true, path };
}

/** `plainHttpCertsDir`: the certificates directory when the listener is plain HTTP (adds the TLS hint). */
export function firstStartBanner(root: RootCredentials, endpoint: string, region: string, plainHttpCertsDir?: string): string {
  const secret = root.secretKey.reveal();
  const tlsHint = plainHttpCertsDir === undefined
    ? []
    : [
        'Traffic to this endpoint is not encrypted. For HTTPS, restart with --auto-tls (a private CA',
        `and certificate; clients then trust it with AWS_CA_BUNDLE), or put public.crt and private.key`,
        `in ${plainHttpCertsDir}.`,
        '',
      ];
  return [
    '',
    'Coffer generated root credentials on first start. They are shown this once;',
    `they are stored in ${root.path} (mode 0600).`,
    '',
    `  Access key: ${root.accessKey}`,
    `  Secret key: ${secret}`,
    '',
    'Use them with the AWS CLI:',
    `  export AWS_ACCESS_KEY_ID=${root.accessKey}`,
    `  export AWS_SECRET_ACCESS_KEY=${secret}`,
    `  export AWS_DEFAULT_REGION=${region}`,
    `  aws --endpoint-url ${endpoint} s3 ls`,
    'or: aws configure  (then pass --endpoint-url on each call)',
    '',
    ...tlsHint,
  ].join('\n');
}
