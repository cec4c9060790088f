/** `coffer admin group add|remove|info|list|enable|disable` (MinIO mc semantics for add/remove). */
import type { Command } from 'commander';
import { AdminApiError, type AdminClient, type Group } from '../../client/index.js';
import { act, clientFor, leaf, type CliContext } from '../context.js';
import { date, list } from '../output.js';

async function allGroups(client: AdminClient): Promise<Group[]> {
  const groups: Group[] = [];
  let marker: string | undefined;
  do {
    const page = await client.listGroups({ maxItems: 1000, ...(marker === undefined ? {} : { marker }) });
    groups.push(...page.items);
    marker = page.marker;
  } while (marker !== undefined);
  return groups;
}

export function registerGroup(admin: Command, ctx: CliContext): void {
  const group = admin.command('group').description('manage groups');

  leaf(group.command('add <alias> <group> [members...]'))
    .description('add members to a group, creating it if needed')
    .action(
      act<[string, string, string[]]>(ctx, async (out, _o, alias, name, members) => {
        const client = await clientFor(ctx, alias);
        let result: Group;
        try {
          result = await client.createGroup({ name, ...(members.length > 0 ? { members } : {}) });
        } catch (error) {
          if (!(error instanceof AdminApiError && error.code === 'EntityAlreadyExists') || members.length === 0) throw error;
          result = await client.addGroupMembers(name, members);
        }
        if (out.json) out.value(result);
        else out.success(`Group ${name} has members: ${list(result.members)}.`);
      }),
    );

  leaf(group.command('remove <alias> <group> [members...]').alias('rm'))
    .description('remove members from a group; without members, delete the group')
    .option('--force', 'delete the group even if it has members or policies')
    .action(
      act<[string, string, string[]], { json?: boolean; force?: boolean }>(ctx, async (out, options, alias, name, members) => {
        const client = await clientFor(ctx, alias);
        if (members.length === 0) {
          await client.deleteGroup(name, { force: options.force === true });
          if (out.json) out.value({ group: name, removed: true });
          else out.success(`Removed group ${name}.`);
          return;
        }
        for (const member of members) await client.removeGroupMember(name, member);
        if (out.json) out.value({ group: name, removedMembers: members });
        else out.success(`Removed ${list(members)} from group ${name}.`);
      }),
    );

  leaf(group.command('info <alias> <group>'))
    .description('show a group')
    .action(
      act<[string, string]>(ctx, async (out, _o, alias, name) => {
        const g = await (await clientFor(ctx, alias)).getGroup(name);
        if (out.json) out.value(g);
        else {
          out.fields([
            ['Name', g.name],
            ['ARN', g.arn],
            ['Status', g.status],
            ['Members', list(g.members)],
            ['Policies', list(g.attachedPolicies)],
            ['Inline policies', list(g.inlinePolicies)],
            ['Created', date(g.createdAt)],
          ]);
        }
      }),
    );

  leaf(group.command('list <alias>').alias('ls'))
    .description('list groups')
    .action(
      act<[string]>(ctx, async (out, _o, alias) => {
        const groups = await allGroups(await clientFor(ctx, alias));
        if (out.json) out.value({ items: groups });
        else out.table(['NAME', 'STATUS', 'MEMBERS', 'POLICIES'], groups.map((g) => [g.name, g.status, list(g.members), list(g.attachedPolicies)]));
      }),
    );

  for (const [verb, status] of [['enable', 'enabled'], ['disable', 'disabled']] as const) {
    leaf(group.command(`${verb} <alias> <group>`))
      .description(`${verb} a group${verb === 'disable' ? ' (its policies stop applying to its members)' : ''}`)
      .action(
        act<[string, string]>(ctx, async (out, _o, alias, name) => {
          await (await clientFor(ctx, alias)).setGroupStatus(name, status);
          if (out.json) out.value({ group: name, status });
          else out.success(`Group ${name} ${status}.`);
        }),
      );
  }
}
