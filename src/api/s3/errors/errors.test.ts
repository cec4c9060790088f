import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { APP_ERROR_CODES, AppError } from '../../../core/index.js';
import { APP_TO_S3, renderS3Error, S3_ERRORS } from './index.js';

describe('S3 error rendering', () => {
  it('maps every application error code to a catalogued S3 error', () => {
    for (const code of APP_ERROR_CODES) assert.ok(S3_ERRORS[APP_TO_S3[code]], code);
  });
  it('renders Code, Message, Resource and RequestId', () => {
    const out = renderS3Error(new AppError('NoSuchKey'), '/b/k', 'REQ1', 'HOST');
    assert.equal(out.status, 404);
    assert.match(out.body, /<Code>NoSuchKey<\/Code><Message>The specified key does not exist.<\/Message><Resource>\/b\/k<\/Resource><RequestId>REQ1<\/RequestId>/);
  });
  it('turns unknown failures into an opaque InternalError without their text', () => {
    const out = renderS3Error(new Error('ENOENT: /var/lib/coffer/secret/path'), '/b', 'REQ2', 'HOST');
    assert.equal(out.status, 500);
    assert.equal(out.unexpected, true);
    assert.ok(!out.body.includes('ENOENT'));
    assert.ok(!out.body.includes('/var/lib'));
  });
  it('never shows the message of an internal AppError', () => {
    const out = renderS3Error(new AppError('StorageCorrupt', { message: 'blob 123 missing at /data/blobs' }), '/b', 'R', 'H');
    assert.ok(!out.body.includes('/data/blobs'));
    assert.equal(out.code, 'InternalError');
  });
});
