/**
 * The trend charts of the reports (src/render/history.ts) are Mermaid `xychart-beta` code blocks
 * that GitHub draws. Checked two ways, skipping nothing:
 * - in Node, by Mermaid's own xychart grammar (the jison parser in node_modules/mermaid's build),
 *   with a database that records what the parser read: the labels, the y-axis and the line, so the
 *   tests assert what a reader sees. `mermaid.parse()` itself cannot run in Node (it sanitizes with
 *   DOMPurify, which needs a DOM: "DOMPurify.addHook is not a function"), and no DOM library is a
 *   dependency;
 * - whole, in headless Chromium: the Mermaid library parses and renders every block of realistic
 *   trends, and each must become an SVG with a visible line.
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TrendPoint } from '../../src/history/digest.js';
import type { Unit } from '../../src/measure.js';
import { TREND_CHARTS, trendMarkdown } from '../../src/render/history.js';
import type { Verdict } from '../../src/verdict/evaluate.js';

const root = path.resolve(import.meta.dirname, '../..');
const MERMAID_DIST = path.join(root, 'node_modules/mermaid/dist');

/** What Mermaid's xychart parser read from one block. */
interface Chart {
  title: string;
  labels: string[];
  yTitle: string;
  y: { min: number; max: number };
  line: number[];
}

interface JisonParser {
  yy: unknown;
  parse(text: string): unknown;
}

async function xychartParser(): Promise<JisonParser> {
  const dir = path.join(MERMAID_DIST, 'chunks/mermaid.core');
  const file = readdirSync(dir).find((f) => /^xychartDiagram-[A-Z0-9]+\.mjs$/.test(f));
  if (file === undefined) throw new Error(`no xychartDiagram-*.mjs in ${dir}: Mermaid's build changed`);
  const mod = (await import(pathToFileURL(path.join(dir, file)).href)) as { diagram: { parser: JisonParser } };
  return mod.diagram.parser;
}
const parser = await xychartParser();

type Text = { text: string; type: string };

/** Parses one block with Mermaid's grammar; a syntax error throws Mermaid's own message. */
function parseChart(block: string): Chart {
  const chart: Partial<Chart> & { lines: number[][] } = { lines: [] };
  parser.yy = {
    setOrientation: () => undefined,
    setDiagramTitle: (t: string) => (chart.title = t),
    setAccTitle: () => undefined,
    setAccDescription: () => undefined,
    setXAxisTitle: () => undefined,
    setXAxisBand: (band: Text[]) => (chart.labels = band.map((b) => b.text)),
    setXAxisRangeData: () => {
      throw new Error('a numeric x-axis: the labels are commits');
    },
    setYAxisTitle: (t: Text) => (chart.yTitle = t.text),
    setYAxisRangeData: (min: number, max: number) => (chart.y = { min, max }),
    setLineData: (_title: Text, data: Array<{ value: number }>) => chart.lines.push(data.map((d) => d.value)),
    setBarData: () => {
      throw new Error('a bar: the trend draws lines');
    },
  };
  parser.parse(block);
  expect(chart.lines).toHaveLength(1);
  return { title: chart.title!, labels: chart.labels!, yTitle: chart.yTitle!, y: chart.y!, line: chart.lines[0]! };
}

function mermaidBlocks(markdown: string): string[] {
  return [...markdown.matchAll(/^```mermaid\n([\s\S]*?)^```$/gm)].map((m) => m[1]!);
}

const sha = (n: number) => `${(n * 2654435761).toString(16).padStart(8, '0').slice(-8)}${'0123456789abcdef'.repeat(2)}`.slice(0, 40);

/** A verdict with a base trend: only what trendMarkdown reads (the criteria's units and the base's trend) is meaningful. */
function trendOf(units: Record<string, Unit | undefined>, values: Array<Record<string, number>>, commits: Array<string | undefined> = values.map((_, i) => sha(i + 1))): { markdown: string; points: TrendPoint[] } {
  const points: TrendPoint[] = values.map((metrics, i) => ({
    ...(commits[i] !== undefined && { commit: commits[i] }),
    time: new Date(Date.UTC(2026, 10, 1 + i)).toISOString(),
    decision: 'pass',
    score: 100,
    metrics,
  }));
  const criteria = new Map<string, Record<string, Unit>>();
  for (const [key, unit] of Object.entries(units)) {
    const dot = key.indexOf('.');
    const entry = criteria.get(key.slice(0, dot)) ?? {};
    if (unit !== undefined) entry[key.slice(dot + 1)] = unit;
    criteria.set(key.slice(0, dot), entry);
  }
  const verdict = {
    criteria: [...criteria].map(([id, u]) => ({ id, units: u })),
    baseline: { walk: [], warnings: [], trend: points.slice(0, -1) },
  } as unknown as Verdict;
  const markdown = trendMarkdown(verdict, points.at(-1)!);
  if (markdown === undefined) throw new Error('no trend drawn');
  return { markdown, points };
}

/** What a reader must see in the chart of `key`: the values, an axis that holds them, the commits. */
function expectReadable(chart: Chart, key: string, unit: Unit | undefined, points: TrendPoint[]) {
  expect(chart.title).toBe(`${key}${unit === 'ratio' || unit === '%' ? ' (%)' : unit !== undefined ? ` (${unit})` : ''}`);
  expect(chart.labels).toEqual(points.map((p, i) => (i === points.length - 1 ? 'this' : p.commit !== undefined ? p.commit.slice(0, 7) : `#${i + 1}`)));
  // a verdict without the metric repeats the value before it (the first present one at the start)
  const scale = unit === 'ratio' ? 100 : 1;
  const present = points.map((p) => (Object.hasOwn(p.metrics, key) ? p.metrics[key]! * scale : undefined));
  const first = present.find((v) => v !== undefined)!;
  let last: number | undefined;
  const expected = present.map((v) => (last = v ?? last ?? first));
  expect(chart.line).toHaveLength(points.length);
  // drawn to 6 significant digits; below 1e-12 as 0
  chart.line.forEach((v, i) => expect(Math.abs(v - expected[i]!)).toBeLessThanOrEqual(Math.abs(expected[i]!) * 1e-5 + 1e-12));
  expect(chart.y.min).toBeLessThan(chart.y.max);
  for (const v of chart.line) {
    expect(v).toBeGreaterThanOrEqual(chart.y.min);
    expect(v).toBeLessThanOrEqual(chart.y.max);
  }
  if ((unit === '%' || unit === 'ratio') && chart.line.every((v) => v >= 0 && v <= 100)) {
    expect(chart.y.min).toBeGreaterThanOrEqual(0);
    expect(chart.y.max).toBeLessThanOrEqual(100);
  }
}

/** Realistic trends: the metrics a policy names, as the digest records them. */
const REALISTIC: Array<{ name: string; units: Record<string, Unit | undefined>; values: Array<Record<string, number>>; commits?: Array<string | undefined> }> = [
  {
    name: 'tests, coverage percentages',
    units: { 'unit-tests.failed': undefined, 'unit-tests.tests': undefined, 'coverage.lines': '%', 'coverage.branches': '%' },
    values: [
      { 'unit-tests.failed': 0, 'unit-tests.tests': 41, 'coverage.lines': 88.23529411764706, 'coverage.branches': 75 },
      { 'unit-tests.failed': 0, 'unit-tests.tests': 43, 'coverage.lines': 88.23529411764706, 'coverage.branches': 75 },
      { 'unit-tests.failed': 1, 'unit-tests.tests': 44, 'coverage.lines': 82.35294117647058, 'coverage.branches': 66.66666666666667 },
      { 'unit-tests.failed': 2, 'unit-tests.tests': 46, 'coverage.lines': 70.58823529411765, 'coverage.branches': 58.333333333333336 },
      { 'unit-tests.failed': 3, 'unit-tests.tests': 47, 'coverage.lines': 64.70588235294117, 'coverage.branches': 50 },
    ],
  },
  {
    name: 'k6 durations and rates, with hostile metric names',
    units: { 'load-test.http_req_duration.p(95)': 'ms', 'load-test.http_req_failed.rate': 'ratio', 'load_2.iteration_duration.p(99.9)': 's', 'load_2.checks.fails': undefined },
    values: [
      { 'load-test.http_req_duration.p(95)': 289.41, 'load-test.http_req_failed.rate': 0, 'load_2.iteration_duration.p(99.9)': 1.204, 'load_2.checks.fails': 0 },
      { 'load-test.http_req_duration.p(95)': 312.84000000000003, 'load-test.http_req_failed.rate': 0.006666666666666667, 'load_2.iteration_duration.p(99.9)': 1.19, 'load_2.checks.fails': 0 },
      { 'load-test.http_req_duration.p(95)': 377.73007415, 'load-test.http_req_failed.rate': 0.0004, 'load_2.iteration_duration.p(99.9)': 1.31, 'load_2.checks.fails': 0 },
    ],
  },
  {
    name: 'a metric missing in some verdicts, one never changing, a verdict without a commit',
    units: { 'memcheck.leaks.definite.bytes': 'B', 'memcheck.errors': undefined, 'coverage.lines': '%' },
    values: [
      { 'memcheck.errors': 0, 'coverage.lines': 100 },
      { 'memcheck.leaks.definite.bytes': 1024, 'memcheck.errors': 0, 'coverage.lines': 100 },
      { 'memcheck.errors': 0, 'coverage.lines': 100 },
      { 'memcheck.leaks.definite.bytes': 0, 'memcheck.errors': 0, 'coverage.lines': 99.5 },
      { 'memcheck.errors': 0, 'coverage.lines': 100 },
    ],
    commits: [sha(7), undefined, sha(9), sha(10), sha(11)],
  },
  {
    name: 'tiny rates, large byte counts, a percentage over 100 and a negative one',
    units: { 'perf.error.rate': 'ratio', 'bundle.size': 'B', 'cpu.usage': '%', 'bench.change': '%' },
    values: [
      { 'perf.error.rate': 1e-9, 'bundle.size': 10_485_760, 'cpu.usage': 150, 'bench.change': -3.5 },
      { 'perf.error.rate': 3e-9, 'bundle.size': 10_485_770, 'cpu.usage': 180.5, 'bench.change': 1.25 },
      { 'perf.error.rate': 2e-9, 'bundle.size': 10_485_761, 'cpu.usage': 120, 'bench.change': 0 },
    ],
  },
];

describe('trend charts: Mermaid xychart-beta', () => {
  const rendered = REALISTIC.map((s) => ({ ...s, ...trendOf(s.units, s.values, s.commits) }));

  it.each(rendered)('Mermaid reads every chart of $name, and the chart shows the values on an axis that holds them', ({ units, markdown, points }) => {
    const blocks = mermaidBlocks(markdown);
    // one chart per metric seen in at least two verdicts, in the order the verdicts first name them
    const keys = [...new Set(points.flatMap((p) => Object.keys(p.metrics)))].filter((k) => points.filter((p) => Object.hasOwn(p.metrics, k)).length >= 2);
    expect(keys.every((k) => Object.hasOwn(units, k))).toBe(true);
    expect(blocks).toHaveLength(Math.min(TREND_CHARTS, keys.length));
    blocks.forEach((block, i) => expectReadable(parseChart(block), keys[i]!, units[keys[i]!], points));
  });

  it('a chart names the unit on its y-axis: % for percentages and ratios, count when the metric has none', () => {
    const [tests, , lines] = mermaidBlocks(rendered[0]!.markdown).map(parseChart);
    expect([tests!.yTitle, lines!.yTitle]).toEqual(['count', '%']);
    const [p95, rate, iteration] = mermaidBlocks(rendered[1]!.markdown).map(parseChart);
    expect([p95!.yTitle, rate!.yTitle, iteration!.yTitle]).toEqual(['ms', '%', 's']);
    // the rate 0.0067 is drawn as 0.67 %
    expect(rate!.line[1]).toBeCloseTo(0.6667, 3);
  });

  it('any trend of any unit parses, and its axis holds its values (percent axes within 0–100 when the values are)', () => {
    const value = fc.oneof(
      fc.double({ min: -1e6, max: 1e6, noNaN: true, noDefaultInfinity: true }),
      fc.integer({ min: 0, max: 2_000_000_000 }),
      fc.double({ min: 1e-12, max: 1e-5, noNaN: true }),
      fc.double({ min: 0, max: 100, noNaN: true }),
      fc.double({ min: 1e15, max: 1e25, noNaN: true }),
      fc.constant(0),
    );
    fc.assert(
      fc.property(
        fc.constantFrom<Unit | undefined>('%', 'ratio', 'ms', 's', 'B', undefined),
        fc.array(fc.option(value, { freq: 4 }), { minLength: 2, maxLength: 20 }),
        (unit, raw) => {
          fc.pre(raw.filter((v) => v !== null).length >= 2);
          const key = 'crit-1.metric_name.p(95)';
          const values = raw.map((v): Record<string, number> => (v === null ? {} : { [key]: v }));
          const { markdown, points } = trendOf({ [key]: unit }, values);
          const [block] = mermaidBlocks(markdown);
          expectReadable(parseChart(block!), key, unit, points);
        },
      ),
      { numRuns: 300 },
    );
  });
});

function chromiumBinary(): string {
  const candidates = [process.env.CHROMIUM, '/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome'].filter((c): c is string => Boolean(c));
  const found = candidates.find((c) => existsSync(c));
  if (found === undefined) throw new Error(`no Chromium (tried ${candidates.join(', ')}): the Mermaid check renders in it; apt-get install -y chromium, or set CHROMIUM`);
  return found;
}

interface BrowserResult {
  ok: boolean;
  error?: string;
  strokes: string[];
}

describe('trend charts in the Mermaid library (headless Chromium)', () => {
  const work = mkdtempSync(path.join(tmpdir(), 'trend-mermaid-'));
  afterAll(() => rmSync(work, { recursive: true, force: true }));

  /** Parses and renders each block with mermaid.min.js as GitHub loads it; the results go into the DOM. */
  async function renderInChromium(blocks: string[]): Promise<BrowserResult[]> {
    const mermaid = readFileSync(path.join(MERMAID_DIST, 'mermaid.min.js'), 'utf8').replaceAll('</script', '<\\/script');
    const html = path.join(work, `page-${blocks.length}.html`);
    writeFileSync(
      html,
      `<!doctype html><html><head><meta charset="utf-8"></head><body>
<script>${mermaid}</script>
<script>
  (async () => {
    const blocks = ${JSON.stringify(blocks).replaceAll('<', '\\u003c')};
    mermaid.initialize({ startOnLoad: false, theme: 'default' });
    const results = [];
    for (const [i, text] of blocks.entries()) {
      try {
        await mermaid.parse(text);
        const { svg } = await mermaid.render('chart' + i, text);
        const box = document.createElement('div');
        box.innerHTML = svg;
        document.body.append(box);
        const el = box.querySelector('svg');
        const error = el.getAttribute('aria-roledescription') === 'error' || /Syntax error/i.test(el.textContent);
        const strokes = [...new Set([...el.querySelectorAll('path')].map((p) => p.getAttribute('stroke')).filter(Boolean))];
        results.push(error ? { ok: false, error: 'error picture', strokes } : { ok: true, strokes });
      } catch (err) {
        results.push({ ok: false, error: String(err && err.message ? err.message : err), strokes: [] });
      }
    }
    const out = document.createElement('pre');
    out.id = 'results';
    out.textContent = JSON.stringify(results);
    document.body.append(out);
  })();
</script></body></html>`,
    );
    const dom = await new Promise<string>((resolve, reject) => {
      execFile(
        chromiumBinary(),
        ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-extensions', '--disable-background-networking', `--user-data-dir=${mkdtempSync(path.join(work, 'profile-'))}`, '--virtual-time-budget=20000', '--dump-dom', pathToFileURL(html).href],
        { encoding: 'utf8', timeout: 60_000, maxBuffer: 64 * 1024 * 1024 },
        (err, stdout) => (err ? reject(err) : resolve(stdout)),
      );
    });
    const json = /<pre id="results">([\s\S]*?)<\/pre>/.exec(dom)?.[1];
    if (json === undefined) throw new Error('Mermaid did not finish in Chromium');
    return JSON.parse(json.replaceAll('&quot;', '"').replaceAll('&lt;', '<').replaceAll('&gt;', '>').replaceAll('&amp;', '&')) as BrowserResult[];
  }

  // one Chromium for all: the realistic trends' charts, then two a reader must never get
  const realistic = REALISTIC.flatMap((s) => mermaidBlocks(trendOf(s.units, s.values, s.commits).markdown));
  const [good] = mermaidBlocks(trendOf({ 'a.b': undefined }, [{ 'a.b': 1 }, { 'a.b': 2 }]).markdown);
  const broken = [good!.replace(']', ''), good!.replace(/line \[.*\]/, 'line [1e-7, 2]')];
  let results: BrowserResult[] = [];
  beforeAll(async () => {
    results = await renderInChromium([...realistic, ...broken]);
  }, 90_000);

  it('Mermaid parses and draws every chart of the realistic trends, each line in a visible colour', () => {
    expect(realistic.length).toBeGreaterThanOrEqual(12);
    expect(results).toHaveLength(realistic.length + broken.length);
    realistic.forEach((block, i) => {
      expect(results[i], `block ${i + 1}:\n${block}`).toMatchObject({ ok: true });
      // the default theme's first plot colour, #ECECFF, is almost invisible on white
      expect(results[i]!.strokes, `block ${i + 1}`).toContain('#2f81f7');
    });
  });

  it('the check fails on a block Mermaid cannot read (an unclosed list, a number in exponent notation)', () => {
    expect(results.slice(realistic.length).map((r) => r.ok)).toEqual([false, false]);
  });
});
