/**
 * Everything the CLI prints. `--json`: one JSON value on stdout per command (stable field names,
 * the admin API's shapes), errors as {"error":{code,message,requestId}} on stderr. Otherwise
 * human tables (cli-table3, plain borders and no colours when stdout is not a terminal) and
 * picocolors, which also honours NO_COLOR.
 */
import Table from 'cli-table3';
import picocolors from 'picocolors';

export interface CliIo {
  out(text: string): void;
  err(text: string): void;
  env: NodeJS.ProcessEnv;
  /** Whether stdout is a terminal (colours, table borders). */
  isTTY: boolean;
}

export function processIo(): CliIo {
  return {
    out: (text) => process.stdout.write(text),
    err: (text) => process.stderr.write(text),
    env: process.env,
    isTTY: process.stdout.isTTY === true,
  };
}

export class Output {
  readonly json: boolean;
  readonly #io: CliIo;
  readonly colors: ReturnType<typeof picocolors.createColors>;

  constructor(io: CliIo, json: boolean) {
    this.#io = io;
    this.json = json;
    const noColor = io.env.NO_COLOR !== undefined && io.env.NO_COLOR !== '';
    this.colors = picocolors.createColors(io.isTTY && !noColor && !json);
  }

  /** The machine answer (only in --json mode). */
  value(value: unknown): void {
    this.#io.out(`${JSON.stringify(value, null, 2)}\n`);
  }

  /** Text without a newline (a progress line redrawn in place). */
  write(text: string): void {
    this.#io.out(text);
  }

  line(text = ''): void {
    this.#io.out(`${text}\n`);
  }

  success(text: string): void {
    this.line(this.colors.green(text));
  }

  warn(text: string): void {
    this.#io.err(`${this.colors.yellow(text)}\n`);
  }

  table(head: string[], rows: string[][]): void {
    if (rows.length === 0) {
      this.line(this.colors.dim('(none)'));
      return;
    }
    const plain = !this.#io.isTTY;
    const table = new Table({
      head: head.map((h) => this.colors.bold(h)),
      style: plain ? { head: [], border: [], compact: true, 'padding-left': 0, 'padding-right': 0 } : { head: [], border: [] },
      ...(plain ? { chars: PLAIN_CHARS } : {}),
    });
    table.push(...rows);
    this.line(plain ? table.toString().split('\n').map((l) => l.trimEnd()).join('\n') : table.toString());
  }

  /** "Key: value" lines, keys aligned. */
  fields(pairs: ReadonlyArray<readonly [string, string | undefined]>): void {
    const shown = pairs.filter((p): p is readonly [string, string] => p[1] !== undefined);
    const width = Math.max(...shown.map(([k]) => k.length));
    for (const [key, value] of shown) this.line(`${this.colors.bold(`${key}:`.padEnd(width + 1))} ${value}`);
  }

  error(code: string, message: string, requestId?: string): void {
    if (this.json) {
      this.#io.err(`${JSON.stringify({ error: { code, message, ...(requestId ? { requestId } : {}) } })}\n`);
      return;
    }
    const id = requestId ? this.colors.dim(` (request id ${requestId})`) : '';
    this.#io.err(`${this.colors.red(`coffer: ${code}: ${message}`)}${id}\n`);
  }
}

/** Borders as spaces: columns stay aligned and pipes/greps see plain text. */
const PLAIN_CHARS = {
  top: '', 'top-mid': '', 'top-left': '', 'top-right': '',
  bottom: '', 'bottom-mid': '', 'bottom-left': '', 'bottom-right': '',
  left: '', 'left-mid': '', mid: '', 'mid-mid': '', right: '', 'right-mid': '', middle: '  ',
};

export const list = (items: readonly string[]): string => (items.length === 0 ? '-' : items.join(', '));
export const date = (iso: string | undefined): string | undefined => (iso === undefined ? undefined : iso.replace('.000Z', 'Z'));
