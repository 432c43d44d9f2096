import fs from 'node:fs';
import path from 'node:path';
import type { LoadResult } from './load.js';
import type { MemoryStats } from './proc.js';

export interface Comparison {
  scenario: string;
  connections: number;
  signetLabel: string;
  baselineLabel: string;
  signet?: LoadResult;
  baseline?: LoadResult;
  /** Signet req/s divided by baseline req/s. */
  ratio?: number;
  target: number;
  pass?: boolean;
  note?: string;
  /** A second baseline printed for reference (not judged), with Signet's ratio to it. */
  reference?: { label: string; result?: LoadResult; ratio?: number };
}

export interface BenchReport {
  meta: {
    date: string;
    node: string;
    platform: string;
    cpus: number;
    cpuModel: string;
    totalMemoryMiB: number;
    /** 1-minute load average before and after the run (other work on the machine skews figures). */
    loadAverage: { start: number; end?: number };
    durationSeconds: number;
    warmupSeconds: number;
    connections: number[];
  };
  signet: { ran: boolean; error?: string; url?: string; tokenAlg?: unknown; tokenTyp?: unknown };
  baselines: Record<string, { ran: boolean; error?: string; tokenAlg?: unknown; tokenTyp?: unknown }>;
  token: Comparison[];
  graphql: Comparison[];
  /** The events scenario (bench/events.ts), when it ran. */
  events?: unknown;
  /** Authorization-code + PKCE flows/s and rotating refresh grants/s (bench/auth-code-flow.ts). */
  authCodeFlow?: Comparison[];
  refreshToken?: Comparison[];
  authCode?: unknown;
  /** Password logins/s through the flow API vs argon2id verifications/s (bench/password-login.ts). */
  passwordLogin?: Comparison[];
  passwordLoginDetails?: unknown;
  memory: {
    targetMiB: number;
    signet?: MemoryStats;
    signetPass?: boolean;
    /** signet serve's peak RSS just before the auth-code / refresh scenarios. */
    signetBeforeAuthCode?: MemoryStats;
    baselines: Record<string, MemoryStats | undefined>;
  };
}

export function compare(c: Omit<Comparison, 'ratio' | 'pass'>): Comparison {
  const valid = (r?: LoadResult) => r !== undefined && r.ok > 0;
  if (!valid(c.signet) || !valid(c.baseline)) return { ...c };
  const ratio = c.signet!.rps / c.baseline!.rps;
  return { ...c, ratio, pass: ratio >= c.target };
}

export const mib = (bytes: number) => bytes / (1024 * 1024);

const fmt = (n: number | undefined, digits = 1) => (n === undefined || Number.isNaN(n) ? '-' : n.toFixed(digits));
const verdict = (pass: boolean | undefined) => (pass === undefined ? 'n/a' : pass ? 'PASS' : 'FAIL');

function row(cells: string[], widths: number[], align: Array<'l' | 'r'>): string {
  return cells.map((c, i) => (align[i] === 'l' ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ').trimEnd();
}

export function formatTable(report: BenchReport): string {
  const m = report.meta;
  const lines: string[] = [];
  lines.push(`Signet benchmark  ${m.date}`);
  lines.push(`Node ${m.node}, ${m.platform}, ${m.cpus} CPU(s) (${m.cpuModel}), ${m.totalMemoryMiB.toFixed(0)} MiB RAM`);
  lines.push(`load average (1 min): ${m.loadAverage.start.toFixed(2)} at start, ${m.loadAverage.end?.toFixed(2) ?? '-'} at end`);
  lines.push(`${m.durationSeconds} s per measurement after ${m.warmupSeconds} s warm-up; autocannon in the parent process, each server in its own process`);
  lines.push(`token and GraphQL rows: Signet and its baseline alternate in rounds of at least 3 s (A, B, A, B, …) and each side's rounds are summed`);
  lines.push('req/s = 2xx responses (with the expected body) per second; latency percentiles over 2xx responses');
  if (report.authCodeFlow?.length) lines.push('flow rows: req/s = complete authorize → token flows per second ending in 200 + id_token, latency per whole flow; non-2xx/errors = failed flows');
  if (report.passwordLogin?.length) lines.push('password login rows: req/s = one-request flow-API logins (POST /authentication/login, 200 + session; autocannon) per second; baseline = argon2id verifications/s, N in parallel in the bench process, measured before and after the row');
  lines.push('');

  const header = ['Scenario', 'Conc', 'Server', 'req/s', 'p50 ms', 'p99 ms', 'non-2xx', 'errors', 'ratio', 'target', 'result'];
  const align: Array<'l' | 'r'> = ['l', 'r', 'l', 'r', 'r', 'r', 'r', 'r', 'r', 'l', 'l'];
  const body: string[][] = [];
  const add = (title: string, comps: Comparison[]) => {
    comps.forEach((c, i) => {
      const scen = i === 0 ? title : '';
      const s = c.signet;
      const b = c.baseline;
      body.push([
        scen, String(c.connections), c.signetLabel,
        fmt(s?.rps), fmt(s?.p50Ms, 2), fmt(s?.p99Ms, 2), s ? String(s.non2xx) : '-', s ? String(s.errors) : '-',
        c.ratio === undefined ? '-' : `${c.ratio.toFixed(2)}x`, `>= ${c.target}x`, verdict(c.pass),
      ]);
      body.push([
        '', String(c.connections), c.baselineLabel,
        fmt(b?.rps), fmt(b?.p50Ms, 2), fmt(b?.p99Ms, 2), b ? String(b.non2xx) : '-', b ? String(b.errors) : '-',
        '', '', '',
      ]);
      const r = c.reference;
      if (r) {
        body.push([
          '', String(c.connections), r.label,
          fmt(r.result?.rps), fmt(r.result?.p50Ms, 2), fmt(r.result?.p99Ms, 2), r.result ? String(r.result.non2xx) : '-', r.result ? String(r.result.errors) : '-',
          r.ratio === undefined ? '-' : `(${r.ratio.toFixed(2)}x)`, '', '',
        ]);
      }
    });
  };
  add('client_credentials token', report.token);
  add('GraphQL viewer vs hello', report.graphql);
  add('auth code + PKCE flows/s', report.authCodeFlow ?? []);
  add('refresh_token (rotating)', report.refreshToken ?? []);
  add('password logins/s', report.passwordLogin ?? []);
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((r) => r[i]!.length)));
  lines.push(row(header, widths, align));
  lines.push(widths.map((w) => '-'.repeat(w)).join('  '));
  let prevScenario = '';
  for (const r of body) {
    if (r[0] && prevScenario && r[0] !== prevScenario) lines.push('');
    if (r[0]) prevScenario = r[0];
    lines.push(row(r, widths, align));
  }
  lines.push('');

  const mem = report.memory;
  const s = mem.signet;
  const sText = s
    ? `${fmt(mib(s.peakRss))} MiB${s.processes > 1 ? ` (process tree of ${s.processes}: ${fmt(mib(s.treePeakRss))} MiB)` : ''}, now ${fmt(mib(s.rss))} MiB`
    : 'n/a';
  lines.push(`Peak RSS (VmHWM) of signet serve after all load: ${sText}  target < ${mem.targetMiB} MiB  ${verdict(mem.signetPass)}`);
  if (mem.signetBeforeAuthCode) lines.push(`  (peak RSS before the auth-code / refresh scenarios: ${fmt(mib(mem.signetBeforeAuthCode.peakRss))} MiB)`);
  const others = Object.entries(mem.baselines)
    .map(([name, st]) => `${name} ${st ? `${fmt(mib(st.peakRss))} MiB` : 'n/a'}`);
  if (others.length) lines.push(`Peak RSS of baselines (for reference): ${others.join(', ')}`);

  const errs = [
    ...(report.signet.error ? [`Signet: ${report.signet.error}`] : []),
    ...Object.entries(report.baselines).filter(([, b]) => b.error).map(([n, b]) => `${n}: ${b.error}`),
    ...[...report.token, ...report.graphql, ...(report.authCodeFlow ?? []), ...(report.refreshToken ?? []), ...(report.passwordLogin ?? [])].filter((c) => c.note).map((c) => `${c.scenario} @${c.connections}: ${c.note}`),
  ];
  if (errs.length) {
    lines.push('');
    lines.push('Problems:');
    for (const e of errs) lines.push(`  - ${e.split('\n').join('\n    ')}`);
  }
  return lines.join('\n');
}

export function writeJson(report: BenchReport, file: string): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, `${JSON.stringify(report, null, 2)}\n`);
}
