import assert from 'node:assert/strict';
import { performance } from 'node:perf_hooks';
import { after, before, describe, it } from 'node:test';
import { slapdLdapSettings, startSlapd, type Slapd } from '../../../../test/helpers/slapd.js';
import { IdentityError } from '../types.js';
import { LdapIdentityProvider } from './index.js';

const logger = { warn: () => undefined, error: () => undefined };

async function code(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
    return 'ok';
  } catch (error) {
    assert.ok(error instanceof IdentityError, String(error));
    return error.code;
  }
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return (s[(s.length - 1) >> 1]! + s[s.length >> 1]!) / 2;
}

describe('LDAP login guards against slapd', () => {
  let slapd: Slapd;
  before(async () => {
    slapd = await startSlapd();
  });
  after(async () => slapd?.stop());

  it('throttles a username after 5 failures; the right password is refused until the window passes', async () => {
    let now = Date.parse('2026-01-01T00:00:00Z');
    const provider = new LdapIdentityProvider(slapdLdapSettings(slapd), { logger, invalidFloorMs: 0, now: () => new Date(now) });
    for (let i = 0; i < 5; i++) assert.equal(await code(provider.authenticate('alice', 'guess', `10.0.0.${i}`)), 'invalid');
    const started = performance.now();
    assert.equal(await code(provider.authenticate('alice', 'alicepass', '10.0.1.1')), 'throttled');
    assert.equal(await code(provider.authenticate('Alice ', 'alicepass', '10.0.1.1')), 'throttled');
    assert.ok(performance.now() - started < 50, 'answered without a directory round trip');
    assert.equal(await code(provider.authenticate('bob', 'bobpass', '10.0.1.1')), 'ok', 'other users are not affected');
    now += 5 * 60_000 + 1;
    assert.equal(await code(provider.authenticate('alice', 'alicepass', '10.0.1.1')), 'ok');
  });

  it('a throttled attempt never reaches the directory (the directory may even be gone)', async () => {
    const other = await startSlapd();
    const provider = new LdapIdentityProvider(slapdLdapSettings(other, { timeoutMs: 1000 }), { logger, invalidFloorMs: 0, throttle: { maxPerUser: 2 } });
    try {
      for (let i = 0; i < 2; i++) assert.equal(await code(provider.authenticate('alice', 'guess', '10.0.0.9')), 'invalid');
    } finally {
      await other.stop();
    }
    assert.equal(await code(provider.authenticate('alice', 'alicepass', '10.0.0.9')), 'throttled');
    assert.equal(await code(provider.authenticate('bob', 'bobpass', '10.0.0.9')), 'unavailable', 'an unthrottled user does reach it');
  });

  it('throttles a source after 20 failures across usernames; a success clears only the user', async () => {
    const provider = new LdapIdentityProvider(slapdLdapSettings(slapd), { logger, invalidFloorMs: 0 });
    assert.equal(await code(provider.authenticate('bob', 'wrong', '192.0.2.1')), 'invalid');
    assert.equal(await code(provider.authenticate('bob', 'bobpass', '192.0.2.1')), 'ok');
    for (let i = 0; i < 19; i++) assert.equal(await code(provider.authenticate(`user${i}`, 'x', '192.0.2.1')), 'invalid');
    assert.equal(await code(provider.authenticate('alice', 'alicepass', '192.0.2.1')), 'throttled');
    assert.equal(await code(provider.authenticate('alice', 'alicepass', '::ffff:192.0.2.1')), 'throttled');
    assert.equal(await code(provider.authenticate('alice', 'alicepass', '192.0.2.2')), 'ok');
  });

  it('takes the same time to refuse an unknown user as a wrong password (medians of 10)', async () => {
    const provider = new LdapIdentityProvider(slapdLdapSettings(slapd), { logger, throttle: { maxPerUser: 1000, maxPerSource: 1000 } });
    const time = async (user: string, password: string) => {
      const t = performance.now();
      assert.equal(await code(provider.authenticate(user, password, '127.0.0.1')), 'invalid');
      return performance.now() - t;
    };
    const wrong: number[] = [];
    const unknown: number[] = [];
    const injected: number[] = [];
    for (let i = 0; i < 10; i++) {
      wrong.push(await time('alice', `wrong${i}`));
      unknown.push(await time(`nobody${i}`, 'alicepass'));
      injected.push(await time('*', 'alicepass'));
    }
    const [w, u, j] = [median(wrong), median(unknown), median(injected)];
    assert.ok(Math.min(w, u, j) >= 250, `every refusal waits for the floor (${w}, ${u}, ${j})`);
    assert.ok(Math.abs(w - u) < 40 && Math.abs(w - j) < 40, `medians differ: wrong ${w.toFixed(1)} ms, unknown ${u.toFixed(1)} ms, injected ${j.toFixed(1)} ms`);
    const empty = await time('alice', '');
    assert.ok(empty >= 250, 'an empty password is padded too');
  });
});
