/** String operators. Policy variables are allowed in the values; substituted text is literal. */
import { matchGlob, type Glob } from '../match.js';
import { hasVariables, matchTemplate, parseTemplate, resolveGlob, resolveText, templateGlob, type Template } from '../variables.js';
import { NEVER, staticTest, type BoundTest, type OperatorSpec } from './operator.js';

type Mode = 'equals' | 'ignoreCase' | 'like';

function compileString(mode: Mode, values: readonly string[], variables: boolean): BoundTest {
  const templates = values.map((v) => parseTemplate(v, variables));
  if (!templates.some(hasVariables)) {
    if (mode === 'like') {
      const globs = templates.map((t) => resolveGlob(t, undefined) as Glob);
      return staticTest((r) => globs.some((g) => matchGlob(g, r)));
    }
    const texts = templates.map(resolveStatic);
    const set = new Set(mode === 'ignoreCase' ? texts.map((s) => s.toLowerCase()) : texts);
    return mode === 'ignoreCase' ? staticTest((r) => set.has(r.toLowerCase())) : staticTest((r) => set.has(r));
  }
  const likeTemplates = templates.map(templateGlob);
  return (ctx) => {
    if (mode === 'like') return (r) => likeTemplates.some((tg) => matchTemplate(tg, r, ctx));
    const set = new Set<string>();
    for (const t of templates) {
      const s = resolveText(t, ctx);
      if (s !== undefined) set.add(mode === 'ignoreCase' ? s.toLowerCase() : s);
    }
    if (set.size === 0) return NEVER;
    return mode === 'ignoreCase' ? (r) => set.has(r.toLowerCase()) : (r) => set.has(r);
  };
}

function resolveStatic(t: Template): string {
  return t.map((p) => (p.t === 'text' ? p.s : '')).join('');
}

function spec(mode: Mode, negated: boolean): OperatorSpec {
  return { negated, compile: (values, variables) => compileString(mode, values, variables) };
}

export const STRING_OPERATORS: Record<string, OperatorSpec> = {
  StringEquals: spec('equals', false),
  StringNotEquals: spec('equals', true),
  StringEqualsIgnoreCase: spec('ignoreCase', false),
  StringNotEqualsIgnoreCase: spec('ignoreCase', true),
  StringLike: spec('like', false),
  StringNotLike: spec('like', true),
};
