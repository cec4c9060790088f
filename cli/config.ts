/**
 * The CLI's alias file: $COFFER_CONFIG_DIR/config.json, else ~/.coffer/config.json.
 * Protects the stored credentials: the folder is created 0700 and the file written 0600
 * (temp file in the same folder, fsync, rename), and a file readable by group or others is
 * refused rather than used — a world-readable secret is already leaked, and quietly
 * tightening it would hide that. Secrets are never printed by `alias list`.
 */
import { mkdir, open, readFile, rename, stat, unlink } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';

export interface Alias {
  url: string;
  accessKey: string;
  secretKey: string;
  region: string;
}

interface ConfigFile {
  version: 1;
  aliases: Record<string, Alias>;
}

export class ConfigError extends Error {
  override name = 'ConfigError';
}

export function configDir(env: NodeJS.ProcessEnv): string {
  const dir = env.COFFER_CONFIG_DIR;
  return dir !== undefined && dir !== '' ? dir : join(homedir(), '.coffer');
}

function isAlias(value: unknown): value is Alias {
  const a = value as Alias;
  return typeof a === 'object' && a !== null && typeof a.url === 'string' && typeof a.accessKey === 'string' && typeof a.secretKey === 'string' && typeof a.region === 'string';
}

export class AliasStore {
  readonly dir: string;
  readonly path: string;

  constructor(dir: string) {
    this.dir = dir;
    this.path = join(dir, 'config.json');
  }

  async read(): Promise<ConfigFile> {
    let text: string;
    try {
      const info = await stat(this.path);
      if ((info.mode & 0o077) !== 0) throw new ConfigError(`${this.path} is readable by other users; run: chmod 600 ${this.path}`);
      text = await readFile(this.path, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { version: 1, aliases: {} };
      throw error;
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      throw new ConfigError(`${this.path} is not valid JSON`);
    }
    const file = parsed as ConfigFile;
    if (typeof file !== 'object' || file === null || file.version !== 1 || typeof file.aliases !== 'object' || file.aliases === null) {
      throw new ConfigError(`${this.path} is not a Coffer CLI config file (version 1)`);
    }
    for (const [name, alias] of Object.entries(file.aliases)) {
      if (!isAlias(alias)) throw new ConfigError(`${this.path}: alias ${JSON.stringify(name)} is malformed`);
    }
    return file;
  }

  async get(name: string): Promise<Alias | undefined> {
    const aliases = (await this.read()).aliases;
    return Object.hasOwn(aliases, name) ? aliases[name] : undefined;
  }

  async set(name: string, alias: Alias): Promise<void> {
    const file = await this.read();
    file.aliases[name] = alias;
    await this.#write(file);
  }

  /** false when there was no such alias. */
  async remove(name: string): Promise<boolean> {
    const file = await this.read();
    if (!Object.hasOwn(file.aliases, name)) return false;
    delete file.aliases[name];
    await this.#write(file);
    return true;
  }

  async #write(file: ConfigFile): Promise<void> {
    await mkdir(this.dir, { recursive: true, mode: 0o700 });
    const temp = join(this.dir, `.config.json.${process.pid}.${Date.now()}.tmp`);
    const handle = await open(temp, 'wx', 0o600);
    try {
      await handle.writeFile(`${JSON.stringify(file, null, 2)}\n`);
      await handle.sync();
    } catch (error) {
      await handle.close();
      await unlink(temp).catch(() => undefined);
      throw error;
    }
    await handle.close();
    await rename(temp, this.path);
  }
}
