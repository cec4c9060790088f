/**
 * What every command shares: the IO, the alias file, the admin client for an alias, and the
 * action wrapper that turns outcomes into exit codes (0 ok, 1 server/API or config error with
 * its code and message, 2 usage error).
 */
import { readFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { AdminApiError, AdminClient } from '../client/index.js';
import { AliasStore, ConfigError, configDir } from './config.js';
import { Output, type CliIo } from './output.js';

export class UsageError extends Error {
  override name = 'UsageError';
}

export interface CliContext {
  io: CliIo;
  store: AliasStore;
  exitCode: number;
}

export function createContext(io: CliIo): CliContext {
  return { io, store: new AliasStore(configDir(io.env)), exitCode: 0 };
}

export async function clientFor(ctx: CliContext, aliasName: string): Promise<AdminClient> {
  const alias = await ctx.store.get(aliasName);
  if (alias === undefined) throw new UsageError(`unknown alias ${JSON.stringify(aliasName)}; add it with: coffer alias set ${aliasName} URL ACCESS_KEY SECRET_KEY`);
  return new AdminClient({ endpoint: alias.url, region: alias.region, credentials: { accessKeyId: alias.accessKey, secretAccessKey: alias.secretKey } });
}

export async function readTextFile(path: string, what: string): Promise<string> {
  try {
    return await readFile(path, 'utf8');
  } catch (error) {
    throw new UsageError(`cannot read ${what} ${path}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
  }
}

/** Reads a JSON file and checks it parses, so a typo fails here and not as a server error. */
export async function readJsonFile(path: string, what: string): Promise<string> {
  const text = await readTextFile(path, what);
  try {
    JSON.parse(text);
  } catch (error) {
    throw new UsageError(`${what} ${path} is not valid JSON: ${(error as Error).message}`);
  }
  return text;
}

const RFC3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d{1,9})?(?:Z|[+-]\d{2}:\d{2})$/;

export function rfc3339(value: string, option: string): string {
  if (!RFC3339.test(value) || Number.isNaN(Date.parse(value))) throw new UsageError(`${option} must be an RFC 3339 time, e.g. 2027-06-30T00:00:00Z`);
  return value;
}

/** Adds --json to a leaf command. */
export function leaf(command: Command): Command {
  return command.option('--json', 'machine-readable JSON output');
}

/**
 * Wraps a commander action: `fn` gets the output (JSON or human), the options and the positional
 * arguments as commander parsed them (variadic ones as arrays). Errors become messages and exit
 * codes.
 */
export function act<A extends unknown[], O extends object = { json?: boolean }>(
  ctx: CliContext,
  fn: (out: Output, options: O, ...args: A) => Promise<void>,
): (...all: unknown[]) => Promise<void> {
  return async (...all) => {
    const command = all.pop() as Command;
    all.pop();
    const options = command.opts<O & { json?: boolean }>();
    const out = new Output(ctx.io, options.json === true);
    try {
      await fn(out, options, ...(all as A));
    } catch (error) {
      ctx.exitCode = report(out, error);
    }
  };
}

function report(out: Output, error: unknown): number {
  if (error instanceof UsageError) {
    out.error('UsageError', error.message);
    return 2;
  }
  if (error instanceof AdminApiError) {
    out.error(error.code, error.message, error.requestId);
    return 1;
  }
  if (error instanceof ConfigError) {
    out.error('ConfigError', error.message);
    return 1;
  }
  out.error('Error', (error as Error)?.message ?? String(error));
  return 1;
}
