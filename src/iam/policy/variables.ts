/**
 * Policy variables (${aws:username}, ${aws:PrincipalTag/team, 'none'}, escapes ${*} ${?} ${$}).
 * Only Version 2012-10-17 documents have variables; in 2008-10-17 '${' is plain text (AWS).
 * Substituted only in Resource/NotResource and string/ARN condition values. A variable takes the
 * FIRST context value of its key; an absent or empty value (and no default) leaves the pattern
 * unresolved, which callers treat as "matches nothing" — never '*' or ''. Substituted text and
 * escapes are literal characters (see match.ts), so values like "*" or "${x}" cannot widen a grant.
 */
import { LIT, ONE, STAR, makeGlob, matchGlob, type Glob } from './match.js';
import type { ConditionContext } from './types.js';

export type TemplatePart =
  | { readonly t: 'text'; readonly s: string; readonly escaped: boolean }
  | { readonly t: 'var'; readonly key: string; readonly dflt: string | undefined };

export type Template = readonly TemplatePart[];

/** Lower-cases a condition key up to its first '/' (tag keys after '/' keep their case). */
export function canonicalKey(key: string): string {
  const slash = key.indexOf('/');
  return slash < 0 ? key.toLowerCase() : key.slice(0, slash).toLowerCase() + key.slice(slash);
}

const KEY_SYNTAX = /^[A-Za-z0-9_.-]+:[^\s,{}$'"]+$/;

export function isConditionKeySyntax(key: string): boolean {
  return /^[A-Za-z0-9_.-]+:\S(.*\S)?$/s.test(key) && key.length <= 256;
}

/** Parses text into a template; throws Error(message) on malformed '${...}'. */
export function parseTemplate(text: string, variables: boolean): Template {
  if (!variables || !text.includes('${')) return [{ t: 'text', s: text, escaped: false }];
  const parts: TemplatePart[] = [];
  let i = 0;
  while (i < text.length) {
    const open = text.indexOf('${', i);
    if (open < 0) {
      parts.push({ t: 'text', s: text.slice(i), escaped: false });
      break;
    }
    if (open > i) parts.push({ t: 'text', s: text.slice(i, open), escaped: false });
    const close = text.indexOf('}', open + 2);
    if (close < 0) throw new Error(`unterminated policy variable in ${JSON.stringify(text)}`);
    parts.push(parseVariable(text.slice(open + 2, close)));
    i = close + 1;
  }
  return parts;
}

function parseVariable(inner: string): TemplatePart {
  if (inner === '*' || inner === '?' || inner === '$') return { t: 'text', s: inner, escaped: true };
  const comma = inner.indexOf(',');
  const key = (comma < 0 ? inner : inner.slice(0, comma)).trim();
  let dflt: string | undefined;
  if (comma >= 0) {
    const rest = inner.slice(comma + 1).trim();
    const m = /^'([^']*)'$/.exec(rest);
    if (m === null) throw new Error(`policy variable \${${inner}}: the default value must be in single quotes`);
    dflt = m[1];
  }
  if (!KEY_SYNTAX.test(key)) throw new Error(`malformed policy variable \${${inner}}`);
  return { t: 'var', key: canonicalKey(key), dflt };
}

export function hasVariables(template: Template): boolean {
  return template.some((p) => p.t === 'var');
}

function resolvePart(part: TemplatePart, ctx: ConditionContext): string | undefined {
  if (part.t === 'text') return part.s;
  const value = ctx.get(part.key)?.[0];
  if (value !== undefined && value !== '') return value;
  return part.dflt;
}

/** Plain text (for equality operators); undefined when a variable is unresolved. */
export function resolveText(template: Template, ctx: ConditionContext): string | undefined {
  let out = '';
  for (const part of template) {
    const s = resolvePart(part, ctx);
    if (s === undefined) return undefined;
    out += s;
  }
  return out;
}

/** A wildcard pattern; unescaped '*'/'?' written in the policy are wildcards, nothing else is. */
export function resolveGlob(template: Template, ctx: ConditionContext | undefined): Glob | undefined {
  let text = '';
  const masks: number[] = [];
  for (const part of template) {
    const s = ctx === undefined && part.t === 'var' ? undefined : resolvePart(part, ctx ?? EMPTY);
    if (s === undefined) return undefined;
    const wild = part.t === 'text' && !part.escaped;
    for (let i = 0; i < s.length; i++) {
      const c = s.charCodeAt(i);
      masks.push(wild && c === 42 ? STAR : wild && c === 63 ? ONE : LIT);
    }
    text += s;
  }
  return makeGlob(text, Uint8Array.from(masks));
}

const EMPTY: ConditionContext = new Map();

/**
 * A wildcard template, classified at compile time so the common shapes ('…/${aws:username}' and
 * '…/${aws:username}/*') resolve to a plain string comparison instead of building a glob.
 */
export interface TemplateGlob {
  readonly kind: 'exact' | 'prefix' | 'general';
  readonly template: Template;
  /** Literal text before the first variable or wildcard: a cheap pre-check. */
  readonly lead: string;
}

export function templateGlob(template: Template): TemplateGlob {
  let wildcards = 0;
  for (const p of template) {
    if (p.t !== 'text' || p.escaped) continue;
    for (let i = 0; i < p.s.length; i++) {
      const c = p.s.charCodeAt(i);
      if (c === 42 || c === 63) wildcards++;
    }
  }
  const lead = leadingLiteral(template);
  if (wildcards === 0) return { kind: 'exact', template, lead };
  const last = template[template.length - 1];
  if (wildcards === 1 && last !== undefined && last.t === 'text' && !last.escaped && last.s.endsWith('*')) {
    return { kind: 'prefix', template: [...template.slice(0, -1), { t: 'text', s: last.s.slice(0, -1), escaped: false }], lead };
  }
  return { kind: 'general', template, lead };
}

function leadingLiteral(template: Template): string {
  let out = '';
  for (const p of template) {
    if (p.t === 'var') break;
    const stop = p.escaped ? -1 : p.s.search(/[*?]/);
    if (stop >= 0) return out + p.s.slice(0, stop);
    out += p.s;
  }
  return out;
}

export function matchTemplate(tg: TemplateGlob, s: string, ctx: ConditionContext): boolean {
  if (!s.startsWith(tg.lead)) return false;
  if (tg.kind === 'general') {
    const g = resolveGlob(tg.template, ctx);
    return g !== undefined && matchGlob(g, s);
  }
  const t = resolveText(tg.template, ctx);
  if (t === undefined) return false;
  return tg.kind === 'exact' ? s === t : s.startsWith(t);
}
