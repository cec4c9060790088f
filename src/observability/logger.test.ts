import assert from 'node:assert/strict';
import { PassThrough } from 'node:stream';
import { describe, it } from 'node:test';
import { createLogger } from './logger.js';

describe('logger redaction', () => {
  it('never writes credentials or SSE-C keys, at the top level or under headers', async () => {
    const out = new PassThrough();
    let text = '';
    out.on('data', (chunk: Buffer) => (text += chunk.toString()));
    const logger = createLogger({ level: 'info', destination: out });
    const secrets = {
      authorization: 'AWS4-HMAC-SHA256 Credential=AKIA/…, Signature=sig-secret-1',
      'x-amz-security-token': 'token-secret-2',
      'x-amz-server-side-encryption-customer-key': 'ssec-secret-3',
      'x-amz-copy-source-server-side-encryption-customer-key': 'ssec-secret-4',
    };
    logger.info({ req: { headers: secrets }, flat: secrets, secretKey: 'secret-5', user: { password: 'secret-6' } }, 'request');
    await new Promise((resolve) => setImmediate(resolve));
    assert.match(text, /"request"/);
    for (const secret of ['sig-secret-1', 'token-secret-2', 'ssec-secret-3', 'ssec-secret-4', 'secret-5', 'secret-6']) {
      assert.ok(!text.includes(secret), `${secret} is redacted`);
    }
  });
});
