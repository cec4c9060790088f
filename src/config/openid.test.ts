import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { DEFAULT_OPENID_ALGORITHMS, openIdConfig, openIdRoleArn } from './openid.js';
import { ConfigError } from './secret-file.js';

const URL1 = 'https://idp.example/.well-known/openid-configuration';
const SECRET = 'very-secret-value-42';
const base = { COFFER_IDENTITY_OPENID_CONFIG_URL: URL1, COFFER_IDENTITY_OPENID_CLIENT_ID: 'coffer', COFFER_IDENTITY_OPENID_CLIENT_SECRET: SECRET };

function fails(env: Record<string, string>, pattern: RegExp): void {
  assert.throws(() => openIdConfig(env), (e: unknown) => {
    assert.ok(e instanceof ConfigError, String(e));
    assert.match(e.message, pattern);
    assert.ok(!e.message.includes(SECRET), 'the secret is in the error');
    return true;
  });
}

describe('OpenID configuration', () => {
  const dir = mkdtempSync(join(tmpdir(), 'coffer-openid-config-'));
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('is empty when nothing is set', () => {
    assert.deepEqual(openIdConfig({}), []);
  });

  it('reads the default provider with its defaults', () => {
    const [p, ...rest] = openIdConfig(base);
    assert.equal(rest.length, 0);
    assert.ok(p && Object.isFrozen(p));
    assert.equal(p.name, '_');
    assert.equal(p.configUrl, URL1);
    assert.equal(p.clientId, 'coffer');
    assert.equal(p.clientSecret?.reveal(), SECRET);
    assert.equal(String(p.clientSecret), '[REDACTED]');
    assert.ok(!JSON.stringify(p).includes(SECRET));
    assert.equal(p.claimName, 'policy');
    assert.equal(p.rolePolicy, undefined);
    assert.equal(p.roleArn, undefined);
    assert.deepEqual(p.scopes, []);
    assert.deepEqual(p.algorithms, DEFAULT_OPENID_ALGORITHMS);
    assert.equal(p.allowInsecureHttp, false);
  });

  it('reads MINIO_ names, and the COFFER_ name wins', () => {
    const [p] = openIdConfig({ MINIO_IDENTITY_OPENID_CONFIG_URL: URL1, MINIO_IDENTITY_OPENID_CLIENT_ID: 'minio-id', MINIO_IDENTITY_OPENID_CLAIM_NAME: 'groups' });
    assert.equal(p?.clientId, 'minio-id');
    assert.equal(p?.claimName, 'groups');
    const [q] = openIdConfig({ ...base, MINIO_IDENTITY_OPENID_CLIENT_ID: 'minio-id' });
    assert.equal(q?.clientId, 'coffer');
  });

  it('reads suffixed providers, named by the suffix in lower case, with MinIO role ARNs', () => {
    const list = openIdConfig({
      ...base,
      MINIO_IDENTITY_OPENID_CONFIG_URL_APP2: 'https://other.example/.well-known/openid-configuration',
      MINIO_IDENTITY_OPENID_CLIENT_ID_APP2: 'app2-client',
      MINIO_IDENTITY_OPENID_ROLE_POLICY_APP2: 'readonly, diagnostics',
      COFFER_IDENTITY_OPENID_CONFIG_URL_KEYCLOAK_PROD: 'http://127.0.0.1:8080/realms/x/.well-known/openid-configuration',
      COFFER_IDENTITY_OPENID_CLIENT_ID_KEYCLOAK_PROD: 'kc',
      COFFER_IDENTITY_OPENID_ROLE_POLICY_KEYCLOAK_PROD: 'readwrite',
      COFFER_IDENTITY_OPENID_DISPLAY_NAME_KEYCLOAK_PROD: 'Keycloak',
    });
    assert.deepEqual(list.map((p) => p.name), ['_', 'app2', 'keycloak_prod']);
    assert.deepEqual(list[1]?.rolePolicy, ['readonly', 'diagnostics']);
    const expected = `arn:minio:iam:::role/${createHash('sha1').update('app2-client').digest('base64').replace(/=+$/, '').replace(/\+/g, '-').replace(/\//g, '_')}`;
    assert.equal(list[1]?.roleArn, expected);
    assert.equal(openIdRoleArn('app2-client'), expected);
    assert.equal(list[2]?.displayName, 'Keycloak');
  });

  it('skips a provider with ENABLE=off and requires CONFIG_URL and CLIENT_ID otherwise', () => {
    assert.deepEqual(openIdConfig({ ...base, COFFER_IDENTITY_OPENID_ENABLE: 'off' }), []);
    fails({ COFFER_IDENTITY_OPENID_CLIENT_ID: 'x' }, /^COFFER_IDENTITY_OPENID_CONFIG_URL: required/);
    fails({ COFFER_IDENTITY_OPENID_CONFIG_URL: URL1 }, /COFFER_IDENTITY_OPENID_CLIENT_ID: required/);
    fails({ ...base, MINIO_IDENTITY_OPENID_CLIENT_ID_X: 'x' }, /COFFER_IDENTITY_OPENID_CONFIG_URL_X: required/);
    fails({ ...base, COFFER_IDENTITY_OPENID_ENABLE: 'maybe' }, /COFFER_IDENTITY_OPENID_ENABLE: expected on or off/);
  });

  it('refuses plain http to a non-loopback host unless ALLOW_INSECURE is on, and odd URLs', () => {
    for (const url of ['http://127.0.0.1:9400/x', 'http://localhost/x', 'http://[::1]:80/x']) openIdConfig({ ...base, COFFER_IDENTITY_OPENID_CONFIG_URL: url });
    fails({ ...base, COFFER_IDENTITY_OPENID_CONFIG_URL: 'http://idp.example/x' }, /COFFER_IDENTITY_OPENID_CONFIG_URL: plain http/);
    fails({ ...base, COFFER_IDENTITY_OPENID_CONFIG_URL: 'ftp://idp.example/x' }, /https/);
    fails({ ...base, COFFER_IDENTITY_OPENID_CONFIG_URL: 'not a url' }, /not a URL/);
    fails({ ...base, COFFER_IDENTITY_OPENID_CONFIG_URL: 'https://u:p@idp.example/x' }, /credentials/);
    const [p] = openIdConfig({ ...base, COFFER_IDENTITY_OPENID_CONFIG_URL: 'http://idp.example/x', COFFER_IDENTITY_OPENID_ALLOW_INSECURE: 'on' });
    assert.equal(p?.allowInsecureHttp, true);
  });

  it('refuses ROLE_POLICY together with a non-default CLAIM_NAME', () => {
    fails({ ...base, COFFER_IDENTITY_OPENID_ROLE_POLICY: 'readonly', COFFER_IDENTITY_OPENID_CLAIM_NAME: 'groups' }, /ROLE_POLICY and COFFER_IDENTITY_OPENID_CLAIM_NAME/);
    assert.equal(openIdConfig({ ...base, COFFER_IDENTITY_OPENID_ROLE_POLICY: 'readonly', COFFER_IDENTITY_OPENID_CLAIM_NAME: 'policy' }).length, 1);
  });

  it('allows any number of role-policy providers but one claim-based provider', () => {
    fails({ ...base, COFFER_IDENTITY_OPENID_CONFIG_URL_B: URL1, COFFER_IDENTITY_OPENID_CLIENT_ID_B: 'b' }, /'_' and 'b' both take policies from a claim/);
    const list = openIdConfig({
      ...base,
      COFFER_IDENTITY_OPENID_CONFIG_URL_B: URL1, COFFER_IDENTITY_OPENID_CLIENT_ID_B: 'b', COFFER_IDENTITY_OPENID_ROLE_POLICY_B: 'readonly',
      COFFER_IDENTITY_OPENID_CONFIG_URL_C: URL1, COFFER_IDENTITY_OPENID_CLIENT_ID_C: 'c', COFFER_IDENTITY_OPENID_ROLE_POLICY_C: 'readwrite',
    });
    assert.equal(list.length, 3);
  });

  it('requires client ids to be unique across providers', () => {
    fails({ ...base, COFFER_IDENTITY_OPENID_CONFIG_URL_B: URL1, COFFER_IDENTITY_OPENID_CLIENT_ID_B: 'coffer', COFFER_IDENTITY_OPENID_ROLE_POLICY_B: 'x' }, /same client id/);
  });

  it('validates SCOPES, CLAIM_USERINFO, MAX_SESSION', () => {
    assert.deepEqual(openIdConfig({ ...base, COFFER_IDENTITY_OPENID_SCOPES: 'openid, email,groups' })[0]?.scopes, ['openid', 'email', 'groups']);
    fails({ ...base, COFFER_IDENTITY_OPENID_SCOPES: 'openid,,email' }, /SCOPES: empty element/);
    fails({ ...base, COFFER_IDENTITY_OPENID_SCOPES: 'openid,' }, /SCOPES: empty element/);
    assert.equal(openIdConfig({ ...base, MINIO_IDENTITY_OPENID_CLAIM_USERINFO: 'off' }).length, 1);
    fails({ ...base, MINIO_IDENTITY_OPENID_CLAIM_USERINFO: 'on' }, /MINIO_IDENTITY_OPENID_CLAIM_USERINFO: .*not supported yet/);
    assert.equal(openIdConfig({ ...base, COFFER_IDENTITY_OPENID_MAX_SESSION: '3600' })[0]?.maxSessionSeconds, 3600);
    for (const bad of ['10', '1h', '-5', '99999999999']) fails({ ...base, COFFER_IDENTITY_OPENID_MAX_SESSION: bad }, /MAX_SESSION/);
  });

  it('validates ALGORITHMS: never none, HS* only with a client secret, known names only; COFFER-only', () => {
    assert.deepEqual(openIdConfig({ ...base, COFFER_IDENTITY_OPENID_ALGORITHMS: 'RS256,HS256' })[0]?.algorithms, ['RS256', 'HS256']);
    fails({ ...base, COFFER_IDENTITY_OPENID_ALGORITHMS: 'RS256,none' }, /'none' is never accepted/);
    fails({ ...base, COFFER_IDENTITY_OPENID_ALGORITHMS: 'NONE' }, /'none' is never accepted/);
    fails({ ...base, COFFER_IDENTITY_OPENID_ALGORITHMS: 'RS1' }, /unknown algorithm/);
    const { COFFER_IDENTITY_OPENID_CLIENT_SECRET: _, ...noSecret } = base;
    fails({ ...noSecret, COFFER_IDENTITY_OPENID_ALGORITHMS: 'HS256' }, /HS256 needs a client secret/);
    assert.deepEqual(openIdConfig({ ...base, MINIO_IDENTITY_OPENID_ALGORITHMS: 'HS256' })[0]?.algorithms, DEFAULT_OPENID_ALGORITHMS);
  });

  it('reads CA_FILE as a PEM file or a folder of them', () => {
    const pem = '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n';
    writeFileSync(join(dir, 'ca.pem'), pem);
    mkdirSync(join(dir, 'cas'));
    writeFileSync(join(dir, 'cas', 'a.crt'), pem);
    writeFileSync(join(dir, 'cas', 'b.pem'), pem);
    writeFileSync(join(dir, 'cas', 'readme.txt'), 'ignored');
    writeFileSync(join(dir, 'junk.pem'), 'not a certificate');
    assert.equal(openIdConfig({ ...base, COFFER_IDENTITY_OPENID_CA_FILE: join(dir, 'ca.pem') })[0]?.ca?.length, 1);
    assert.equal(openIdConfig({ ...base, COFFER_IDENTITY_OPENID_CA_FILE: join(dir, 'cas') })[0]?.ca?.length, 2);
    fails({ ...base, COFFER_IDENTITY_OPENID_CA_FILE: join(dir, 'junk.pem') }, /CA_FILE: expected PEM/);
    fails({ ...base, COFFER_IDENTITY_OPENID_CA_FILE: join(dir, 'missing') }, /CA_FILE: cannot read/);
  });

  it('reads the client secret from a file with safe permissions, never quoting it', () => {
    const file = join(dir, 'secret');
    writeFileSync(file, `${SECRET}\n`, { mode: 0o600 });
    const { COFFER_IDENTITY_OPENID_CLIENT_SECRET: _, ...noSecret } = base;
    assert.equal(openIdConfig({ ...noSecret, COFFER_IDENTITY_OPENID_CLIENT_SECRET_FILE: file })[0]?.clientSecret?.reveal(), SECRET);
    chmodSync(file, 0o644);
    fails({ ...noSecret, COFFER_IDENTITY_OPENID_CLIENT_SECRET_FILE: file }, /CLIENT_SECRET_FILE: the file is readable by every user/);
    fails({ ...base, COFFER_IDENTITY_OPENID_CLIENT_SECRET_FILE: file }, /set one of them/);
  });

  it('never echoes the secret in any error', () => {
    const env = { ...base, COFFER_IDENTITY_OPENID_CLIENT_ID: SECRET, COFFER_IDENTITY_OPENID_CONFIG_URL: `http://idp.example/${SECRET}` };
    fails(env, /plain http/);
    fails({ ...base, COFFER_IDENTITY_OPENID_ENABLE: SECRET }, /ENABLE/);
  });
});
