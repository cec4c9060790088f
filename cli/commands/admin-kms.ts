/**
 * `coffer admin kms status|key list|key create|key import` — the server's KMS (encryption at
 * rest). Nothing here handles key material: the server answers names and reachability only.
 */
import type { Command } from 'commander';
import { AdminApiError, type AdminClient, type KmsStatus } from '../../client/index.js';
import { act, clientFor, leaf, UsageError, type CliContext } from '../context.js';
import type { Output } from '../output.js';
import { registerKmsRotate } from './admin-kms-rotate.js';

function showStatus(out: Output, status: KmsStatus): void {
  out.fields([
    ['Backend', status.backend],
    ['Status', status.online ? out.colors.green('online') : out.colors.red('offline')],
    ['Default key', status.defaultKeyId],
    ['Legacy key', status.legacyKeyId === undefined ? undefined : `${status.legacyKeyId} (static key kept for reads; move it with: coffer admin kms key import ALIAS ${status.legacyKeyId} --to ${status.backend})`],
  ]);
  const endpoints = status.endpoints ?? [];
  if (endpoints.length === 0) return;
  out.line();
  out.table(
    ['ENDPOINT', 'STATUS', 'LATENCY', 'ERROR'],
    endpoints.map((e) => [e.endpoint, e.online ? 'online' : 'offline', e.latencyMs === undefined ? '-' : `${e.latencyMs}ms`, e.error ?? '-']),
  );
}

/** NotImplemented from key creation: say why when the server runs the static KMS. */
async function explainCreateRefusal(client: AdminClient, error: unknown): Promise<never> {
  if (error instanceof AdminApiError && error.code === 'NotImplemented') {
    const backend = await client.kmsStatus().then((s) => s.backend, () => undefined);
    if (backend === 'static') {
      throw new AdminApiError(error.code, `${error.message} The static KMS (COFFER_KMS_SECRET_KEY) holds exactly one key; creating keys needs KES (COFFER_KMS_KES_ENDPOINT) or a PKCS#11 token (COFFER_KMS_PKCS11_MODULE).`, error.status, error.requestId);
    }
  }
  throw error;
}

export function registerKms(admin: Command, ctx: CliContext): void {
  const kms = admin.command('kms').description('inspect the KMS and manage its keys (encryption at rest)');

  leaf(kms.command('status <alias>'))
    .description('show the KMS backend, whether it is reachable, and the default key')
    .action(
      act<[string]>(ctx, async (out, _o, alias) => {
        const status = await (await clientFor(ctx, alias)).kmsStatus();
        if (out.json) out.value(status);
        else showStatus(out, status);
      }),
    );

  registerKmsRotate(kms, ctx);

  const key = kms.command('key').description('list, create and import KMS keys');

  leaf(key.command('list <alias>').alias('ls'))
    .description('list the KMS key names')
    .option('--prefix <prefix>', 'only names starting with PREFIX')
    .action(
      act<[string], { json?: boolean; prefix?: string }>(ctx, async (out, o, alias) => {
        const { keys } = await (await clientFor(ctx, alias)).listKmsKeys(o.prefix);
        if (out.json) out.value({ keys });
        else out.table(['KEY'], keys.map((k) => [k]));
      }),
    );

  leaf(key.command('create <alias> <name>'))
    .description('create a key in the KMS (KES or PKCS#11; the static KMS holds one key)')
    .action(
      act<[string, string]>(ctx, async (out, _o, alias, name) => {
        const client = await clientFor(ctx, alias);
        const created = await client.createKmsKey(name).catch((error: unknown) => explainCreateRefusal(client, error));
        if (out.json) out.value(created);
        else out.success(`Created KMS key ${created.key}.`);
      }),
    );

  leaf(key.command('import <alias> <name>'))
    .description('copy the static key (kept with COFFER_KMS_SECRET_KEY_LEGACY=true) into KES or the PKCS#11 token under its name')
    .requiredOption('--to <target>', 'where to import the key: kes or pkcs11')
    .action(
      act<[string, string], { json?: boolean; to: string }>(ctx, async (out, o, alias, name) => {
        if (o.to !== 'kes' && o.to !== 'pkcs11') throw new UsageError(`--to takes "kes" or "pkcs11" (got ${JSON.stringify(o.to)})`);
        const imported = await (await clientFor(ctx, alias)).importKmsKey(name, { to: o.to });
        if (out.json) out.value(imported);
        else {
          out.success(`Imported KMS key ${imported.key} into ${imported.importedTo === 'pkcs11' ? 'the PKCS#11 token' : 'KES'}.`);
          out.line('Objects sealed with it keep reading; you may now drop COFFER_KMS_SECRET_KEY and COFFER_KMS_SECRET_KEY_LEGACY.');
        }
      }),
    );
}
