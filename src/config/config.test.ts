import assert from 'node:assert/strict';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { ConfigError, loadConfig, parseAddress, SETTINGS } from './index.js';

describe('configuration', () => {
  it('defaults to 127.0.0.1:9000, us-east-1 and generated root credentials', () => {
    const config = loadConfig({}, {});
    assert.equal(config.host, '127.0.0.1');
    assert.equal(config.port, 9000);
    assert.equal(config.region, 'us-east-1');
    assert.equal(config.rootCredentials, undefined);
    assert.ok(Object.isFrozen(config));
  });

  it('reads COFFER_ROOT_* and the MINIO_ROOT_* aliases', () => {
    assert.equal(loadConfig({}, { COFFER_ROOT_USER: 'admin', COFFER_ROOT_PASSWORD: 'password1' }).rootCredentials?.accessKey, 'admin');
    const minio = loadConfig({}, { MINIO_ROOT_USER: 'minio', MINIO_ROOT_PASSWORD: 'password2' });
    assert.equal(minio.rootCredentials?.accessKey, 'minio');
    assert.equal(minio.rootCredentials?.secretKey.reveal(), 'password2');
  });

  it('refuses a root secret shorter than 8 characters', () => {
    assert.throws(() => loadConfig({}, { COFFER_ROOT_USER: 'admin', COFFER_ROOT_PASSWORD: 'short' }), ConfigError);
  });

  it('refuses a root user without a password', () => {
    assert.throws(() => loadConfig({}, { COFFER_ROOT_USER: 'admin' }), ConfigError);
  });

  it('reads _FILE secrets and refuses files other users may read', () => {
    const dir = mkdtempSync(join(tmpdir(), 'coffer-config-'));
    const file = join(dir, 'password');
    writeFileSync(file, 'file-password\n', { mode: 0o600 });
    const config = loadConfig({}, { COFFER_ROOT_USER: 'admin', COFFER_ROOT_PASSWORD_FILE: file });
    assert.equal(config.rootCredentials?.secretKey.reveal(), 'file-password');
    chmodSync(file, 0o644);
    assert.throws(() => loadConfig({}, { COFFER_ROOT_USER: 'admin', COFFER_ROOT_PASSWORD_FILE: file }), /readable by every user/);
    assert.equal(loadConfig({}, { COFFER_ROOT_USER: 'admin', COFFER_ROOT_PASSWORD_FILE: file, COFFER_ALLOW_WORLD_READABLE_SECRETS: 'true' }).rootCredentials?.accessKey, 'admin');
  });

  it('never prints a secret when the config is logged', () => {
    const config = loadConfig({}, { COFFER_ROOT_USER: 'admin', COFFER_ROOT_PASSWORD: 'hunter2hunter2' });
    assert.ok(!JSON.stringify(config).includes('hunter2hunter2'));
  });

  it('refuses plain HTTP on a non-loopback address unless explicitly allowed', () => {
    assert.throws(() => loadConfig({ address: '0.0.0.0:9000' }, {}), /refusing plain HTTP/);
    assert.throws(() => loadConfig({ address: ':9000' }, {}), /refusing plain HTTP/);
    assert.equal(loadConfig({ address: '0.0.0.0:9000', allowInsecureHttp: true }, {}).host, '0.0.0.0');
    assert.equal(loadConfig({ address: '[::1]:9000' }, {}).host, '::1');
  });

  it('parses addresses strictly', () => {
    assert.deepEqual(parseAddress('127.0.0.1:80'), { host: '127.0.0.1', port: 80 });
    assert.throws(() => parseAddress('127.0.0.1'), ConfigError);
    assert.throws(() => parseAddress('host:99999'), ConfigError);
  });

  it('documents every setting in docs/configuration.md', () => {
    const doc = readFileSync(new URL('../../docs/configuration.md', import.meta.url), 'utf8');
    for (const setting of SETTINGS) for (const env of setting.env) assert.ok(doc.includes(`\`${env}\``), `${env} is documented`);
  });

  it('serves plain HTTP with no certificate, and HTTPS (allowed on any address) when the default pair exists', () => {
    const data = mkdtempSync(join(tmpdir(), 'coffer-tls-cfg-'));
    const plain = loadConfig({ dataDir: data }, {});
    assert.equal(plain.tls.enabled, false);
    assert.equal(plain.tls.certsDir, join(data, '.coffer', 'certs'));
    const certs = mkdtempSync(join(tmpdir(), 'coffer-certs-'));
    writeFileSync(join(certs, 'public.crt'), 'x');
    assert.throws(() => loadConfig({ certsDir: certs }, {}), /present together/);
    writeFileSync(join(certs, 'private.key'), 'x');
    mkdirSync(join(certs, 'CAs'));
    writeFileSync(join(certs, 'CAs', 'root.pem'), 'CA1');
    writeFileSync(join(certs, 'CAs', 'notes.txt'), 'ignored');
    const secure = loadConfig({ address: '0.0.0.0:9000' }, { COFFER_CERTS_DIR: certs, MINIO_CERT_PASSWD: 'pw' });
    assert.equal(secure.tls.enabled, true);
    assert.deepEqual(secure.tls.cas, ['CA1']);
    assert.equal(secure.tls.keyPassword?.reveal(), 'pw');
    assert.equal(loadConfig({ certsDir: data }, { COFFER_CERTS_DIR: certs }).tls.enabled, false);
  });
});
