/** `coffer admin user add|list|info|enable|disable|remove|secret`. */
import type { Command } from 'commander';
import type { AdminClient, User } from '../../client/index.js';
import { act, clientFor, leaf, type CliContext } from '../context.js';
import { date, list, type Output } from '../output.js';

async function allUsers(client: AdminClient): Promise<User[]> {
  const users: User[] = [];
  let marker: string | undefined;
  do {
    const page = await client.listUsers({ maxItems: 1000, ...(marker === undefined ? {} : { marker }) });
    users.push(...page.items);
    marker = page.marker;
  } while (marker !== undefined);
  return users;
}

export function showUser(out: Output, user: User): void {
  out.fields([
    ['Name', user.name],
    ['ARN', user.arn],
    ['User ID', user.userId],
    ['Status', user.status === 'enabled' ? out.colors.green(user.status) : out.colors.yellow(user.status)],
    ['Groups', list(user.groups)],
    ['Policies', list(user.attachedPolicies)],
    ['Inline policies', list(user.inlinePolicies)],
    ['Tags', list(Object.entries(user.tags).map(([k, v]) => `${k}=${v}`))],
    ['Created', date(user.createdAt)],
  ]);
}

export function registerUser(admin: Command, ctx: CliContext): void {
  const user = admin.command('user').description('manage users');

  leaf(user.command('add <alias> <name> [secretKey]'))
    .description('create a user; with SECRET_KEY it can sign in with access key NAME')
    .action(
      act<[string, string, string | undefined]>(ctx, async (out, _o, alias, name, secretKey) => {
        const created = await (await clientFor(ctx, alias)).createUser({ name, ...(secretKey === undefined ? {} : { secretKey }) });
        if (out.json) out.value(created);
        else out.success(`Added user ${created.name}${secretKey === undefined ? '' : ` (access key ${created.name})`}.`);
      }),
    );

  leaf(user.command('list <alias>').alias('ls'))
    .description('list users')
    .action(
      act<[string]>(ctx, async (out, _o, alias) => {
        const users = await allUsers(await clientFor(ctx, alias));
        if (out.json) out.value({ items: users });
        else out.table(['NAME', 'STATUS', 'GROUPS', 'POLICIES', 'CREATED'], users.map((u) => [u.name, u.status, list(u.groups), list(u.attachedPolicies), date(u.createdAt) ?? '']));
      }),
    );

  leaf(user.command('info <alias> <name>'))
    .description('show a user')
    .action(
      act<[string, string]>(ctx, async (out, _o, alias, name) => {
        const info = await (await clientFor(ctx, alias)).getUser(name);
        if (out.json) out.value(info);
        else showUser(out, info);
      }),
    );

  for (const [verb, status] of [['enable', 'enabled'], ['disable', 'disabled']] as const) {
    leaf(user.command(`${verb} <alias> <name>`))
      .description(`${verb} a user${verb === 'disable' ? ' (its access keys and sessions stop working at once)' : ''}`)
      .action(
        act<[string, string]>(ctx, async (out, _o, alias, name) => {
          await (await clientFor(ctx, alias)).setUserStatus(name, status);
          if (out.json) out.value({ user: name, status });
          else out.success(`User ${name} ${status}.`);
        }),
      );
  }

  leaf(user.command('remove <alias> <name>').alias('rm'))
    .description('delete a user with its access keys, sessions, memberships and attachments')
    .action(
      act<[string, string]>(ctx, async (out, _o, alias, name) => {
        await (await clientFor(ctx, alias)).deleteUser(name);
        if (out.json) out.value({ user: name, removed: true });
        else out.success(`Removed user ${name}.`);
      }),
    );

  leaf(user.command('secret <alias> <name> <secretKey>'))
    .description("set the secret of a user's login key (a user may change its own)")
    .action(
      act<[string, string, string]>(ctx, async (out, _o, alias, name, secretKey) => {
        await (await clientFor(ctx, alias)).setUserSecret(name, secretKey);
        if (out.json) out.value({ user: name, secretChanged: true });
        else out.success(`Changed the secret of ${name}.`);
      }),
    );
}
