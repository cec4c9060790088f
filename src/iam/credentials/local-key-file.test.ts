import assert from 'node:assert/strict';
import { chmod, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { Secret } from '../../core/index.js';
import { KeyFileError, loadOrCreateLocalSealer } from './local-key-file.js';

const binding = { purpose: 'secret', accessKeyId: 'AKIAEXAMPLE' } as const;

describe('the local IAM key file', () => {
  let dir = '';
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'coffer-iamkey-'));
  });
  after(() => rm(dir, { recursive: true, force: true }));

  it('is created on first start with mode 0600 in a 0700 folder, and reused afterwards', async () => {
    const data = join(dir, 'first');
    const sealer = await loadOrCreateLocalSealer(data);
    assert.equal((await stat(join(data, '.coffer'))).mode & 0o777, 0o700);
    assert.equal((await stat(join(data, '.coffer', 'iam.key'))).mode & 0o777, 0o600);
    const sealed = await sealer.seal(new Secret('remember-me'), binding);
    const again = await loadOrCreateLocalSealer(data);
    assert.equal((await again.open(sealed, binding)).reveal(), 'remember-me');
  });

  it('gives processes that start together the same key', async () => {
    const data = join(dir, 'race');
    const sealers = await Promise.all([1, 2, 3, 4].map(() => loadOrCreateLocalSealer(data)));
    const sealed = await sealers[0]!.seal(new Secret('shared'), binding);
    for (const sealer of sealers) assert.equal((await sealer.open(sealed, binding)).reveal(), 'shared');
  });

  it('refuses to start when the key file is readable by group or others', async () => {
    const data = join(dir, 'loose');
    await loadOrCreateLocalSealer(data);
    for (const mode of [0o640, 0o604, 0o660]) {
      await chmod(join(data, '.coffer', 'iam.key'), mode);
      await assert.rejects(loadOrCreateLocalSealer(data), (error: unknown) => error instanceof KeyFileError && /group or others/.test(error.message));
    }
  });

  it('refuses a file that is not a 32-byte v1 key', async () => {
    const data = join(dir, 'bad');
    await loadOrCreateLocalSealer(data);
    const path = join(data, '.coffer', 'iam.key');
    const good = JSON.parse(await readFile(path, 'utf8')) as Record<string, unknown>;
    for (const content of ['not json', JSON.stringify({ ...good, formatVersion: 2 }), JSON.stringify({ ...good, key: Buffer.alloc(16).toString('base64') })]) {
      await writeFile(path, content, { mode: 0o600 });
      await assert.rejects(loadOrCreateLocalSealer(data), KeyFileError);
    }
  });
});
