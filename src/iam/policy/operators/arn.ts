/**
 * ARN operators (AWS): ArnEquals and ArnLike behave the same — the six colon-separated parts
 * (arn:partition:service:region:account:resource) are matched separately, each may use '*'/'?',
 * so a wildcard never crosses a ':' in the first five parts. Policy variables are allowed.
 */
import { matchGlob, type Glob } from '../match.js';
import { hasVariables, parseTemplate, resolveGlob, type Template } from '../variables.js';
import { NEVER, quote, type BoundTest, type OperatorSpec } from './operator.js';

/** Splits on the first five ':' that are outside ${...}; undefined if fewer than six parts. */
export function splitArn(s: string): string[] | undefined {
  const parts: string[] = [];
  let start = 0;
  let depth = false;
  for (let i = 0; i < s.length && parts.length < 5; i++) {
    if (!depth && s.startsWith('${', i)) depth = true;
    else if (depth && s[i] === '}') depth = false;
    else if (!depth && s[i] === ':') {
      parts.push(s.slice(start, i));
      start = i + 1;
    }
  }
  if (parts.length < 5) return undefined;
  parts.push(s.slice(start));
  return parts;
}

function matchParts(globs: readonly Glob[], r: string): boolean {
  const parts = r.split(':');
  if (parts.length < 6) return false;
  const req = [...parts.slice(0, 5), parts.slice(5).join(':')];
  return globs.every((g, i) => matchGlob(g, req[i] ?? ''));
}

function compileArn(values: readonly string[], variables: boolean): BoundTest {
  const templates: Template[][] = values.map((v) => {
    const parts = splitArn(v);
    if (parts === undefined || parts[0] !== 'arn') throw new Error(`${quote(v)} is not an ARN (arn:partition:service:region:account:resource)`);
    return parts.map((p) => parseTemplate(p, variables));
  });
  const resolve = (ts: Template[], ctx: Parameters<BoundTest>[0] | undefined): Glob[] | undefined => {
    const out: Glob[] = [];
    for (const t of ts) {
      const g = resolveGlob(t, ctx);
      if (g === undefined) return undefined;
      out.push(g);
    }
    return out;
  };
  const bind = (ctx: Parameters<BoundTest>[0] | undefined) => {
    const lists = templates.map((ts) => resolve(ts, ctx)).filter((l): l is Glob[] => l !== undefined);
    return lists.length === 0 ? NEVER : (r: string) => lists.some((l) => matchParts(l, r));
  };
  if (!templates.some((ts) => ts.some(hasVariables))) {
    const test = bind(undefined);
    return () => test;
  }
  return bind;
}

export const ARN_OPERATORS: Record<string, OperatorSpec> = {
  ArnEquals: { negated: false, compile: compileArn },
  ArnLike: { negated: false, compile: compileArn },
  ArnNotEquals: { negated: true, compile: compileArn },
  ArnNotLike: { negated: true, compile: compileArn },
};
