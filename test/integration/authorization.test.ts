/**
 * The checks each S3 operation declares, observed through AWS SDK v3 and unsigned requests:
 * which action and which condition keys a request is authorized with. Bucket policies (which
 * bind root and anonymous callers alike) make every declared check visible without users.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  CopyObjectCommand, CreateBucketCommand, CreateMultipartUploadCommand, DeleteBucketPolicyCommand, GetObjectAttributesCommand,
  GetObjectCommand, GetObjectTaggingCommand, ListBucketsCommand, PutBucketPolicyCommand, PutBucketVersioningCommand,
  PutObjectCommand, UploadPartCopyCommand,
} from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { postForm } from '../helpers/post-policy.js';
import { errorCode } from '../helpers/raw-request.js';
import { expectS3Error, startTestServer, type TestServer } from '../helpers/server.js';

type Statement = Record<string, unknown>;
const policy = (...Statement: Statement[]) => JSON.stringify({ Version: '2012-10-17', Statement });
const everything = (bucket: string) => [`arn:aws:s3:::${bucket}`, `arn:aws:s3:::${bucket}/*`];

describe('declared authorization checks of S3 operations', () => {
  let server: TestServer;
  const setPolicy = (Bucket: string, ...statements: Statement[]) => server.client.send(new PutBucketPolicyCommand({ Bucket, Policy: policy(...statements) }));
  const clearPolicy = (Bucket: string) => server.client.send(new DeleteBucketPolicyCommand({ Bucket }));
  const putText = (Bucket: string, Key: string, Body = Key, extra: Record<string, unknown> = {}) => server.client.send(new PutObjectCommand({ Bucket, Key, Body, ...extra }));
  const anonymous = (path: string, init: RequestInit = {}) => fetch(`${server.endpoint}${path}`, init);

  before(async () => {
    server = await startTestServer();
    for (const Bucket of ['az-src', 'az-dst', 'az-tags', 'az-list', 'az-form', 'az-vers', 'az-sig']) await server.client.send(new CreateBucketCommand({ Bucket }));
  });
  after(() => server.stop());

  it('checks s3:GetObject on the copy source and s3:x-amz-copy-source on the destination', async () => {
    await putText('az-src', 'public/a');
    await putText('az-src', 'private/b');
    await setPolicy('az-src', { Effect: 'Deny', Principal: '*', Action: 's3:GetObject', Resource: 'arn:aws:s3:::az-src/private/*' });
    await server.client.send(new CopyObjectCommand({ Bucket: 'az-dst', Key: 'copied-a', CopySource: 'az-src/public/a' }));
    await expectS3Error(server.client.send(new CopyObjectCommand({ Bucket: 'az-dst', Key: 'copied-b', CopySource: 'az-src/private/b' })), 'AccessDenied', 403);
    const upload = await server.client.send(new CreateMultipartUploadCommand({ Bucket: 'az-dst', Key: 'mp' }));
    const partCopy = (CopySource: string) => server.client.send(new UploadPartCopyCommand({ Bucket: 'az-dst', Key: 'mp', UploadId: upload.UploadId, PartNumber: 1, CopySource }));
    await expectS3Error(partCopy('az-src/private/b'), 'AccessDenied', 403);
    await partCopy('az-src/public/a');
    await clearPolicy('az-src');
    await setPolicy('az-dst', {
      Effect: 'Deny', Principal: '*', Action: 's3:PutObject', Resource: 'arn:aws:s3:::az-dst/*',
      Condition: { StringLike: { 's3:x-amz-copy-source': 'az-src/private/*' }, StringEquals: { 's3:x-amz-metadata-directive': 'COPY' } },
    });
    // %2F-encoded or not, the condition sees the decoded source
    await expectS3Error(server.client.send(new CopyObjectCommand({ Bucket: 'az-dst', Key: 'copied-b', CopySource: 'az-src/private%2Fb', MetadataDirective: 'COPY' })), 'AccessDenied', 403);
    await server.client.send(new CopyObjectCommand({ Bucket: 'az-dst', Key: 'copied-b', CopySource: 'az-src/private/b', MetadataDirective: 'REPLACE' }));
    await server.client.send(new CopyObjectCommand({ Bucket: 'az-dst', Key: 'copied-a2', CopySource: 'az-src/public/a', MetadataDirective: 'COPY' }));
    await clearPolicy('az-dst');
  });

  it('sees request tags on upload and requires s3:PutObjectTagging for them', async () => {
    await setPolicy('az-tags', { Effect: 'Deny', Principal: '*', Action: 's3:PutObject', Resource: 'arn:aws:s3:::az-tags/*', Condition: { StringEquals: { 's3:RequestObjectTag/classification': 'secret' } } });
    await expectS3Error(putText('az-tags', 'a', 'a', { Tagging: 'classification=secret' }), 'AccessDenied', 403);
    await putText('az-tags', 'a', 'a', { Tagging: 'classification=public' });
    await setPolicy('az-tags', { Effect: 'Deny', Principal: '*', Action: 's3:PutObjectTagging', Resource: 'arn:aws:s3:::az-tags/*' });
    await expectS3Error(putText('az-tags', 'b', 'b', { Tagging: 'k=v' }), 'AccessDenied', 403);
    await putText('az-tags', 'b');
    await clearPolicy('az-tags');
  });

  it('answers s3:ExistingObjectTag from the stored tags of the object', async () => {
    await putText('az-tags', 'shared.txt', 'shared', { Tagging: 'visibility=public' });
    await putText('az-tags', 'internal.txt', 'internal', { Tagging: 'visibility=internal' });
    await putText('az-tags', 'untagged.txt', 'untagged');
    await setPolicy('az-tags', { Effect: 'Allow', Principal: '*', Action: 's3:GetObject', Resource: 'arn:aws:s3:::az-tags/*', Condition: { StringEquals: { 's3:ExistingObjectTag/visibility': 'public' } } });
    assert.equal(await (await anonymous('/az-tags/shared.txt')).text(), 'shared');
    assert.equal((await anonymous('/az-tags/internal.txt')).status, 403);
    assert.equal((await anonymous('/az-tags/untagged.txt')).status, 403);
    // a request header cannot supply the tag
    assert.equal((await anonymous('/az-tags/internal.txt', { headers: { 'x-amz-tagging': 'visibility=public' } })).status, 403);
    await clearPolicy('az-tags');
  });

  it('passes s3:prefix, s3:delimiter and s3:max-keys to ListBucket conditions only when they are sent', async () => {
    await putText('az-list', 'a/1');
    await setPolicy('az-list', {
      Effect: 'Allow', Principal: '*', Action: 's3:ListBucket', Resource: 'arn:aws:s3:::az-list',
      Condition: { NumericLessThanEquals: { 's3:max-keys': '10' }, StringEquals: { 's3:delimiter': '/' } },
    });
    assert.equal((await anonymous('/az-list?list-type=2&max-keys=5&delimiter=/')).status, 200);
    assert.equal((await anonymous('/az-list?max-keys=5&delimiter=/')).status, 200);
    assert.equal((await anonymous('/az-list?list-type=2&max-keys=100&delimiter=/')).status, 403);
    assert.equal((await anonymous('/az-list?list-type=2&delimiter=/')).status, 403);
    assert.equal((await anonymous('/az-list?list-type=2&max-keys=5')).status, 403);
    assert.equal((await anonymous('/az-list?versions&max-keys=5&delimiter=/')).status, 403, 'ListObjectVersions needs s3:ListBucketVersions');
    await clearPolicy('az-list');
  });

  it('keeps ListBuckets all-or-nothing: anonymous callers never list buckets', async () => {
    await setPolicy('az-list', { Effect: 'Allow', Principal: '*', Action: 's3:*', Resource: everything('az-list') });
    const res = await anonymous('/');
    assert.equal(res.status, 403);
    assert.equal(errorCode(Buffer.from(await res.arrayBuffer())), 'AccessDenied');
    assert.ok(((await server.client.send(new ListBucketsCommand({}))).Buckets ?? []).length >= 7);
    await clearPolicy('az-list');
  });

  it('admits an anonymous form upload exactly where the bucket policy grants "*" s3:PutObject', async () => {
    await setPolicy('az-form', { Effect: 'Allow', Principal: '*', Action: 's3:PutObject', Resource: 'arn:aws:s3:::az-form/drop/*' });
    const allowed = await anonymous('/az-form', { method: 'POST', body: postForm({ key: 'drop/${filename}' }, { bytes: 'dropped', name: 'f.txt' }) });
    assert.equal(allowed.status, 204);
    const got = await server.client.send(new GetObjectCommand({ Bucket: 'az-form', Key: 'drop/f.txt' }));
    assert.equal(await got.Body?.transformToString(), 'dropped');
    const denied = await anonymous('/az-form', { method: 'POST', body: postForm({ key: 'elsewhere.txt' }, { bytes: 'x' }) });
    assert.equal(denied.status, 403);
    await clearPolicy('az-form');
  });

  it('requires s3:PutObjectRetention and s3:PutObjectLegalHold for uploads with lock headers', async () => {
    await setPolicy('az-form', { Effect: 'Deny', Principal: '*', Action: ['s3:PutObjectRetention', 's3:PutObjectLegalHold'], Resource: 'arn:aws:s3:::az-form/*' });
    const retainUntil = new Date(Date.now() + 86_400_000);
    await expectS3Error(putText('az-form', 'locked', 'x', { ObjectLockMode: 'GOVERNANCE', ObjectLockRetainUntilDate: retainUntil }), 'AccessDenied', 403);
    await expectS3Error(putText('az-form', 'held', 'x', { ObjectLockLegalHoldStatus: 'ON' }), 'AccessDenied', 403);
    await putText('az-form', 'plain');
    await clearPolicy('az-form');
  });

  it('evaluates s3:x-amz-server-side-encryption from the request header', async () => {
    await setPolicy('az-form', {
      Effect: 'Deny', Principal: '*', Action: 's3:PutObject', Resource: 'arn:aws:s3:::az-form/*',
      Condition: { StringNotEquals: { 's3:x-amz-server-side-encryption': 'AES256' } },
    });
    await expectS3Error(putText('az-form', 'clear'), 'AccessDenied', 403);
    // allowed by the policy; refused afterwards because SSE is not implemented yet
    await expectS3Error(putText('az-form', 'sse', 'x', { ServerSideEncryption: 'AES256' }), 'NotImplemented', 501);
    await clearPolicy('az-form');
  });

  it('requires the …Version actions for version-specific tagging and attributes', async () => {
    await server.client.send(new PutBucketVersioningCommand({ Bucket: 'az-vers', VersioningConfiguration: { Status: 'Enabled' } }));
    const { VersionId } = await putText('az-vers', 'doc', 'doc', { Tagging: 'a=1' });
    await setPolicy('az-vers', { Effect: 'Deny', Principal: '*', Action: ['s3:GetObjectVersionTagging', 's3:GetObjectVersionAttributes'], Resource: 'arn:aws:s3:::az-vers/*' });
    await expectS3Error(server.client.send(new GetObjectTaggingCommand({ Bucket: 'az-vers', Key: 'doc', VersionId })), 'AccessDenied', 403);
    assert.deepEqual((await server.client.send(new GetObjectTaggingCommand({ Bucket: 'az-vers', Key: 'doc' }))).TagSet, [{ Key: 'a', Value: '1' }]);
    await expectS3Error(server.client.send(new GetObjectAttributesCommand({ Bucket: 'az-vers', Key: 'doc', VersionId, ObjectAttributes: ['ETag'] })), 'AccessDenied', 403);
    await server.client.send(new GetObjectAttributesCommand({ Bucket: 'az-vers', Key: 'doc', ObjectAttributes: ['ETag'] }));
    await setPolicy('az-vers', { Effect: 'Deny', Principal: '*', Action: 's3:GetObjectVersion', Resource: 'arn:aws:s3:::az-vers/*', Condition: { StringEquals: { 's3:versionid': VersionId } } });
    await expectS3Error(server.client.send(new GetObjectCommand({ Bucket: 'az-vers', Key: 'doc', VersionId })), 'AccessDenied', 403);
    const current = await server.client.send(new GetObjectCommand({ Bucket: 'az-vers', Key: 'doc' }));
    assert.equal(await current.Body?.transformToString(), 'doc');
    await clearPolicy('az-vers');
  });

  it('tells header-signed from presigned requests (s3:authType, s3:signatureAge)', async () => {
    await putText('az-sig', 'x');
    await setPolicy('az-sig', { Effect: 'Deny', Principal: '*', Action: 's3:GetObject', Resource: 'arn:aws:s3:::az-sig/*', Condition: { NumericGreaterThan: { 's3:signatureAge': '600000' } } });
    const fresh = await getSignedUrl(server.client, new GetObjectCommand({ Bucket: 'az-sig', Key: 'x' }), { expiresIn: 3600 });
    assert.equal((await fetch(fresh)).status, 200);
    const old = await getSignedUrl(server.client, new GetObjectCommand({ Bucket: 'az-sig', Key: 'x' }), { expiresIn: 3600, signingDate: new Date(Date.now() - 20 * 60_000) });
    assert.equal((await fetch(old)).status, 403);
    await setPolicy('az-sig', { Effect: 'Deny', Principal: '*', Action: 's3:GetObject', Resource: 'arn:aws:s3:::az-sig/*', Condition: { StringEquals: { 's3:authType': 'REST-QUERY-STRING' } } });
    assert.equal((await fetch(fresh)).status, 403);
    const viaHeader = await server.client.send(new GetObjectCommand({ Bucket: 'az-sig', Key: 'x' }));
    assert.equal(await viaHeader.Body?.transformToString(), 'x');
    await clearPolicy('az-sig');
  });
});
