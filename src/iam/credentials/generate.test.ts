import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { newAccessKeyId, newSecretAccessKey, newSessionToken, newUniqueId, SESSION_KEY_ID } from './generate.js';

describe('generated identifiers and credentials', () => {
  it('have the AWS shapes', () => {
    for (const prefix of ['AIDA', 'AGPA', 'ANPA', 'AROA'] as const) assert.match(newUniqueId(prefix), new RegExp(`^${prefix}[A-Z2-7]{17}$`));
    assert.match(newAccessKeyId('long-term'), /^AKIA[A-Z2-7]{16}$/);
    assert.match(newAccessKeyId('session'), SESSION_KEY_ID);
    assert.match(newSecretAccessKey().reveal(), /^[A-Za-z0-9+/]{40}$/);
    assert.match(newSessionToken().reveal(), /^[A-Za-z0-9_-]{64}$/);
  });

  it('do not repeat', () => {
    const seen = new Set(Array.from({ length: 2000 }, () => newAccessKeyId('long-term')));
    assert.equal(seen.size, 2000);
  });
});
