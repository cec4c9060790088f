import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { APP_ERROR_CODES, AppError } from '../../core/index.js';
import { renderAdminError } from './errors.js';

describe('admin API errors', () => {
  it('maps every AppError code to a JSON error with an HTTP status', () => {
    for (const code of APP_ERROR_CODES) {
      const rendered = renderAdminError(new AppError(code), 'REQ1');
      assert.ok(rendered.status >= 400 && rendered.status < 600, code);
      assert.deepEqual(Object.keys(JSON.parse(rendered.body)), ['Code', 'Message', 'RequestId'], code);
    }
  });

  it('answers every authentication failure with the same AccessDenied body', () => {
    const bodies = ['InvalidAccessKeyId', 'SignatureDoesNotMatch', 'InvalidToken', 'ExpiredToken', 'InvalidClientTokenId', 'AccessDenied'].map(
      (code) => renderAdminError(new AppError(code as never, { message: `custom ${code} text` }), 'REQ1'),
    );
    for (const rendered of bodies) {
      assert.equal(rendered.status, 403);
      assert.equal(rendered.body, '{"Code":"AccessDenied","Message":"Access Denied.","RequestId":"REQ1"}');
    }
  });

  it('keeps input messages, and hides internal ones and anything that is not an AppError', () => {
    assert.match(renderAdminError(new AppError('InvalidInput', { message: 'UserName must be …' }), 'R').body, /UserName must be/);
    const internal = renderAdminError(new AppError('InternalError', { message: '/var/lib/coffer/secret path' }), 'R');
    assert.equal(internal.status, 500);
    assert.doesNotMatch(internal.body, /var\/lib/);
    const unknown = renderAdminError(new Error('ECONNRESET at /srv/x'), 'R');
    assert.equal(unknown.unexpected, true);
    assert.doesNotMatch(unknown.body, /srv/);
  });
});
