/** `coffer admin policy create|remove|info|list|attach|detach|entities|explain`. */
import type { Command } from 'commander';
import type { AdminClient, Policy, PolicyTarget } from '../../client/index.js';
import { act, clientFor, leaf, readJsonFile, UsageError, type CliContext } from '../context.js';
import { date, list } from '../output.js';

async function allPolicies(client: AdminClient): Promise<Policy[]> {
  const policies: Policy[] = [];
  let marker: string | undefined;
  do {
    const page = await client.listPolicies({ maxItems: 1000, ...(marker === undefined ? {} : { marker }) });
    policies.push(...page.items);
    marker = page.marker;
  } while (marker !== undefined);
  return policies;
}

interface TargetOptions {
  json?: boolean;
  user?: string;
  group?: string;
  role?: string;
}

function targetOf(options: TargetOptions): PolicyTarget {
  const given = [options.user, options.group, options.role].filter((v) => v !== undefined);
  if (given.length !== 1) throw new UsageError('name exactly one of --user, --group or --role');
  if (options.user !== undefined) return { user: options.user };
  if (options.group !== undefined) return { group: options.group };
  return { role: options.role as string };
}

const describe = (target: PolicyTarget): string => Object.entries(target).map(([type, name]) => `${type} ${name}`)[0] ?? '';

function collect(value: string, previous: string[] = []): string[] {
  return [...previous, value];
}

export function registerPolicy(admin: Command, ctx: CliContext): void {
  const policy = admin.command('policy').description('manage policies');

  leaf(policy.command('create <alias> <name> <file>'))
    .description('create a managed policy from a JSON policy document')
    .option('--description <text>', 'what the policy is for')
    .action(
      act<[string, string, string], { json?: boolean; description?: string }>(ctx, async (out, options, alias, name, file) => {
        const document = await readJsonFile(file, 'policy file');
        const created = await (await clientFor(ctx, alias)).createPolicy({ name, document, ...(options.description === undefined ? {} : { description: options.description }) });
        if (out.json) out.value(created);
        else out.success(`Created policy ${created.name}.`);
      }),
    );

  leaf(policy.command('remove <alias> <name>').alias('rm'))
    .description('delete a managed policy (refused while it is attached)')
    .action(
      act<[string, string]>(ctx, async (out, _o, alias, name) => {
        await (await clientFor(ctx, alias)).deletePolicy(name);
        if (out.json) out.value({ policy: name, removed: true });
        else out.success(`Removed policy ${name}.`);
      }),
    );

  leaf(policy.command('info <alias> <name>'))
    .description('show a policy and its document')
    .action(
      act<[string, string]>(ctx, async (out, _o, alias, name) => {
        const p = await (await clientFor(ctx, alias)).getPolicy(name);
        if (out.json) {
          out.value(p);
          return;
        }
        out.fields([
          ['Name', p.name],
          ['ARN', p.arn],
          ['Built-in', p.builtIn ? 'yes' : 'no'],
          ['Description', p.description],
          ['Attachments', String(p.attachmentCount)],
          ['Updated', date(p.updatedAt)],
        ]);
        out.line(JSON.stringify(p.document, null, 2));
      }),
    );

  leaf(policy.command('list <alias>').alias('ls'))
    .description('list policies')
    .action(
      act<[string]>(ctx, async (out, _o, alias) => {
        const policies = await allPolicies(await clientFor(ctx, alias));
        if (out.json) out.value({ items: policies });
        else out.table(['NAME', 'BUILT-IN', 'ATTACHMENTS', 'DESCRIPTION'], policies.map((p) => [p.name, p.builtIn ? 'yes' : 'no', String(p.attachmentCount), p.description ?? '']));
      }),
    );

  for (const verb of ['attach', 'detach'] as const) {
    leaf(policy.command(`${verb} <alias> <policies...>`))
      .description(`${verb} policies ${verb === 'attach' ? 'to' : 'from'} a user, group or role`)
      .option('--user <name>', 'the user')
      .option('--group <name>', 'the group')
      .option('--role <name>', 'the role')
      .action(
        act<[string, string[]], TargetOptions>(ctx, async (out, options, alias, policies) => {
          const target = targetOf(options);
          const client = await clientFor(ctx, alias);
          for (const name of policies) await (verb === 'attach' ? client.attachPolicy(name, target) : client.detachPolicy(name, target));
          if (out.json) out.value({ [verb === 'attach' ? 'attached' : 'detached']: policies, ...target });
          else out.success(`${verb === 'attach' ? 'Attached' : 'Detached'} ${list(policies)} ${verb === 'attach' ? 'to' : 'from'} ${describe(target)}.`);
        }),
      );
  }

  leaf(policy.command('entities <alias> <name>'))
    .description('list the users, groups and roles a policy is attached to')
    .action(
      act<[string, string]>(ctx, async (out, _o, alias, name) => {
        const e = await (await clientFor(ctx, alias)).policyEntities(name);
        if (out.json) out.value(e);
        else out.fields([['Users', list(e.users)], ['Groups', list(e.groups)], ['Roles', list(e.roles)]]);
      }),
    );

  leaf(policy.command('explain <alias>'))
    .description('explain whether an access key may do an action on a resource, and which statements decide')
    .requiredOption('--access-key <id>', 'the access key to evaluate')
    .requiredOption('--action <action>', 'e.g. s3:PutObject')
    .requiredOption('--resource <arn>', 'e.g. arn:aws:s3:::my-bucket/x')
    .option('--condition <key=value>', 'a condition value the request would carry (repeatable), e.g. aws:SourceIp=10.0.0.1', collect)
    .action(
      act<[string], { json?: boolean; accessKey: string; action: string; resource: string; condition?: string[] }>(ctx, async (out, options, alias) => {
        const conditions: Record<string, string[]> = {};
        for (const item of options.condition ?? []) {
          const eq = item.indexOf('=');
          if (eq <= 0) throw new UsageError(`--condition takes KEY=VALUE, got ${JSON.stringify(item)}`);
          (conditions[item.slice(0, eq)] ??= []).push(item.slice(eq + 1));
        }
        const result = await (await clientFor(ctx, alias)).explain({
          accessKey: options.accessKey,
          action: options.action,
          resource: options.resource,
          ...(Object.keys(conditions).length > 0 ? { conditions } : {}),
        });
        if (out.json) {
          out.value(result);
          return;
        }
        const verdict = result.allowed ? out.colors.green('ALLOWED') : out.colors.red(result.decision === 'Deny' ? 'DENIED (explicit deny)' : 'DENIED (no statement allows)');
        out.line(`${result.action} on ${result.resource} by ${result.principal.arn}: ${verdict}`);
        if (result.reason !== undefined) out.line(`Reason: ${result.reason}`);
        if (result.statements.length > 0) {
          out.table(['EFFECT', 'POLICY', 'STATEMENT'], result.statements.map((s) => [s.effect, s.policy, s.sid ?? `#${s.index}`]));
        }
      }),
    );
}
