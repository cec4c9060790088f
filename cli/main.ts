/**
 * The `coffer alias …` and `coffer admin …` commands (bin/coffer.mjs dispatches here).
 * Exit codes: 0 ok; 1 the server or the API answered an error (its Code and Message are
 * printed), or the config file is unusable; 2 usage error (unknown command or option, missing
 * argument, unreadable file, bad value).
 */
import { Command, CommanderError } from 'commander';
import { registerAccessKey } from './commands/admin-accesskey.js';
import { registerGroup } from './commands/admin-group.js';
import { registerIdp } from './commands/admin-idp.js';
import { registerKms } from './commands/admin-kms.js';
import { registerPolicy } from './commands/admin-policy.js';
import { registerRole } from './commands/admin-role.js';
import { registerUser } from './commands/admin-user.js';
import { registerAlias } from './commands/alias.js';
import { createContext, type CliContext } from './context.js';
import { processIo, type CliIo } from './output.js';

export function buildProgram(ctx: CliContext): Command {
  const program = new Command('coffer')
    .description("Coffer's command line: server aliases and identity administration")
    .exitOverride()
    .showHelpAfterError('(run with --help for usage)')
    .configureOutput({ writeOut: (text) => ctx.io.out(text), writeErr: (text) => ctx.io.err(text) });
  registerAlias(program, ctx);
  const admin = program.command('admin').description('administer users, groups, policies, access keys and roles');
  registerUser(admin, ctx);
  registerGroup(admin, ctx);
  registerPolicy(admin, ctx);
  registerAccessKey(admin, ctx);
  registerRole(admin, ctx);
  registerKms(admin, ctx);
  registerIdp(admin, ctx);
  return program;
}

/** Runs one command line (without the node and script arguments); resolves to the exit code. */
export async function runCli(argv: readonly string[], io: CliIo = processIo()): Promise<number> {
  const ctx = createContext(io);
  try {
    await buildProgram(ctx).parseAsync([...argv], { from: 'user' });
  } catch (error) {
    if (error instanceof CommanderError) return error.exitCode === 0 ? 0 : 2;
    throw error;
  }
  return ctx.exitCode;
}
