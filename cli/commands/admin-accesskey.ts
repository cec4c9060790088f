/** `coffer admin accesskey create|list|info|edit|enable|disable|remove`. */
import type { Command } from 'commander';
import type { AccessKey, UpdateAccessKeyInput } from '../../client/index.js';
import { act, clientFor, leaf, readJsonFile, rfc3339, UsageError, type CliContext } from '../context.js';
import { date, type Output } from '../output.js';

function showKey(out: Output, key: AccessKey): void {
  out.fields([
    ['Access key', key.accessKeyId],
    ['Owner', key.owner],
    ['Status', key.status === 'Active' ? out.colors.green(key.status) : out.colors.yellow(key.status)],
    ['Name', key.name],
    ['Description', key.description],
    ['Expires', date(key.expiresAt) ?? 'never'],
    ['Policy', key.policy === undefined ? "inherits the owner's" : 'inline (narrows the owner\'s)'],
    ['Created', date(key.createdAt)],
  ]);
  if (key.policy !== undefined) out.line(JSON.stringify(key.policy, null, 2));
}

interface CreateOptions {
  json?: boolean;
  user?: string;
  accessKey?: string;
  secretKey?: string;
  policy?: string;
  name?: string;
  description?: string;
  expiry?: string;
}

interface EditOptions {
  json?: boolean;
  secretKey?: string;
  policy?: string;
  inheritPolicy?: boolean;
  name?: string;
  description?: string;
  /** false: --no-expiry. */
  expiry?: string | false;
}

export function registerAccessKey(admin: Command, ctx: CliContext): void {
  const accesskey = admin.command('accesskey').description('manage access keys');

  leaf(accesskey.command('create <alias>'))
    .description('create an access key (for yourself, or --user); the secret is shown once')
    .option('--user <name>', 'the owner (default: you)')
    .option('--access-key <id>', 'choose the access key id')
    .option('--secret-key <secret>', 'choose the secret')
    .option('--policy <file>', 'inline policy JSON: the key may do only what this and its owner allow')
    .option('--name <name>', 'a short name')
    .option('--description <text>', 'a description')
    .option('--expiry <time>', 'expiry, RFC 3339 (e.g. 2027-06-30T00:00:00Z)')
    .action(
      act<[string], CreateOptions>(ctx, async (out, o, alias) => {
        const expiration = o.expiry === undefined ? undefined : rfc3339(o.expiry, '--expiry');
        const policy = o.policy === undefined ? undefined : await readJsonFile(o.policy, 'policy file');
        const key = await (await clientFor(ctx, alias)).createAccessKey({
          ...(o.user === undefined ? {} : { user: o.user }),
          ...(o.accessKey === undefined ? {} : { accessKey: o.accessKey }),
          ...(o.secretKey === undefined ? {} : { secretKey: o.secretKey }),
          ...(policy === undefined ? {} : { policy }),
          ...(o.name === undefined ? {} : { name: o.name }),
          ...(o.description === undefined ? {} : { description: o.description }),
          ...(expiration === undefined ? {} : { expiration }),
        });
        if (out.json) {
          out.value(key);
          return;
        }
        out.fields([
          ['Access key', key.accessKeyId],
          ['Secret key', key.secretAccessKey],
          ['Owner', key.owner],
          ['Expires', date(key.expiresAt) ?? 'never'],
        ]);
        out.warn('The secret key is shown only now; store it safely.');
      }),
    );

  leaf(accesskey.command('list <alias>').alias('ls'))
    .description('list access keys (yours, or --user)')
    .option('--user <name>', 'the owner (default: you)')
    .action(
      act<[string], { json?: boolean; user?: string }>(ctx, async (out, o, alias) => {
        const { items } = await (await clientFor(ctx, alias)).listAccessKeys(o.user === undefined ? {} : { user: o.user });
        if (out.json) out.value({ items });
        else {
          out.table(
            ['ACCESS KEY', 'OWNER', 'STATUS', 'NAME', 'EXPIRES', 'POLICY'],
            items.map((k) => [k.accessKeyId, k.owner, k.status, k.name ?? '', date(k.expiresAt) ?? 'never', k.policy === undefined ? 'inherited' : 'inline']),
          );
        }
      }),
    );

  leaf(accesskey.command('info <alias> <accessKey>'))
    .description('show an access key (never its secret)')
    .action(
      act<[string, string]>(ctx, async (out, _o, alias, id) => {
        const key = await (await clientFor(ctx, alias)).getAccessKey(id);
        if (out.json) out.value(key);
        else showKey(out, key);
      }),
    );

  leaf(accesskey.command('edit <alias> <accessKey>'))
    .description('change an access key (needs admin:UpdateServiceAccount, even for your own)')
    .option('--secret-key <secret>', 'a new secret')
    .option('--policy <file>', 'a new inline policy JSON')
    .option('--inherit-policy', "remove the inline policy (the key gets its owner's rights)")
    .option('--name <name>', 'a new name')
    .option('--description <text>', 'a new description')
    .option('--expiry <time>', 'a new expiry, RFC 3339')
    .option('--no-expiry', 'remove the expiry')
    .action(
      act<[string, string], EditOptions>(ctx, async (out, o, alias, id) => {
        const update: UpdateAccessKeyInput = {};
        if (o.secretKey !== undefined) update.secretKey = o.secretKey;
        if (o.policy !== undefined && o.inheritPolicy === true) throw new UsageError('--policy and --inherit-policy exclude each other');
        if (o.policy !== undefined) update.policy = await readJsonFile(o.policy, 'policy file');
        if (o.inheritPolicy === true) update.policy = null;
        if (o.name !== undefined) update.name = o.name;
        if (o.description !== undefined) update.description = o.description;
        if (typeof o.expiry === 'string') update.expiration = rfc3339(o.expiry, '--expiry');
        if (o.expiry === false) update.expiration = null;
        if (Object.keys(update).length === 0) throw new UsageError('nothing to change; see coffer admin accesskey edit --help');
        const key = await (await clientFor(ctx, alias)).updateAccessKey(id, update);
        if (out.json) out.value(key);
        else out.success(`Updated access key ${key.accessKeyId}.`);
      }),
    );

  for (const [verb, status] of [['enable', 'Active'], ['disable', 'Inactive']] as const) {
    leaf(accesskey.command(`${verb} <alias> <accessKey>`))
      .description(`${verb} an access key`)
      .action(
        act<[string, string]>(ctx, async (out, _o, alias, id) => {
          const key = await (await clientFor(ctx, alias)).updateAccessKey(id, { status });
          if (out.json) out.value(key);
          else out.success(`Access key ${id} ${verb}d.`);
        }),
      );
  }

  leaf(accesskey.command('remove <alias> <accessKey>').alias('rm'))
    .description('delete an access key')
    .action(
      act<[string, string]>(ctx, async (out, _o, alias, id) => {
        await (await clientFor(ctx, alias)).deleteAccessKey(id);
        if (out.json) out.value({ accessKey: id, removed: true });
        else out.success(`Removed access key ${id}.`);
      }),
    );
}
