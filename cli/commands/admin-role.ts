/** `coffer admin role create|list|info|remove|attach|detach`. */
import type { Command } from 'commander';
import type { AdminClient, Role } from '../../client/index.js';
import { act, clientFor, leaf, readJsonFile, UsageError, type CliContext } from '../context.js';
import { date, list } from '../output.js';

async function allRoles(client: AdminClient): Promise<Role[]> {
  const roles: Role[] = [];
  let marker: string | undefined;
  do {
    const page = await client.listRoles({ maxItems: 1000, ...(marker === undefined ? {} : { marker }) });
    roles.push(...page.items);
    marker = page.marker;
  } while (marker !== undefined);
  return roles;
}

export function registerRole(admin: Command, ctx: CliContext): void {
  const role = admin.command('role').description('manage roles');

  leaf(role.command('create <alias> <name> <trustPolicyFile>'))
    .description('create a role with a trust policy (who may assume it)')
    .option('--description <text>', 'what the role is for')
    .option('--max-session-duration <seconds>', 'longest session, 3600-43200 seconds')
    .option('--path <path>', 'IAM path, e.g. /apps/')
    .action(
      act<[string, string, string], { json?: boolean; description?: string; maxSessionDuration?: string; path?: string }>(ctx, async (out, o, alias, name, file) => {
        const trustPolicy = await readJsonFile(file, 'trust policy file');
        let seconds: number | undefined;
        if (o.maxSessionDuration !== undefined) {
          if (!/^\d{1,6}$/.test(o.maxSessionDuration)) throw new UsageError('--max-session-duration takes a number of seconds');
          seconds = Number(o.maxSessionDuration);
        }
        const created = await (await clientFor(ctx, alias)).createRole({
          name,
          trustPolicy,
          ...(o.description === undefined ? {} : { description: o.description }),
          ...(seconds === undefined ? {} : { maxSessionDurationSeconds: seconds }),
          ...(o.path === undefined ? {} : { path: o.path }),
        });
        if (out.json) out.value(created);
        else out.success(`Created role ${created.name} (${created.arn}).`);
      }),
    );

  leaf(role.command('list <alias>').alias('ls'))
    .description('list roles')
    .action(
      act<[string]>(ctx, async (out, _o, alias) => {
        const roles = await allRoles(await clientFor(ctx, alias));
        if (out.json) out.value({ items: roles });
        else out.table(['NAME', 'ARN', 'POLICIES', 'MAX SESSION'], roles.map((r) => [r.name, r.arn, list(r.attachedPolicies), `${r.maxSessionDurationSeconds}s`]));
      }),
    );

  leaf(role.command('info <alias> <name>'))
    .description('show a role and its trust policy')
    .action(
      act<[string, string]>(ctx, async (out, _o, alias, name) => {
        const r = await (await clientFor(ctx, alias)).getRole(name);
        if (out.json) {
          out.value(r);
          return;
        }
        out.fields([
          ['Name', r.name],
          ['ARN', r.arn],
          ['Description', r.description],
          ['Policies', list(r.attachedPolicies)],
          ['Inline policies', list(r.inlinePolicies)],
          ['Max session', `${r.maxSessionDurationSeconds}s`],
          ['Created', date(r.createdAt)],
        ]);
        out.line(JSON.stringify(r.trustPolicy, null, 2));
      }),
    );

  leaf(role.command('remove <alias> <name>').alias('rm'))
    .description('delete a role (refused while policies are attached)')
    .action(
      act<[string, string]>(ctx, async (out, _o, alias, name) => {
        await (await clientFor(ctx, alias)).deleteRole(name);
        if (out.json) out.value({ role: name, removed: true });
        else out.success(`Removed role ${name}.`);
      }),
    );

  for (const verb of ['attach', 'detach'] as const) {
    leaf(role.command(`${verb} <alias> <role> <policies...>`))
      .description(`${verb} managed policies ${verb === 'attach' ? 'to' : 'from'} a role`)
      .action(
        act<[string, string, string[]]>(ctx, async (out, _o, alias, name, policies) => {
          const client = await clientFor(ctx, alias);
          for (const policy of policies) await (verb === 'attach' ? client.attachRolePolicy(name, policy) : client.detachRolePolicy(name, policy));
          if (out.json) out.value({ role: name, [verb === 'attach' ? 'attached' : 'detached']: policies });
          else out.success(`${verb === 'attach' ? 'Attached' : 'Detached'} ${list(policies)} ${verb === 'attach' ? 'to' : 'from'} role ${name}.`);
        }),
      );
  }
}
