/** Medians over rounds, Coffer ÷ ceiling ratios against the targets, the table and the JSON file. */
import { readFileSync } from 'node:fs';
import type { PhaseResult } from './load.js';

export type MetricName = 'put_large_MiBps' | 'get_large_MiBps' | 'put_small_ops' | 'get_small_ops';

export interface RoundFigures {
  round: number;
  server: string;
  metrics: Partial<Record<MetricName, number>>;
  phases: Partial<Record<MetricName, PhaseResult>>;
  cleanupFailures: number;
}

export interface MetricSummary {
  metric: MetricName;
  label: string;
  unit: string;
  coffer: { median: number; min: number; max: number };
  ceiling: { median: number; min: number; max: number };
  ratio: number;
  target: number;
  met: boolean;
}

/** Targets: Coffer's median as a fraction of the ceiling's median, same run, same machine. */
export const TARGETS: ReadonlyArray<{ metric: MetricName; label: string; unit: string; target: number }> = [
  { metric: 'put_large_MiBps', label: 'PUT 64 MiB', unit: 'MiB/s', target: 0.5 },
  { metric: 'get_large_MiBps', label: 'GET 64 MiB', unit: 'MiB/s', target: 0.7 },
  { metric: 'put_small_ops', label: 'PUT 4 KiB', unit: 'ops/s', target: 0.15 },
  { metric: 'get_small_ops', label: 'GET 4 KiB', unit: 'ops/s', target: 0.45 },
];

export function median(values: readonly number[]): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? (sorted[mid] ?? Number.NaN) : ((sorted[mid - 1] ?? 0) + (sorted[mid] ?? 0)) / 2;
}

function stats(rounds: readonly RoundFigures[], server: string, metric: MetricName): { median: number; min: number; max: number } {
  const values = rounds.filter((r) => r.server === server).map((r) => r.metrics[metric]).filter((v): v is number => v !== undefined);
  return { median: median(values), min: Math.min(...values), max: Math.max(...values) };
}

export function summarize(rounds: readonly RoundFigures[]): MetricSummary[] {
  return TARGETS.filter((t) => rounds.some((r) => r.metrics[t.metric] !== undefined)).map((t) => {
    const coffer = stats(rounds, 'coffer', t.metric);
    const ceiling = stats(rounds, 'ceiling', t.metric);
    const ratio = coffer.median / ceiling.median;
    return { ...t, coffer, ceiling, ratio, met: ratio >= t.target };
  });
}

const fmt = (n: number): string => (Number.isFinite(n) ? (n >= 100 ? Math.round(n).toLocaleString('en-US') : n.toFixed(1)) : '–');
const range = (s: { median: number; min: number; max: number }): string => `${fmt(s.median)} (${fmt(s.min)}–${fmt(s.max)})`;

export function renderTable(summary: readonly MetricSummary[]): string {
  const rows = [
    ['metric', 'Coffer median (range)', 'ceiling median (range)', 'Coffer/ceiling', 'target', 'result'],
    ...summary.map((s) => [
      `${s.label} ${s.unit}`, range(s.coffer), range(s.ceiling), `${(s.ratio * 100).toFixed(0)} %`, `≥ ${(s.target * 100).toFixed(0)} %`,
      s.met ? 'met' : 'NOT MET',
    ]),
  ];
  const widths = rows[0]?.map((_, c) => Math.max(...rows.map((r) => (r[c] ?? '').length))) ?? [];
  const line = (r: string[]): string => `| ${r.map((cell, c) => cell.padEnd(widths[c] ?? 0)).join(' | ')} |`;
  const sep = `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`;
  return [line(rows[0] ?? []), sep, ...rows.slice(1).map(line)].join('\n');
}

/** Busy fraction of all CPUs over `ms`, from two reads of /proc/stat (undefined off Linux). */
export async function cpuBusy(ms = 1000): Promise<number | undefined> {
  const read = (): number[] | undefined => {
    try {
      return readFileSync('/proc/stat', 'utf8').split('\n')[0]?.trim().split(/\s+/).slice(1).map(Number);
    } catch {
      return undefined;
    }
  };
  const a = read();
  await new Promise((resolve) => setTimeout(resolve, ms));
  const b = read();
  if (!a || !b) return undefined;
  const delta = b.map((v, i) => v - (a[i] ?? 0));
  const total = delta.reduce((x, y) => x + y, 0);
  const idle = (delta[3] ?? 0) + (delta[4] ?? 0);
  return total > 0 ? 1 - idle / total : undefined;
}

/** Waits (up to `maxSeconds`) for the machine to be < 10 % busy; returns the last reading. */
export async function waitForIdle(maxSeconds = 20): Promise<number | undefined> {
  let busy: number | undefined;
  for (let i = 0; i < maxSeconds; i += 1) {
    busy = await cpuBusy();
    if (busy === undefined || busy < 0.1) break;
  }
  return busy;
}
