import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { ConfigError, loadConfig, SETTINGS } from './index.js';

describe('COFFER_IDENTITY_TLS_* (AssumeRoleWithCertificate)', () => {
  const dirs: string[] = [];
  after(() => {
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  });
  function certsDir(withCa: boolean): string {
    const dir = mkdtempSync(join(tmpdir(), 'coffer-idtls-cfg-'));
    dirs.push(dir);
    writeFileSync(join(dir, 'public.crt'), 'x');
    writeFileSync(join(dir, 'private.key'), 'x');
    if (withCa) {
      mkdirSync(join(dir, 'CAs'));
      writeFileSync(join(dir, 'CAs', 'clients.pem'), 'CA');
    }
    return dir;
  }

  it('is off by default, and skip-verify with it', () => {
    assert.deepEqual({ ...loadConfig({}, {}).identityTls }, { enabled: false, skipVerify: false });
    assert.deepEqual({ ...loadConfig({}, { COFFER_CERTS_DIR: certsDir(true) }).identityTls }, { enabled: false, skipVerify: false });
    // skip-verify alone enables nothing.
    assert.deepEqual({ ...loadConfig({}, { COFFER_IDENTITY_TLS_SKIP_VERIFY: 'on' }).identityTls }, { enabled: false, skipVerify: false });
  });

  it('turns on with HTTPS and a client CA in CAs/, through the COFFER_ and MINIO_ names', () => {
    const dir = certsDir(true);
    const config = loadConfig({}, { COFFER_CERTS_DIR: dir, COFFER_IDENTITY_TLS_ENABLE: 'on' });
    assert.deepEqual({ ...config.identityTls }, { enabled: true, skipVerify: false });
    assert.ok(Object.isFrozen(config.identityTls));
    const minio = loadConfig({}, { COFFER_CERTS_DIR: dir, MINIO_IDENTITY_TLS_ENABLE: 'on', MINIO_IDENTITY_TLS_SKIP_VERIFY: 'on' });
    assert.deepEqual({ ...minio.identityTls }, { enabled: true, skipVerify: true });
  });

  it('refuses to enable it without HTTPS on the API listener', () => {
    assert.throws(() => loadConfig({}, { COFFER_IDENTITY_TLS_ENABLE: 'on' }), (e: unknown) => e instanceof ConfigError && /needs HTTPS/.test(e.message));
    assert.throws(() => loadConfig({}, { MINIO_IDENTITY_TLS_ENABLE: 'true', MINIO_IDENTITY_TLS_SKIP_VERIFY: 'on' }), /needs HTTPS/);
  });

  it('refuses to enable it without a client CA in CAs/, unless verification is skipped', () => {
    const dir = certsDir(false);
    assert.throws(() => loadConfig({}, { COFFER_CERTS_DIR: dir, COFFER_IDENTITY_TLS_ENABLE: 'on' }), (e: unknown) => e instanceof ConfigError && /CAs/.test(e.message));
    assert.deepEqual({ ...loadConfig({}, { COFFER_CERTS_DIR: dir, COFFER_IDENTITY_TLS_ENABLE: 'on', COFFER_IDENTITY_TLS_SKIP_VERIFY: 'on' }).identityTls }, { enabled: true, skipVerify: true });
  });

  it('refuses values that are not on/off', () => {
    assert.throws(() => loadConfig({}, { COFFER_IDENTITY_TLS_ENABLE: 'maybe' }), ConfigError);
    assert.throws(() => loadConfig({}, { MINIO_IDENTITY_TLS_SKIP_VERIFY: 'sure' }), ConfigError);
  });

  it('is described in the settings table with both names', () => {
    for (const env of ['COFFER_IDENTITY_TLS_ENABLE', 'MINIO_IDENTITY_TLS_ENABLE', 'COFFER_IDENTITY_TLS_SKIP_VERIFY', 'MINIO_IDENTITY_TLS_SKIP_VERIFY']) {
      const spec = SETTINGS.find((s) => s.env.includes(env));
      assert.equal(spec?.type, 'boolean', env);
      assert.equal(spec?.default, 'false', env);
    }
  });
});
