import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { LoginThrottle, throttleSourceKey, throttleUserKey } from './throttle.js';

function clock(): { now: () => Date; advance(ms: number): void } {
  let t = Date.parse('2026-01-01T00:00:00Z');
  return { now: () => new Date(t), advance: (ms) => void (t += ms) };
}

describe('LoginThrottle', () => {
  it('refuses a username after 5 failures in the window, then lets it try again', () => {
    const c = clock();
    const t = new LoginThrottle({ now: c.now });
    for (let i = 0; i < 5; i++) {
      assert.equal(t.allowed('alice', `10.0.0.${i}`), true);
      t.failed('alice', `10.0.0.${i}`);
      c.advance(1000);
    }
    assert.equal(t.allowed('alice', '10.9.9.9'), false);
    assert.equal(t.allowed(' ALICE ', '10.9.9.9'), false, 'the username is compared trimmed and lower-cased');
    assert.equal(t.allowed('bob', '10.9.9.9'), true);
    c.advance(5 * 60_000 - 5000);
    assert.equal(t.allowed('alice', '10.9.9.9'), true, 'the oldest failure left the window');
  });

  it('refuses a source after 20 failures across usernames', () => {
    const c = clock();
    const t = new LoginThrottle({ now: c.now });
    for (let i = 0; i < 20; i++) t.failed(`user${i}`, '192.0.2.7');
    assert.equal(t.allowed('someone-new', '192.0.2.7'), false);
    assert.equal(t.allowed('someone-new', '::ffff:192.0.2.7'), false, 'IPv4-mapped IPv6 is the same source');
    assert.equal(t.allowed('someone-new', '192.0.2.8'), true);
  });

  it('groups IPv6 sources by /64', () => {
    assert.equal(throttleSourceKey('2001:db8:1:2:aaaa::1'), throttleSourceKey('2001:0db8:0001:0002:ffff:1:2:3'));
    assert.notEqual(throttleSourceKey('2001:db8:1:2::1'), throttleSourceKey('2001:db8:1:3::1'));
    assert.equal(throttleUserKey(' Ａlice '), 'alice');
  });

  it('clears the user count on success but keeps the source count', () => {
    const t = new LoginThrottle({ maxPerUser: 2, maxPerSource: 3 });
    t.failed('alice', '10.0.0.1');
    t.succeeded('alice');
    t.failed('alice', '10.0.0.1');
    assert.equal(t.allowed('alice', '10.0.0.2'), true);
    t.failed('alice', '10.0.0.1');
    assert.equal(t.allowed('alice', '10.0.0.2'), false);
    t.succeeded('carol');
    assert.equal(t.allowed('carol', '10.0.0.1'), false, 'the source still holds 3 failures');
  });

  it('remembers a bounded number of keys', () => {
    const t = new LoginThrottle({ maxPerUser: 1, maxKeys: 3 });
    for (const u of ['a', 'b', 'c', 'd']) t.failed(u, `10.0.0.${u.charCodeAt(0)}`);
    assert.equal(t.allowed('a', '10.1.1.1'), true, 'the oldest key was evicted');
    assert.equal(t.allowed('d', '10.1.1.1'), false);
  });
});
