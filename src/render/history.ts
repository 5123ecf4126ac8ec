/**
 * What the reports show of the base: the change of each metric ("▼ 0.6"), one line naming the base
 * commit, how it was found and how old it is, how it was looked for, and the trend of the metrics
 * the policy names over the base branch's last verdicts. Pure, string in and out; each medium
 * escapes (Markdown here, log lines in text.ts).
 */
import { formatValue } from '../expect/units.js';
import type { TrendPoint } from '../history/digest.js';
import type { Unit } from '../measure.js';
import type { Verdict, VerdictBaseline } from '../verdict/evaluate.js';
import { codeSpan, escapeMarkdown } from './escape.js';

/** "▲ 0.6", "▼ 3 ms", "± 0"; percentages change by points, so no unit is shown for them. */
export function deltaText(actual: number, base: number, unit: Unit | undefined): string {
  const diff = Number((actual - base).toPrecision(12));
  if (!Number.isFinite(diff)) return '';
  if (diff === 0) return '± 0';
  const arrow = diff > 0 ? '▲' : '▼';
  const size = Math.abs(diff);
  const shown = unit === '%' ? formatValue(size, undefined) : unit === 'ratio' ? formatValue(size * 100, undefined) : formatValue(size, unit);
  return `${arrow} ${shown}`;
}

/** How old a verdict is, in words: "3 days", "5 h", "12 min". */
export function ageText(fromIso: string, now: Date): string | undefined {
  const ms = now.getTime() - Date.parse(fromIso);
  if (!Number.isFinite(ms)) return undefined;
  if (ms < 0) return 'from the future';
  const minutes = Math.floor(ms / 60_000);
  if (minutes < 60) return `${minutes} min old`;
  const hours = Math.floor(minutes / 60);
  if (hours < 48) return `${hours} h old`;
  return `${Math.floor(hours / 24)} days old`;
}

/** One plain line: "compared with main @ 1a2b3c4 (merge base …, 3 days old)" or "no baseline: …". */
export function baselineLine(b: VerdictBaseline, now: Date): string {
  if (b.label === undefined) return b.reason ?? 'no baseline';
  const age = b.time !== undefined ? ageText(b.time, now) : undefined;
  return `compared with ${b.label} (${[b.how, age].filter(Boolean).join(', ')})`;
}

/** The Markdown block under the headline: the base line, and the walk folded. */
export function baselineMarkdown(b: VerdictBaseline, now: Date): string {
  const head =
    b.label !== undefined
      ? `📐 Compared with ${codeSpan(b.label, 120)} — ${escapeMarkdown([b.how, b.time !== undefined ? ageText(b.time, now) : undefined].filter(Boolean).join(', '), 300)}.`
      : `📐 ${escapeMarkdown(capitalize(b.reason ?? 'no baseline'), 500)}.`;
  const lines = [head];
  if (b.warnings.length > 0) lines.push('', ...b.warnings.slice(0, 5).map((w) => `> [!WARNING]\n> ${escapeMarkdown(w, 500)}`));
  if (b.walk.length > 0 || b.apiCalls !== undefined) {
    const calls = b.apiCalls !== undefined ? ` · ${b.apiCalls} API request${b.apiCalls === 1 ? '' : 's'}` : '';
    lines.push('', `<details><summary>How the base was looked for (${b.walk.length} step${b.walk.length === 1 ? '' : 's'}${calls})</summary>\n`);
    lines.push(...b.walk.slice(0, 60).map((w) => `- ${escapeMarkdown(w, 300)}`));
    if (b.walk.length > 60) lines.push(`- _… and ${b.walk.length - 60} more_`);
    lines.push('\n</details>');
  }
  return `${lines.join('\n')}\n`;
}

/** Charts drawn at most (one per metric); the rest of the metrics are in the table below them. */
export const TREND_CHARTS = 4;

/**
 * The trend of the metrics the policy names over the base branch's last verdicts and this one, as
 * Mermaid `xychart-beta` charts (GitHub renders them in comments and job summaries), one per
 * metric (the chart type has no legend, so one line per chart keeps it readable), and a table with
 * every value (for readers without Mermaid, and for the exact figures).
 */
export function trendMarkdown(verdict: Verdict, current: TrendPoint): string | undefined {
  const points = [...(verdict.baseline?.trend ?? []).filter((p) => p.commit === undefined || p.commit !== current.commit), current];
  if (points.length < 2) return undefined;
  const units = new Map<string, Unit | undefined>();
  for (const c of verdict.criteria) for (const [m, u] of Object.entries(c.units)) units.set(`${c.id}.${m}`, u);
  const keys = [...new Set(points.flatMap((p) => Object.keys(p.metrics)))].filter((k) => points.filter((p) => Object.hasOwn(p.metrics, k)).length >= 2);
  if (keys.length === 0) return undefined;
  const labels = points.map((p, i) => (i === points.length - 1 ? 'this' : p.commit !== undefined ? p.commit.slice(0, 7) : `#${i + 1}`));
  const charts = keys.slice(0, TREND_CHARTS).map((key) => chart(key, units.get(key), points, labels));
  const header = `| Metric | ${labels.map((l) => (l === 'this' ? '**this**' : codeSpan(l))).join(' | ')} |`;
  const rule = `|---|${labels.map(() => '--:').join('|')}|`;
  const rows = keys.map((key) => `| ${codeSpan(key, 80)} | ${points.map((p) => (Object.hasOwn(p.metrics, key) ? escapeMarkdown(formatValue(p.metrics[key]!, units.get(key)), 30) : '—')).join(' | ')} |`);
  const more = keys.length > TREND_CHARTS ? `\n<sub>${keys.length - TREND_CHARTS} more metric${keys.length - TREND_CHARTS === 1 ? '' : 's'} in the table only.</sub>\n` : '';
  return `#### 📈 Trend over the last ${points.length} verdicts\n\n${charts.join('\n')}${more}\n<details><summary>Values</summary>\n\n${header}\n${rule}\n${rows.join('\n')}\n\n</details>\n`;
}

function chart(key: string, unit: Unit | undefined, points: TrendPoint[], labels: string[]): string {
  const scale = unit === 'ratio' ? 100 : 1;
  // a verdict that lacks the metric repeats the one before it: xychart has no gaps
  let last: number | undefined;
  const values = points.map((p) => {
    const v = Object.hasOwn(p.metrics, key) ? p.metrics[key]! * scale : last;
    last = v;
    return v;
  });
  const first = values.find((v) => v !== undefined) ?? 0;
  // below 1e-12 is 0 on a chart: plain decimals of such values would be too long to read
  const filled = values.map((v) => Number((v ?? first).toPrecision(6))).map((v) => (Math.abs(v) < 1e-12 ? 0 : v));
  const low = Math.min(...filled);
  const high = Math.max(...filled);
  const pad = high === low ? Math.max(1, Math.abs(high) * 0.05) : (high - low) * 0.1;
  const percent = unit === '%' || unit === 'ratio';
  // a percent axis stays within 0–100 unless a value is outside it (a % can exceed 100 or be negative)
  const min = percent && low >= 0 ? Math.max(0, low - pad) : low - pad;
  const max = percent && high <= 100 ? Math.min(100, high + pad) : high + pad;
  // rounded outwards, at a step of the range, so the axis always holds every value
  const step = 10 ** (Math.floor(Math.log10(max - min)) - 2);
  const shownUnit = unit === 'ratio' ? '%' : (unit ?? '');
  // ids and metric names are policy words ([A-Za-z0-9_.()-]); commits are hex. The init line gives
  // the line a colour: the default theme's first plot colour (#ECECFF) is almost white on white
  return [
    '```mermaid',
    '%%{init: {"themeVariables": {"xyChart": {"plotColorPalette": "#2f81f7"}}}}%%',
    'xychart-beta',
    `    title "${key}${shownUnit ? ` (${shownUnit})` : ''}"`,
    `    x-axis [${labels.map((l) => `"${l}"`).join(', ')}]`,
    `    y-axis "${shownUnit || 'count'}" ${decimal(Math.floor(min / step) * step)} --> ${decimal(Math.ceil(max / step) * step)}`,
    `    line [${filled.map(decimal).join(', ')}]`,
    '```',
    '',
  ].join('\n');
}

/** Plain decimal notation: Mermaid's xychart grammar reads no exponent ("1e-7" is a syntax error). */
function decimal(n: number): string {
  const clean = Number(n.toPrecision(12));
  if (!String(clean).includes('e')) return String(clean);
  if (Math.abs(clean) >= 1) return BigInt(Math.round(clean)).toString();
  return clean.toFixed(20).replace(/\.?0+$/, '');
}

function capitalize(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}
