import { readFileSync, statSync } from 'node:fs';

export class ConfigError extends Error {
  override name = 'ConfigError';
}

/** Reads a secret file named by `envName`; refuses files others can write, or read unless allowed. */
export function readSecretFile(path: string, envName: string, allowWorldReadable: boolean): string {
  let mode: number;
  try {
    mode = statSync(path).mode;
  } catch {
    throw new ConfigError(`${envName}: cannot read the file it names`);
  }
  if ((mode & 0o022) !== 0) throw new ConfigError(`${envName}: the file is writable by other users; fix its mode (chmod 600)`);
  if ((mode & 0o004) !== 0 && !allowWorldReadable) {
    throw new ConfigError(`${envName}: the file is readable by every user; chmod 600 it or set COFFER_ALLOW_WORLD_READABLE_SECRETS=true`);
  }
  return readFileSync(path, 'utf8').replace(/\r?\n$/, '');
}
