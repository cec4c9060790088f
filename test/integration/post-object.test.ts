import assert from 'node:assert/strict';
import { createHash, createHmac } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { CreateBucketCommand, GetObjectCommand, GetObjectTaggingCommand, HeadObjectCommand } from '@aws-sdk/client-s3';
import { postForm, signPostPolicy } from '../helpers/post-policy.js';
import { errorCode } from '../helpers/raw-request.js';
import { expectS3Error, ROOT_ACCESS_KEY, ROOT_SECRET_KEY, startTestServer, type TestServer } from '../helpers/server.js';

const BUCKET = 'forms';

interface Posted {
  status: number;
  headers: Headers;
  text: string;
  code: string | undefined;
  message: string | undefined;
}

describe('PostObject: browser form uploads with a SigV4 POST policy', () => {
  let server: TestServer;
  before(async () => {
    server = await startTestServer();
    await server.client.send(new CreateBucketCommand({ Bucket: BUCKET }));
  });
  after(() => server.stop());

  const sign = (conditions: unknown[], extra: Partial<Parameters<typeof signPostPolicy>[0]> = {}) =>
    signPostPolicy({ accessKey: ROOT_ACCESS_KEY, secretKey: ROOT_SECRET_KEY, bucket: BUCKET, conditions, ...extra });

  async function post(body: FormData | Buffer | string, init: { bucket?: string; headers?: Record<string, string> } = {}): Promise<Posted> {
    const res = await fetch(`${server.endpoint}/${init.bucket ?? BUCKET}`, { method: 'POST', body, headers: init.headers, redirect: 'manual' });
    const text = await res.text();
    return {
      status: res.status,
      headers: res.headers,
      text,
      code: errorCode(Buffer.from(text)),
      message: /<Message>([^<]*)<\/Message>/.exec(text)?.[1]?.replace(/&apos;/g, "'").replace(/&quot;/g, '"').replace(/&amp;/g, '&'),
    };
  }

  async function assertAbsent(key: string): Promise<void> {
    await expectS3Error(server.client.send(new HeadObjectCommand({ Bucket: BUCKET, Key: key })), 'NotFound', 404);
  }

  async function read(key: string): Promise<{ bytes: Buffer; contentType: string | undefined; metadata: Record<string, string> | undefined }> {
    const got = await server.client.send(new GetObjectCommand({ Bucket: BUCKET, Key: key }));
    return { bytes: Buffer.from(await got.Body!.transformToByteArray()), contentType: got.ContentType, metadata: got.Metadata };
  }

  /** A valid signed form for `key` with standard conditions, plus extra fields/conditions. */
  function form(key: string, bytes: Buffer | string, more: { fields?: Record<string, string>; conditions?: unknown[]; expiration?: Date } = {}): FormData {
    const auth = sign([{ bucket: BUCKET }, ['eq', '$key', key], ...(more.conditions ?? [])], { expiration: more.expiration });
    return postForm({ key, ...more.fields, ...auth }, { bytes });
  }

  it('stores the file under the key and answers 204 with the ETag by default', async () => {
    const bytes = Buffer.from('hello from a form');
    const res = await post(form('docs/hello.txt', bytes, {
      fields: { 'Content-Type': 'text/plain', 'x-amz-meta-owner': 'alice' },
      conditions: [{ 'Content-Type': 'text/plain' }, ['starts-with', '$x-amz-meta-owner', '']],
    }));
    assert.equal(res.status, 204, res.text);
    assert.equal(res.headers.get('etag'), `"${createHash('md5').update(bytes).digest('hex')}"`);
    const stored = await read('docs/hello.txt');
    assert.deepEqual(stored.bytes, bytes);
    assert.equal(stored.contentType, 'text/plain');
    assert.deepEqual(stored.metadata, { owner: 'alice' });
  });

  it('streams a large file (3 MiB) to storage intact', async () => {
    const bytes = Buffer.alloc(3 * 1024 * 1024 + 17, 7);
    bytes.write('start');
    const res = await post(form('big.bin', bytes, { conditions: [['content-length-range', 1, 4 * 1024 * 1024]] }));
    assert.equal(res.status, 204, res.text);
    assert.ok((await read('big.bin')).bytes.equals(bytes));
  });

  it('answers 201 with PostResponse XML when success_action_status is 201', async () => {
    const res = await post(form('created.txt', 'x', { fields: { success_action_status: '201' }, conditions: [{ success_action_status: '201' }] }));
    assert.equal(res.status, 201);
    assert.match(res.text, /<PostResponse><Location>http:\/\/[^<]+\/forms\/created\.txt<\/Location><Bucket>forms<\/Bucket><Key>created\.txt<\/Key><ETag>&quot;[0-9a-f]{32}&quot;<\/ETag><\/PostResponse>/);
  });

  it('answers 200 with an empty body when success_action_status is 200, and 204 for unknown values', async () => {
    const ok = await post(form('ok200.txt', 'x', { fields: { success_action_status: '200' }, conditions: [{ success_action_status: '200' }] }));
    assert.equal(ok.status, 200);
    assert.equal(ok.text, '');
    const odd = await post(form('odd.txt', 'x', { fields: { success_action_status: '302' }, conditions: [{ success_action_status: '302' }] }));
    assert.equal(odd.status, 204);
  });

  it('redirects with 303 to success_action_redirect with bucket, key and etag', async () => {
    const res = await post(form('redirected.txt', 'abc', {
      fields: { success_action_redirect: 'https://app.example/done?from=form' },
      conditions: [['starts-with', '$success_action_redirect', 'https://app.example/']],
    }));
    assert.equal(res.status, 303);
    const location = new URL(res.headers.get('location') ?? '');
    assert.equal(location.origin + location.pathname, 'https://app.example/done');
    assert.equal(location.searchParams.get('from'), 'form');
    assert.equal(location.searchParams.get('bucket'), BUCKET);
    assert.equal(location.searchParams.get('key'), 'redirected.txt');
    assert.equal(location.searchParams.get('etag'), `"${createHash('md5').update('abc').digest('hex')}"`);
  });

  it('substitutes ${filename} in the key with the name of the uploaded file', async () => {
    const auth = sign([{ bucket: BUCKET }, ['starts-with', '$key', 'uploads/']]);
    const res = await post(postForm({ key: 'uploads/${filename}', ...auth }, { bytes: 'photo', name: 'cat.jpg' }));
    assert.equal(res.status, 204, res.text);
    assert.equal((await read('uploads/cat.jpg')).bytes.toString(), 'photo');
  });

  it('compares field names case-insensitively and values exactly', async () => {
    const auth = sign([{ BUCKET }, ['eq', '$KEY', 'case.txt'], ['eq', '$Content-Type', 'text/csv']]);
    const res = await post(postForm({ Key: 'case.txt', 'content-type': 'text/csv', ...auth }, { bytes: 'a,b' }));
    assert.equal(res.status, 204, res.text);
    const wrongCase = await post(postForm({ key: 'case2.txt', 'Content-Type': 'TEXT/CSV', ...sign([{ bucket: BUCKET }, { key: 'case2.txt' }, { 'Content-Type': 'text/csv' }]) }, { bytes: 'a' }));
    assert.equal(wrongCase.code, 'AccessDenied');
    await assertAbsent('case2.txt');
  });

  it('accepts x-ignore- fields that no condition names', async () => {
    const res = await post(form('ignored.txt', 'x', { fields: { 'x-ignore-tracking': '42' } }));
    assert.equal(res.status, 204, res.text);
  });

  // ---- every condition's deny side: AccessDenied "Invalid according to Policy: …", nothing stored

  const denials: Array<{ name: string; key: string; fields?: Record<string, string>; conditions: unknown[]; expiration?: Date; message: RegExp }> = [
    { name: 'an expired policy', key: 'expired.txt', conditions: [], expiration: new Date(Date.now() - 1000), message: /^Invalid according to Policy: Policy expired\.$/ },
    { name: 'a bucket condition naming another bucket', key: 'b.txt', conditions: [{ bucket: 'other-bucket' }], message: /Policy Condition failed: .*other-bucket/ },
    { name: 'a key eq condition that does not match', key: 'k1.txt', conditions: [['eq', '$key', 'elsewhere.txt']], message: /Policy Condition failed/ },
    { name: 'a key starts-with condition that does not match', key: 'k2.txt', conditions: [['starts-with', '$key', 'user/alice/']], message: /Policy Condition failed/ },
    { name: 'a Content-Type condition that does not match', key: 'ct.txt', fields: { 'Content-Type': 'text/html' }, conditions: [['starts-with', '$Content-Type', 'image/']], message: /Policy Condition failed/ },
    { name: 'a Content-Type list with one value outside the prefix', key: 'ct2.txt', fields: { 'Content-Type': 'image/png, text/html' }, conditions: [['starts-with', '$Content-Type', 'image/']], message: /Policy Condition failed/ },
    { name: 'an x-amz-meta- condition that does not match', key: 'meta.txt', fields: { 'x-amz-meta-project': 'b' }, conditions: [{ 'x-amz-meta-project': 'a' }], message: /Policy Condition failed/ },
    { name: 'a success_action_status condition that does not match', key: 's.txt', fields: { success_action_status: '200' }, conditions: [{ success_action_status: '201' }], message: /Policy Condition failed/ },
    { name: 'a success_action_redirect condition that does not match', key: 'r.txt', fields: { success_action_redirect: 'https://evil.example/' }, conditions: [['starts-with', '$success_action_redirect', 'https://app.example/']], message: /Policy Condition failed/ },
    { name: 'an acl condition that does not match', key: 'acl.txt', fields: { acl: 'private' }, conditions: [{ acl: 'bucket-owner-full-control' }], message: /Policy Condition failed/ },
    { name: 'an x-amz-storage-class condition that does not match', key: 'sc.txt', fields: { 'x-amz-storage-class': 'STANDARD' }, conditions: [{ 'x-amz-storage-class': 'REDUCED_REDUNDANCY' }], message: /Policy Condition failed/ },
    { name: 'a condition on a field the form does not carry', key: 'missing.txt', conditions: [{ 'x-amz-meta-required': 'yes' }], message: /Policy Condition failed/ },
    { name: 'a form field no condition covers', key: 'extra.txt', fields: { 'x-amz-meta-sneaky': '1' }, conditions: [], message: /^Invalid according to Policy: Extra input fields: x-amz-meta-sneaky$/ },
    { name: 'an uncovered Content-Type field', key: 'extra2.txt', fields: { 'Content-Type': 'text/html' }, conditions: [], message: /Extra input fields: content-type/ },
    { name: 'an uncovered success_action_redirect', key: 'extra3.txt', fields: { success_action_redirect: 'https://evil.example/' }, conditions: [], message: /Extra input fields: success_action_redirect/ },
  ];
  for (const denial of denials) {
    it(`refuses ${denial.name} with AccessDenied and stores nothing`, async () => {
      const res = await post(form(denial.key, 'must not be stored', { fields: denial.fields, conditions: denial.conditions, expiration: denial.expiration }));
      assert.equal(res.status, 403, res.text);
      assert.equal(res.code, 'AccessDenied');
      assert.match(res.message ?? '', denial.message);
      await assertAbsent(denial.key);
    });
  }

  it('refuses a file larger than content-length-range with EntityTooLarge and stores nothing', async () => {
    const res = await post(form('large.bin', Buffer.alloc(2049), { conditions: [['content-length-range', 0, 2048]] }));
    assert.equal(res.code, 'EntityTooLarge', res.text);
    assert.equal(res.status, 400);
    await assertAbsent('large.bin');
  });

  it('refuses a file smaller than content-length-range with EntityTooSmall and stores nothing', async () => {
    const res = await post(form('small.bin', Buffer.alloc(9), { conditions: [['content-length-range', 10, 2048]] }));
    assert.equal(res.code, 'EntityTooSmall', res.text);
    await assertAbsent('small.bin');
  });

  it('refuses an acl other than private even when the policy allows it', async () => {
    const res = await post(form('public.txt', 'x', { fields: { acl: 'public-read' }, conditions: [{ acl: 'public-read' }] }));
    assert.equal(res.code, 'AccessControlListNotSupported');
    await assertAbsent('public.txt');
  });

  it('refuses a wrong signature, a tampered policy and an unknown access key', async () => {
    const good = sign([{ bucket: BUCKET }, { key: 'sig.txt' }]);
    const wrong = await post(postForm({ key: 'sig.txt', ...good, 'x-amz-signature': '0'.repeat(64) }, { bytes: 'x' }));
    assert.equal(wrong.code, 'SignatureDoesNotMatch');
    assert.equal(wrong.status, 403);
    const looser = Buffer.from(JSON.stringify({ expiration: '2099-01-01T00:00:00Z', conditions: [['starts-with', '$key', '']] })).toString('base64');
    const tampered = await post(postForm({ key: 'sig.txt', ...good, policy: looser }, { bytes: 'x' }));
    assert.equal(tampered.code, 'SignatureDoesNotMatch');
    const unknown = signPostPolicy({ accessKey: 'NOSUCHKEY00000000000', secretKey: ROOT_SECRET_KEY, bucket: BUCKET, conditions: [{ key: 'sig.txt' }] });
    const stranger = await post(postForm({ key: 'sig.txt', ...unknown }, { bytes: 'x' }));
    assert.equal(stranger.code, 'InvalidAccessKeyId');
    await assertAbsent('sig.txt');
  });

  it('refuses a credential scoped to another region', async () => {
    const res = await post(postForm({ key: 'region.txt', ...sign([{ key: 'region.txt' }], { region: 'eu-west-1' }) }, { bytes: 'x' }));
    assert.equal(res.code, 'AuthorizationQueryParametersError');
    await assertAbsent('region.txt');
  });

  it('refuses an anonymous form without a policy with AccessDenied', async () => {
    const res = await post(postForm({ key: 'anon.txt' }, { bytes: 'x' }));
    assert.equal(res.status, 403);
    assert.equal(res.code, 'AccessDenied');
    await assertAbsent('anon.txt');
  });

  it('refuses a form whose signature fields come without a policy', async () => {
    const { policy: _policy, ...rest } = sign([{ key: 'nopolicy.txt' }]);
    const res = await post(postForm({ key: 'nopolicy.txt', ...rest }, { bytes: 'x' }));
    assert.equal(res.code, 'InvalidArgument');
  });

  it('refuses a signed policy that is not valid JSON with InvalidPolicyDocument', async () => {
    const res = await post(postForm({ key: 'json.txt', ...sign([{ key: 'json.txt' }]), policy: 'bm90IGpzb24=' }, { bytes: 'x' }));
    // the signature covers the policy text, so a replaced policy fails the signature first
    assert.equal(res.code, 'SignatureDoesNotMatch');
  });

  /** A SigV2 form (AWSAccessKeyId + base64 HMAC-SHA1 signature of the policy) for `key`. */
  function v2Form(key: string, conditions: unknown[], opts: { secret?: string; accessKey?: string; bucket?: string; fieldsAsFiles?: boolean } = {}): FormData {
    const policy = Buffer.from(JSON.stringify({ expiration: new Date(Date.now() + 3_600_000).toISOString(), conditions: [{ bucket: opts.bucket ?? BUCKET }, ...conditions] })).toString('base64');
    const signature = createHmac('sha1', opts.secret ?? ROOT_SECRET_KEY).update(policy).digest('base64');
    const fields: Record<string, string> = { key, AWSAccessKeyId: opts.accessKey ?? ROOT_ACCESS_KEY, acl: 'private', signature, policy, 'Content-Type': 'text/plain' };
    const form = new FormData();
    // Python's requests (files=…) and some form libraries send every field as a file part.
    for (const [name, value] of Object.entries(fields)) {
      if (opts.fieldsAsFiles) form.append(name, new Blob([value]), name);
      else form.append(name, value);
    }
    form.append('file', new Blob(['bar'], { type: 'text/plain' }), 'file');
    return form;
  }
  const v2Conditions = [['starts-with', '$key', 'v2'], { acl: 'private' }, ['starts-with', '$Content-Type', 'text/plain'], ['content-length-range', 0, 1024]];

  it('refuses a correctly signed SigV2 form with a clear InvalidRequest and stores nothing (no downgrade to HMAC-SHA1)', async () => {
    for (const fieldsAsFiles of [false, true]) {
      const res = await post(v2Form('v2-plain.txt', v2Conditions, { fieldsAsFiles }));
      assert.deepEqual([res.status, res.code], [400, 'InvalidRequest'], res.text);
      assert.match(res.text, /AWS4-HMAC-SHA256/);
    }
    await assertAbsent('v2-plain.txt');
  });

  it('stores the tags of a tagging field (a <Tagging> document the policy covers)', async () => {
    const tagging = '<Tagging><TagSet><Tag><Key>0</Key><Value>zero</Value></Tag><Tag><Key>1</Key><Value>one</Value></Tag></TagSet></Tagging>';
    const res = await post(form('tagged.txt', 'x', { fields: { tagging }, conditions: [['starts-with', '$tagging', '']] }));
    assert.equal(res.status, 204, res.text);
    const got = await server.client.send(new GetObjectTaggingCommand({ Bucket: BUCKET, Key: 'tagged.txt' }));
    assert.deepEqual(got.TagSet, [{ Key: '0', Value: 'zero' }, { Key: '1', Value: 'one' }]);
    const bad = await post(form('badtags.txt', 'x', { fields: { tagging: '<Tagging><TagSet><Tag><Key>k</Key></Tag></TagSet></Tagging>' }, conditions: [['starts-with', '$tagging', '']] }));
    assert.equal(bad.code, 'MalformedXML');
    await assertAbsent('badtags.txt');
  });

  it('refuses a form mixing SigV2 and SigV4 fields', async () => {
    const mixed = await post(postForm({ key: 'v2-bad.txt', AWSAccessKeyId: ROOT_ACCESS_KEY, signature: 'abc', ...sign([{ key: 'v2-bad.txt' }]) }, { bytes: 'x' }));
    assert.equal(mixed.code, 'InvalidRequest');
    await assertAbsent('v2-bad.txt');
  });

  it('refuses a form without a file, and a form without a key', async () => {
    const noFile = await post(postForm({ key: 'nofile.txt', ...sign([{ key: 'nofile.txt' }]) }));
    assert.equal(noFile.code, 'IncorrectNumberOfFilesInPostRequest');
    const noKey = await post(postForm({ ...sign([]) }, { bytes: 'x' }));
    assert.equal(noKey.code, 'InvalidArgument');
    assert.match(noKey.message ?? '', /must contain a field named 'key'/);
  });

  it('answers 412 to a POST that is not multipart/form-data', async () => {
    const res = await post('key=x', { headers: { 'content-type': 'application/x-www-form-urlencoded' } });
    assert.equal(res.status, 412);
    assert.equal(res.code, 'PreconditionFailed');
  });

  it('refuses a form field longer than 20 KiB with MaxPostPreDataLengthExceededError', async () => {
    const res = await post(form('toolong.txt', 'x', { fields: { 'x-amz-meta-big': 'a'.repeat(21 * 1024) }, conditions: [['starts-with', '$x-amz-meta-big', '']] }));
    assert.equal(res.code, 'MaxPostPreDataLengthExceededError');
    await assertAbsent('toolong.txt');
  });

  it('refuses a truncated multipart body with MalformedPOSTRequest and stores nothing', async () => {
    const auth = sign([{ bucket: BUCKET }, { key: 'broken.txt' }]);
    const boundary = 'XyZboundary';
    const parts = Object.entries({ key: 'broken.txt', ...auth })
      .map(([n, v]) => `--${boundary}\r\nContent-Disposition: form-data; name="${n}"\r\n\r\n${v}\r\n`)
      .join('');
    const body = Buffer.from(`${parts}--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="a.txt"\r\n\r\nhalf a file with no closing boundary`);
    const res = await post(body, { headers: { 'content-type': `multipart/form-data; boundary=${boundary}` } });
    assert.equal(res.code, 'MalformedPOSTRequest', res.text);
    await assertAbsent('broken.txt');
  });

  it('answers NoSuchBucket for a signed form to a missing bucket', async () => {
    const res = await post(postForm({ key: 'x.txt', ...sign([{ key: 'x.txt' }]) }, { bytes: 'x' }), { bucket: 'no-such-bucket' });
    assert.equal(res.code, 'NoSuchBucket');
  });

  it('refuses a form upload that also carries an Authorization header', async () => {
    const res = await post(form('both.txt', 'x'), { headers: { authorization: 'AWS4-HMAC-SHA256 Credential=x' } });
    assert.equal(res.code, 'InvalidRequest');
    await assertAbsent('both.txt');
  });
});
