import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import {
  AbortMultipartUploadCommand, CompleteMultipartUploadCommand, CreateBucketCommand, CreateMultipartUploadCommand, GetObjectCommand,
  HeadObjectCommand, ListMultipartUploadsCommand, ListPartsCommand, PutBucketVersioningCommand, PutObjectCommand, UploadPartCommand,
  UploadPartCopyCommand, GetObjectTaggingCommand, type CompletedPart, type S3Client,
} from '@aws-sdk/client-s3';
import { errorCode, sendRaw, sha256Hex, signRequest } from '../helpers/raw-request.js';
import { expectS3Error, ROOT_ACCESS_KEY, ROOT_SECRET_KEY, startTestServer, type TestServer } from '../helpers/server.js';

const MiB = 1024 * 1024;
const B = 'multipart';
const md5 = (bytes: Buffer) => createHash('md5').update(bytes).digest();

function multipartEtag(parts: Buffer[]): string {
  return `"${createHash('md5').update(Buffer.concat(parts.map(md5))).digest('hex')}-${parts.length}"`;
}

async function countBlobs(dataDir: string): Promise<number> {
  let count = 0;
  for (const shard of await readdir(join(dataDir, 'blobs'))) count += (await readdir(join(dataDir, 'blobs', shard))).length;
  return count;
}

describe('multipart uploads through AWS SDK v3', () => {
  let server: TestServer;
  const send = ((command: Parameters<S3Client['send']>[0]) => server.client.send(command)) as S3Client['send'];

  async function upload(key: string, parts: Buffer[], extra: Partial<ConstructorParameters<typeof CreateMultipartUploadCommand>[0]> = {}) {
    const { UploadId } = await server.client.send(new CreateMultipartUploadCommand({ Bucket: B, Key: key, ...extra }));
    const completed: CompletedPart[] = [];
    for (const [i, body] of parts.entries()) {
      const out = await server.client.send(new UploadPartCommand({ Bucket: B, Key: key, UploadId, PartNumber: i + 1, Body: body }));
      completed.push({ PartNumber: i + 1, ETag: out.ETag });
    }
    return { uploadId: UploadId as string, completed };
  }

  const complete = (key: string, uploadId: string, parts: CompletedPart[]) =>
    server.client.send(new CompleteMultipartUploadCommand({ Bucket: B, Key: key, UploadId: uploadId, MultipartUpload: { Parts: parts } }));

  before(async () => {
    server = await startTestServer();
    await server.client.send(new CreateBucketCommand({ Bucket: B }));
  });
  after(() => server.stop());

  it('round-trips a 20 MiB object uploaded in four parts, with the multipart ETag and per-part reads', async () => {
    const parts = [randomBytes(6 * MiB), randomBytes(5 * MiB), randomBytes(7 * MiB), randomBytes(2 * MiB)];
    const whole = Buffer.concat(parts);
    const blobsBefore = await countBlobs(server.dataDir);
    const { uploadId, completed } = await upload('big/object.bin', parts, { ContentType: 'application/x-big', Metadata: { color: 'blue' } });
    const done = await complete('big/object.bin', uploadId, completed);
    assert.equal(done.ETag, multipartEtag(parts));
    assert.equal(done.Key, 'big/object.bin');
    assert.equal(await countBlobs(server.dataDir), blobsBefore + 4, 'completing references the part blobs, it copies nothing');

    const got = await send(new GetObjectCommand({ Bucket: B, Key: 'big/object.bin' }));
    assert.equal(got.ContentLength, whole.length);
    assert.equal(got.ContentType, 'application/x-big');
    assert.deepEqual(got.Metadata, { color: 'blue' });
    assert.equal(got.ETag, multipartEtag(parts));
    assert.ok(Buffer.from(await got.Body!.transformToByteArray()).equals(whole));

    const head = await send(new HeadObjectCommand({ Bucket: B, Key: 'big/object.bin', PartNumber: 3 }));
    assert.equal(head.PartsCount, 4);
    assert.equal(head.ContentLength, 7 * MiB);
    const part2 = await send(new GetObjectCommand({ Bucket: B, Key: 'big/object.bin', PartNumber: 2 }));
    assert.equal(part2.ContentRange, `bytes ${6 * MiB}-${11 * MiB - 1}/${whole.length}`);
    assert.ok(Buffer.from(await part2.Body!.transformToByteArray()).equals(parts[1]!));
    // A part number past the part count is 400 InvalidPart, as for a single-part object.
    await expectS3Error(send(new GetObjectCommand({ Bucket: B, Key: 'big/object.bin', PartNumber: 5 })), 'InvalidPart', 400);
  });

  it('answers a repeated CompleteMultipartUpload with the same result while the object it made exists', async () => {
    const parts = [randomBytes(5 * MiB), randomBytes(100)];
    const { uploadId, completed } = await upload('again', parts);
    const first = await complete('again', uploadId, completed);
    const second = await complete('again', uploadId, completed);
    assert.equal(second.ETag, first.ETag);
    assert.equal(second.ETag, multipartEtag(parts));
    assert.equal(second.VersionId, first.VersionId);
    // other parts, another key, or an object that is gone: the upload no longer exists
    await expectS3Error(complete('again', uploadId, completed.slice(0, 1)), 'NoSuchUpload', 404);
    await expectS3Error(complete('other-key', uploadId, completed), 'NoSuchUpload', 404);
    await send(new PutObjectCommand({ Bucket: B, Key: 'again', Body: 'overwritten' }));
    await expectS3Error(complete('again', uploadId, completed), 'NoSuchUpload', 404);
  });

  it('serves ranges that span part boundaries', async () => {
    const parts = [randomBytes(5 * MiB), randomBytes(5 * MiB), randomBytes(1000)];
    const whole = Buffer.concat(parts);
    const { uploadId, completed } = await upload('ranges', parts);
    await complete('ranges', uploadId, completed);
    const cases: Array<[number, number]> = [
      [5 * MiB - 10, 5 * MiB + 9], [0, 10 * MiB + 999], [5 * MiB - 1, 10 * MiB], [10 * MiB, 10 * MiB + 999], [3, 3], [5 * MiB, 5 * MiB],
    ];
    for (const [start, end] of cases) {
      const got = await send(new GetObjectCommand({ Bucket: B, Key: 'ranges', Range: `bytes=${start}-${end}` }));
      assert.equal(got.ContentRange, `bytes ${start}-${end}/${whole.length}`);
      assert.ok(Buffer.from(await got.Body!.transformToByteArray()).equals(whole.subarray(start, end + 1)), `${start}-${end}`);
    }
    const tail = await send(new GetObjectCommand({ Bucket: B, Key: 'ranges', Range: 'bytes=-1500' }));
    assert.ok(Buffer.from(await tail.Body!.transformToByteArray()).equals(whole.subarray(whole.length - 1500)));
  });

  it('refuses a wrong ETag, a wrong order, a missing part and a small part, and changes nothing', async () => {
    const parts = [randomBytes(5 * MiB), randomBytes(MiB), randomBytes(100)];
    const { uploadId, completed } = await upload('refused', parts);
    const [p1, p2, p3] = completed as [CompletedPart, CompletedPart, CompletedPart];
    await expectS3Error(complete('refused', uploadId, [p1, { PartNumber: 2, ETag: '"00000000000000000000000000000000"' }]), 'InvalidPart', 400);
    await expectS3Error(complete('refused', uploadId, [p2, p1]), 'InvalidPartOrder', 400);
    await expectS3Error(complete('refused', uploadId, [p1, p1]), 'InvalidPartOrder', 400);
    await expectS3Error(complete('refused', uploadId, [p1, { PartNumber: 9, ETag: p2.ETag }]), 'InvalidPart', 400);
    await expectS3Error(complete('refused', uploadId, [p1, p2, p3]), 'EntityTooSmall', 400);
    await expectS3Error(complete('refused', 'NOTANUPLOADID', [p1]), 'NoSuchUpload', 404);
    await expectS3Error(send(new HeadObjectCommand({ Bucket: B, Key: 'refused' })), 'NotFound', 404);
    const listed = await send(new ListPartsCommand({ Bucket: B, Key: 'refused', UploadId: uploadId }));
    assert.deepEqual(listed.Parts?.map((p) => p.PartNumber), [1, 2, 3]);
    // The small part may be the last one: completing with parts 1 and 2 works, part 3 is released.
    const blobs = await countBlobs(server.dataDir);
    const done = await complete('refused', uploadId, [p1, p2]);
    assert.equal(done.ETag, multipartEtag(parts.slice(0, 2)));
    assert.equal(await countBlobs(server.dataDir), blobs - 1, 'the unused part blob is deleted');
    // Completing again with the same parts answers the same result (S3); other parts do not.
    assert.equal((await complete('refused', uploadId, [p1, p2])).ETag, done.ETag);
    await expectS3Error(complete('refused', uploadId, [p1]), 'NoSuchUpload', 404);
  });

  it('refuses part numbers outside 1..10000 and an upload id of another key', async () => {
    const { UploadId } = await send(new CreateMultipartUploadCommand({ Bucket: B, Key: 'numbers' }));
    await expectS3Error(send(new UploadPartCommand({ Bucket: B, Key: 'numbers', UploadId, PartNumber: 0, Body: 'x' })), 'InvalidArgument', 400);
    await expectS3Error(send(new UploadPartCommand({ Bucket: B, Key: 'numbers', UploadId, PartNumber: 10001, Body: 'x' })), 'InvalidArgument', 400);
    await expectS3Error(send(new UploadPartCommand({ Bucket: B, Key: 'other', UploadId, PartNumber: 1, Body: 'x' })), 'NoSuchUpload', 404);
    await send(new UploadPartCommand({ Bucket: B, Key: 'numbers', UploadId, PartNumber: 10000, Body: 'x' }));
    await send(new AbortMultipartUploadCommand({ Bucket: B, Key: 'numbers', UploadId }));
  });

  it('replaces a re-uploaded part and deletes the old blob', async () => {
    const { uploadId } = await upload('replace', [Buffer.from('first version')]);
    const blobs = await countBlobs(server.dataDir);
    const second = await send(new UploadPartCommand({ Bucket: B, Key: 'replace', UploadId: uploadId, PartNumber: 1, Body: 'second' }));
    assert.equal(await countBlobs(server.dataDir), blobs);
    await complete('replace', uploadId, [{ PartNumber: 1, ETag: second.ETag }]);
    const got = await send(new GetObjectCommand({ Bucket: B, Key: 'replace' }));
    assert.equal(await got.Body!.transformToString(), 'second');
  });

  it('aborts an upload: its part blobs go and the upload id is unknown afterwards', async () => {
    const blobs = await countBlobs(server.dataDir);
    const { uploadId, completed } = await upload('aborted', [randomBytes(1000), randomBytes(2000)]);
    assert.equal(await countBlobs(server.dataDir), blobs + 2);
    await send(new AbortMultipartUploadCommand({ Bucket: B, Key: 'aborted', UploadId: uploadId }));
    assert.equal(await countBlobs(server.dataDir), blobs);
    await expectS3Error(send(new AbortMultipartUploadCommand({ Bucket: B, Key: 'aborted', UploadId: uploadId })), 'NoSuchUpload', 404);
    await expectS3Error(send(new ListPartsCommand({ Bucket: B, Key: 'aborted', UploadId: uploadId })), 'NoSuchUpload', 404);
    await expectS3Error(send(new UploadPartCommand({ Bucket: B, Key: 'aborted', UploadId: uploadId, PartNumber: 3, Body: 'x' })), 'NoSuchUpload', 404);
    await expectS3Error(complete('aborted', uploadId, completed), 'NoSuchUpload', 404);
    assert.equal(await countBlobs(server.dataDir), blobs);
  });

  it('lists parts page by page with max-parts and part-number-marker', async () => {
    const bodies = Array.from({ length: 5 }, (_, i) => Buffer.from(`part ${i + 1}`));
    const { uploadId, completed } = await upload('listed', bodies);
    const first = await send(new ListPartsCommand({ Bucket: B, Key: 'listed', UploadId: uploadId, MaxParts: 2 }));
    assert.equal(first.IsTruncated, true);
    assert.deepEqual(first.Parts?.map((p) => [p.PartNumber, p.ETag, p.Size]), [[1, completed[0]!.ETag, 6], [2, completed[1]!.ETag, 6]]);
    assert.equal(first.NextPartNumberMarker, '2');
    assert.equal(first.Initiator?.ID, first.Owner?.ID);
    assert.equal(first.StorageClass, 'STANDARD');
    const rest = await send(new ListPartsCommand({ Bucket: B, Key: 'listed', UploadId: uploadId, PartNumberMarker: '2' }));
    assert.equal(rest.IsTruncated, false);
    assert.deepEqual(rest.Parts?.map((p) => p.PartNumber), [3, 4, 5]);
    await send(new AbortMultipartUploadCommand({ Bucket: B, Key: 'listed', UploadId: uploadId }));
  });

  it('lists uploads with prefix, delimiter, markers, max-uploads and encoding-type=url', async () => {
    await send(new CreateBucketCommand({ Bucket: 'uploads-list' }));
    const create = async (key: string) => (await send(new CreateMultipartUploadCommand({ Bucket: 'uploads-list', Key: key }))).UploadId as string;
    const a1 = await create('a/one');
    const a2 = await create('a/one');
    await create('a/two');
    await create('b/x');
    await create('c');
    await create('d e');
    const all = await send(new ListMultipartUploadsCommand({ Bucket: 'uploads-list' }));
    assert.deepEqual(all.Uploads?.map((u) => u.Key), ['a/one', 'a/one', 'a/two', 'b/x', 'c', 'd e']);
    assert.deepEqual(all.Uploads?.slice(0, 2).map((u) => u.UploadId), [a1, a2], 'a key\'s uploads, oldest first');
    assert.ok(all.Uploads?.every((u) => u.Initiated instanceof Date && u.StorageClass === 'STANDARD'));

    const rolled = await send(new ListMultipartUploadsCommand({ Bucket: 'uploads-list', Delimiter: '/' }));
    assert.deepEqual(rolled.CommonPrefixes?.map((p) => p.Prefix), ['a/', 'b/']);
    assert.deepEqual(rolled.Uploads?.map((u) => u.Key), ['c', 'd e']);

    const prefixed = await send(new ListMultipartUploadsCommand({ Bucket: 'uploads-list', Prefix: 'a/' }));
    assert.deepEqual(prefixed.Uploads?.map((u) => u.Key), ['a/one', 'a/one', 'a/two']);

    const page1 = await send(new ListMultipartUploadsCommand({ Bucket: 'uploads-list', MaxUploads: 1 }));
    assert.equal(page1.IsTruncated, true);
    assert.equal(page1.NextKeyMarker, 'a/one');
    assert.equal(page1.NextUploadIdMarker, a1);
    const page2 = await send(new ListMultipartUploadsCommand({ Bucket: 'uploads-list', MaxUploads: 2, KeyMarker: page1.NextKeyMarker, UploadIdMarker: page1.NextUploadIdMarker }));
    assert.deepEqual(page2.Uploads?.map((u) => [u.Key, u.UploadId]).slice(0, 1), [['a/one', a2]]);
    assert.equal(page2.Uploads?.[1]?.Key, 'a/two');
    const afterKey = await send(new ListMultipartUploadsCommand({ Bucket: 'uploads-list', KeyMarker: 'a/one' }));
    assert.deepEqual(afterKey.Uploads?.map((u) => u.Key), ['a/two', 'b/x', 'c', 'd e']);
    const afterPrefix = await send(new ListMultipartUploadsCommand({ Bucket: 'uploads-list', KeyMarker: 'a/', Delimiter: '/' }));
    assert.deepEqual(afterPrefix.CommonPrefixes?.map((p) => p.Prefix), ['b/']);

    const encoded = await send(new ListMultipartUploadsCommand({ Bucket: 'uploads-list', Prefix: 'd', EncodingType: 'url' }));
    assert.equal(encoded.EncodingType, 'url');
    assert.deepEqual(encoded.Uploads?.map((u) => u.Key), ['d%20e']);
  });

  it('copies parts from an object, whole and by range, with copy-source conditions', async () => {
    const source = randomBytes(6 * MiB);
    const put = await send(new PutObjectCommand({ Bucket: B, Key: 'copy-source', Body: source }));
    const { UploadId } = await send(new CreateMultipartUploadCommand({ Bucket: B, Key: 'copied' }));
    const whole = await send(new UploadPartCopyCommand({ Bucket: B, Key: 'copied', UploadId, PartNumber: 1, CopySource: `${B}/copy-source` }));
    assert.equal(whole.CopyPartResult?.ETag, put.ETag);
    const ranged = await send(new UploadPartCopyCommand({
      Bucket: B, Key: 'copied', UploadId, PartNumber: 2, CopySource: `${B}/copy-source`, CopySourceRange: 'bytes=100-1099', CopySourceIfMatch: put.ETag,
    }));
    assert.equal(ranged.CopyPartResult?.ETag, `"${md5(source.subarray(100, 1100)).toString('hex')}"`);
    await expectS3Error(send(new UploadPartCopyCommand({
      Bucket: B, Key: 'copied', UploadId, PartNumber: 3, CopySource: `${B}/copy-source`, CopySourceIfNoneMatch: put.ETag,
    })), 'PreconditionFailed', 412);
    await expectS3Error(send(new UploadPartCopyCommand({
      Bucket: B, Key: 'copied', UploadId, PartNumber: 3, CopySource: `${B}/copy-source`, CopySourceRange: `bytes=0-${6 * MiB}`,
    })), 'InvalidRange', 416);
    await expectS3Error(send(new UploadPartCopyCommand({
      Bucket: B, Key: 'copied', UploadId, PartNumber: 3, CopySource: `${B}/copy-source`, CopySourceRange: 'bytes=10-5',
    })), 'InvalidArgument', 400);
    await expectS3Error(send(new UploadPartCopyCommand({
      Bucket: B, Key: 'copied', UploadId, PartNumber: 3, CopySource: `${B}/missing-source`,
    })), 'NoSuchKey', 404);
    await complete('copied', UploadId as string, [{ PartNumber: 1, ETag: whole.CopyPartResult?.ETag }, { PartNumber: 2, ETag: ranged.CopyPartResult?.ETag }]);
    const got = await send(new GetObjectCommand({ Bucket: B, Key: 'copied' }));
    assert.ok(Buffer.from(await got.Body!.transformToByteArray()).equals(Buffer.concat([source, source.subarray(100, 1100)])));
  });

  it('keeps composite CRC32 checksums and full-object CRC64NVME checksums as S3 does', async () => {
    const parts = [randomBytes(5 * MiB), randomBytes(12345)];
    const { UploadId, ChecksumAlgorithm } = await send(new CreateMultipartUploadCommand({ Bucket: B, Key: 'crc32', ChecksumAlgorithm: 'CRC32' }));
    assert.equal(ChecksumAlgorithm, 'CRC32');
    const completed: CompletedPart[] = [];
    for (const [i, body] of parts.entries()) {
      const out = await send(new UploadPartCommand({ Bucket: B, Key: 'crc32', UploadId, PartNumber: i + 1, Body: body, ChecksumAlgorithm: 'CRC32' }));
      assert.ok(out.ChecksumCRC32);
      completed.push({ PartNumber: i + 1, ETag: out.ETag, ChecksumCRC32: out.ChecksumCRC32 });
    }
    await expectS3Error(complete('crc32', UploadId as string, completed.map((p) => ({ PartNumber: p.PartNumber, ETag: p.ETag }))), 'InvalidRequest', 400);
    const done = await complete('crc32', UploadId as string, completed);
    assert.match(done.ChecksumCRC32 ?? '', /^[A-Za-z0-9+/]{6}==-2$/);
    assert.equal(done.ChecksumType, 'COMPOSITE');
    const head = await send(new HeadObjectCommand({ Bucket: B, Key: 'crc32', ChecksumMode: 'ENABLED' }));
    assert.equal(head.ChecksumCRC32, done.ChecksumCRC32);
    // A part read carries that part's checksum and the object's checksum type.
    for (const [i, p] of completed.entries()) {
      const got = await send(new GetObjectCommand({ Bucket: B, Key: 'crc32', PartNumber: i + 1 }));
      assert.equal(got.ChecksumCRC32, p.ChecksumCRC32);
      assert.equal(got.ChecksumType, 'COMPOSITE');
      assert.ok(Buffer.from(await got.Body!.transformToByteArray()).equals(parts[i]!));
    }

    const full = await send(new CreateMultipartUploadCommand({ Bucket: B, Key: 'crc64', ChecksumAlgorithm: 'CRC64NVME', ChecksumType: 'FULL_OBJECT' }));
    const fullParts: CompletedPart[] = [];
    for (const [i, body] of parts.entries()) {
      const out = await send(new UploadPartCommand({ Bucket: B, Key: 'crc64', UploadId: full.UploadId, PartNumber: i + 1, Body: body, ChecksumAlgorithm: 'CRC64NVME' }));
      fullParts.push({ PartNumber: i + 1, ETag: out.ETag });
    }
    const fullDone = await complete('crc64', full.UploadId as string, fullParts);
    assert.equal(fullDone.ChecksumType, 'FULL_OBJECT');
    const fullPart = await send(new GetObjectCommand({ Bucket: B, Key: 'crc64', PartNumber: 2 }));
    assert.equal(fullPart.ChecksumType, 'FULL_OBJECT');
    assert.ok(fullPart.ChecksumCRC64NVME);
    assert.ok(Buffer.from(await fullPart.Body!.transformToByteArray()).equals(parts[1]!));
    const single = await send(new PutObjectCommand({ Bucket: B, Key: 'crc64-single', Body: Buffer.concat(parts), ChecksumAlgorithm: 'CRC64NVME' }));
    assert.equal(fullDone.ChecksumCRC64NVME, single.ChecksumCRC64NVME, 'the combined CRC equals the CRC of the whole object');
  });

  it('refuses a complete body that is not the expected XML or carries a DTD', async () => {
    const { uploadId, completed } = await upload('xml', [Buffer.from('x')]);
    const raw = async (body: string): Promise<string | undefined> => {
      const host = new URL(server.endpoint).host;
      const bytes = Buffer.from(body);
      const payloadHash = sha256Hex(bytes);
      const { headers } = signRequest({
        method: 'POST', host, path: `/${B}/xml`, query: `uploadId=${uploadId}`,
        headers: { host, 'x-amz-content-sha256': payloadHash, 'content-length': String(bytes.length) },
        payloadHash, accessKey: ROOT_ACCESS_KEY, secretKey: ROOT_SECRET_KEY,
      });
      const response = await sendRaw(server.endpoint, { method: 'POST', path: `/${B}/xml?uploadId=${uploadId}`, headers, body: bytes });
      return errorCode(response.body);
    };
    assert.equal(await raw('<!DOCTYPE x [<!ENTITY e "e">]><CompleteMultipartUpload><Part><PartNumber>1</PartNumber><ETag>&e;</ETag></Part></CompleteMultipartUpload>'), 'MalformedXML');
    assert.equal(await raw('<CompleteMultipartUpload></CompleteMultipartUpload>'), 'MalformedXML');
    assert.equal(await raw('<Other/>'), 'MalformedXML');
    assert.equal(await raw('<CompleteMultipartUpload><Part><PartNumber>one</PartNumber><ETag>x</ETag></Part></CompleteMultipartUpload>'), 'MalformedXML');
    assert.equal(await raw(`<CompleteMultipartUpload>${'<Part><PartNumber>1</PartNumber><ETag>x</ETag></Part>'.repeat(25000)}</CompleteMultipartUpload>`), 'MaxMessageLengthExceeded');
    await complete('xml', uploadId, completed);
  });

  it('completes conditionally with If-None-Match: * and If-Match, changing nothing when the condition fails', async () => {
    const first = await upload('conditional', [Buffer.from('one')]);
    const done = await server.client.send(new CompleteMultipartUploadCommand({ Bucket: B, Key: 'conditional', UploadId: first.uploadId, IfNoneMatch: '*', MultipartUpload: { Parts: first.completed } }));
    const second = await upload('conditional', [Buffer.from('two')]);
    await expectS3Error(server.client.send(new CompleteMultipartUploadCommand({ Bucket: B, Key: 'conditional', UploadId: second.uploadId, IfNoneMatch: '*', MultipartUpload: { Parts: second.completed } })), 'PreconditionFailed', 412);
    await expectS3Error(server.client.send(new CompleteMultipartUploadCommand({ Bucket: B, Key: 'conditional', UploadId: second.uploadId, IfMatch: '"0123456789abcdef0123456789abcdef"', MultipartUpload: { Parts: second.completed } })), 'PreconditionFailed', 412);
    await expectS3Error(server.client.send(new CompleteMultipartUploadCommand({ Bucket: B, Key: 'conditional-none', UploadId: second.uploadId, IfMatch: done.ETag, MultipartUpload: { Parts: second.completed } })), 'NoSuchUpload', 404);
    assert.equal(await (await send(new GetObjectCommand({ Bucket: B, Key: 'conditional' }))).Body!.transformToString(), 'one');
    await server.client.send(new CompleteMultipartUploadCommand({ Bucket: B, Key: 'conditional', UploadId: second.uploadId, IfMatch: done.ETag, MultipartUpload: { Parts: second.completed } }));
    assert.equal(await (await send(new GetObjectCommand({ Bucket: B, Key: 'conditional' }))).Body!.transformToString(), 'two');
  });

  it('gives a completed upload a new version id in a versioned bucket', async () => {
    await send(new CreateBucketCommand({ Bucket: 'mp-versioned' }));
    await send(new PutBucketVersioningCommand({ Bucket: 'mp-versioned', VersioningConfiguration: { Status: 'Enabled' } }));
    const { UploadId } = await send(new CreateMultipartUploadCommand({ Bucket: 'mp-versioned', Key: 'k' }));
    const part = await send(new UploadPartCommand({ Bucket: 'mp-versioned', Key: 'k', UploadId, PartNumber: 1, Body: 'v' }));
    const done = await send(new CompleteMultipartUploadCommand({ Bucket: 'mp-versioned', Key: 'k', UploadId, MultipartUpload: { Parts: [{ PartNumber: 1, ETag: part.ETag }] } }));
    assert.ok(done.VersionId && done.VersionId !== 'null');
    const got = await send(new GetObjectCommand({ Bucket: 'mp-versioned', Key: 'k', VersionId: done.VersionId }));
    assert.equal(await got.Body!.transformToString(), 'v');
  });
  it('gives the completed object the tags given at CreateMultipartUpload, and refuses a bad tag set before the upload exists', async () => {
    const { uploadId, completed } = await upload('tagged', [Buffer.from('tagged body')], { Tagging: 'project=apollo&stage=draft' });
    const tagsBefore = await send(new ListPartsCommand({ Bucket: B, Key: 'tagged', UploadId: uploadId }));
    assert.equal(tagsBefore.Parts?.length, 1);
    await complete('tagged', uploadId, completed);
    const tags = await send(new GetObjectTaggingCommand({ Bucket: B, Key: 'tagged' }));
    assert.deepEqual(tags.TagSet?.map((t) => `${t.Key}=${t.Value}`).sort(), ['project=apollo', 'stage=draft']);
    assert.equal((await send(new HeadObjectCommand({ Bucket: B, Key: 'tagged' }))).TagCount, 2);
    const tooMany = Array.from({ length: 11 }, (_, i) => `k${i}=v`).join('&');
    const refused = await send(new CreateMultipartUploadCommand({ Bucket: B, Key: 'too-many-tags', Tagging: tooMany })).then(() => undefined, (error: unknown) => error as { name?: string });
    assert.ok(refused !== undefined, 'eleven tags were accepted');
    const uploads = await send(new ListMultipartUploadsCommand({ Bucket: B, Prefix: 'too-many-tags' }));
    assert.equal(uploads.Uploads?.length ?? 0, 0);
  });
});
