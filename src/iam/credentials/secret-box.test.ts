import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { inspect } from 'node:util';
import { describe, it } from 'node:test';
import { Secret } from '../../core/index.js';
import { LocalKeySealer, SealError } from './secret-box.js';

const binding = { purpose: 'secret', accessKeyId: 'AKIAEXAMPLE' } as const;

describe('LocalKeySealer', () => {
  const sealer = new LocalKeySealer(randomBytes(32));

  it('opens what it sealed, for the same purpose and access key', async () => {
    const sealed = await sealer.seal(new Secret('wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY'), binding);
    assert.match(sealed, /^v1:[A-Za-z0-9+/]+=*$/);
    assert.equal((await sealer.open(sealed, binding)).reveal(), 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY');
  });

  it('never produces the same sealed form twice and never contains the plaintext', async () => {
    const a = await sealer.seal(new Secret('same-secret-value'), binding);
    const b = await sealer.seal(new Secret('same-secret-value'), binding);
    assert.notEqual(a, b);
    assert.ok(!a.includes('same-secret-value') && !Buffer.from(a.slice(3), 'base64').toString('latin1').includes('same-secret-value'));
  });

  it('refuses a sealed secret moved to another access key (AAD binds the key id)', async () => {
    const sealed = await sealer.seal(new Secret('s3cr3t-value'), binding);
    await assert.rejects(sealer.open(sealed, { purpose: 'secret', accessKeyId: 'AKIAOTHER' }), SealError);
  });

  it('refuses a sealed secret presented as a session token (AAD binds the purpose)', async () => {
    const sealed = await sealer.seal(new Secret('s3cr3t-value'), binding);
    await assert.rejects(sealer.open(sealed, { purpose: 'session-token', accessKeyId: binding.accessKeyId }), SealError);
  });

  it('refuses a value sealed under another key', async () => {
    const sealed = await new LocalKeySealer(randomBytes(32)).seal(new Secret('s3cr3t-value'), binding);
    await assert.rejects(sealer.open(sealed, binding), SealError);
  });

  it('refuses tampered, truncated and unversioned forms alike', async () => {
    const sealed = await sealer.seal(new Secret('s3cr3t-value'), binding);
    const raw = Buffer.from(sealed.slice(3), 'base64');
    raw[14] = (raw[14] ?? 0) ^ 1;
    for (const bad of [`v1:${raw.toString('base64')}`, sealed.slice(0, 20), sealed.slice(3), 'v2:' + sealed.slice(3), 'v1:', '']) {
      await assert.rejects(sealer.open(bad, binding), (error: unknown) => error instanceof SealError && error.message === 'sealed secret cannot be opened');
    }
  });

  it('refuses keys that are not 256 bits and does not show its key when inspected', () => {
    assert.throws(() => new LocalKeySealer(randomBytes(16)));
    const key = randomBytes(32);
    const shown = inspect(new LocalKeySealer(key)) + JSON.stringify({ s: new LocalKeySealer(key) });
    assert.ok(!shown.includes(key.toString('hex')) && !shown.includes(key.toString('base64')));
  });
});
