/* global process, console */
// npm run bench [-- --quick] [-- --runs N] [-- --keep] [-- --json FILE] [-- --only NAME,NAME]
// Generates seeded inputs in a temp folder, reads each with release-gate's readers (the built
// bundle, through FORMATS[format].read on a file stream) and with peer parsers, every reading in
// its own child process (peak RSS per reader), checks that all counts agree, and prints one table.
// Exits non-zero when counts disagree (or a reader fails). --quick: small inputs, for CI.
// --json FILE: also write the results as JSON (.ci/run gates on its `mismatches`).
// --only NAME,NAME: only the rows of these input names (as the table prints them, e.g.
// "JUnit XML, jest-shaped,jest --json" splits at commas not followed by a space); the jest-shaped
// JUnit row is kept whenever a row compared with it ("vs JUnit") is, and the start-up rows are left out.
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
const onlyArg = args.indexOf('--only');
const only = onlyArg >= 0 ? new Set(args[onlyArg + 1].split(/,(?! )/)) : undefined;
const MB = 1024 * 1024;
/** size of each new format's input in a full run */
const NEW = 64 * MB;
/**
 * The JUnit input the newer formats are compared with: small dense testcases, as real producers
 * write them (the 200 MB row's long stack traces flatter throughput: most of its bytes are skipped).
 */
const REFERENCE = 'JUnit XML, jest-shaped';

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
  const XML = ['xml2js'];
  const inputs = [
    { name: 'JUnit XML', format: 'junit', gen: generate.junit, bytes: size(200 * MB, 2 * MB), peers: ['xml2js', 'fast-xml-parser'] },
    // testcase-dense JUnit: many small testcases, few failures (pytest: all in one suite, on one line)
    { name: 'JUnit XML, pytest-shaped', format: 'junit', gen: generate.pytestJunit, cases: size(300_000, 5_000), peers: ['dorny-approach', 'xml2js'] },
    { name: 'JUnit XML, jest-shaped', format: 'junit', gen: generate.jestJunit, bytes: size(64 * MB, 1 * MB), peers: ['dorny-approach', 'xml2js'] },
    { name: 'Cobertura XML', format: 'cobertura', gen: generate.cobertura, bytes: size(100 * MB, 1 * MB), peers: ['xml2js', 'fast-xml-parser'] },
    { name: 'JaCoCo XML', format: 'jacoco', gen: generate.jacoco, bytes: size(100 * MB, 1 * MB), peers: ['xml2js', 'fast-xml-parser'] },
    { name: 'lcov', format: 'lcov', gen: generate.lcov, bytes: size(100 * MB, 1 * MB), peers: ['lcov-parse'] },
    { name: 'SARIF', format: 'sarif', gen: generate.sarif, bytes: size(100 * MB, 1 * MB), peers: ['JSON.parse'], ext: 'sarif' },
    // the formats read by the newer streaming readers; "vs JUnit" compares their throughput with
    // release-gate's on the jest-shaped JUnit file, read in turn with each of them (see REFERENCE)
    { name: 'NUnit 3 XML', format: 'nunit', gen: generate.nunit, bytes: size(NEW, MB / 2), peers: XML, newFormat: true },
    { name: 'TRX', format: 'trx', gen: generate.trx, bytes: size(NEW, MB / 2), peers: XML, newFormat: true, ext: 'trx' },
    { name: 'xUnit.net v2 XML', format: 'xunit', gen: generate.xunit, bytes: size(NEW, MB / 2), peers: XML, newFormat: true },
    { name: 'TAP 13', format: 'tap', gen: generate.tap, bytes: size(NEW, MB / 2), peers: ['tap-parser'], newFormat: true, ext: 'tap' },
    { name: 'go test -json', format: 'go-test-json', gen: generate.goTestJson, bytes: size(NEW, MB / 2), peers: ['JSON.parse per line'], newFormat: true, ext: 'jsonl' },
    { name: 'jest --json', format: 'jest-json', gen: generate.jestJson, bytes: size(NEW, MB / 2), peers: ['JSON.parse'], newFormat: true, ext: 'json' },
    { name: 'mocha json', format: 'mocha-json', gen: generate.mochaJson, bytes: size(NEW, MB / 2), peers: ['JSON.parse'], newFormat: true, ext: 'json' },
    { name: 'rspec json', format: 'rspec-json', gen: generate.rspecJson, bytes: size(NEW, MB / 2), peers: ['JSON.parse'], newFormat: true, ext: 'json' },
    { name: 'CTRF', format: 'ctrf', gen: generate.ctrf, bytes: size(NEW, MB / 2), peers: ['JSON.parse'], newFormat: true, ext: 'json' },
    { name: 'Clover XML', format: 'clover', gen: generate.clover, bytes: size(NEW, MB / 2), peers: XML, newFormat: true },
    { name: 'OpenCover XML', format: 'opencover', gen: generate.opencover, bytes: size(NEW, MB / 2), peers: XML, newFormat: true },
    { name: 'go coverprofile', format: 'go-coverprofile', gen: generate.goCoverprofile, bytes: size(NEW, MB / 2), peers: ['split lines'], newFormat: true, ext: 'out' },
    { name: 'Istanbul coverage-final.json', format: 'istanbul', gen: generate.istanbul, bytes: size(NEW, MB / 2), peers: ['JSON.parse'], newFormat: true, ext: 'json' },
    // memory: ours only (the peers hold the whole document)
    { name: 'JUnit XML (memory)', format: 'junit', gen: generate.junit, bytes: size(1024 * MB, 4 * MB), peers: [] },
    // the 300,000 testcases of the pytest-shaped row, ours alone (the issue's target: peak RSS ≤ 120 MB);
    // in quick mode it would repeat that row's small file, so it is left out
    { name: 'JUnit XML, pytest-shaped (memory)', format: 'junit', gen: generate.pytestJunit, cases: 300_000, peers: [], rssTarget: 120, fullOnly: true },
    { name: 'lcov (memory)', format: 'lcov', gen: generate.lcov, bytes: size(1024 * MB, 4 * MB), peers: [] },
  ]
    .filter((input) => !(quick && input.fullOnly))
    .filter((input, _k, all) => only === undefined || only.has(input.name) || (input.name === REFERENCE && all.some((other) => other.newFormat && only.has(other.name))));
  if (only !== undefined && inputs.length === 0) throw new Error(`--only: no input is named ${[...only].join(' or ')}`);

  const rows = [];
  const report = { quick, runs, mismatches: 0, inputs: [] };
  /** the reference file of "vs JUnit", kept while the rows that compare with it run */
  let reference;
  for (const input of inputs) {
    const file = path.join(dir, `${input.format}-${input.cases ?? input.bytes}.${input.ext ?? (input.format === 'lcov' ? 'info' : 'xml')}`);
    await input.gen(file, input.cases ?? input.bytes);
    const actual = statSync(file).size;
    const readers = ['ours', ...input.peers];
    const results = Object.fromEntries(readers.map((r) => [r, []]));
    const againstJunit = [];
    for (let i = 0; i < runs; i++) {
      for (const reader of readers) results[reader].push(measure(reader, input.format, file));
      // the JUnit reference read in turn with this format, so that both see the same machine
      if (input.newFormat) againstJunit.push(measure('ours', 'junit', reference.file));
    }
    const summary = Object.fromEntries(readers.map((r) => [r, best(results[r])]));
    const ours = summary.ours;
    const oursMBps = actual / MB / ours.seconds;
    const vsJunit = input.newFormat ? oursMBps / (reference.bytes / MB / best(againstJunit).seconds) : undefined;
    const agree = input.peers.every((p) => sameCounts(ours.counts, summary[p].counts));
    report.inputs.push({
      input: input.name,
      format: input.format,
      bytes: actual,
      ours: { mbPerSecond: oursMBps, peakRssMB: ours.rssMB, counts: ours.counts, ...(vsJunit === undefined ? {} : { vsJunit }), ...(input.rssTarget === undefined ? {} : { rssTargetMB: input.rssTarget }) },
      peers: Object.fromEntries(input.peers.map((p) => [p, { mbPerSecond: actual / MB / summary[p].seconds, peakRssMB: summary[p].rssMB, ratio: summary[p].seconds / ours.seconds, countsEqual: sameCounts(ours.counts, summary[p].counts) }])),
    });
    if (!agree) {
      report.mismatches++;
      failed = true;
      for (const p of input.peers) console.error(`${input.name}: counts differ: ours ${JSON.stringify(ours.counts)} vs ${p} ${JSON.stringify(summary[p].counts)}`);
    }
    rows.push({
      input: input.name,
      size: `${(actual / MB).toFixed(actual < 10 * MB ? 1 : 0)} MB`,
      ours: `${mbps(actual, ours)} MB/s, ${ours.rssMB.toFixed(0)} MB${input.rssTarget === undefined ? '' : ` (target ≤ ${input.rssTarget} MB: ${ours.rssMB <= input.rssTarget ? 'met' : 'NOT met'})`}`,
      vsJunit: vsJunit === undefined ? '—' : `×${vsJunit.toFixed(2)}${vsJunit < 0.5 ? ' (below ½)' : ''}`,
      peers: input.peers.map((p) => `${p}: ${mbps(actual, summary[p])} MB/s, ${summary[p].rssMB.toFixed(0)} MB, ×${(summary[p].seconds / ours.seconds).toFixed(1)}`).join('; ') || '—',
      counts: agree ? (input.peers.length ? 'equal' : summarize(ours.counts)) : 'DIFFER',
    });
    if (input.name === REFERENCE) reference = { file, bytes: actual };
    else if (!keep) rmSync(file);
  }

  // start-up: the CLI bundle against a bare node
  if (only === undefined) {
    const cli = path.join(dir, 'cli/cli.js');
    const version = timeCommand([cli, '--version'], quick ? 5 : 21);
    const bare = timeCommand(['-e', '0'], quick ? 5 : 21);
    rows.push({ input: 'release-gate --version', size: '—', ours: `${version.toFixed(0)} ms median`, vsJunit: '—', peers: `node -e 0: ${bare.toFixed(0)} ms, ×${(version / bare).toFixed(2)} of it`, counts: '—' });
    const check = timeCommand([cli, 'check', '--policy', path.join(root, 'examples/basic/release-gate.yml'), '--evidence', path.join(root, 'examples/basic/evidence')], quick ? 5 : 21, true);
    rows.push({ input: 'check, basic example', size: '—', ours: `${check.toFixed(0)} ms median`, vsJunit: '—', peers: '—', counts: '—' });
  }

  printTable(rows);
  if (jsonOut) {
    report.inputCount = report.inputs.length;
    mkdirSync(path.dirname(jsonOut), { recursive: true });
    writeFileSync(jsonOut, `${JSON.stringify(report, null, 2)}\n`);
  }
  console.log(`\n${runs} run(s) per reader, best taken; each reading in its own process; ratio ×N = N times the peer's throughput; vs JUnit = throughput relative to release-gate's on the ${REFERENCE} file, read in turn with the format. ${quick ? '(quick mode: small inputs)' : ''}`);
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

/** Every count the peer gives equals ours (a peer may count a subset of our metrics: see run.mjs KEYS). */
function sameCounts(ours, peer) {
  return Object.keys(peer).length > 0 && Object.keys(peer).every((k) => ours[k] !== undefined && ours[k] === peer[k]);
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
  const head = { input: 'input', size: 'size', ours: 'release-gate: MB/s, peak RSS', vsJunit: 'vs JUnit', peers: 'peers: MB/s, peak RSS, ratio', counts: 'counts' };
  const cols = Object.keys(head);
  const all = [head, ...rows];
  const width = Object.fromEntries(cols.map((c) => [c, Math.max(...all.map((r) => String(r[c]).length))]));
  const line = (r) => `| ${cols.map((c) => String(r[c]).padEnd(width[c])).join(' | ')} |`;
  console.log(line(head));
  console.log(`|${cols.map((c) => '-'.repeat(width[c] + 2)).join('|')}|`);
  for (const r of rows) console.log(line(r));
}
