/**
 * Summarises a V8 .cpuprofile (from `node --cpu-prof`, e.g. bench/profile.ts --cpu-prof DIR):
 * self time per function and per source file, and inclusive time of functions matching a pattern.
 *
 *   npx tsx bench/cpuprofile-summary.ts FILE.cpuprofile [--top 40] [--inclusive REGEX] [--window FROM-TO]
 *
 * --window keeps samples taken FROM–TO seconds after the profile started (≈ process start; the
 * phases bench/profile.ts prints).
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}
interface Profile {
  startTime: number;
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

const { values, positionals } = parseArgs({ allowPositionals: true, options: { top: { type: 'string', default: '40' }, inclusive: { type: 'string' }, window: { type: 'string' } } });
const file = positionals[0];
if (!file) throw new Error('usage: cpuprofile-summary FILE [--top N] [--inclusive REGEX]');
const profile = JSON.parse(readFileSync(file, 'utf8')) as Profile;
const byId = new Map(profile.nodes.map((n) => [n.id, n]));
const parent = new Map<number, number>();
for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
const selfUs = new Map<number, number>();
const [from, to] = (values.window ?? '0-1e9').split('-').map((v) => Number(v) * 1e6) as [number, number];
let clock = 0;
profile.samples.forEach((id, i) => {
  clock += profile.timeDeltas[i] ?? 0;
  if (clock >= from && clock <= to) selfUs.set(id, (selfUs.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0));
});
const total = [...selfUs.values()].reduce((a, b) => a + b, 0);
const short = (url: string): string => url.replace(/^.*\/(node_modules\/|dist\/|src\/)/, '$1') || '(native)';
const label = (n: ProfileNode): string => `${n.callFrame.functionName || '(anon)'} ${short(n.callFrame.url)}:${n.callFrame.lineNumber + 1}`;

const idle = new Set(['(idle)', '(program)', '(garbage collector)']);
const fnSelf = new Map<string, number>();
const fileSelf = new Map<string, number>();
for (const [id, us] of selfUs) {
  const n = byId.get(id) as ProfileNode;
  fnSelf.set(label(n), (fnSelf.get(label(n)) ?? 0) + us);
  const key = idle.has(n.callFrame.functionName) ? n.callFrame.functionName : short(n.callFrame.url);
  fileSelf.set(key, (fileSelf.get(key) ?? 0) + us);
}
const pct = (us: number): string => `${((us / total) * 100).toFixed(1).padStart(5)} %`;
const top = Number(values.top);
const busy = total - (fileSelf.get('(idle)') ?? 0);
process.stdout.write(`total ${(total / 1e6).toFixed(2)} s, busy ${(busy / 1e6).toFixed(2)} s (${pct(busy)})\n\n-- self time by function --\n`);
for (const [name, us] of [...fnSelf].sort((a, b) => b[1] - a[1]).slice(0, top)) process.stdout.write(`${pct(us)}  ${name}\n`);
process.stdout.write('\n-- self time by file --\n');
for (const [name, us] of [...fileSelf].sort((a, b) => b[1] - a[1]).slice(0, top)) process.stdout.write(`${pct(us)}  ${name}\n`);
if (values.inclusive) {
  const re = new RegExp(values.inclusive);
  const inclusive = new Map<string, number>();
  for (const [id, us] of selfUs) {
    const seen = new Set<string>();
    for (let cur: number | undefined = id; cur !== undefined; cur = parent.get(cur)) {
      const n = byId.get(cur) as ProfileNode;
      const name = label(n);
      if (re.test(name) && !seen.has(name)) {
        seen.add(name);
        inclusive.set(name, (inclusive.get(name) ?? 0) + us);
      }
    }
  }
  process.stdout.write(`\n-- inclusive time of /${values.inclusive}/ --\n`);
  for (const [name, us] of [...inclusive].sort((a, b) => b[1] - a[1]).slice(0, top)) process.stdout.write(`${pct(us)}  ${name}\n`);
}
