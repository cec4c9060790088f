/** `coffer alias set|list|remove`: named servers with their credentials, in the 0600 config file. */
import type { Command } from 'commander';
import { act, leaf, UsageError, type CliContext } from '../context.js';

const NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;
const LOOPBACK = new Set(['localhost', '127.0.0.1', '[::1]', '::1']);

export function registerAlias(program: Command, ctx: CliContext): void {
  const alias = program.command('alias').description('manage server aliases (stored in ~/.coffer/config.json, mode 0600)');

  leaf(alias.command('set <name> <url> <accessKey> <secretKey>'))
    .description('add or replace an alias')
    .option('--region <region>', 'the server region (SigV4 scope)', 'us-east-1')
    .action(
      act<[string, string, string, string], { region: string }>(ctx, async (out, options, name, url, accessKey, secretKey) => {
        if (!NAME.test(name)) throw new UsageError('alias names are 1-64 letters, digits, . _ - (starting with a letter or digit)');
        let parsed: URL;
        try {
          parsed = new URL(url);
        } catch {
          throw new UsageError(`not a URL: ${url}`);
        }
        if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') throw new UsageError('the URL must start with http:// or https://');
        if (parsed.username !== '' || parsed.password !== '' || parsed.search !== '' || parsed.hash !== '') {
          throw new UsageError('the URL must not carry credentials, a query or a fragment');
        }
        if (accessKey === '' || secretKey === '') throw new UsageError('the access key and secret key must not be empty');
        const endpoint = parsed.origin + parsed.pathname.replace(/\/+$/, '');
        await ctx.store.set(name, { url: endpoint, accessKey, secretKey, region: options.region });
        if (parsed.protocol === 'http:' && !LOOPBACK.has(parsed.hostname)) out.warn(`warning: ${name} uses plain HTTP; credentials and secrets travel unencrypted`);
        if (out.json) out.value({ alias: name, url: endpoint, accessKey, region: options.region });
        else out.success(`Added alias ${name} (${endpoint}).`);
      }),
    );

  leaf(alias.command('list').alias('ls'))
    .description('list aliases (secrets are never shown)')
    .action(
      act<[]>(ctx, async (out) => {
        const aliases = Object.entries((await ctx.store.read()).aliases).sort(([a], [b]) => (a < b ? -1 : 1));
        const rows = aliases.map(([name, a]) => ({ alias: name, url: a.url, accessKey: a.accessKey, region: a.region }));
        if (out.json) out.value({ items: rows });
        else out.table(['ALIAS', 'URL', 'ACCESS KEY', 'REGION'], rows.map((r) => [r.alias, r.url, r.accessKey, r.region]));
      }),
    );

  leaf(alias.command('remove <name>').alias('rm'))
    .description('remove an alias')
    .action(
      act<[string]>(ctx, async (out, _options, name) => {
        if (!(await ctx.store.remove(name))) throw new UsageError(`unknown alias ${JSON.stringify(name)}`);
        if (out.json) out.value({ alias: name, removed: true });
        else out.success(`Removed alias ${name}.`);
      }),
    );
}
