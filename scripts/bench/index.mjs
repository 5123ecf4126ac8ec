/* global process, console */
// npm run bench [-- --quick] [-- --runs N] [-- --keep] [-- --json FILE]
// Generates seeded inputs in a temp folder, reads each with release-gate's readers (the built
// bundle, through FORMATS[format].read on a file stream) and with peer parsers, every reading in
// its own child process (peak RSS per reader), checks that all counts agree, and prints one table.
// Exits non-zero when counts disagree (or a reader fails). --quick: small inputs, for CI.
// --json FILE: also write the results as JSON (.ci/run gates on its `mismatches`).
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import * as generate from './generate.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const args = process.argv.slice(2);
const quick = args.includes('--quick');
const keep = args.includes('--keep');
const jsonArg = args.indexOf('--json');
const jsonOut = jsonArg >= 0 ? path.resolve(args[jsonArg + 1]) : undefined;
const runsArg = args.indexOf('--runs');
const runs = runsArg >= 0 ? Number(args[runsArg + 1]) : quick ? 1 : 3;
const MB = 1024 * 1024;

const dir = mkdtempSync(path.join(tmpdir(), 'release-gate-bench-'));
const bundle = path.join(dir, 'readers.mjs');
let failed = false;

try {
  await build({
    stdin: {
      contents: "export { FORMATS } from './src/readers/index.ts'; export { LIMITS } from './src/limits.ts';",
      resolveDir: root,
      loader: 'ts',
    },
    outfile: bundle,
    bundle: true,
    format: 'esm',
    platform: 'node',
    target: 'node24',
    logLevel: 'warning',
    banner: { js: "import { createRequire as __rgCreateRequire } from 'node:module'; const require = __rgCreateRequire(import.meta.url);" },
  });
  await build({
    entryPoints: { cli: path.join(root, 'src/cli.ts') },
    outdir: path.join(dir, 'cli'),
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'node',
    target: 'node24',
    chunkNames: 'chunks/[name]-[hash]',
    logLevel: 'warning',
    banner: { js: "import { createRequire as __rgCreateRequire } from 'node:module'; const require = __rgCreateRequire(import.meta.url);" },
  });

  const size = (full, small) => (quick ? small : full);
  const inputs = [
    { name: 'JUnit XML', format: 'junit', gen: generate.junit, bytes: size(200 * MB, 2 * MB), peers: ['xml2js', 'fast-xml-parser'] },
    { name: 'Cobertura XML', format: 'cobertura', gen: generate.cobertura, bytes: size(100 * MB, 1 * MB), peers: ['xml2js', 'fast-xml-parser'] },
    { name: 'JaCoCo XML', format: 'jacoco', gen: generate.jacoco, bytes: size(100 * MB, 1 * MB), peers: ['xml2js', 'fast-xml-parser'] },
    { name: 'lcov', format: 'lcov', gen: generate.lcov, bytes: size(100 * MB, 1 * MB), peers: ['lcov-parse'] },
    { name: 'SARIF', format: 'sarif', gen: generate.sarif, bytes: size(100 * MB, 1 * MB), peers: ['JSON.parse'] },
    // memory: ours only (the peers hold the whole document)
    { name: 'JUnit XML (memory)', format: 'junit', gen: generate.junit, bytes: size(1024 * MB, 4 * MB), peers: [] },
    { name: 'lcov (memory)', format: 'lcov', gen: generate.lcov, bytes: size(1024 * MB, 4 * MB), peers: [] },
  ];

  const rows = [];
  const report = { quick, runs, mismatches: 0, inputs: [] };
  for (const input of inputs) {
    const file = path.join(dir, `${input.format}-${input.bytes}.${input.format === 'sarif' ? 'sarif' : input.format === 'lcov' ? 'info' : 'xml'}`);
    await input.gen(file, input.bytes);
    const actual = statSync(file).size;
    const readers = ['ours', ...input.peers];
    const results = Object.fromEntries(readers.map((r) => [r, []]));
    for (let i = 0; i < runs; i++) {
      for (const reader of readers) results[reader].push(measure(reader, input.format, file));
    }
    const summary = Object.fromEntries(readers.map((r) => [r, best(results[r])]));
    const ours = summary.ours;
    const agree = input.peers.every((p) => sameCounts(ours.counts, summary[p].counts));
    report.inputs.push({
      input: input.name,
      format: input.format,
      bytes: actual,
      ours: { mbPerSecond: actual / MB / ours.seconds, peakRssMB: ours.rssMB, counts: ours.counts },
      peers: Object.fromEntries(input.peers.map((p) => [p, { mbPerSecond: actual / MB / summary[p].seconds, peakRssMB: summary[p].rssMB, ratio: summary[p].seconds / ours.seconds, countsEqual: sameCounts(ours.counts, summary[p].counts) }])),
    });
    if (!agree) {
      report.mismatches++;
      failed = true;
      for (const p of input.peers) console.error(`${input.name}: counts differ: ours ${JSON.stringify(ours.counts)} vs ${p} ${JSON.stringify(summary[p].counts)}`);
    }
    rows.push({
      input: input.name,
      size: `${(actual / MB).toFixed(0)} MB`,
      ours: `${mbps(actual, ours)} MB/s, ${ours.rssMB.toFixed(0)} MB`,
      peers: input.peers.map((p) => `${p}: ${mbps(actual, summary[p])} MB/s, ${summary[p].rssMB.toFixed(0)} MB, ×${(summary[p].seconds / ours.seconds).toFixed(1)}`).join('; ') || '—',
      counts: agree ? (input.peers.length ? 'equal' : summarize(ours.counts)) : 'DIFFER',
    });
    if (!keep) rmSync(file);
  }

  // start-up: the CLI bundle against a bare node
  const cli = path.join(dir, 'cli/cli.js');
  const version = timeCommand([cli, '--version'], quick ? 5 : 21);
  const bare = timeCommand(['-e', '0'], quick ? 5 : 21);
  rows.push({ input: 'release-gate --version', size: '—', ours: `${version.toFixed(0)} ms median`, peers: `node -e 0: ${bare.toFixed(0)} ms, ×${(version / bare).toFixed(2)} of it`, counts: '—' });
  const check = timeCommand([cli, 'check', '--policy', path.join(root, 'examples/basic/release-gate.yml'), '--evidence', path.join(root, 'examples/basic/evidence')], quick ? 5 : 21, true);
  rows.push({ input: 'check, basic example', size: '—', ours: `${check.toFixed(0)} ms median`, peers: '—', counts: '—' });

  printTable(rows);
  if (jsonOut) {
    report.inputCount = report.inputs.length;
    mkdirSync(path.dirname(jsonOut), { recursive: true });
    writeFileSync(jsonOut, `${JSON.stringify(report, null, 2)}\n`);
  }
  console.log(`\n${runs} run(s) per reader, best taken; each reading in its own process; ratio ×N = N times the peer's throughput. ${quick ? '(quick mode: small inputs)' : ''}`);
} catch (err) {
  failed = true;
  console.error(err);
} finally {
  if (!keep) rmSync(dir, { recursive: true, force: true });
  else console.log(`inputs kept in ${dir}`);
}
process.exit(failed ? 1 : 0);

function measure(reader, format, file) {
  const child = spawnSync(process.execPath, [path.join(root, 'scripts/bench/run.mjs'), bundle, reader, format, file], {
    encoding: 'utf8',
    maxBuffer: 1 << 20,
  });
  if (child.status !== 0) throw new Error(`${reader} on ${path.basename(file)} failed: ${child.stderr || child.stdout}`);
  return JSON.parse(child.stdout);
}

function best(list) {
  return list.reduce((a, b) => (b.seconds < a.seconds ? b : a));
}

function mbps(bytes, result) {
  return (bytes / MB / result.seconds).toFixed(0);
}

function sameCounts(a, b) {
  return Object.keys(a).length > 0 && Object.keys(a).every((k) => a[k] === b[k]);
}

function summarize(counts) {
  return Object.entries(counts).map(([k, v]) => `${k} ${v}`).join(', ');
}

function timeCommand(argv, times, anyExit = false) {
  const ms = [];
  for (let i = 0; i < times; i++) {
    const started = process.hrtime.bigint();
    const child = spawnSync(process.execPath, argv, { encoding: 'utf8', cwd: root });
    ms.push(Number(process.hrtime.bigint() - started) / 1e6);
    if (!anyExit && child.status !== 0) throw new Error(`${argv.join(' ')} failed: ${child.stderr}`);
    if (anyExit && child.status !== 0 && child.status !== 1) throw new Error(`${argv.join(' ')} failed: ${child.stderr}`);
  }
  ms.sort((a, b) => a - b);
  return ms[Math.floor(ms.length / 2)];
}

function printTable(rows) {
  const head = { input: 'input', size: 'size', ours: 'release-gate: MB/s, peak RSS', peers: 'peers: MB/s, peak RSS, ratio', counts: 'counts' };
  const cols = Object.keys(head);
  const all = [head, ...rows];
  const width = Object.fromEntries(cols.map((c) => [c, Math.max(...all.map((r) => String(r[c]).length))]));
  const line = (r) => `| ${cols.map((c) => String(r[c]).padEnd(width[c])).join(' | ')} |`;
  console.log(line(head));
  console.log(`|${cols.map((c) => '-'.repeat(width[c] + 2)).join('|')}|`);
  for (const r of rows) console.log(line(r));
}
