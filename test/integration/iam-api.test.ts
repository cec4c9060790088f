/**
 * The AWS IAM query API through @aws-sdk/client-iam: users, access keys, groups, managed
 * policies and versions, attachments, inline policies, roles, paging, the AWS error codes and
 * statuses, and authorization of every call (root, users with and without iam:* grants, sessions).
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  AddUserToGroupCommand,
  AttachGroupPolicyCommand,
  AttachRolePolicyCommand,
  AttachUserPolicyCommand,
  CreateAccessKeyCommand,
  CreateGroupCommand,
  CreateOpenIDConnectProviderCommand,
  CreatePolicyCommand,
  CreatePolicyVersionCommand,
  CreateRoleCommand,
  CreateUserCommand,
  DeleteAccessKeyCommand,
  DeleteGroupCommand,
  DeleteGroupPolicyCommand,
  DeleteOpenIDConnectProviderCommand,
  DeletePolicyCommand,
  DeletePolicyVersionCommand,
  DeleteRoleCommand,
  DeleteRolePolicyCommand,
  DeleteUserCommand,
  DeleteUserPolicyCommand,
  DetachGroupPolicyCommand,
  DetachRolePolicyCommand,
  DetachUserPolicyCommand,
  GetAccessKeyLastUsedCommand,
  GetAccountSummaryCommand,
  GetGroupCommand,
  GetGroupPolicyCommand,
  GetOpenIDConnectProviderCommand,
  GetPolicyCommand,
  GetPolicyVersionCommand,
  GetRoleCommand,
  GetRolePolicyCommand,
  GetUserCommand,
  GetUserPolicyCommand,
  IAMClient,
  ListAccessKeysCommand,
  ListAttachedGroupPoliciesCommand,
  ListAttachedRolePoliciesCommand,
  ListAttachedUserPoliciesCommand,
  ListEntitiesForPolicyCommand,
  ListGroupPoliciesCommand,
  ListGroupsCommand,
  ListGroupsForUserCommand,
  ListOpenIDConnectProvidersCommand,
  ListPoliciesCommand,
  ListPolicyVersionsCommand,
  ListRolePoliciesCommand,
  ListRolesCommand,
  ListRoleTagsCommand,
  ListUserPoliciesCommand,
  ListUsersCommand,
  ListUserTagsCommand,
  PutGroupPolicyCommand,
  PutRolePolicyCommand,
  PutUserPolicyCommand,
  RemoveUserFromGroupCommand,
  SetDefaultPolicyVersionCommand,
  TagUserCommand,
  UntagUserCommand,
  UpdateAccessKeyCommand,
  UpdateAssumeRolePolicyCommand,
  UpdateRoleCommand,
  UpdateUserCommand,
} from '@aws-sdk/client-iam';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { ROOT_ACCESS_KEY, ROOT_SECRET_KEY, startTestServer, type TestServer } from '../helpers/server.js';
import { expectQueryError, queryError } from '../helpers/query-errors.js';

const ACCOUNT = '000000000000';
const doc = (statements: object[]): string => JSON.stringify({ Version: '2012-10-17', Statement: statements });
const allow = (action: string | string[], resource: string | string[] = '*') => ({ Effect: 'Allow', Action: action, Resource: resource });
const trust = (principal: string) => doc([{ Effect: 'Allow', Principal: { AWS: principal }, Action: 'sts:AssumeRole' }]);

const expectError = expectQueryError;

describe('IAM query API', () => {
  let server: TestServer;
  const clients: Array<{ destroy(): void }> = [];
  const iamAs = (accessKeyId: string, secretAccessKey: string, sessionToken?: string): IAMClient => {
    const client = new IAMClient({
      endpoint: server.endpoint,
      region: 'us-east-1',
      credentials: { accessKeyId, secretAccessKey, ...(sessionToken === undefined ? {} : { sessionToken }) },
      maxAttempts: 1,
    });
    clients.push(client);
    return client;
  };
  let iam: IAMClient;

  /** A user with a fresh access key and, optionally, an inline policy; returns an IAM client for it. */
  async function userWith(name: string, policy?: string): Promise<{ client: IAMClient; accessKeyId: string; secret: string }> {
    await iam.send(new CreateUserCommand({ UserName: name }));
    if (policy !== undefined) await iam.send(new PutUserPolicyCommand({ UserName: name, PolicyName: 'p', PolicyDocument: policy }));
    const key = (await iam.send(new CreateAccessKeyCommand({ UserName: name }))).AccessKey!;
    return { client: iamAs(key.AccessKeyId!, key.SecretAccessKey!), accessKeyId: key.AccessKeyId!, secret: key.SecretAccessKey! };
  }

  before(async () => {
    server = await startTestServer();
    iam = iamAs(ROOT_ACCESS_KEY, ROOT_SECRET_KEY);
  });
  after(async () => {
    for (const client of clients) client.destroy();
    await server.stop();
  });

  describe('users', () => {
    it('creates a user with a path and tags, and reads it back', async () => {
      const created = await iam.send(new CreateUserCommand({ UserName: 'alice', Path: '/eng/', Tags: [{ Key: 'team', Value: 'storage' }] }));
      assert.equal(created.User?.UserName, 'alice');
      assert.equal(created.User?.Path, '/eng/');
      assert.match(created.User?.UserId ?? '', /^AIDA/);
      assert.equal(created.User?.Arn, `arn:aws:iam::${ACCOUNT}:user/eng/alice`);
      assert.ok(created.User?.CreateDate instanceof Date);
      const got = await iam.send(new GetUserCommand({ UserName: 'alice' }));
      assert.equal(got.User?.UserId, created.User?.UserId);
      assert.deepEqual(got.User?.Tags, [{ Key: 'team', Value: 'storage' }]);
    });

    it('tags and untags a user and lists its tags', async () => {
      await iam.send(new TagUserCommand({ UserName: 'alice', Tags: [{ Key: 'env', Value: 'prod' }] }));
      const tags = (await iam.send(new ListUserTagsCommand({ UserName: 'alice' }))).Tags ?? [];
      assert.deepEqual(tags.map((t) => `${t.Key}=${t.Value}`).sort(), ['env=prod', 'team=storage']);
      await iam.send(new UntagUserCommand({ UserName: 'alice', TagKeys: ['team'] }));
      assert.deepEqual((await iam.send(new ListUserTagsCommand({ UserName: 'alice' }))).Tags, [{ Key: 'env', Value: 'prod' }]);
    });

    it('answers EntityAlreadyExists (409) for a second user of that name and NoSuchEntity (404) for an unknown one', async () => {
      await expectError(iam.send(new CreateUserCommand({ UserName: 'alice' })), 'EntityAlreadyExists', 409);
      await expectError(iam.send(new GetUserCommand({ UserName: 'nobody' })), 'NoSuchEntity', 404);
      await expectError(iam.send(new DeleteUserCommand({ UserName: 'nobody' })), 'NoSuchEntity', 404);
    });

    it('refuses invalid names with a 400 and the reserved name root', async () => {
      await expectError(iam.send(new CreateUserCommand({ UserName: 'bad name!' })), 'InvalidInput', 400);
      await expectError(iam.send(new CreateUserCommand({ UserName: 'root' })), 'InvalidInput', 400);
      await expectError(iam.send(new CreateUserCommand({ UserName: '' })), 'ValidationError', 400);
    });

    it('answers GetUser without a name for the caller: root, then a user', async () => {
      const root = await iam.send(new GetUserCommand({}));
      assert.equal(root.User?.Arn, `arn:aws:iam::${ACCOUNT}:root`);
      assert.equal(root.User?.UserId, ACCOUNT);
      const { client } = await userWith('self-reader', doc([allow('iam:GetUser', `arn:aws:iam::${ACCOUNT}:user/\${aws:username}`)]));
      assert.equal((await client.send(new GetUserCommand({}))).User?.UserName, 'self-reader');
      await expectError(client.send(new GetUserCommand({ UserName: 'alice' })), 'AccessDenied', 403);
    });

    it('accepts UpdateUser without a change and refuses a rename it cannot do', async () => {
      await iam.send(new UpdateUserCommand({ UserName: 'alice' }));
      await iam.send(new UpdateUserCommand({ UserName: 'alice', NewPath: '/eng/' }));
      await expectError(iam.send(new UpdateUserCommand({ UserName: 'alice', NewUserName: 'alicia' })), 'NotImplemented', 501);
      await expectError(iam.send(new UpdateUserCommand({ UserName: 'nobody' })), 'NoSuchEntity', 404);
    });

    it('pages ListUsers with MaxItems and Marker', async () => {
      for (let i = 0; i < 5; i++) await iam.send(new CreateUserCommand({ UserName: `page-${i}`, Path: '/paging/' }));
      const seen: string[] = [];
      let marker: string | undefined;
      let pages = 0;
      do {
        const page = await iam.send(new ListUsersCommand({ PathPrefix: '/paging/', MaxItems: 2, ...(marker ? { Marker: marker } : {}) }));
        seen.push(...(page.Users ?? []).map((u) => u.UserName!));
        assert.ok((page.Users ?? []).length <= 2);
        marker = page.IsTruncated ? page.Marker : undefined;
        if (page.IsTruncated) assert.ok(page.Marker);
        pages++;
      } while (marker !== undefined && pages < 10);
      assert.deepEqual(seen.sort(), ['page-0', 'page-1', 'page-2', 'page-3', 'page-4']);
      assert.equal(pages, 3);
      await expectError(iam.send(new ListUsersCommand({ MaxItems: 0 })), 'ValidationError', 400);
    });
  });

  describe('access keys', () => {
    it('creates a key that signs requests, lists it, deactivates and deletes it', async () => {
      await iam.send(new CreateUserCommand({ UserName: 'keyholder' }));
      const key = (await iam.send(new CreateAccessKeyCommand({ UserName: 'keyholder' }))).AccessKey!;
      assert.equal(key.UserName, 'keyholder');
      assert.equal(key.Status, 'Active');
      assert.ok(key.SecretAccessKey && key.SecretAccessKey.length >= 40);
      const sts = new STSClient({ endpoint: server.endpoint, region: 'us-east-1', credentials: { accessKeyId: key.AccessKeyId!, secretAccessKey: key.SecretAccessKey! }, maxAttempts: 1 });
      clients.push(sts);
      assert.equal((await sts.send(new GetCallerIdentityCommand({}))).Arn, `arn:aws:iam::${ACCOUNT}:user/keyholder`);
      const listed = await iam.send(new ListAccessKeysCommand({ UserName: 'keyholder' }));
      assert.deepEqual(listed.AccessKeyMetadata?.map((k) => [k.AccessKeyId, k.Status, k.UserName]), [[key.AccessKeyId, 'Active', 'keyholder']]);
      assert.equal(listed.AccessKeyMetadata?.[0] && 'SecretAccessKey' in listed.AccessKeyMetadata[0], false);
      assert.equal((await iam.send(new GetAccessKeyLastUsedCommand({ AccessKeyId: key.AccessKeyId! }))).UserName, 'keyholder');

      await iam.send(new UpdateAccessKeyCommand({ UserName: 'keyholder', AccessKeyId: key.AccessKeyId!, Status: 'Inactive' }));
      assert.equal((await iam.send(new ListAccessKeysCommand({ UserName: 'keyholder' }))).AccessKeyMetadata?.[0]?.Status, 'Inactive');
      await expectError(sts.send(new GetCallerIdentityCommand({})), 'InvalidClientTokenId', 403);
      await expectError(iam.send(new UpdateAccessKeyCommand({ UserName: 'keyholder', AccessKeyId: key.AccessKeyId!, Status: 'Paused' as 'Active' })), 'ValidationError', 400);
      await iam.send(new DeleteAccessKeyCommand({ UserName: 'keyholder', AccessKeyId: key.AccessKeyId! }));
      assert.deepEqual((await iam.send(new ListAccessKeysCommand({ UserName: 'keyholder' }))).AccessKeyMetadata, []);
      await expectError(iam.send(new DeleteAccessKeyCommand({ UserName: 'keyholder', AccessKeyId: key.AccessKeyId! })), 'NoSuchEntity', 404);
    });

    it('never lets a caller reach another user’s (or root’s) key through its own user name', async () => {
      const self = `arn:aws:iam::${ACCOUNT}:user/\${aws:username}`;
      const mallory = await userWith('mallory', doc([allow(['iam:UpdateAccessKey', 'iam:DeleteAccessKey', 'iam:ListAccessKeys', 'iam:CreateAccessKey'], self)]));
      const victim = (await iam.send(new CreateAccessKeyCommand({ UserName: 'keyholder' }))).AccessKey!;
      await expectError(mallory.client.send(new DeleteAccessKeyCommand({ AccessKeyId: victim.AccessKeyId! })), 'NoSuchEntity', 404);
      await expectError(mallory.client.send(new UpdateAccessKeyCommand({ UserName: 'mallory', AccessKeyId: victim.AccessKeyId!, Status: 'Inactive' })), 'NoSuchEntity', 404);
      await expectError(mallory.client.send(new DeleteAccessKeyCommand({ UserName: 'mallory', AccessKeyId: ROOT_ACCESS_KEY })), 'NoSuchEntity', 404);
      await expectError(mallory.client.send(new DeleteAccessKeyCommand({ UserName: 'keyholder', AccessKeyId: victim.AccessKeyId! })), 'AccessDenied', 403);
      await expectError(mallory.client.send(new CreateAccessKeyCommand({ UserName: 'keyholder' })), 'AccessDenied', 403);
      await expectError(mallory.client.send(new CreateAccessKeyCommand({ UserName: 'root' })), 'NoSuchEntity', 404);
      assert.equal((await iam.send(new ListAccessKeysCommand({ UserName: 'keyholder' }))).AccessKeyMetadata?.[0]?.Status, 'Active');
      // its own keys: allowed by its policy, without naming itself
      const own = (await mallory.client.send(new CreateAccessKeyCommand({}))).AccessKey!;
      assert.equal(own.UserName, 'mallory');
      assert.equal((await mallory.client.send(new ListAccessKeysCommand({}))).AccessKeyMetadata?.length, 2);
      await mallory.client.send(new DeleteAccessKeyCommand({ AccessKeyId: own.AccessKeyId! }));
    });

    it('requires an explicit Allow even for a user’s own keys, as AWS does', async () => {
      const plain = await userWith('no-grants');
      await expectError(plain.client.send(new CreateAccessKeyCommand({})), 'AccessDenied', 403);
      await expectError(plain.client.send(new ListAccessKeysCommand({})), 'AccessDenied', 403);
    });
  });

  describe('groups', () => {
    it('creates a group, adds members, lists both ways, and refuses to delete it while it has members', async () => {
      const created = await iam.send(new CreateGroupCommand({ GroupName: 'devs', Path: '/eng/' }));
      assert.equal(created.Group?.Arn, `arn:aws:iam::${ACCOUNT}:group/eng/devs`);
      assert.match(created.Group?.GroupId ?? '', /^AGPA/);
      await iam.send(new AddUserToGroupCommand({ GroupName: 'devs', UserName: 'alice' }));
      await iam.send(new AddUserToGroupCommand({ GroupName: 'devs', UserName: 'keyholder' }));
      const group = await iam.send(new GetGroupCommand({ GroupName: 'devs' }));
      assert.deepEqual(group.Users?.map((u) => u.UserName).sort(), ['alice', 'keyholder']);
      assert.equal(group.Group?.GroupName, 'devs');
      const paged = await iam.send(new GetGroupCommand({ GroupName: 'devs', MaxItems: 1 }));
      assert.equal(paged.Users?.length, 1);
      assert.equal(paged.IsTruncated, true);
      assert.deepEqual((await iam.send(new ListGroupsForUserCommand({ UserName: 'alice' }))).Groups?.map((g) => g.GroupName), ['devs']);
      assert.ok((await iam.send(new ListGroupsCommand({}))).Groups?.some((g) => g.GroupName === 'devs'));
      await expectError(iam.send(new DeleteGroupCommand({ GroupName: 'devs' })), 'DeleteConflict', 409);
      await iam.send(new RemoveUserFromGroupCommand({ GroupName: 'devs', UserName: 'keyholder' }));
      assert.deepEqual((await iam.send(new GetGroupCommand({ GroupName: 'devs' }))).Users?.map((u) => u.UserName), ['alice']);
      await expectError(iam.send(new AddUserToGroupCommand({ GroupName: 'devs', UserName: 'nobody' })), 'NoSuchEntity', 404);
      await expectError(iam.send(new CreateGroupCommand({ GroupName: 'devs' })), 'EntityAlreadyExists', 409);
    });
  });

  describe('managed policies and versions', () => {
    const readBucket = doc([allow('s3:GetObject', 'arn:aws:s3:::reports/*')]);
    let arn = '';

    it('creates a policy and returns its default version URL-encoded, as AWS does', async () => {
      const created = await iam.send(new CreatePolicyCommand({ PolicyName: 'read-reports', PolicyDocument: readBucket, Description: 'reports reader' }));
      arn = created.Policy!.Arn!;
      assert.equal(arn, `arn:aws:iam::${ACCOUNT}:policy/read-reports`);
      assert.equal(created.Policy?.DefaultVersionId, 'v1');
      assert.equal(created.Policy?.AttachmentCount, 0);
      assert.equal((await iam.send(new GetPolicyCommand({ PolicyArn: arn }))).Policy?.PolicyName, 'read-reports');
      const version = (await iam.send(new GetPolicyVersionCommand({ PolicyArn: arn, VersionId: 'v1' }))).PolicyVersion!;
      assert.equal(version.IsDefaultVersion, true);
      assert.match(version.Document!, /^%7B/);
      assert.deepEqual([JSON.parse(decodeURIComponent(version.Document!)).Statement[0].Action].flat(), ['s3:GetObject']);
    });

    it('refuses a malformed document with MalformedPolicyDocument (400) naming the statement', async () => {
      try {
        await iam.send(new CreatePolicyCommand({ PolicyName: 'broken', PolicyDocument: doc([{ Effect: 'Allow', Action: 's3:NoSuchAction', Resource: '*' }]) }));
        assert.fail('accepted');
      } catch (error) {
        assert.deepEqual(queryError(error), { code: 'MalformedPolicyDocument', status: 400 });
        assert.match((error as Error).message, /Statement/);
      }
      await expectError(iam.send(new CreatePolicyCommand({ PolicyName: 'broken', PolicyDocument: '{not json' })), 'MalformedPolicyDocument', 400);
    });

    it('creates, lists, switches and deletes versions; DeletePolicy waits for the versions, as AWS does', async () => {
      const v2 = await iam.send(new CreatePolicyVersionCommand({ PolicyArn: arn, PolicyDocument: doc([allow('s3:GetObject', 'arn:aws:s3:::reports/2026/*')]), SetAsDefault: true }));
      assert.equal(v2.PolicyVersion?.VersionId, 'v2');
      assert.equal(v2.PolicyVersion?.IsDefaultVersion, true);
      const versions = (await iam.send(new ListPolicyVersionsCommand({ PolicyArn: arn }))).Versions ?? [];
      assert.deepEqual(versions.map((v) => [v.VersionId, v.IsDefaultVersion]).sort(), [['v1', false], ['v2', true]]);
      await iam.send(new SetDefaultPolicyVersionCommand({ PolicyArn: arn, VersionId: 'v1' }));
      assert.equal((await iam.send(new GetPolicyCommand({ PolicyArn: arn }))).Policy?.DefaultVersionId, 'v1');
      await expectError(iam.send(new DeletePolicyVersionCommand({ PolicyArn: arn, VersionId: 'v1' })), 'DeleteConflict', 409);
      await expectError(iam.send(new DeletePolicyCommand({ PolicyArn: arn })), 'DeleteConflict', 409);
      await iam.send(new DeletePolicyVersionCommand({ PolicyArn: arn, VersionId: 'v2' }));
      await expectError(iam.send(new GetPolicyVersionCommand({ PolicyArn: arn, VersionId: 'v2' })), 'NoSuchEntity', 404);
    });

    it('attaches to users, groups and roles, lists the attachments and refuses DeletePolicy while attached', async () => {
      await iam.send(new CreateRoleCommand({ RoleName: 'reader-role', AssumeRolePolicyDocument: trust(`arn:aws:iam::${ACCOUNT}:root`) }));
      await iam.send(new AttachUserPolicyCommand({ UserName: 'alice', PolicyArn: arn }));
      await iam.send(new AttachGroupPolicyCommand({ GroupName: 'devs', PolicyArn: arn }));
      await iam.send(new AttachRolePolicyCommand({ RoleName: 'reader-role', PolicyArn: arn }));
      const expected = [{ PolicyName: 'read-reports', PolicyArn: arn }];
      assert.deepEqual((await iam.send(new ListAttachedUserPoliciesCommand({ UserName: 'alice' }))).AttachedPolicies, expected);
      assert.deepEqual((await iam.send(new ListAttachedGroupPoliciesCommand({ GroupName: 'devs' }))).AttachedPolicies, expected);
      assert.deepEqual((await iam.send(new ListAttachedRolePoliciesCommand({ RoleName: 'reader-role' }))).AttachedPolicies, expected);
      assert.equal((await iam.send(new GetPolicyCommand({ PolicyArn: arn }))).Policy?.AttachmentCount, 3);
      const entities = await iam.send(new ListEntitiesForPolicyCommand({ PolicyArn: arn }));
      assert.deepEqual([entities.PolicyUsers?.map((u) => u.UserName), entities.PolicyGroups?.map((g) => g.GroupName), entities.PolicyRoles?.map((r) => r.RoleName)], [['alice'], ['devs'], ['reader-role']]);
      const attachedOnly = (await iam.send(new ListPoliciesCommand({ Scope: 'Local', OnlyAttached: true }))).Policies ?? [];
      assert.deepEqual(attachedOnly.map((p) => p.PolicyName), ['read-reports']);
      await expectError(iam.send(new DeletePolicyCommand({ PolicyArn: arn })), 'DeleteConflict', 409);
      await expectError(iam.send(new AttachUserPolicyCommand({ UserName: 'alice', PolicyArn: `arn:aws:iam::${ACCOUNT}:policy/none` })), 'NoSuchEntity', 404);
      await expectError(iam.send(new AttachUserPolicyCommand({ UserName: 'alice', PolicyArn: 'not-an-arn' })), 'InvalidInput', 400);
      await iam.send(new DetachUserPolicyCommand({ UserName: 'alice', PolicyArn: arn }));
      await iam.send(new DetachGroupPolicyCommand({ GroupName: 'devs', PolicyArn: arn }));
      await iam.send(new DetachRolePolicyCommand({ RoleName: 'reader-role', PolicyArn: arn }));
      await iam.send(new DeletePolicyCommand({ PolicyArn: arn }));
      await expectError(iam.send(new GetPolicyCommand({ PolicyArn: arn })), 'NoSuchEntity', 404);
    });

    it('lists the built-in policies under Scope AWS and local ones under Local', async () => {
      const builtIn = (await iam.send(new ListPoliciesCommand({ Scope: 'AWS', MaxItems: 1000 }))).Policies?.map((p) => p.PolicyName) ?? [];
      for (const name of ['readonly', 'readwrite', 'writeonly', 'diagnostics', 'consoleAdmin']) assert.ok(builtIn.includes(name), name);
      const all = (await iam.send(new ListPoliciesCommand({ MaxItems: 2 })));
      assert.equal(all.IsTruncated, true);
      await expectError(iam.send(new ListPoliciesCommand({ Scope: 'Elsewhere' as 'AWS' })), 'ValidationError', 400);
    });
  });

  describe('AWS managed policies', () => {
    const S3_READ = 'arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess';

    it('lists them under Scope AWS with their AWS ARN, and gets them by it', async () => {
      const aws = (await iam.send(new ListPoliciesCommand({ Scope: 'AWS', MaxItems: 1000 }))).Policies ?? [];
      const arns = aws.map((p) => p.Arn);
      for (const name of ['AmazonS3FullAccess', 'AmazonS3ReadOnlyAccess', 'IAMFullAccess', 'IAMReadOnlyAccess']) assert.ok(arns.includes(`arn:aws:iam::aws:policy/${name}`), name);
      const full = (await iam.send(new GetPolicyCommand({ PolicyArn: 'arn:aws:iam::aws:policy/AmazonS3FullAccess' }))).Policy;
      assert.equal(full?.PolicyName, 'AmazonS3FullAccess');
      const version = (await iam.send(new GetPolicyVersionCommand({ PolicyArn: 'arn:aws:iam::aws:policy/IAMReadOnlyAccess', VersionId: full!.DefaultVersionId! }))).PolicyVersion;
      assert.match(decodeURIComponent(version?.Document ?? ''), /"iam:Get\*","iam:List\*"/);
      await expectError(iam.send(new GetPolicyCommand({ PolicyArn: `arn:aws:iam::${ACCOUNT}:policy/AmazonS3FullAccess` })), 'NoSuchEntity', 404);
      await expectError(iam.send(new DeletePolicyCommand({ PolicyArn: 'arn:aws:iam::aws:policy/IAMFullAccess' })), 'InvalidInput', 400);
    });

    it('attaches AmazonS3ReadOnlyAccess by its ARN, and the user can then read but not write', async () => {
      const { accessKeyId, secret } = await userWith('aws-managed-reader');
      await iam.send(new AttachUserPolicyCommand({ UserName: 'aws-managed-reader', PolicyArn: S3_READ }));
      const attached = (await iam.send(new ListAttachedUserPoliciesCommand({ UserName: 'aws-managed-reader' }))).AttachedPolicies ?? [];
      assert.deepEqual(attached.map((p) => [p.PolicyName, p.PolicyArn]), [['AmazonS3ReadOnlyAccess', S3_READ]]);
      const { S3Client, ListBucketsCommand, CreateBucketCommand } = await import('@aws-sdk/client-s3');
      const s3 = new S3Client({ endpoint: server.endpoint, region: 'us-east-1', forcePathStyle: true, credentials: { accessKeyId, secretAccessKey: secret }, maxAttempts: 1 });
      clients.push(s3);
      assert.ok(Array.isArray((await s3.send(new ListBucketsCommand({}))).Buckets));
      await assert.rejects(s3.send(new CreateBucketCommand({ Bucket: 'aws-managed-denied' })), (e: Error) => e.name === 'AccessDenied');
      await iam.send(new DetachUserPolicyCommand({ UserName: 'aws-managed-reader', PolicyArn: S3_READ }));
    });
  });

  describe('names are case-insensitive', () => {
    it('answers EntityAlreadyExists (409) for a user whose name differs only in case, and finds a user by any case', async () => {
      await iam.send(new CreateUserCommand({ UserName: 'casey' }));
      await expectError(iam.send(new CreateUserCommand({ UserName: 'Casey' })), 'EntityAlreadyExists', 409);
      assert.equal((await iam.send(new GetUserCommand({ UserName: 'CASEY' }))).User?.UserName, 'casey');
      await iam.send(new CreateGroupCommand({ GroupName: 'CaseGroup' }));
      await expectError(iam.send(new CreateGroupCommand({ GroupName: 'casegroup' })), 'EntityAlreadyExists', 409);
      await iam.send(new AddUserToGroupCommand({ GroupName: 'casegroup', UserName: 'Casey' }));
      assert.deepEqual((await iam.send(new ListGroupsForUserCommand({ UserName: 'CASEY' }))).Groups?.map((g) => g.GroupName), ['CaseGroup']);
      await iam.send(new RemoveUserFromGroupCommand({ GroupName: 'CASEGROUP', UserName: 'casey' }));
      await iam.send(new DeleteGroupCommand({ GroupName: 'caseGroup' }));
      await iam.send(new DeleteUserCommand({ UserName: 'CaSeY' }));
      await expectError(iam.send(new GetUserCommand({ UserName: 'casey' })), 'NoSuchEntity', 404);
    });

    it('lists users in case-insensitive order across pages', async () => {
      for (const name of ['ci-ac', 'ci-Ab', 'ci-Ad', 'ci-aa']) await iam.send(new CreateUserCommand({ UserName: name, Path: '/case-order/' }));
      const names: string[] = [];
      let marker: string | undefined;
      do {
        const page = await iam.send(new ListUsersCommand({ PathPrefix: '/case-order/', MaxItems: 3, Marker: marker }));
        names.push(...(page.Users ?? []).map((u) => u.UserName!));
        marker = page.IsTruncated ? page.Marker : undefined;
      } while (marker !== undefined);
      assert.deepEqual(names, ['ci-aa', 'ci-Ab', 'ci-ac', 'ci-Ad']);
    });
  });

  describe('account', () => {
    it('answers GetAccountSummary with counts and quotas, and needs iam:GetAccountSummary', async () => {
      const summary: Record<string, number | undefined> = (await iam.send(new GetAccountSummaryCommand({}))).SummaryMap ?? {};
      for (const key of ['Users', 'Groups', 'Roles', 'Policies']) assert.equal(typeof summary[key], 'number', key);
      assert.ok(summary.Users! >= 1);
      assert.equal(summary.UsersQuota, 5000);
      assert.equal(summary.GroupsQuota, 300);
      assert.equal(summary.RolesQuota, 1000);
      assert.equal(summary.PoliciesQuota, 1500);
      assert.equal(summary.AttachedPoliciesPerUserQuota, 10);
      assert.equal(typeof summary.AccessKeysPerUserQuota, 'number');
      const before = summary.Groups!;
      await iam.send(new CreateGroupCommand({ GroupName: 'summary-counted' }));
      assert.equal((await iam.send(new GetAccountSummaryCommand({}))).SummaryMap?.Groups, before + 1);
      const { client } = await userWith('summary-nobody', doc([allow('iam:ListUsers')]));
      await expectError(client.send(new GetAccountSummaryCommand({})), 'AccessDenied', 403);
      const { client: allowed } = await userWith('summary-reader', doc([allow('iam:GetAccountSummary')]));
      assert.equal(typeof (await allowed.send(new GetAccountSummaryCommand({}))).SummaryMap?.Users, 'number');
    });

    it('lists no OpenID Connect providers, and answers NotImplemented (501) for the other OIDC actions', async () => {
      assert.deepEqual((await iam.send(new ListOpenIDConnectProvidersCommand({}))).OpenIDConnectProviderList ?? [], []);
      const arn = `arn:aws:iam::${ACCOUNT}:oidc-provider/example.com`;
      await expectError(iam.send(new GetOpenIDConnectProviderCommand({ OpenIDConnectProviderArn: arn })), 'NotImplemented', 501);
      await expectError(iam.send(new DeleteOpenIDConnectProviderCommand({ OpenIDConnectProviderArn: arn })), 'NotImplemented', 501);
      await expectError(iam.send(new CreateOpenIDConnectProviderCommand({ Url: 'https://example.com', ThumbprintList: ['a'.repeat(40)] })), 'NotImplemented', 501);
      const { client } = await userWith('oidc-nobody', doc([allow('iam:ListUsers')]));
      await expectError(client.send(new ListOpenIDConnectProvidersCommand({})), 'AccessDenied', 403);
    });
  });

  describe('inline policies', () => {
    interface InlineOps {
      put(document: string): Promise<unknown>;
      get(): Promise<{ PolicyName?: string; PolicyDocument?: string }>;
      list(): Promise<{ PolicyNames?: string[] }>;
      del(): Promise<unknown>;
    }
    const P = 'inline-list';
    const opsFor: Record<string, () => InlineOps> = {
      'user alice': () => ({
        put: (d) => iam.send(new PutUserPolicyCommand({ UserName: 'alice', PolicyName: P, PolicyDocument: d })),
        get: () => iam.send(new GetUserPolicyCommand({ UserName: 'alice', PolicyName: P })),
        list: () => iam.send(new ListUserPoliciesCommand({ UserName: 'alice' })),
        del: () => iam.send(new DeleteUserPolicyCommand({ UserName: 'alice', PolicyName: P })),
      }),
      'group devs': () => ({
        put: (d) => iam.send(new PutGroupPolicyCommand({ GroupName: 'devs', PolicyName: P, PolicyDocument: d })),
        get: () => iam.send(new GetGroupPolicyCommand({ GroupName: 'devs', PolicyName: P })),
        list: () => iam.send(new ListGroupPoliciesCommand({ GroupName: 'devs' })),
        del: () => iam.send(new DeleteGroupPolicyCommand({ GroupName: 'devs', PolicyName: P })),
      }),
      'role reader-role': () => ({
        put: (d) => iam.send(new PutRolePolicyCommand({ RoleName: 'reader-role', PolicyName: P, PolicyDocument: d })),
        get: () => iam.send(new GetRolePolicyCommand({ RoleName: 'reader-role', PolicyName: P })),
        list: () => iam.send(new ListRolePoliciesCommand({ RoleName: 'reader-role' })),
        del: () => iam.send(new DeleteRolePolicyCommand({ RoleName: 'reader-role', PolicyName: P })),
      }),
    };
    for (const [entity, makeOps] of Object.entries(opsFor)) {
      it(`puts, gets (URL-encoded), lists and deletes an inline policy of ${entity}`, async () => {
        const ops = makeOps();
        await ops.put(doc([allow('s3:ListBucket', 'arn:aws:s3:::reports')]));
        const got = await ops.get();
        assert.equal(got.PolicyName, P);
        assert.deepEqual([JSON.parse(decodeURIComponent(got.PolicyDocument!)).Statement[0].Resource].flat(), ['arn:aws:s3:::reports']);
        assert.deepEqual((await ops.list()).PolicyNames, [P]);
        await ops.del();
        assert.deepEqual((await ops.list()).PolicyNames, []);
        await expectError(ops.get(), 'NoSuchEntity', 404);
      });
    }

    it('refuses a malformed inline policy with MalformedPolicyDocument', async () => {
      await expectError(iam.send(new PutUserPolicyCommand({ UserName: 'alice', PolicyName: 'x', PolicyDocument: doc([{ Effect: 'Maybe', Action: '*', Resource: '*' }]) })), 'MalformedPolicyDocument', 400);
    });
  });

  describe('roles', () => {
    it('creates a role with a trust policy and tags, updates it and its trust policy', async () => {
      const created = await iam.send(
        new CreateRoleCommand({ RoleName: 'deployer', Path: '/ci/', Description: 'CI', MaxSessionDuration: 7200, AssumeRolePolicyDocument: trust(`arn:aws:iam::${ACCOUNT}:user/eng/alice`), Tags: [{ Key: 'owner', Value: 'ci' }] }),
      );
      assert.equal(created.Role?.Arn, `arn:aws:iam::${ACCOUNT}:role/ci/deployer`);
      assert.match(created.Role?.RoleId ?? '', /^AROA/);
      const role = (await iam.send(new GetRoleCommand({ RoleName: 'deployer' }))).Role!;
      assert.equal(role.MaxSessionDuration, 7200);
      assert.equal(role.Description, 'CI');
      assert.deepEqual(role.Tags, [{ Key: 'owner', Value: 'ci' }]);
      assert.deepEqual([JSON.parse(decodeURIComponent(role.AssumeRolePolicyDocument!)).Statement[0].Principal.AWS].flat(), [`arn:aws:iam::${ACCOUNT}:user/eng/alice`]);
      assert.deepEqual((await iam.send(new ListRoleTagsCommand({ RoleName: 'deployer' }))).Tags, [{ Key: 'owner', Value: 'ci' }]);
      await iam.send(new UpdateRoleCommand({ RoleName: 'deployer', Description: 'CI pipeline', MaxSessionDuration: 3600 }));
      await iam.send(new UpdateAssumeRolePolicyCommand({ RoleName: 'deployer', PolicyDocument: trust(`arn:aws:iam::${ACCOUNT}:root`) }));
      const updated = (await iam.send(new GetRoleCommand({ RoleName: 'deployer' }))).Role!;
      assert.equal(updated.Description, 'CI pipeline');
      assert.equal(updated.MaxSessionDuration, 3600);
      assert.match(decodeURIComponent(updated.AssumeRolePolicyDocument!), /:root/);
      assert.ok((await iam.send(new ListRolesCommand({}))).Roles?.some((r) => r.RoleName === 'deployer'));
      await expectError(iam.send(new UpdateRoleCommand({ RoleName: 'deployer', MaxSessionDuration: 60 })), 'ValidationError', 400);
      await expectError(iam.send(new CreateRoleCommand({ RoleName: 'bad-trust', AssumeRolePolicyDocument: '{"Version":"2012-10-17"}' })), 'MalformedPolicyDocument', 400);
    });

    it('refuses DeleteRole while a policy is attached or inline, then deletes it', async () => {
      const builtIns = (await iam.send(new ListPoliciesCommand({ Scope: 'AWS', MaxItems: 1000 }))).Policies ?? [];
      const readonly = builtIns.find((p) => p.PolicyName === 'readonly')!.Arn!;
      await iam.send(new PutRolePolicyCommand({ RoleName: 'deployer', PolicyName: 'inline', PolicyDocument: doc([allow('s3:ListAllMyBuckets')]) }));
      await expectError(iam.send(new DeleteRoleCommand({ RoleName: 'deployer' })), 'DeleteConflict', 409);
      await iam.send(new DeleteRolePolicyCommand({ RoleName: 'deployer', PolicyName: 'inline' }));
      await iam.send(new AttachRolePolicyCommand({ RoleName: 'deployer', PolicyArn: readonly }));
      await expectError(iam.send(new DeleteRoleCommand({ RoleName: 'deployer' })), 'DeleteConflict', 409);
      const attached = (await iam.send(new ListAttachedRolePoliciesCommand({ RoleName: 'deployer' }))).AttachedPolicies ?? [];
      for (const p of attached) await iam.send(new DetachRolePolicyCommand({ RoleName: 'deployer', PolicyArn: p.PolicyArn! }));
      await iam.send(new DeleteRoleCommand({ RoleName: 'deployer' }));
      await expectError(iam.send(new GetRoleCommand({ RoleName: 'deployer' })), 'NoSuchEntity', 404);
    });
  });

  describe('the Terraform-style user lifecycle', () => {
    it('creates, reads, updates and deletes a user, meeting DeleteConflict for each thing still attached', async () => {
      const policy = await iam.send(new CreatePolicyCommand({ PolicyName: 'tf-policy', PolicyDocument: doc([allow('s3:ListAllMyBuckets')]) }));
      await iam.send(new CreateUserCommand({ UserName: 'tf-user', Tags: [{ Key: 'managed-by', Value: 'terraform' }] }));
      assert.equal((await iam.send(new GetUserCommand({ UserName: 'tf-user' }))).User?.UserName, 'tf-user');
      await iam.send(new TagUserCommand({ UserName: 'tf-user', Tags: [{ Key: 'managed-by', Value: 'tofu' }] }));
      assert.deepEqual((await iam.send(new GetUserCommand({ UserName: 'tf-user' }))).User?.Tags, [{ Key: 'managed-by', Value: 'tofu' }]);
      await iam.send(new CreateGroupCommand({ GroupName: 'tf-group' }));
      await iam.send(new AddUserToGroupCommand({ GroupName: 'tf-group', UserName: 'tf-user' }));
      await iam.send(new AttachUserPolicyCommand({ UserName: 'tf-user', PolicyArn: policy.Policy!.Arn! }));
      await iam.send(new PutUserPolicyCommand({ UserName: 'tf-user', PolicyName: 'inline', PolicyDocument: doc([allow('s3:ListAllMyBuckets')]) }));
      const key = (await iam.send(new CreateAccessKeyCommand({ UserName: 'tf-user' }))).AccessKey!;

      await expectError(iam.send(new DeleteUserCommand({ UserName: 'tf-user' })), 'DeleteConflict', 409);
      await iam.send(new DeleteAccessKeyCommand({ UserName: 'tf-user', AccessKeyId: key.AccessKeyId! }));
      await expectError(iam.send(new DeleteUserCommand({ UserName: 'tf-user' })), 'DeleteConflict', 409);
      await iam.send(new DeleteUserPolicyCommand({ UserName: 'tf-user', PolicyName: 'inline' }));
      await expectError(iam.send(new DeleteUserCommand({ UserName: 'tf-user' })), 'DeleteConflict', 409);
      await iam.send(new DetachUserPolicyCommand({ UserName: 'tf-user', PolicyArn: policy.Policy!.Arn! }));
      await expectError(iam.send(new DeleteUserCommand({ UserName: 'tf-user' })), 'DeleteConflict', 409);
      await iam.send(new RemoveUserFromGroupCommand({ GroupName: 'tf-group', UserName: 'tf-user' }));
      await iam.send(new DeleteUserCommand({ UserName: 'tf-user' }));
      await expectError(iam.send(new GetUserCommand({ UserName: 'tf-user' })), 'NoSuchEntity', 404);
      await iam.send(new DeleteGroupCommand({ GroupName: 'tf-group' }));
      await iam.send(new DeletePolicyCommand({ PolicyArn: policy.Policy!.Arn! }));
    });
  });

  describe('authorization', () => {
    it('refuses every IAM call of a user without iam:* grants (403 AccessDenied naming the action)', async () => {
      const { client } = await userWith('s3-only', doc([allow('s3:*')]));
      const calls: Array<[string, Promise<unknown>]> = [
        ['CreateUser', client.send(new CreateUserCommand({ UserName: 'sneaky' }))],
        ['ListUsers', client.send(new ListUsersCommand({}))],
        ['AttachUserPolicy', client.send(new AttachUserPolicyCommand({ UserName: 's3-only', PolicyArn: `arn:aws:iam::${ACCOUNT}:policy/consoleAdmin` }))],
        ['PutUserPolicy', client.send(new PutUserPolicyCommand({ UserName: 's3-only', PolicyName: 'more', PolicyDocument: doc([allow('*')]) }))],
        ['CreateRole', client.send(new CreateRoleCommand({ RoleName: 'escape', AssumeRolePolicyDocument: trust(`arn:aws:iam::${ACCOUNT}:user/s3-only`) }))],
        ['DeleteUser', client.send(new DeleteUserCommand({ UserName: 'alice' }))],
        ['GetUser', client.send(new GetUserCommand({}))],
      ];
      for (const [action, call] of calls) {
        try {
          await call;
          assert.fail(`${action} succeeded`);
        } catch (error) {
          assert.deepEqual(queryError(error), { code: 'AccessDenied', status: 403 }, action);
          assert.match((error as Error).message, new RegExp(`user/s3-only is not authorized to perform: iam:${action}`));
        }
      }
      await expectError(iam.send(new GetUserCommand({ UserName: 'sneaky' })), 'NoSuchEntity');
    });

    it('lets a user administer exactly what its policy names', async () => {
      const { client } = await userWith('team-admin', doc([allow(['iam:CreateUser', 'iam:GetUser', 'iam:DeleteUser'], `arn:aws:iam::${ACCOUNT}:user/team-*`), allow('iam:ListUsers')]));
      await client.send(new CreateUserCommand({ UserName: 'team-bob' }));
      assert.equal((await client.send(new GetUserCommand({ UserName: 'team-bob' }))).User?.UserName, 'team-bob');
      assert.ok(((await client.send(new ListUsersCommand({}))).Users ?? []).length > 1);
      await expectError(client.send(new CreateUserCommand({ UserName: 'other-bob' })), 'AccessDenied', 403);
      await expectError(client.send(new GetUserCommand({ UserName: 'alice' })), 'AccessDenied', 403);
      await client.send(new DeleteUserCommand({ UserName: 'team-bob' }));
    });

    it('lets iam:PolicyARN limit which managed policies a delegate may attach', async () => {
      await iam.send(new CreateUserCommand({ UserName: 'delegate-target' }));
      const readonlyArn = `arn:aws:iam::${ACCOUNT}:policy/readonly`;
      const { client } = await userWith('delegate', doc([{
        Effect: 'Allow', Action: ['iam:AttachUserPolicy', 'iam:DetachUserPolicy'], Resource: `arn:aws:iam::${ACCOUNT}:user/delegate-target`,
        Condition: { ArnEquals: { 'iam:PolicyARN': readonlyArn } },
      }]));
      await client.send(new AttachUserPolicyCommand({ UserName: 'delegate-target', PolicyArn: readonlyArn }));
      await expectError(client.send(new AttachUserPolicyCommand({ UserName: 'delegate-target', PolicyArn: `arn:aws:iam::${ACCOUNT}:policy/consoleAdmin` })), 'AccessDenied', 403);
      await expectError(client.send(new AttachUserPolicyCommand({ UserName: 'delegate', PolicyArn: readonlyArn })), 'AccessDenied', 403);
      await client.send(new DetachUserPolicyCommand({ UserName: 'delegate-target', PolicyArn: readonlyArn }));
    });

    it('honours an explicit Deny over an Allow', async () => {
      const { client } = await userWith('denied-admin', doc([allow('iam:*'), { Effect: 'Deny', Action: 'iam:DeleteUser', Resource: '*' }]));
      await expectError(client.send(new DeleteUserCommand({ UserName: 'alice' })), 'AccessDenied', 403);
      assert.equal((await client.send(new GetUserCommand({ UserName: 'alice' }))).User?.UserName, 'alice');
    });
  });

  describe('protocol', () => {
    it('answers an unsigned request with MissingAuthenticationToken (403)', async () => {
      const res = await fetch(`${server.endpoint}/`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'Action=ListUsers&Version=2010-05-08' });
      assert.equal(res.status, 403);
      const body = await res.text();
      assert.match(body, /<ErrorResponse xmlns="https:\/\/iam\.amazonaws\.com\/doc\/2010-05-08\/"><Error><Type>Sender<\/Type><Code>MissingAuthenticationToken<\/Code>/);
      assert.match(body, /<RequestId>[0-9A-F]+<\/RequestId>/);
    });

    it('refuses a body over 64 KiB before reading it, with a 400 ValidationError as AWS does', async () => {
      const res = await fetch(`${server.endpoint}/`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: `Action=ListUsers&Version=2010-05-08&Pad=${'x'.repeat(70 * 1024)}` });
      assert.equal(res.status, 400);
      assert.match(await res.text(), /<Code>ValidationError<\/Code>/);
    });

    it('answers a wrong secret with SignatureDoesNotMatch and an unknown key with InvalidClientTokenId', async () => {
      await expectError(iamAs(ROOT_ACCESS_KEY, 'wrong-secret-wrong-secret-wrong').send(new ListUsersCommand({})), 'SignatureDoesNotMatch', 403);
      await expectError(iamAs('AKIANOSUCHKEY0000000', 'whatever-secret-whatever').send(new ListUsersCommand({})), 'InvalidClientTokenId', 403);
    });

    /** An IAM client whose form body is rewritten before signing (so the signature stays valid). */
    function rewritingClient(rewrite: (body: string) => string): IAMClient {
      const client = iamAs(ROOT_ACCESS_KEY, ROOT_SECRET_KEY);
      client.middlewareStack.add(
        (next) => async (args) => {
          const request = args.request as { body: string; headers: Record<string, string> };
          request.body = rewrite(request.body);
          request.headers['content-length'] = String(Buffer.byteLength(request.body));
          return next(args);
        },
        { step: 'build', name: 'rewriteBody' },
      );
      return client;
    }

    it('refuses a signature scoped to IAM for an STS action, an unknown action and a wrong Version, with InvalidAction', async () => {
      const stsAction = rewritingClient((b) => b.replace('Action=ListUsers', 'Action=GetCallerIdentity').replace('2010-05-08', '2011-06-15'));
      await expectError(stsAction.send(new ListUsersCommand({})), 'InvalidAction', 400);
      await expectError(rewritingClient((b) => b.replace('Action=ListUsers', 'Action=CreateLoginProfile')).send(new ListUsersCommand({})), 'InvalidAction', 400);
      await expectError(rewritingClient((b) => b.replace('2010-05-08', '2006-03-01')).send(new ListUsersCommand({})), 'InvalidAction', 400);
    });

    it('refuses a request signed more than 15 minutes off the server clock, in AWS words', async () => {
      const skewed = new IAMClient({ endpoint: server.endpoint, region: 'us-east-1', credentials: { accessKeyId: ROOT_ACCESS_KEY, secretAccessKey: ROOT_SECRET_KEY }, maxAttempts: 1, systemClockOffset: -3_600_000 });
      clients.push(skewed);
      try {
        await skewed.send(new ListUsersCommand({}));
        assert.fail('accepted');
      } catch (error) {
        assert.deepEqual(queryError(error), { code: 'SignatureDoesNotMatch', status: 403 });
        assert.match((error as Error).message, /^Signature expired: \d{8}T\d{6}Z is now earlier than/);
      }
    });

    it('refuses a parameter given twice', async () => {
      await expectError(rewritingClient((b) => `${b}&Version=2010-05-08`).send(new ListUsersCommand({})), 'ValidationError', 400);
    });

    it('leaves S3 requests to the S3 API', async () => {
      const { ListBucketsCommand } = await import('@aws-sdk/client-s3');
      assert.ok(Array.isArray((await server.client.send(new ListBucketsCommand({}))).Buckets));
    });
  });
});
