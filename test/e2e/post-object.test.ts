/**
 * A real browser (Debian chromium driven by playwright-core) submits an HTML form, built from a
 * presigned POST of @aws-sdk/s3-presigned-post, to Coffer; the stored bytes are read back with
 * the SDK. Also: the same upload through fetch() from page script (needs the bucket's CORS rule
 * to read the reply), and an expired policy that stores nothing.
 * Needs /usr/bin/chromium (`apt-get install -y --no-install-recommends chromium`); skipped with
 * that reason when it is absent. Never downloads a browser.
 */
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { CreateBucketCommand, GetObjectCommand, HeadObjectCommand, PutBucketCorsCommand } from '@aws-sdk/client-s3';
import { createPresignedPost } from '@aws-sdk/s3-presigned-post';
import type { Browser } from 'playwright-core';
import { signPostPolicy } from '../helpers/post-policy.js';
import { expectS3Error, ROOT_ACCESS_KEY, ROOT_SECRET_KEY, startTestServer, type TestServer } from '../helpers/server.js';

const CHROMIUM = '/usr/bin/chromium';
const SKIP = existsSync(CHROMIUM) ? false : `${CHROMIUM} is not installed (apt-get install -y --no-install-recommends chromium)`;
const BUCKET = 'browser-uploads';
const ARGS = [
  '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
  '--disable-component-update', '--disable-sync', '--disable-dev-shm-usage',
];

const escape = (s: string): string => s.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;');

function formPage(action: string, fields: Record<string, string>): string {
  const inputs = Object.entries(fields).map(([n, v]) => `<input type="hidden" name="${escape(n)}" value="${escape(v)}">`).join('\n');
  return `<!doctype html><html><body>
<form id="upload" action="${escape(action)}" method="post" enctype="multipart/form-data">
${inputs}
<input type="file" name="file">
<button id="send" type="submit">Upload</button>
</form>
<script>
  window.uploadWithFetch = async () => {
    const res = await fetch(document.getElementById('upload').action, { method: 'POST', body: new FormData(document.getElementById('upload')) });
    return { status: res.status, etag: res.headers.get('etag') };
  };
</script>
</body></html>`;
}

describe('PostObject from a real browser (chromium + playwright-core)', { skip: SKIP }, () => {
  let server: TestServer;
  let pages: Server;
  let pageOrigin: string;
  let browser: Browser;
  let html = '';

  before(async () => {
    server = await startTestServer();
    await server.client.send(new CreateBucketCommand({ Bucket: BUCKET }));
    pages = createServer((req, res) => {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      res.end(req.url?.startsWith('/done') ? '<!doctype html><p id="done">uploaded</p>' : html);
    });
    await new Promise<void>((resolve) => pages.listen(0, '127.0.0.1', resolve));
    pageOrigin = `http://127.0.0.1:${(pages.address() as AddressInfo).port}`;
    const { chromium } = await import('playwright-core');
    browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ARGS });
  });
  after(async () => {
    await browser?.close();
    await new Promise((resolve) => pages?.close(resolve));
    await server?.stop();
  });

  async function storedBytes(key: string): Promise<Buffer> {
    const got = await server.client.send(new GetObjectCommand({ Bucket: BUCKET, Key: key }));
    return Buffer.from(await got.Body!.transformToByteArray());
  }

  it('uploads the chosen file through a presigned POST form and redirects back with bucket, key and etag', async () => {
    const bytes = Buffer.from(`browser bytes ${'✓'.repeat(10)}\n\0\x01\xff binary tail`, 'utf8');
    const presigned = await createPresignedPost(server.client as never, {
      Bucket: BUCKET,
      Key: 'inbox/${filename}',
      Conditions: [['content-length-range', 1, 1024 * 1024], ['starts-with', '$Content-Type', 'text/']],
      Fields: { 'Content-Type': 'text/plain', success_action_redirect: `${pageOrigin}/done` },
      Expires: 300,
    });
    html = formPage(`${server.endpoint}/${BUCKET}`, presigned.fields);
    const page = await browser.newPage();
    try {
      await page.goto(`${pageOrigin}/`);
      await page.setInputFiles('input[name=file]', { name: 'note.txt', mimeType: 'text/plain', buffer: bytes });
      await Promise.all([page.waitForURL(/\/done\?/), page.click('#send')]);
      const url = new URL(page.url());
      assert.equal(url.searchParams.get('bucket'), BUCKET);
      assert.equal(url.searchParams.get('key'), 'inbox/note.txt');
      assert.match(url.searchParams.get('etag') ?? '', /^"[0-9a-f]{32}"$/);
      assert.equal(await page.textContent('#done'), 'uploaded');
    } finally {
      await page.close();
    }
    assert.ok((await storedBytes('inbox/note.txt')).equals(bytes));
    const head = await server.client.send(new HeadObjectCommand({ Bucket: BUCKET, Key: 'inbox/note.txt' }));
    assert.equal(head.ContentType, 'text/plain');
  });

  it('uploads with fetch() from page script and reads the ETag thanks to the bucket CORS rule', async () => {
    await server.client.send(new PutBucketCorsCommand({
      Bucket: BUCKET,
      CORSConfiguration: { CORSRules: [{ AllowedOrigins: [pageOrigin], AllowedMethods: ['POST'], ExposeHeaders: ['ETag'] }] },
    }));
    const presigned = await createPresignedPost(server.client as never, { Bucket: BUCKET, Key: 'scripted.bin', Expires: 300 });
    html = formPage(`${server.endpoint}/${BUCKET}`, presigned.fields);
    const bytes = Buffer.from(Array.from({ length: 4096 }, (_, i) => i % 256));
    const page = await browser.newPage();
    try {
      await page.goto(`${pageOrigin}/`);
      await page.setInputFiles('input[name=file]', { name: 'data.bin', mimeType: 'application/octet-stream', buffer: bytes });
      const result = await page.evaluate(() => (globalThis as unknown as { uploadWithFetch(): Promise<{ status: number; etag: string | null }> }).uploadWithFetch());
      assert.equal(result.status, 204);
      assert.match(result.etag ?? '', /^"[0-9a-f]{32}"$/);
    } finally {
      await page.close();
    }
    assert.ok((await storedBytes('scripted.bin')).equals(bytes));
  });

  it('refuses an expired policy in the browser and stores nothing', async () => {
    const now = new Date();
    const fields = {
      key: 'expired.txt',
      ...signPostPolicy({
        accessKey: ROOT_ACCESS_KEY, secretKey: ROOT_SECRET_KEY, bucket: BUCKET,
        conditions: [{ bucket: BUCKET }, { key: 'expired.txt' }], expiration: new Date(now.getTime() - 60_000), now,
      }),
    };
    html = formPage(`${server.endpoint}/${BUCKET}`, fields);
    const page = await browser.newPage();
    try {
      await page.goto(`${pageOrigin}/`);
      await page.setInputFiles('input[name=file]', { name: 'x.txt', mimeType: 'text/plain', buffer: Buffer.from('never stored') });
      const [response] = await Promise.all([page.waitForNavigation(), page.click('#send')]);
      assert.equal(response?.status(), 403);
      const text = (await response?.text()) ?? '';
      assert.match(text, /<Code>AccessDenied<\/Code>/);
      assert.match(text, /Invalid according to Policy: Policy expired\./);
    } finally {
      await page.close();
    }
    await expectS3Error(server.client.send(new HeadObjectCommand({ Bucket: BUCKET, Key: 'expired.txt' })), 'NotFound', 404);
  });
});
