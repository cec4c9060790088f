/** The `coffer` CLI in tests: a config folder of its own, the CLI spawned as a user runs it or run in this process. */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../../cli/main.js';

const BIN = new URL('../../bin/coffer.mjs', import.meta.url).pathname;

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

export interface CliHarness {
  /** A temp folder (the spawned CLI's working folder); the config lives in `configDir` inside it. */
  dir: string;
  configDir: string;
  /** `node bin/coffer.mjs …` (COFFER_DEV=1, TypeScript sources); asynchronous, so an in-process server keeps answering. */
  coffer(...args: string[]): Promise<CliRun>;
  /** The same command line run in this process (runCli): much faster for the many calls after the spawned ones. */
  cli(...args: string[]): Promise<CliRun>;
  /** cli(…args, '--json'), which must succeed, parsed. */
  json(...args: string[]): Promise<Record<string, unknown>>;
  cleanup(): void;
}

export function cliHarness(prefix = 'coffer-cli-'): CliHarness {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  const configDir = join(dir, 'config');
  const coffer = (...args: string[]): Promise<CliRun> =>
    new Promise((resolve) => {
      execFile(
        process.execPath,
        [BIN, ...args],
        { cwd: dir, env: { ...process.env, COFFER_DEV: '1', COFFER_CONFIG_DIR: configDir, NO_COLOR: '1' }, timeout: 60_000 },
        (error, stdout, stderr) => resolve({ code: error ? ((error as { code?: number }).code ?? 1) : 0, stdout, stderr }),
      );
    });
  const cli = async (...args: string[]): Promise<CliRun> => {
    let stdout = '';
    let stderr = '';
    const io = { out: (t: string) => void (stdout += t), err: (t: string) => void (stderr += t), env: { COFFER_CONFIG_DIR: configDir, NO_COLOR: '1' }, isTTY: false };
    const code = await runCli(args, io);
    return { code, stdout, stderr };
  };
  const json = async (...args: string[]): Promise<Record<string, unknown>> => {
    const run = await cli(...args, '--json');
    assert.equal(run.code, 0, `${args.join(' ')}: ${run.stderr}`);
    return JSON.parse(run.stdout) as Record<string, unknown>;
  };
  return { dir, configDir, coffer, cli, json, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}
