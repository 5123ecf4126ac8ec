/* global process, console, performance */
// npm run bounds [-- --only NAME[,NAME]] [-- --keep]
// The hostile shapes of README "Security and limits", at full size: each is generated into a temp
// folder, judged by the built CLI (`node dist/cli.js check`) in a child process, and measured
// (wall time, peak RSS). Bounds: every run ends on its own, writes its JSON report, and stays within
// 30 s per 100 MB of input (at least 5 s, for start-up) and below 300 MB peak RSS (whole-document
// formats: 4x the file plus 100 MB). Exits non-zero when a bound is broken. Not part of `npm test`
// (a few minutes, several hundred MB of temp files); the hostile test suite runs smaller versions.
import { spawnSync } from 'node:child_process';
import { createWriteStream, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const cli = path.join(root, 'dist/cli.js');
const preload = path.join(root, '__tests__/helpers/peak-rss.mjs');
const args = process.argv.slice(2);
const onlyArg = args.indexOf('--only');
const only = onlyArg >= 0 ? new Set(args[onlyArg + 1].split(',')) : undefined;
const keep = args.includes('--keep');
const MB = 1024 * 1024;

/** Writes `count` pieces made by `piece(i)` between `head` and `tail`, through a stream. */
async function writeRepeated(file, head, piece, count, tail) {
  const out = createWriteStream(file);
  const write = (s) => (out.write(s) ? undefined : new Promise((r) => out.once('drain', r)));
  await write(head);
  let buffer = '';
  for (let i = 0; i < count; i++) {
    buffer += piece(i);
    if (buffer.length >= 1 << 20) {
      await write(buffer);
      buffer = '';
    }
  }
  await write(buffer + tail);
  await new Promise((resolve, reject) => out.end((err) => (err ? reject(err) : resolve())));
}

const pad = (n) => 'x'.repeat(n);
const clip = (text) => (text.length > 110 ? `${text.slice(0, 110)}…` : text);

const CASES = [
  {
    name: 'xml-attributes',
    shape: 'one JUnit start tag with 300,000 attributes',
    format: 'junit',
    whole: false,
    expect: { failed: '== 0' },
    async make(dir) {
      await writeRepeated(path.join(dir, 'junit.xml'), '<testsuite name="s"><testcase classname="c" name="t"', (i) => ` a${i}="${i}"`, 300_000, '/></testsuite>\n');
    },
  },
  {
    name: 'junit-unique-names',
    shape: 'JUnit, 500,000 testcases with unique ~1 KB names in one suite',
    format: 'junit',
    whole: false,
    expect: { failed: '== 0', tests: '>= 1' },
    async make(dir) {
      const filler = pad(1000);
      await writeRepeated(
        path.join(dir, 'junit.xml'),
        '<?xml version="1.0"?>\n<testsuites><testsuite name="big">\n',
        (i) => `<testcase classname="c" name="${i}-${filler}" time="0.001"/>\n`,
        500_000,
        '</testsuite></testsuites>\n',
      );
    },
  },
  {
    name: 'regex-repetition',
    shape: 'policy regex `b[ab]{999}$` over ten 1 MB lines',
    format: 'text',
    whole: false,
    metrics: { hits: { count: 'b[ab]{999}$' } },
    expect: { hits: '== 0' },
    // refused when the policy is read (its program is too large for linear-time matching at speed)
    policyError: true,
    async make(dir) {
      const line = 'ab'.repeat(MB / 2 - 1) + 'a\n';
      await writeRepeated(path.join(dir, 'run.log'), '', () => line, 10, '');
    },
  },
  {
    name: 'regex-partial-matches',
    shape: 'policy regex `(.*a){20}` (under the size cap) over ten 1 MB lines of `a`',
    format: 'text',
    whole: false,
    metrics: { hits: { count: '(.*a){20}' } },
    expect: { hits: '>= 0' },
    // bounded by the matching time budget (src/readers/text.ts): 10 s, plus 0.3 s per MiB per regex
    timeLimitMs: 10_000 + 300 * 10 + 5_000,
    async make(dir) {
      const line = 'a'.repeat(MB - 1) + '\n';
      await writeRepeated(path.join(dir, 'run.log'), '', () => line, 10, '');
    },
  },
  {
    name: 'lcov-long-ids',
    shape: 'lcov, four files of 64 BRDA lines with 1 MB block ids',
    format: 'lcov',
    whole: false,
    expect: { branches: '>= 0%' },
    async make(dir) {
      for (let f = 0; f < 4; f++) {
        // just under LIMITS.lineBytes (1 MiB) per line: the longest id a line can carry
        const id = `${f}${pad(MB - 64)}`;
        await writeRepeated(path.join(dir, `part${f}.info`), `TN:\nSF:src/f${f}.c\nDA:1,1\n`, (i) => `BRDA:1,${i}${id},0,1\n`, 64, 'LF:1\nLH:1\nend_of_record\n');
      }
    },
  },
  {
    name: 'yaml-tiny-nodes',
    shape: 'YAML, 20 MB of `- {}` items',
    format: 'yaml',
    whole: true,
    metrics: { x: { path: '$[0].x' } },
    expect: { x: '== 1' },
    async make(dir) {
      await writeRepeated(path.join(dir, 'doc.yaml'), '- {x: 1}\n', () => '- {}\n', 4_000_000, '');
    },
  },
  {
    name: 'json-50mb',
    shape: 'JSON, 50 MB of small objects, `$.p`',
    format: 'json',
    whole: true,
    metrics: { p: { path: '$.p' } },
    expect: { p: '== 1' },
    async make(dir) {
      await writeRepeated(path.join(dir, 'doc.json'), '{"p":1,"items":[{"p":0}', () => ',{"p":0}', 6_500_000, ']}\n');
    },
  },
  {
    name: 'json-50mb-descendants',
    shape: 'JSON, 50 MB of small objects, `$..p`',
    format: 'json',
    whole: true,
    metrics: { p: { path: '$..p' } },
    expect: { p: '== 1' },
    async make(dir) {
      await writeRepeated(path.join(dir, 'doc.json'), '{"p":1,"items":[{"q":0}', () => ',{"q":0}', 6_500_000, ']}\n');
    },
  },
  {
    name: 'sarif-empty-results',
    shape: 'SARIF, 250 MB of empty results',
    format: 'sarif',
    whole: true,
    expect: { error: '== 0' },
    async make(dir) {
      await writeRepeated(
        path.join(dir, 'scan.sarif'),
        '{"version":"2.1.0","runs":[{"tool":{"driver":{"name":"t","rules":[]}},"results":[{}',
        () => ',{}',
        83_000_000,
        ']}]}\n',
      );
    },
  },
  {
    name: 'json-250mb',
    shape: 'JSON, 250 MB array of numbers',
    format: 'json',
    whole: true,
    metrics: { p: { path: '$.p' } },
    expect: { p: '== 1' },
    async make(dir) {
      await writeRepeated(path.join(dir, 'doc.json'), '{"p":1,"a":[0', () => ',0', 125_000_000, ']}\n');
    },
  },
];

function policyYaml(c) {
  const lines = ['version: 1', 'criteria:', `  - id: ${c.name}`, `    evidence: { path: "**/*", format: ${c.format} }`];
  if (c.metrics) {
    lines.push('    metrics:');
    for (const [name, spec] of Object.entries(c.metrics)) {
      lines.push(`      ${name}: ${JSON.stringify(spec)}`);
    }
  }
  lines.push('    expect:');
  for (const [metric, expectation] of Object.entries(c.expect)) lines.push(`      ${metric}: ${JSON.stringify(expectation)}`);
  return `${lines.join('\n')}\n`;
}

function du(dir) {
  let total = 0;
  for (const entry of readdir(dir)) total += statSync(entry).size;
  return total;
}
function readdir(dir) {
  return spawnSync('find', [dir, '-type', 'f'], { encoding: 'utf8' }).stdout.split('\n').filter(Boolean);
}

if (!existsSync(cli)) {
  console.error('dist/cli.js is missing: run `npm run build` first');
  process.exit(2);
}
const work = mkdtempSync(path.join(tmpdir(), 'release-gate-bounds-'));
const rows = [];
let broken = false;
try {
  for (const c of CASES) {
    if (only && !only.has(c.name)) continue;
    const dir = path.join(work, c.name);
    const evidence = path.join(dir, 'evidence');
    mkdirSync(evidence, { recursive: true });
    await c.make(evidence);
    const bytes = du(evidence);
    writeFileSync(path.join(dir, 'policy.yml'), policyYaml(c));
    const report = path.join(dir, 'report.json');
    const rssFile = path.join(dir, 'peak-rss');
    const timeLimit = c.timeLimitMs ?? Math.max(5_000, (30_000 * bytes) / (100 * MB));
    const rssLimit = c.whole ? 4 * bytes + 100 * MB : 300 * MB;
    const started = performance.now();
    const run = spawnSync(process.execPath, ['--import', preload, cli, 'check', '--policy', path.join(dir, 'policy.yml'), '--evidence', evidence, '--json', report], {
      env: { ...process.env, NO_COLOR: '1', RELEASE_GATE_PEAK_RSS_FILE: rssFile },
      encoding: 'utf8',
      // a run that blows past four times its bound is a hang for this purpose
      timeout: Math.round(4 * timeLimit + 10_000),
      maxBuffer: 64 * MB,
    });
    const ms = performance.now() - started;
    const peak = existsSync(rssFile) ? Number(readFileSync(rssFile, 'utf8')) : NaN;
    let outcome = run.error ? `killed (${run.error.code ?? run.signal})` : `exit ${run.status}`;
    let judged = false;
    if (existsSync(report)) {
      const written = JSON.parse(readFileSync(report, 'utf8'));
      const criterion = written.criteria?.[0];
      if (criterion) {
        outcome += `, ${criterion.status}: ${clip(String(criterion.reason))}`;
        judged = run.status === 0 || run.status === 1;
      } else if (c.policyError && run.status === 2 && written.errors?.length > 0) {
        outcome += `, policy refused: ${clip(String(written.errors[0]))}`;
        judged = true;
      }
    } else outcome += ', no report written';
    const ok = judged && ms <= timeLimit && peak <= rssLimit;
    if (!ok) broken = true;
    rows.push({ shape: c.shape, mb: (bytes / MB).toFixed(0), s: (ms / 1000).toFixed(1), limitS: (timeLimit / 1000).toFixed(0), rss: (peak / MB).toFixed(0), limitRss: (rssLimit / MB).toFixed(0), ok, outcome });
    console.error(`${ok ? 'ok  ' : 'OVER'} ${c.name}: ${(ms / 1000).toFixed(1)} s, ${(peak / MB).toFixed(0)} MB peak — ${outcome}`);
    if (!keep) rmSync(dir, { recursive: true, force: true });
  }
} finally {
  if (!keep) rmSync(work, { recursive: true, force: true });
  else console.error(`inputs kept in ${work}`);
}

console.log('| shape | input | time (bound) | peak RSS (bound) | result |');
console.log('|---|---:|---:|---:|---|');
for (const r of rows) {
  console.log(`| ${r.shape} | ${r.mb} MB | ${r.s} s (${r.limitS} s) | ${r.rss} MB (${r.limitRss} MB) | ${r.ok ? '' : '**over a bound** — '}${r.outcome.replace(/\|/g, '\\|')} |`);
}
process.exit(broken ? 1 : 0);
