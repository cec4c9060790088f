/**
 * Query-protocol clients sign the body hash. botocore (aws iam, boto3) does not send
 * x-amz-content-sha256 for IAM and STS; SDK v3 clients do. authenticate() with `bodySha256`
 * (the hash of the received body) verifies both and binds the body either way.
 */
import { strict as assert } from 'node:assert';
import { createHash, createHmac, type Hash, type Hmac } from 'node:crypto';
import { createServer, request, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { IAMClient, ListUsersCommand } from '@aws-sdk/client-iam';
import { SignatureV4 } from '@smithy/signature-v4';
import { Secret } from '../../core/index.js';
import { authenticate, type SigningCredential } from '../common/index.js';

const credential: SigningCredential = { accessKeyId: 'AKIDQUERYTEST', secretKey: new Secret('query/secret+chars=') };
const credentials = { accessKeyId: credential.accessKeyId, secretAccessKey: credential.secretKey.reveal() };
let computeHash = true;

async function verify(msg: IncomingMessage): Promise<string> {
  const parts: Buffer[] = [];
  for await (const c of msg) parts.push(c as Buffer);
  const body = Buffer.concat(parts);
  try {
    const auth = await authenticate(
      { method: msg.method!, rawUrl: msg.url!, rawHeaders: [...msg.rawHeaders] },
      {
        lookup: async (id) => (id === credential.accessKeyId ? credential : undefined),
        now: new Date(),
        region: 'us-east-1',
        services: ['iam', 'sts'],
        ...(computeHash ? { bodySha256: createHash('sha256').update(body).digest('hex') } : {}),
      },
    );
    return auth.kind === 'sigv4' ? `sigv4:${auth.service}` : auth.kind;
  } catch (error) {
    return (error as { code?: string }).code ?? String(error);
  }
}

let last = '';
const server = createServer((msg, res) => {
  void verify(msg).then((result) => {
    last = result;
    res.writeHead(500, { 'content-type': 'text/xml' }).end('<ErrorResponse><Error><Code>Stop</Code></Error></ErrorResponse>');
  });
});
let port = 0;

before(async () => {
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  port = (server.address() as AddressInfo).port;
});
after(() => new Promise<void>((r) => server.close(() => r())));

function bytes(data: ArrayBuffer | ArrayBufferView): Uint8Array {
  return ArrayBuffer.isView(data) ? new Uint8Array(data.buffer, data.byteOffset, data.byteLength) : new Uint8Array(data);
}

class NodeSha256 {
  readonly #secret: string | Uint8Array | undefined;
  #hash: Hash | Hmac;
  constructor(secret?: string | ArrayBuffer | ArrayBufferView) {
    this.#secret = secret === undefined || typeof secret === 'string' ? secret : bytes(secret);
    this.#hash = this.#fresh();
  }
  #fresh(): Hash | Hmac {
    return this.#secret === undefined ? createHash('sha256') : createHmac('sha256', this.#secret);
  }
  update(data: string | ArrayBuffer | ArrayBufferView): void {
    this.#hash.update(typeof data === 'string' ? data : bytes(data));
  }
  async digest(): Promise<Uint8Array> {
    return new Uint8Array(this.#hash.digest());
  }
  reset(): void {
    this.#hash = this.#fresh();
  }
}

/** Signs like botocore does for IAM/STS (payload hash signed, header not sent), then sends `sentBody`. */
async function botocoreStyle(service: string, body: string, sentBody = body): Promise<{ result: string; headers: Record<string, string> }> {
  const signer = new SignatureV4({ service, region: 'us-east-1', credentials, sha256: NodeSha256, applyChecksum: false });
  const signed = await signer.sign({
    method: 'POST',
    protocol: 'http:',
    hostname: '127.0.0.1',
    port,
    path: '/',
    query: {},
    headers: { host: `127.0.0.1:${port}`, 'content-type': 'application/x-www-form-urlencoded; charset=utf-8' },
    body,
  });
  await new Promise<void>((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, method: 'POST', path: '/', headers: signed.headers }, (res) => {
      res.resume();
      res.on('end', resolve);
    });
    req.on('error', reject);
    req.end(sentBody);
  });
  return { result: last, headers: signed.headers };
}

describe('SigV4 for the query protocol (payload hash computed by the server)', () => {
  it('verifies a botocore-style request that carries no x-amz-content-sha256, and names its service', async () => {
    const iam = await botocoreStyle('iam', 'Action=ListUsers&Version=2010-05-08');
    assert.equal(iam.headers['x-amz-content-sha256'], undefined);
    assert.equal(iam.result, 'sigv4:iam');
    assert.equal((await botocoreStyle('sts', 'Action=GetCallerIdentity&Version=2011-06-15')).result, 'sigv4:sts');
  });

  it('refuses a botocore-style request whose body changed after signing', async () => {
    const sent = await botocoreStyle('iam', 'Action=ListUsers&Version=2010-05-08', 'Action=DeleteUser&Version=2010-05-08&UserName=a');
    assert.equal(sent.result, 'SignatureDoesNotMatch');
  });

  it('keeps refusing a request without x-amz-content-sha256 where no body hash is supplied (S3 unchanged)', async () => {
    computeHash = false;
    try {
      assert.equal((await botocoreStyle('iam', 'Action=ListUsers&Version=2010-05-08')).result, 'InvalidRequest');
    } finally {
      computeHash = true;
    }
  });

  it('verifies an SDK v3 request that declares the body hash', async () => {
    const iam = new IAMClient({ endpoint: `http://127.0.0.1:${port}`, region: 'us-east-1', credentials, maxAttempts: 1 });
    await iam.send(new ListUsersCommand({ MaxItems: 5 })).catch(() => undefined);
    assert.equal(last, 'sigv4:iam');
    iam.destroy();
  });

  it('refuses a signed request whose declared payload hash is not the body’s (UNSIGNED-PAYLOAD included)', async () => {
    const iam = new IAMClient({ endpoint: `http://127.0.0.1:${port}`, region: 'us-east-1', credentials, maxAttempts: 1 });
    iam.middlewareStack.add(
      (next) => async (args) => {
        (args.request as { headers: Record<string, string> }).headers['x-amz-content-sha256'] = 'UNSIGNED-PAYLOAD';
        return next(args);
      },
      { step: 'build', name: 'unsignedPayload' },
    );
    await iam.send(new ListUsersCommand({})).catch(() => undefined);
    assert.equal(last, 'XAmzContentSHA256Mismatch');
    iam.destroy();
  });
});
