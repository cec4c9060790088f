/**
 * `coffer admin kms rotate ALIAS [--key NAME] [--from-key NAME] [--bucket B] [--prefix P] [--resume]`
 * and `coffer admin kms rotate status ALIAS`: re-wrap the object keys of SSE-S3 / SSE-KMS
 * objects under a KMS key without rewriting data. The server runs the job; this polls its
 * status and draws a one-line progress bar on a terminal (plain progress lines otherwise;
 * --json prints only the final status). --detach returns once the job has started.
 */
import type { Command } from 'commander';
import { AdminApiError, type AdminClient, type KmsRotateInput, type KmsRotationStatus } from '../../client/index.js';
import { act, clientFor, leaf, UsageError, type CliContext } from '../context.js';
import { date, type Output } from '../output.js';

interface RotateOptions {
  json?: boolean;
  key?: string;
  fromKey?: string;
  bucket?: string;
  prefix?: string;
  resume?: boolean;
  detach?: boolean;
  interval: string;
}

const BAR_WIDTH = 30;

function counts(s: KmsRotationStatus): string {
  return `rotated ${s.rotated}, skipped ${s.skipped}, failed ${s.failed}`;
}

/** "[#########-----]  60% 600/1000 rotated …" (or "processed N" while the total is being counted). */
export function progressLine(s: KmsRotationStatus): string {
  if (s.total === undefined) return `counting encrypted versions… processed ${s.processed}`;
  const ratio = s.total === 0 ? 1 : Math.min(1, s.processed / s.total);
  const filled = Math.round(ratio * BAR_WIDTH);
  return `[${'#'.repeat(filled)}${'-'.repeat(BAR_WIDTH - filled)}] ${String(Math.floor(ratio * 100)).padStart(3)}% ${s.processed}/${s.total} ${counts(s)}`;
}

function showStatus(out: Output, s: KmsRotationStatus): void {
  const skipped = Object.entries(s.skippedBy).filter(([, n]) => n > 0).map(([why, n]) => `${why} ${n}`).join(', ');
  const scope = [s.options.bucket && `bucket ${s.options.bucket}`, s.options.prefix && `prefix ${s.options.prefix}`, s.options.fromKey && `from key ${s.options.fromKey}`].filter(Boolean).join(', ');
  out.fields([
    ['State', s.state === 'done' ? out.colors.green(s.state) : s.state === 'failed' ? out.colors.red(s.state) : s.state],
    ['Target key', s.state === 'idle' ? undefined : s.options.key ?? 'default key (SSE-S3), own key (SSE-KMS)'],
    ['Scope', scope === '' ? undefined : scope],
    ['Progress', s.state === 'idle' ? undefined : `${s.processed}${s.total === undefined ? '' : `/${s.total}`} processed: ${counts(s)}`],
    ['Skipped', skipped === '' ? undefined : skipped],
    ['Started', date(s.startedAt)],
    ['Finished', date(s.finishedAt)],
    ['Marker', s.marker ? `${s.marker.bucket}/${s.marker.key} (version ${s.marker.versionId})` : undefined],
    ['Error', s.error],
  ]);
  if (s.failures.length > 0) {
    out.line();
    out.table(['BUCKET', 'KEY', 'VERSION', 'REASON'], s.failures.map((f) => [f.bucket, f.key, f.versionId, f.reason]));
  }
}

async function follow(client: AdminClient, out: Output, tty: boolean, intervalMs: number, first: KmsRotationStatus): Promise<KmsRotationStatus> {
  let status = first;
  let shown = '';
  for (;;) {
    if (!out.json) {
      const line = progressLine(status);
      if (tty) out.write(`\r${line}\u001b[K`);
      else if (line !== shown) out.line(line);
      shown = line;
    }
    if (status.state !== 'running') break;
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
    status = await client.kmsRotationStatus();
  }
  if (!out.json && tty) out.line();
  return status;
}

export function registerKmsRotate(kms: Command, ctx: CliContext): void {
  const rotate = leaf(kms.command('rotate'))
    .description('re-wrap the object keys of SSE-S3/SSE-KMS objects under a KMS key (object data is not rewritten)')
    .argument('<alias>', 'the server')
    .option('--key <name>', 'target KMS key for every version (default: the default key for SSE-S3, each SSE-KMS object\'s own key)')
    .option('--from-key <name>', 'only versions whose key is NAME')
    .option('--bucket <bucket>', 'only this bucket')
    .option('--prefix <prefix>', 'only keys starting with PREFIX')
    .option('--resume', 'continue the last unfinished rotation where it stopped (with its own options)')
    .option('--detach', 'return once the job has started; watch it with "rotate status"')
    .option('--interval <ms>', 'how often to poll the status', '1000')
    .action(
      act<[string], RotateOptions>(ctx, async (out, o, alias) => {
        const interval = Number(o.interval);
        if (!Number.isInteger(interval) || interval < 10 || interval > 60_000) throw new UsageError('--interval takes milliseconds from 10 to 60000');
        const input: KmsRotateInput = { ...(o.key ? { key: o.key } : {}), ...(o.fromKey ? { fromKey: o.fromKey } : {}), ...(o.bucket ? { bucket: o.bucket } : {}), ...(o.prefix ? { prefix: o.prefix } : {}) };
        if (o.resume && Object.keys(input).length > 0) throw new UsageError('--resume continues the last rotation with its own options; give no --key, --from-key, --bucket or --prefix with it');
        const client = await clientFor(ctx, alias);
        const started = await client.startKmsRotation(o.resume ? { resume: true } : input);
        if (o.detach) {
          if (out.json) out.value(started);
          else out.success(`Key rotation ${o.resume ? 'resumed' : 'started'}. Watch it with: coffer admin kms rotate status ${alias}`);
          return;
        }
        const final = await follow(client, out, ctx.io.isTTY, interval, started);
        if (out.json) out.value(final);
        else if (final.state === 'done') out.success(`Key rotation done: ${final.processed} versions processed, ${counts(final)}.`);
        if (final.state === 'failed') {
          if (!out.json) showStatus(out, final);
          throw new AdminApiError('RotationFailed', final.error ?? 'The key rotation failed.', 200);
        }
      }),
    );

  const status = act<[string]>(ctx, async (out, _o, alias) => {
    const current = await (await clientFor(ctx, alias)).kmsRotationStatus();
    if (out.json) out.value(current);
    else showStatus(out, current);
  });
  leaf(rotate.command('status <alias>'))
    .description('show the key rotation job: state, progress, marker, failures')
    // `rotate` has --json too, and commander hands a --json after `status ALIAS` to it: read both.
    .action((alias: string, options: object, command: Command) => status(alias, options, { opts: () => command.optsWithGlobals() }));
}
