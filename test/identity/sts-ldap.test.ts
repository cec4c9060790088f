/**
 * AssumeRoleWithLDAPIdentity end to end against a real OpenLDAP slapd on loopback (StartTLS,
 * verified with the directory's CA): policies mapped to user and group DNs with the admin API,
 * credentials used for allowed and denied S3 calls, the same refusal for an unknown user and
 * a wrong password, throttling, and a user removed from the directory (or from its group)
 * losing access at the next directory check — the periodic one and the admin-triggered one.
 */
import assert from 'node:assert/strict';
import { rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { CreateBucketCommand, GetObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { GetCallerIdentityCommand, GetSessionTokenCommand, STSClient } from '@aws-sdk/client-sts';
import { AdminClient } from '../../client/index.js';
import { startSlapd, type Slapd } from '../helpers/slapd.js';
import { expectS3Error, ROOT_ACCESS_KEY, ROOT_SECRET_KEY, s3Error, startTestServer, type TestServer } from '../helpers/server.js';

interface Login {
  status: number;
  body: string;
  code?: string | undefined;
  s3?: S3Client;
  sts?: STSClient;
  expiration?: Date;
}

describe('STS with LDAP identities (real slapd)', () => {
  let slapd: Slapd;
  let server: TestServer;
  let admin: AdminClient;
  const clients: Array<{ destroy(): void }> = [];
  let caFile = '';

  before(async () => {
    slapd = await startSlapd();
    caFile = join(tmpdir(), `coffer-ldap-ca-${process.pid}-${Date.now()}.pem`);
    writeFileSync(caFile, slapd.caPem);
    server = await startTestServer({
      COFFER_IDENTITY_LDAP_SERVER_ADDR: `127.0.0.1:${slapd.port}`,
      MINIO_IDENTITY_LDAP_SERVER_STARTTLS: 'on',
      COFFER_IDENTITY_LDAP_CA_FILE: caFile,
      COFFER_IDENTITY_LDAP_LOOKUP_BIND_DN: slapd.lookupDn,
      COFFER_IDENTITY_LDAP_LOOKUP_BIND_PASSWORD: slapd.lookupPassword,
      COFFER_IDENTITY_LDAP_USER_DN_SEARCH_BASE_DN: slapd.peopleDn,
      COFFER_IDENTITY_LDAP_USER_DN_SEARCH_FILTER: '(&(objectClass=inetOrgPerson)(uid=%s))',
      MINIO_IDENTITY_LDAP_GROUP_SEARCH_BASE_DN: slapd.groupsDn,
      MINIO_IDENTITY_LDAP_GROUP_SEARCH_FILTER: '(&(objectClass=groupOfNames)(member=%d))',
      COFFER_IDENTITY_LDAP_SYNC_INTERVAL: '10',
      COFFER_TRUSTED_PROXIES: '127.0.0.1/32,::1/128',
    });
    admin = new AdminClient({ endpoint: server.endpoint, credentials: { accessKeyId: ROOT_ACCESS_KEY, secretAccessKey: ROOT_SECRET_KEY } });
    await server.client.send(new CreateBucketCommand({ Bucket: 'shared' }));
    await server.client.send(new PutObjectCommand({ Bucket: 'shared', Key: 'doc.txt', Body: 'hello' }));
    await server.client.send(new CreateBucketCommand({ Bucket: 'home' }));
    // Readers by group, writers by group; bob's own DN gets his home folder through ${ldap:username}.
    await admin.attachLdapPolicy('readonly', { group: slapd.groupDn('s3-readers') });
    await admin.attachLdapPolicy('readwrite', { group: slapd.groupDn('s3-writers') });
    await admin.createPolicy({
      name: 'own-home',
      document: JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: ['s3:PutObject', 's3:GetObject'], Resource: 'arn:aws:s3:::home/${ldap:username}/*' }] }),
    });
    await admin.attachLdapPolicy('own-home', { user: slapd.userDn('carol') });
  });
  after(async () => {
    for (const c of clients) c.destroy();
    await server?.stop();
    await slapd?.stop();
    if (caFile) rmSync(caFile, { force: true });
  });

  async function login(username: string, password: string, extra: Record<string, string> = {}, headers: Record<string, string> = {}): Promise<Login> {
    const res = await fetch(server.endpoint, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
      body: new URLSearchParams({ Action: 'AssumeRoleWithLDAPIdentity', Version: '2011-06-15', LDAPUsername: username, LDAPPassword: password, ...extra }),
    });
    const body = await res.text();
    const field = (name: string) => new RegExp(`<${name}>([^<]*)</${name}>`).exec(body)?.[1];
    if (res.status !== 200) return { status: res.status, body, code: field('Code') };
    const credentials = { accessKeyId: field('AccessKeyId')!, secretAccessKey: field('SecretAccessKey')!, sessionToken: field('SessionToken')! };
    const s3 = new S3Client({ endpoint: server.endpoint, region: 'us-east-1', forcePathStyle: true, maxAttempts: 1, credentials });
    const sts = new STSClient({ endpoint: server.endpoint, region: 'us-east-1', maxAttempts: 1, credentials });
    clients.push(s3, sts);
    return { status: 200, body, s3, sts, expiration: new Date(field('Expiration')!) };
  }

  it('issues credentials with the policies of the user’s groups; they allow what the policy allows and nothing else', async () => {
    const alice = await login('alice', 'alicepass');
    assert.equal(alice.status, 200, alice.body);
    assert.equal(await (await alice.s3!.send(new GetObjectCommand({ Bucket: 'shared', Key: 'doc.txt' }))).Body!.transformToString(), 'hello');
    await expectS3Error(alice.s3!.send(new PutObjectCommand({ Bucket: 'shared', Key: 'x', Body: 'x' })), 'AccessDenied', 403);
    assert.equal((await alice.sts!.send(new GetCallerIdentityCommand({}))).Arn, 'arn:aws:sts::000000000000:federated-user/ldap/alice');
    const bob = await login('bob', 'bobpass');
    await bob.s3!.send(new PutObjectCommand({ Bucket: 'shared', Key: 'from-bob.txt', Body: 'b' }));
    // Default 1 h; DurationSeconds honoured.
    assert.ok(Math.abs(alice.expiration!.getTime() - Date.now() - 3600_000) < 10_000);
    const short = await login('alice', 'alicepass', { DurationSeconds: '900' });
    assert.ok(Math.abs(short.expiration!.getTime() - Date.now() - 900_000) < 10_000);
  });

  it('fills ${ldap:username} from the directory: carol writes her home folder only', async () => {
    const carol = await login('carol', 'carolpass');
    assert.equal(carol.status, 200, carol.body);
    await carol.s3!.send(new PutObjectCommand({ Bucket: 'home', Key: 'carol/a.txt', Body: 'c' }));
    await expectS3Error(carol.s3!.send(new PutObjectCommand({ Bucket: 'home', Key: 'alice/a.txt', Body: 'c' })), 'AccessDenied', 403);
    await expectS3Error(carol.s3!.send(new GetObjectCommand({ Bucket: 'shared', Key: 'doc.txt' })), 'AccessDenied', 403);
  });

  it('answers an unknown user, a wrong password, an empty password and filter injection identically', async () => {
    const answers = [await login('nobody', 'x'), await login('bob', 'wrong'), await login('bob', ''), await login('*', 'x'), await login('bob)(uid=*', 'x')];
    const shape = (l: Login) => ({ status: l.status, body: l.body.replace(/<RequestId>[^<]*<\/RequestId>/, '') });
    for (const answer of answers.slice(0, 2)) assert.deepEqual(shape(answer), shape(answers[0]!));
    assert.equal(answers[0]!.status, 403);
    assert.equal(answers[0]!.code, 'AccessDenied');
    assert.doesNotMatch(answers[0]!.body, /DN|not found|password is wrong|ldap:\/\//i);
    for (const answer of answers.slice(2)) assert.ok(answer.status === 400 || answer.status === 403, answer.body);
  });

  it('refuses a user with no mapped policy, and a session policy narrows', async () => {
    await slapd.addUser('frank', 'frankpass');
    assert.equal((await login('frank', 'frankpass')).code, 'AccessDenied');
    const narrowed = await login('bob', 'bobpass', {
      Policy: JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 's3:GetObject', Resource: 'arn:aws:s3:::shared/*' }] }),
    });
    await narrowed.s3!.send(new GetObjectCommand({ Bucket: 'shared', Key: 'doc.txt' }));
    await expectS3Error(narrowed.s3!.send(new PutObjectCommand({ Bucket: 'shared', Key: 'n', Body: 'n' })), 'AccessDenied', 403);
  });

  it('throttles repeated failures per user: then even the right password is refused', async () => {
    await slapd.addUser('gina', 'ginapass', ['s3-readers']);
    for (let i = 0; i < 5; i++) assert.equal((await login('gina', `wrong-${i}`)).code, 'AccessDenied');
    const throttled = await login('gina', 'ginapass');
    assert.equal(throttled.status, 400, throttled.body);
    assert.equal(throttled.code, 'Throttling');
  });

  it('refuses the password in clear from a non-loopback client, and in the URL', async () => {
    const remote = await login('alice', 'alicepass', {}, { 'x-forwarded-for': '192.0.2.10' });
    assert.equal(remote.code, 'AccessDenied');
    assert.match(remote.body, /only accepted over TLS/);
    const inUrl = await fetch(`${server.endpoint}/?Action=AssumeRoleWithLDAPIdentity&Version=2011-06-15&LDAPUsername=alice&LDAPPassword=alicepass`, { method: 'POST' });
    assert.equal(inUrl.status, 400);
  });

  it('a detached mapping stops applying at once', async () => {
    await slapd.addUser('hugo', 'hugopass');
    await admin.attachLdapPolicy('readonly', { user: slapd.userDn('hugo') });
    const hugo = await login('hugo', 'hugopass');
    await hugo.s3!.send(new GetObjectCommand({ Bucket: 'shared', Key: 'doc.txt' }));
    await admin.detachLdapPolicy('readonly', { user: slapd.userDn('hugo') });
    await expectS3Error(hugo.s3!.send(new GetObjectCommand({ Bucket: 'shared', Key: 'doc.txt' })), 'AccessDenied', 403);
    const { mappings } = await admin.listLdapPolicies();
    assert.ok(mappings.some((m) => m.type === 'group' && m.policies.includes('readonly')));
  });

  it('a user removed from its group loses that group’s access at the next directory check (admin sync)', async () => {
    await slapd.addUser('ivan', 'ivanpass', ['s3-readers']);
    const ivan = await login('ivan', 'ivanpass');
    await ivan.s3!.send(new GetObjectCommand({ Bucket: 'shared', Key: 'doc.txt' }));
    await slapd.removeFromGroup('ivan', 's3-readers');
    const result = await admin.syncLdap();
    assert.ok(result.updated >= 1, JSON.stringify(result));
    await expectS3Error(ivan.s3!.send(new GetObjectCommand({ Bucket: 'shared', Key: 'doc.txt' })), 'AccessDenied', 403);
  });

  it('a user deleted from the directory loses every session within the sync interval (periodic check)', async () => {
    await slapd.addUser('judy', 'judypass', ['s3-readers']);
    const judy = await login('judy', 'judypass');
    await judy.s3!.send(new GetObjectCommand({ Bucket: 'shared', Key: 'doc.txt' }));
    await slapd.deleteUser('judy');
    const deadline = Date.now() + 30_000;
    let code = '';
    while (Date.now() < deadline) {
      try {
        await judy.s3!.send(new GetObjectCommand({ Bucket: 'shared', Key: 'doc.txt' }));
      } catch (error) {
        code = s3Error(error).code;
        break;
      }
      await sleep(500);
    }
    assert.equal(code, 'InvalidAccessKeyId', 'the session was revoked by the periodic directory check');
    assert.equal((await login('judy', 'judypass')).code, 'AccessDenied');
  });

  it('access keys of an LDAP user follow the directory: groups at request time, deleted when the user leaves', async () => {
    await slapd.addUser('kate', 'katepass', ['s3-readers']);
    const dn = slapd.userDn('kate');
    const key = await admin.createLdapAccessKey({ user: dn, name: 'backup' });
    const s3 = server.clientFor(key.accessKeyId, key.secretAccessKey);
    await s3.send(new GetObjectCommand({ Bucket: 'shared', Key: 'doc.txt' }));
    await expectS3Error(s3.send(new PutObjectCommand({ Bucket: 'shared', Key: 'k', Body: 'k' })), 'AccessDenied', 403);
    assert.deepEqual((await admin.listLdapAccessKeys(dn)).items.map((k) => k.accessKeyId), [key.accessKeyId]);
    // Such a key does not start sessions: its user signs in through the directory.
    const keySts = new STSClient({ endpoint: server.endpoint, region: 'us-east-1', maxAttempts: 1, credentials: { accessKeyId: key.accessKeyId, secretAccessKey: key.secretAccessKey } });
    clients.push(keySts);
    await assert.rejects(keySts.send(new GetSessionTokenCommand({})), (error: Error) => error.name === 'AccessDenied');
    // Unknown in the directory → no key; a user without any mapped policy → no key.
    await assert.rejects(admin.createLdapAccessKey({ user: slapd.userDn('nobody') }), /NoSuchEntity|no such user/i);
    await assert.rejects(admin.createLdapAccessKey({ user: slapd.userDn('frank') }), /AccessDenied|denied/i);
    await slapd.deleteUser('kate');
    const result = await admin.syncLdap();
    assert.ok(result.revoked >= 1, JSON.stringify(result));
    await expectS3Error(s3.send(new GetObjectCommand({ Bucket: 'shared', Key: 'doc.txt' })), 'InvalidAccessKeyId', 403);
  });

  it('answers IDPCommunicationError when the directory is down, and issues nothing', async () => {
    const status = await admin.idpStatus();
    assert.equal(status.ldap?.tls, 'starttls');
    await slapd.stop();
    const down = await login('alice', 'alicepass');
    assert.equal(down.code, 'IDPCommunicationError', down.body);
  });
});
