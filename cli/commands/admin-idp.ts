/**
 * `coffer admin idp status|ldap policy attach|detach|list|ldap sync` — single sign-on. Providers
 * are configured with COFFER_IDENTITY_LDAP_* / COFFER_IDENTITY_OPENID_* (MINIO_IDENTITY_* read
 * too); these commands show them and manage which policies LDAP users and groups receive.
 */
import type { Command } from 'commander';
import { act, clientFor, leaf, UsageError, type CliContext } from '../context.js';

function target(o: { user?: string; group?: string }): { user: string } | { group: string } {
  if ((o.user === undefined) === (o.group === undefined)) throw new UsageError('name exactly one of --user DN or --group DN');
  return o.user !== undefined ? { user: o.user } : { group: o.group as string };
}

export function registerIdp(admin: Command, ctx: CliContext): void {
  const idp = admin.command('idp').description('single sign-on: LDAP / Active Directory and OpenID Connect providers');

  leaf(idp.command('status <alias>'))
    .description('show the configured identity providers (OpenID role ARNs included)')
    .action(
      act<[string]>(ctx, async (out, _o, alias) => {
        const status = await (await clientFor(ctx, alias)).idpStatus();
        if (out.json) return out.value(status);
        out.fields([
          ['LDAP', status.ldap ? `${status.ldap.server} (${status.ldap.tls}; directory check every ${status.ldap.syncIntervalSeconds}s)` : 'not configured'],
          ['OpenID', status.openid.length === 0 ? 'not configured' : `${status.openid.length} provider(s)`],
        ]);
        if (status.openid.length > 0) {
          out.line();
          out.table(['NAME', 'ISSUER', 'CLIENT ID', 'ROLE ARN / CLAIM'], status.openid.map((p) => [p.name, p.issuer, p.clientId, p.roleArn ?? `claim: ${p.claimName ?? 'policy'}`]));
        }
      }),
    );

  const ldap = idp.command('ldap').description('LDAP / Active Directory');
  const policy = ldap.command('policy').description('policies mapped to LDAP user and group DNs');
  for (const attach of [true, false]) {
    leaf(policy.command(`${attach ? 'attach' : 'detach'} <alias> <policy>`))
      .description(attach ? 'map a policy to an LDAP user DN or group DN' : 'remove a policy mapping')
      .option('--user <dn>', 'the user DN')
      .option('--group <dn>', 'the group DN')
      .action(
        act<[string, string], { user?: string; group?: string }>(ctx, async (out, o, alias, name) => {
          const client = await clientFor(ctx, alias);
          const to = target(o);
          await (attach ? client.attachLdapPolicy(name, to) : client.detachLdapPolicy(name, to));
          const which = 'user' in to ? `user ${to.user}` : `group ${to.group}`;
          if (out.json) out.value({ policy: name, ...to, attached: attach });
          else out.success(attach ? `Attached ${name} to ${which}.` : `Detached ${name} from ${which}.`);
        }),
      );
  }
  leaf(policy.command('list <alias>').alias('ls'))
    .description('list the policy mappings of LDAP DNs')
    .action(
      act<[string]>(ctx, async (out, _o, alias) => {
        const { mappings } = await (await clientFor(ctx, alias)).listLdapPolicies();
        if (out.json) out.value({ mappings });
        else out.table(['TYPE', 'DN', 'POLICIES'], mappings.map((m) => [m.type, m.dn, m.policies.join(', ')]));
      }),
    );
  const keys = ldap.command('accesskey').description('long-term access keys of LDAP users (deleted when the user leaves the directory)');
  leaf(keys.command('create <alias>'))
    .description('create an access key for an LDAP user; the secret is shown once')
    .requiredOption('--user <dn>', 'the user DN')
    .option('--name <name>', 'a name for the key')
    .option('--description <text>', 'what the key is for')
    .option('--expiration <iso>', 'expiry time (ISO 8601)')
    .action(
      act<[string], { user: string; name?: string; description?: string; expiration?: string }>(ctx, async (out, o, alias) => {
        const key = await (await clientFor(ctx, alias)).createLdapAccessKey({ user: o.user, ...(o.name ? { name: o.name } : {}), ...(o.description ? { description: o.description } : {}), ...(o.expiration ? { expiration: o.expiration } : {}) });
        if (out.json) return out.value(key);
        out.fields([['Access key', key.accessKeyId], ['Secret key', key.secretAccessKey], ['Owner', o.user]]);
        out.line('The secret key is shown only now.');
      }),
    );
  leaf(keys.command('list <alias>').alias('ls'))
    .description("list an LDAP user's access keys")
    .requiredOption('--user <dn>', 'the user DN')
    .action(
      act<[string], { user: string }>(ctx, async (out, o, alias) => {
        const { items } = await (await clientFor(ctx, alias)).listLdapAccessKeys(o.user);
        if (out.json) out.value({ items });
        else out.table(['ACCESS KEY', 'STATUS', 'NAME'], items.map((k) => [k.accessKeyId, k.status, k.name ?? '-']));
      }),
    );

  leaf(ldap.command('sync <alias>'))
    .description('check the directory now: revoke the sessions of users who left it, refresh groups')
    .action(
      act<[string]>(ctx, async (out, _o, alias) => {
        const result = await (await clientFor(ctx, alias)).syncLdap();
        if (out.json) out.value(result);
        else out.success(`Checked ${result.subjects} LDAP user(s): ${result.revoked} session(s) revoked, ${result.updated} updated.`);
      }),
    );
}
