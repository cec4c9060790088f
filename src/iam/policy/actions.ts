/**
 * Action patterns: 'service:Name' with '*'/'?' wildcards in the name, or '*' alone. Matched
 * case-insensitively (both sides lower-cased). Validation against the catalogue catches typos:
 * an unknown literal action or a wildcard that matches nothing would otherwise silently grant or
 * deny nothing.
 */
import { ACTION_CATALOGUE } from './catalogue.js';
import { globFromPattern, hasWildcard, matchGlob, type Glob } from './match.js';

/** Validates one written action; returns its lower-cased pattern or throws Error(message). */
export function validateAction(written: string): string {
  const lower = written.toLowerCase();
  if (lower === '*') return lower;
  const colon = lower.indexOf(':');
  if (colon <= 0) throw new Error(`malformed action ${JSON.stringify(written)}: expected "service:Action" or "*"`);
  const service = lower.slice(0, colon);
  const name = lower.slice(colon + 1);
  if (hasWildcard(service)) throw new Error(`action ${JSON.stringify(written)}: the service prefix cannot contain wildcards`);
  const known = ACTION_CATALOGUE.get(service);
  if (known === undefined) throw new Error(`unknown service prefix ${JSON.stringify(written.slice(0, colon))} in action ${JSON.stringify(written)}`);
  if (name === '' || /[^a-z0-9*?]/.test(name)) throw new Error(`malformed action ${JSON.stringify(written)}`);
  if (!hasWildcard(name)) {
    if (!known.has(lower)) throw new Error(`unknown action ${JSON.stringify(written)}`);
    return lower;
  }
  const glob = globFromPattern(lower);
  for (const action of known.keys()) if (matchGlob(glob, action)) return lower;
  throw new Error(`action pattern ${JSON.stringify(written)} matches no known action`);
}

/** Compiled action list of one statement: exact names in a Set, wildcards as globs. */
export interface ActionMatcher {
  readonly all: boolean;
  readonly exact: ReadonlySet<string>;
  readonly globs: readonly Glob[];
}

export function compileActions(patterns: readonly string[]): ActionMatcher {
  const exact = new Set<string>();
  const globs: Glob[] = [];
  let all = false;
  for (const raw of patterns) {
    const p = raw.toLowerCase();
    if (p === '*') all = true;
    else if (hasWildcard(p)) globs.push(globFromPattern(p));
    else exact.add(p);
  }
  return { all, exact, globs };
}

/** `action` must already be lower-cased. */
export function matchActions(m: ActionMatcher, action: string): boolean {
  if (m.all || m.exact.has(action)) return true;
  for (const g of m.globs) if (matchGlob(g, action)) return true;
  return false;
}
