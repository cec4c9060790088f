/**
 * A private SoftHSM2 (Debian's softhsm2, the real PKCS#11 library) for the PKCS#11 KMS tests:
 * a temp token folder and SOFTHSM2_CONF per test process, tokens made with softhsm2-util.
 * SOFTHSM2_CONF is read by the library at C_Initialize, so it is set for this process before
 * any token is opened; runs in parallel never share a token folder.
 * Skips (with the reason) only where SoftHSM2 or pkcs11js is missing AND the run is not CI;
 * in CI (process.env.CI) a missing piece fails the tests instead of hiding them.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const MODULES = ['/usr/lib/softhsm/libsofthsm2.so', '/usr/lib/x86_64-linux-gnu/softhsm/libsofthsm2.so', '/usr/lib/aarch64-linux-gnu/softhsm/libsofthsm2.so'];
export const USER_PIN = '1234';
const SO_PIN = '5678';

export const SOFTHSM_MODULE = MODULES.find((path) => existsSync(path));

function missing(): string | undefined {
  if (!SOFTHSM_MODULE) return 'SoftHSM2 is not installed (apt-get install softhsm2)';
  try {
    execFileSync('softhsm2-util', ['--version'], { stdio: 'ignore' });
  } catch {
    return 'softhsm2-util is not on PATH';
  }
  try {
    createRequire(import.meta.url).resolve('pkcs11js');
  } catch {
    return 'the optional package pkcs11js is not installed';
  }
  return undefined;
}

/** The `skip` option for PKCS#11 suites: a reason outside CI when something is missing; in CI, throws. */
export function softHsmSkip(): string | false {
  const reason = missing();
  if (!reason) return false;
  if (process.env.CI) throw new Error(`PKCS#11 tests must run in CI, but ${reason}`);
  return `${reason}; PKCS#11 tests skipped (they run in CI)`;
}

let dir: string | undefined;

/** This process's SoftHSM2 folder (created once, removed at exit). */
function softHsmDir(): string {
  if (dir) return dir;
  dir = mkdtempSync(join(tmpdir(), 'coffer-softhsm-'));
  mkdirSync(join(dir, 'tokens'));
  const conf = join(dir, 'softhsm2.conf');
  writeFileSync(conf, `directories.tokendir = ${join(dir, 'tokens')}\nobjectstore.backend = file\nlog.level = ERROR\nslots.removable = false\n`);
  process.env.SOFTHSM2_CONF = conf;
  const created = dir;
  process.once('exit', () => rmSync(created, { recursive: true, force: true }));
  return dir;
}

/** Initialises a fresh token (user PIN USER_PIN) and returns its label. Call before opening tokens. */
export function initToken(label: string, pin = USER_PIN): string {
  softHsmDir();
  execFileSync('softhsm2-util', ['--init-token', '--free', '--label', label, '--so-pin', SO_PIN, '--pin', pin], { stdio: 'ignore', env: process.env });
  return label;
}

/** Settings for Pkcs11KeyManager.open / COFFER_KMS_PKCS11_* for a token made by initToken. */
export function tokenSettings(label: string, defaultKeyId = 'coffer-default-key'): { modulePath: string; tokenLabel: string; pin: string; defaultKeyId: string } {
  return { modulePath: SOFTHSM_MODULE ?? '/missing/libsofthsm2.so', tokenLabel: label, pin: USER_PIN, defaultKeyId };
}

export function tokenEnv(label: string, keyName = 'coffer-default-key'): Record<string, string> {
  return { COFFER_KMS_PKCS11_MODULE: SOFTHSM_MODULE ?? '/missing/libsofthsm2.so', COFFER_KMS_PKCS11_TOKEN_LABEL: label, COFFER_KMS_PKCS11_PIN: USER_PIN, COFFER_KMS_PKCS11_KEY_NAME: keyName };
}

/** pkcs11-tool (OpenSC), from another process: the token as any other PKCS#11 client sees it. */
export function pkcs11Tool(args: string[]): { ok: boolean; output: string } {
  try {
    const output = execFileSync('pkcs11-tool', ['--module', SOFTHSM_MODULE ?? '', ...args], { env: process.env, stdio: ['ignore', 'pipe', 'pipe'] });
    return { ok: true, output: output.toString('latin1') };
  } catch (error) {
    const e = error as { stdout?: Buffer; stderr?: Buffer };
    return { ok: false, output: `${e.stdout?.toString('latin1') ?? ''}${e.stderr?.toString('latin1') ?? ''}` };
  }
}
