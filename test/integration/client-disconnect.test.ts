import assert from 'node:assert/strict';
import { request } from 'node:http';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { CreateBucketCommand, GetObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import type { Logger } from '../../src/observability/index.js';
import { startTestServer, type TestServer } from '../helpers/server.js';

describe('a client that leaves during a download', () => {
  const errors: unknown[] = [];
  const logger: Logger = {
    info: () => undefined, warn: () => undefined, debug: () => undefined,
    error: (object) => void errors.push(object),
    child: () => logger,
  };
  let server: TestServer;
  before(async () => {
    server = await startTestServer({}, { logger });
    await server.client.send(new CreateBucketCommand({ Bucket: 'leave' }));
    await server.client.send(new PutObjectCommand({ Bucket: 'leave', Key: 'big', Body: Buffer.alloc(96 * 1024 * 1024, 5) }));
  });
  after(() => server.stop());

  it('is not logged as a server failure', async () => {
    const url = new URL(await getSignedUrl(server.client, new GetObjectCommand({ Bucket: 'leave', Key: 'big' }), { expiresIn: 60 }));
    await new Promise<void>((resolve) => {
      const req = request(url, (res) => {
        res.once('data', () => {
          res.pause();
          // Let the server fill the socket buffers and block on back-pressure, then leave.
          setTimeout(() => {
            req.destroy();
            resolve();
          }, 200);
        });
      });
      req.on('error', () => resolve());
      req.end();
    });
    await sleep(300);
    assert.deepEqual(errors, []);
  });
});
