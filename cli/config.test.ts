import assert from 'node:assert/strict';
import { chmod, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { AliasStore, ConfigError, configDir } from './config.js';

describe('CLI alias file', () => {
  let base: string;
  before(async () => {
    base = await mkdtemp(join(tmpdir(), 'coffer-cli-config-'));
  });
  after(() => rm(base, { recursive: true, force: true }));

  it('lives in $COFFER_CONFIG_DIR, else ~/.coffer', () => {
    assert.equal(configDir({ COFFER_CONFIG_DIR: '/x/y' }), '/x/y');
    assert.match(configDir({}), /\.coffer$/);
  });

  it('reads as empty when missing, and writes a 0600 file in a 0700 folder it creates', async () => {
    const store = new AliasStore(join(base, 'a', 'nested'));
    assert.deepEqual((await store.read()).aliases, {});
    await store.set('local', { url: 'http://127.0.0.1:9000', accessKey: 'AK', secretKey: 'SECRET', region: 'us-east-1' });
    assert.equal((await stat(store.path)).mode & 0o777, 0o600);
    assert.equal((await stat(store.dir)).mode & 0o777, 0o700);
    assert.equal((await store.get('local'))?.secretKey, 'SECRET');
    assert.equal(await store.get('toString'), undefined);
    assert.equal(await store.remove('local'), true);
    assert.equal(await store.remove('local'), false);
  });

  it('refuses a file readable by others instead of using it', async () => {
    const store = new AliasStore(join(base, 'loose'));
    await store.set('x', { url: 'http://h', accessKey: 'a', secretKey: 's', region: 'r' });
    await chmod(store.path, 0o644);
    await assert.rejects(store.read(), (error: unknown) => error instanceof ConfigError && /chmod 600/.test(error.message));
  });

  it('refuses malformed files without echoing their content', async () => {
    const store = new AliasStore(join(base, 'bad'));
    await store.set('x', { url: 'http://h', accessKey: 'a', secretKey: 's', region: 'r' });
    await writeFile(store.path, '{"version":1,"aliases":{"x":{"url":5}}}', { mode: 0o600 });
    await assert.rejects(store.read(), ConfigError);
    await writeFile(store.path, 'not json SECRET-TEXT', { mode: 0o600 });
    await assert.rejects(store.read(), (error: unknown) => error instanceof ConfigError && !error.message.includes('SECRET-TEXT'));
    assert.match(await readFile(store.path, 'utf8'), /SECRET-TEXT/);
  });
});
