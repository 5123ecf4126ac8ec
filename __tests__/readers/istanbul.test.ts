import { createWriteStream } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { istanbul as istanbulReader } from '../../src/readers/istanbul.js';
import { coverageMetrics, mergeCoverage, type CoverageModel } from '../../src/readers/coverage.js';
import { STATEMENT_METRICS } from '../../src/readers/statements.js';
import type { Format } from '../../src/readers/types.js';
import {
  expectCoverage,
  manifestPaths,
  metricsOf,
  read,
  readConformance,
  readFixture,
  readText,
  rejects,
} from '../fixtures/coverage/helpers.js';
import { LIMITS } from '../../src/limits.js';
import { FIXTURES, bytesSource, fileSource } from '../helpers/evidence.js';
import { runCli } from '../helpers/cli.js';
import { MB, runCliBounded } from '../helpers/bounded.js';

/** The reader's lines, branches and functions (statements are tested below, in "statements"). */
const istanbul: Format<CoverageModel> = {
  ...istanbulReader,
  read: async (input, ctx) => (await istanbulReader.read(input, ctx)).coverage,
  merge: mergeCoverage,
  metrics: coverageMetrics,
  notes: undefined,
  failures: undefined,
  lineCoverage: (m) => m,
};

const SUMMARY = 'istanbul-summary/vitest-coverage-report-action/coverage-summary.json';
const COMPARE = 'istanbul-summary/vitest-coverage-report-action/coverage-summary-compare.json';

describe('istanbul: conformance corpus', () => {
  it('covers every istanbul-summary file of the manifest', () => {
    expect(manifestPaths('istanbul-summary')).toEqual([COMPARE, SUMMARY].sort());
  });
  it(SUMMARY, async () => {
    // sums of the five per-file entries (verify.py): lines 1+33+69+20+22 = 145, covered
    // 1+24+0+15+20 = 60; branches 23/58; functions 18/29; equal to the file's own "total" block
    expectCoverage(await metricsOf(istanbul, readConformance(istanbul, SUMMARY)), { lines: [60, 145], branches: [23, 58], functions: [18, 29] });
  });
  it(`${COMPARE}: rejected, its entries cover more than their total`, async () => {
    // a mock baseline: constants.js claims lines covered 1.15 of 1, utils.js 23 of 22. Fractional
    // counts alone are accepted (see below); covered above total is a contradiction.
    await rejects(readConformance(istanbul, COMPARE), /entry "\/absolute\/path\/src\/constants.js": lines.covered 1.15 is above lines.total 1/);
  });
});

describe('istanbul: real tool output (vitest 5 + @vitest/coverage-v8 json-summary, make-fixtures.sh)', () => {
  it('two test runs over the same two files', async () => {
    // oracle: vitest's text reporter "All files" row (a: 50% lines, 30% branches, 50% funcs;
    // b: 25%, 40%, 50%) and the per-file entries
    expectCoverage(await metricsOf(istanbul, readFixture(istanbul, 'vitest-a-summary.json')), { lines: [4, 8], branches: [3, 10], functions: [2, 4] });
    expectCoverage(await metricsOf(istanbul, readFixture(istanbul, 'vitest-b-summary.json')), { lines: [2, 8], branches: [4, 10], functions: [2, 4] });
  });
  it('merges summaries of the same files by taking, per file and kind, the one with the most covered', async () => {
    // math.js: lines 2/5 | 2/5, branches 2/8 | 4/8, functions 1/3 | 2/3; text.js: lines 2/3 | 0/3,
    // branches 1/2 | 0/2, functions 1/1 | 0/1 → 4/8, 5/10, 3/4. A summary has no line detail: one
    // vitest run of both test files covers 5/8 lines and 7/10 branches, so this is a lower bound.
    const merged = await metricsOf(istanbul, readFixture(istanbul, 'vitest-a-summary.json'), readFixture(istanbul, 'vitest-b-summary.json'));
    expectCoverage(merged, { lines: [4, 8], branches: [5, 10], functions: [3, 4] });
  });
});

const entry = (lines: [number, number], branches: [number, number], functions: [number, number]) => ({
  lines: { total: lines[1], covered: lines[0], skipped: 0, pct: lines[1] ? (100 * lines[0]) / lines[1] : 'Unknown' },
  statements: { total: 1, covered: 1, skipped: 0, pct: 100 },
  functions: { total: functions[1], covered: functions[0], skipped: 0, pct: 'Unknown' },
  branches: { total: branches[1], covered: branches[0], skipped: 0, pct: 12345 },
});

describe('istanbul: entries', () => {
  it('knows the coverage metrics', () => {
    expect(istanbulReader.knownMetrics).toEqual(STATEMENT_METRICS);
  });

  it('adds up per-file entries, ignoring "total" and "pct"', async () => {
    const doc = { total: entry([999, 999], [1, 1], [1, 1]), 'src\\a.js': entry([1, 4], [0, 0], [1, 1]), './src/b.js': entry([3, 4], [0, 0], [0, 2]) };
    const model = await readText(istanbul, JSON.stringify(doc, null, 2), 3);
    expect([...model.files.keys()]).toEqual(['src/a.js', 'src/b.js']);
    // no branch anywhere: counts 0/0 and no percentage
    expectCoverage(istanbul.metrics(model), { lines: [4, 8], branches: [0, 0], functions: [1, 3] });
  });

  it('uses "total" when there is no per-file entry, and adds several such summaries up', async () => {
    const a = JSON.stringify({ total: entry([3, 4], [1, 2], [1, 1]) });
    const b = JSON.stringify({ total: entry([1, 4], [0, 0], [0, 1]) });
    expectCoverage(await metricsOf(istanbul, readText(istanbul, a)), { lines: [3, 4], branches: [1, 2], functions: [1, 1] });
    // each pseudo-file is named after its evidence file
    const models = await Promise.all([
      read(istanbul, bytesSource(a), 'pkg-a/coverage-summary.json'),
      read(istanbul, bytesSource(b), 'pkg-b/coverage-summary.json'),
    ]);
    expectCoverage(istanbul.metrics(istanbul.merge(models)), { lines: [4, 8], branches: [1, 2], functions: [1, 2] });
  });

  it('accepts fractional counts', async () => {
    const doc = { 'a.js': entry([7.5, 10], [0.5, 2], [1, 2]) };
    expectCoverage(await metricsOf(istanbul, readText(istanbul, JSON.stringify(doc))), { lines: [7.5, 10], branches: [0.5, 2], functions: [1, 2] });
  });

  it('merges the same file of two summaries by the most covered, different files add up', async () => {
    const a = JSON.stringify({ '/x/a.js': entry([1, 4], [2, 2], [0, 1]), '/x/c.js': entry([1, 1], [0, 0], [1, 1]) });
    const b = JSON.stringify({ '/x/a.js': entry([3, 4], [1, 2], [0, 1]), '/x/b.js': entry([0, 2], [0, 0], [0, 1]) });
    expectCoverage(await metricsOf(istanbul, readText(istanbul, a), readText(istanbul, b)), { lines: [4, 7], branches: [2, 2], functions: [1, 3] });
  });

  it('reads a BOM', async () => {
    expectCoverage(await metricsOf(istanbul, readText(istanbul, '\ufeff' + JSON.stringify({ 'a.js': entry([1, 2], [0, 0], [1, 1]) }))), { lines: [1, 2], branches: [0, 0], functions: [1, 1] });
  });
});

describe('istanbul: malformed input is an error, never zeros', () => {
  const cases: [string, string, RegExp][] = [
    ['empty file', '', /not valid JSON/],
    ['truncated JSON', '{"total": {"lines": {"total": 1,', /not valid JSON/],
    ['lcov', 'SF:x\nDA:1,1\nend_of_record\n', /not valid JSON/],
    ['an array', '[1, 2]', /the document is an array, not an object/],
    ['null', 'null', /the document is null/],
    ['a number', '42', /the document is a number/],
    ['an empty object', '{}', /no "total" and no per-file entry/],
    ['a k6 summary', JSON.stringify({ metrics: { http_reqs: { count: 1 } }, root_group: {} }), /entry "metrics" has no "lines" object/],
    ['an entry that is not an object', JSON.stringify({ 'a.js': 3 }), /entry "a.js" is not an object/],
    ['a count that is a string', JSON.stringify({ 'a.js': { ...entry([1, 1], [0, 0], [0, 0]), lines: { total: '4', covered: 1 } } }), /lines.total is not a non-negative number: "4"/],
    ['a missing count', JSON.stringify({ 'a.js': { ...entry([1, 1], [0, 0], [0, 0]), branches: { total: 4, pct: 50 } } }), /branches.covered is missing/],
    ['a negative count', JSON.stringify({ 'a.js': entry([-1, 1], [0, 0], [0, 0]) }), /lines.covered is not a non-negative number: -1/],
    ['covered above total', JSON.stringify({ 'a.js': entry([5, 4], [0, 0], [0, 0]) }), /lines.covered 5 is above lines.total 4/],
    ['a malformed "total" next to file entries', JSON.stringify({ total: { lines: 1 }, 'a.js': entry([1, 1], [0, 0], [0, 0]) }), /entry "total" has no "lines" object/],
  ];
  for (const [what, text, message] of cases) {
    it(what, async () => {
      await rejects(readText(istanbul, text), message);
    });
  }

  it('refuses a key repeated in one object: which count is meant would be a guess', async () => {
    const twice = '{\n  "a.js": {"lines": {"total": 4, "covered": 4}, "functions": {"total": 1, "covered": 1}, "branches": {"total": 0, "covered": 0}},\n  "a.js": {"lines": {"total": 4, "covered": 0}, "functions": {"total": 1, "covered": 0}, "branches": {"total": 0, "covered": 0}}\n}';
    const err = await rejects(readText(istanbul, twice), /Istanbul coverage report is not valid JSON: duplicate key "a.js" in one object/);
    expect(err.position).toEqual({ line: 3, column: 3 });
    await rejects(readText(istanbul, JSON.stringify({ 'a.js': entry([1, 1], [0, 0], [0, 0]) }).replace('"covered":1', '"covered":1,"covered":0')), /duplicate key "covered"/);
  });

  it('refuses one file listed under two spellings of its path (the old reader kept the last entry)', async () => {
    const failing = entry([0, 4], [0, 0], [0, 1]);
    const passing = entry([4, 4], [0, 0], [1, 1]);
    for (const [first, second] of [['./src/a.js', 'src/a.js'], ['src\\a.js', 'src/a.js']] as const) {
      const err = await rejects(
        readText(istanbul, JSON.stringify({ [first]: failing, [second]: passing })),
        /^entry "src\/a\.js" names a file already listed under another spelling: which entry counts would be a guess$/,
      );
      expect(err.position?.line).toBe(1);
    }
  });

  it('streams its entries: a summary of 60,000 files is read entry by entry, and a dense non-summary is refused early', async () => {
    const files: Record<string, unknown> = {};
    for (let i = 0; i < 60_000; i++) files[`packages/p${i % 50}/src/file-${i}.ts`] = { ...entry([i % 7, 7], [0, 2], [1, 1]), statements: { total: 7, covered: 1, skipped: 0, pct: 14.28 } };
    const model = await istanbul.read(bytesSource(JSON.stringify(files), 65536), { name: 'big.json', metrics: {}, limits: LIMITS });
    expect(model.files.size).toBe(60_000);
    // a map whose entries are not summaries fails at the first one, before the rest is built
    const err = await rejects(readText(istanbul, `{"a.js": [${'{},'.repeat(200_000)}{}]}`, 65536), /^not an Istanbul coverage report: entry "a\.js" is not an object$/);
    expect(err.position).toEqual({ line: 1, column: 10 });
  });

  it('gives the JSON error position', async () => {
    const err = await rejects(readText(istanbul, '{\n  "a.js": {\n    "lines": {"total": 1 "covered": 1}\n  }\n}'), /not valid JSON/);
    expect(err.position).toEqual({ line: 3, column: 26 });
  });
});

// ---------------------------------------------------------------------------------------------
// coverage-final.json and statements

type Loc = { start: { line: number; column: number }; end: { line: number; column: number } };
interface FinalFile {
  path: string;
  statementMap: Record<string, Loc>;
  s: Record<string, number>;
  fnMap: Record<string, { name: string; line: number; decl: Loc; loc: Loc }>;
  f: Record<string, number>;
  branchMap: Record<string, { line: number; type: string; loc: Loc; locations: Loc[] }>;
  b: Record<string, number[]>;
}

const loc = (line: number, column = 0, endLine = line): Loc => ({ start: { line, column }, end: { line: endLine, column: column + 5 } });

/** A coverage-final entry: statements [startLine, count, endLine?], functions and branches by counts. */
function finalFile(path: string, statements: [number, number, number?][], functions: number[] = [], branches: number[][] = []): FinalFile {
  return {
    path,
    statementMap: Object.fromEntries(statements.map(([line, , end], i) => [String(i), loc(line, i, end ?? line)])),
    s: Object.fromEntries(statements.map(([, n], i) => [String(i), n])),
    fnMap: Object.fromEntries(functions.map((_, i) => [String(i), { name: `(anonymous_${i})`, line: 1, decl: loc(1), loc: loc(1) }])),
    f: Object.fromEntries(functions.map((n, i) => [String(i), n])),
    branchMap: Object.fromEntries(branches.map((counts, i) => [String(i), { line: 1, type: 'if', loc: loc(1), locations: counts.map(() => loc(1)) }])),
    b: Object.fromEntries(branches.map((counts, i) => [String(i), counts])),
  };
}

/** Istanbul's own totals of a coverage-final document (istanbul-lib-coverage FileCoverage.toSummary). */
function istanbulTotals(doc: Record<string, FinalFile>): Record<string, [number, number]> {
  const t = { lines: [0, 0], statements: [0, 0], functions: [0, 0], branches: [0, 0] } as Record<string, [number, number]>;
  for (const file of Object.values(doc)) {
    const lineMap = new Map<number, number>();
    for (const [k, n] of Object.entries(file.s)) {
      const line = file.statementMap[k]!.start.line;
      lineMap.set(line, Math.max(lineMap.get(line) ?? 0, n));
    }
    const add = (kind: string, counts: number[]) => {
      t[kind]![0] += counts.filter((n) => n > 0).length;
      t[kind]![1] += counts.length;
    };
    add('lines', [...lineMap.values()]);
    add('statements', Object.values(file.s));
    add('functions', Object.values(file.f));
    add('branches', Object.values(file.b).flat());
  }
  return t;
}

function expectTotals(metrics: Record<string, { value: number }>, totals: Record<string, [number, number]>): void {
  for (const [kind, [covered, total]] of Object.entries(totals)) {
    expect([metrics[`${kind}.covered`]?.value, metrics[`${kind}.total`]?.value], kind).toEqual([covered, total]);
    if (total > 0) expect(metrics[kind]?.value, kind).toBeCloseTo((100 * covered) / total, 9);
    else expect(metrics[kind], kind).toBeUndefined();
  }
}

const readReport = (text: string, name = 'coverage-final.json') => istanbulReader.read(bytesSource(text, 97), { name, metrics: {}, limits: LIMITS });

describe('istanbul: coverage-final.json from real tools (fixtures/istanbul/README.md)', () => {
  // each pair was written by one run: the json (final) and json-summary reporters; the text
  // reporter's "All files" row of the same run is in the README
  for (const [producer, totals] of [
    // jest 30.5: Stmts 71.42, Branch 50, Funcs 66.66, Lines 83.33
    ['jest', { lines: [5, 6], statements: [5, 7], functions: [2, 3], branches: [1, 2] }],
    // nyc 18 + mocha 12: Stmts 78.57, Branch 40, Funcs 80, Lines 72.72
    ['nyc', { lines: [8, 11], statements: [11, 14], functions: [4, 5], branches: [2, 5] }],
  ] as const) {
    it(`${producer}: the final report reads as Istanbul's own summary of the same run, statements included`, async () => {
      const final = await istanbulReader.read(fileSource(path.join(FIXTURES, `istanbul/${producer}-coverage-final.json`)), { name: 'final', metrics: {}, limits: LIMITS });
      const summary = await istanbulReader.read(fileSource(path.join(FIXTURES, `istanbul/${producer}-coverage-summary.json`)), { name: 'summary', metrics: {}, limits: LIMITS });
      expectTotals(istanbulReader.metrics(final), totals as unknown as Record<string, [number, number]>);
      expect(istanbulReader.metrics(final)).toEqual(istanbulReader.metrics(summary));
      expect(final.notes).toEqual({});
    });
  }

  it('lines are derived from where statements start: a multi-line statement is one line, two statements on a line are one', async () => {
    // jest's math.js: statement 1 (an if, lines 5-7) starts on 5; statements 4 and 5 (an arrow
    // function and its body) both start on line 10, one ran: the line is covered
    const final = await istanbulReader.read(fileSource(path.join(FIXTURES, 'istanbul/jest-coverage-final.json')), { name: 'final', metrics: {}, limits: LIMITS });
    // 7 statements on lines 2, 5, 6, 8, 10, 10, 11: 6 lines; 6 and the statement 5 of line 10 did not run
    expect(istanbulReader.metrics(final)).toMatchObject({ 'lines.total': { value: 6 }, 'lines.covered': { value: 5 }, 'statements.total': { value: 7 }, 'statements.covered': { value: 5 } });
  });
});

describe('istanbul: coverage-final.json rules', () => {
  const arbFile = fc.record({
    statements: fc.array(fc.tuple(fc.integer({ min: 1, max: 30 }), fc.nat(3), fc.option(fc.integer({ min: 1, max: 40 }), { nil: undefined })), { maxLength: 25 }),
    functions: fc.array(fc.nat(2), { maxLength: 6 }),
    branches: fc.array(fc.array(fc.nat(2), { minLength: 1, maxLength: 4 }), { maxLength: 6 }),
  });

  it("equals Istanbul's own totals (lines from statement starts, statements, functions, branches) on any report", async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(arbFile, { minLength: 1, maxLength: 4 }), async (files) => {
        const doc = Object.fromEntries(files.map((f, i) => [`/repo/src/f${i}.js`, finalFile(`/repo/src/f${i}.js`, f.statements as [number, number, number?][], f.functions, f.branches)]));
        const model = await readReport(JSON.stringify(doc));
        expectTotals(istanbulReader.metrics(model), istanbulTotals(doc));
      }),
      { numRuns: 200 },
    );
  });

  it('merges shards of the same files item by item: covered if any shard covers it', async () => {
    await fc.assert(
      fc.asyncProperty(arbFile, fc.array(fc.nat(2), { maxLength: 25 }), async (file, otherCounts) => {
        const a = finalFile('/repo/a.js', file.statements as [number, number, number?][], file.functions, file.branches);
        // the same file instrumented alike, other counts: statement i covered in the merge iff covered in either
        const b = { ...a, s: Object.fromEntries(Object.keys(a.s).map((k, i) => [k, otherCounts[i] ?? 0])) };
        const union = { ...a, s: Object.fromEntries(Object.keys(a.s).map((k) => [k, (a.s[k] ?? 0) + (b.s[k] ?? 0)])) };
        const merged = istanbulReader.merge([await readReport(JSON.stringify({ '/repo/a.js': a })), await readReport(JSON.stringify({ '/repo/a.js': b }))]);
        expectTotals(istanbulReader.metrics(merged), istanbulTotals({ '/repo/a.js': union }));
      }),
      { numRuns: 100 },
    );
  });

  it('reads entries wrapped in {"data": …} (Jest\'s coverageMap)', async () => {
    const f = finalFile('/repo/a.js', [[1, 1], [2, 0]], [1], [[1, 0]]);
    const model = await readReport(JSON.stringify({ '/repo/a.js': { data: f } }));
    expectTotals(istanbulReader.metrics(model), { lines: [1, 2], statements: [1, 2], functions: [1, 1], branches: [1, 2] });
  });

  it('reads maps keyed otherwise than "0", "1", … in order alike (out of order, other names)', async () => {
    const dense = finalFile('/repo/a.js', [[1, 1], [2, 0], [3, 4], [3, 0]], [1, 0], [[1, 0], [0, 0, 2]]);
    const rename = (map: Record<string, unknown>, name: (k: string) => string): Record<string, unknown> => Object.fromEntries(Object.entries(map).reverse().map(([k, v]) => [name(k), v]));
    const other = (name: (k: string) => string): FinalFile => ({
      ...dense,
      statementMap: rename(dense.statementMap, name),
      s: rename(dense.s, name),
      fnMap: rename(dense.fnMap, name),
      f: rename(dense.f, name),
      branchMap: rename(dense.branchMap, name),
      b: rename(dense.b, name),
    }) as FinalFile;
    const totals = istanbulReader.metrics(await readReport(JSON.stringify({ '/repo/a.js': dense })));
    expectTotals(totals, { lines: [2, 3], statements: [2, 4], functions: [1, 2], branches: [2, 5] });
    for (const name of [(k: string) => k, (k: string) => `s${k}`]) {
      expect(istanbulReader.metrics(await readReport(JSON.stringify({ '/repo/a.js': other(name) })))).toEqual(totals);
    }
  });

  it('a file with no statement counts for nothing, with its totals 0', async () => {
    const model = await readReport(JSON.stringify({ '/repo/types.ts': finalFile('/repo/types.ts', []) }));
    expectTotals(istanbulReader.metrics(model), { lines: [0, 0], statements: [0, 0], functions: [0, 0], branches: [0, 0] });
  });

  const f = finalFile('/repo/a.js', [[1, 1], [2, 0]], [1], [[1, 0]]);
  const cases: [string, unknown, RegExp][] = [
    ['a statement counted in s that statementMap does not define', { 'a.js': { ...f, s: { ...f.s, 9: 1 } } }, /statement "9" is counted in s but statementMap does not define it/],
    ['a statement of statementMap with no count', { 'a.js': { ...f, s: { 0: 1 } } }, /statement "1" is in statementMap but has no count in s/],
    ['a function counted in f that fnMap does not define', { 'a.js': { ...f, f: { 0: 1, 5: 0 } } }, /function "5" is counted in f but fnMap does not define it/],
    ['a branch of branchMap with no counts', { 'a.js': { ...f, b: {} } }, /branch "0" is in branchMap but has no counts in b/],
    // the same checks while every key is "0", "1", … in order (kept as arrays) as with any other keys
    ['the next statement counted in s that statementMap does not define', { 'a.js': { ...f, s: { ...f.s, 2: 1 } } }, /statement "2" is counted in s but statementMap does not define it/],
    ['a statement of statementMap with no count, out of order', { 'a.js': { ...f, statementMap: { 1: f.statementMap['1'], 0: f.statementMap['0'] }, s: { 1: 0 } } }, /statement "0" is in statementMap but has no count in s/],
    ['a function of fnMap with no count', { 'a.js': { ...f, f: {} } }, /function "0" is in fnMap but has no count in f/],
    ['the next branch counted in b that branchMap does not define', { 'a.js': { ...f, b: { 0: [1, 0], 1: [0, 0] } } }, /branch "1" is counted in b but branchMap does not define it/],
    ['a branch counted in b under another key', { 'a.js': { ...f, b: { x: [1, 0] } } }, /branch "x" is counted in b but branchMap does not define it/],
    ['a negative count', { 'a.js': { ...f, s: { 0: -1, 1: 0 } } }, /s count of "0" is -1, not a non-negative number/],
    ['branch counts that are not an array', { 'a.js': { ...f, b: { 0: 3 } } }, /b entry "0" is not an array of non-negative counts/],
    ['a statement without a start line', { 'a.js': { ...f, statementMap: { ...f.statementMap, 1: { start: {} } } } }, /statementMap entry "1" has no start line/],
    ['summary and final entries in one document', { 'a.js': f, 'b.js': entry([1, 1], [0, 0], [0, 0]) }, /mixes coverage-summary entries .* and coverage-final entries/],
    ['one entry that is both', { 'a.js': { ...f, ...entry([1, 1], [0, 0], [0, 0]) } }, /both a summary entry \(lines\) and a coverage-final entry/],
    ['one file under two spellings', { './a.js': f, 'a.js': f }, /names a file already listed under another spelling/],
  ];
  for (const [what, doc, message] of cases) {
    it(`refuses ${what}`, async () => {
      await rejects(readReport(JSON.stringify(doc)), message);
    });
  }
});

describe('istanbul: a large coverage-final.json through the built CLI', () => {
  it('is read entry by entry and map by map, in bounded memory', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'rg-istanbul-big-'));
    try {
      await mkdir(path.join(dir, 'ev'));
      // 1,500 files of 400 statements, 40 functions and 60 two-way branches (80 MB)
      const out = createWriteStream(path.join(dir, 'ev/coverage-final.json'));
      out.write('{');
      for (let i = 0; i < 1500; i++) {
        const statements: [number, number][] = Array.from({ length: 400 }, (_, k) => [1 + Math.floor(k / 2), k % 3 === 0 ? 0 : 1]);
        const file = finalFile(`/repo/src/module-${i}/index.js`, statements, Array.from({ length: 40 }, (_, k) => k % 4), Array.from({ length: 60 }, (_, k) => [k % 2, 1]));
        if (!out.write(`${i ? ',' : ''}${JSON.stringify(file.path)}:${JSON.stringify(file)}`)) await new Promise<void>((r) => out.once('drain', () => r()));
      }
      out.end('}');
      await new Promise<void>((r) => out.on('finish', () => r()));
      await writeFile(path.join(dir, 'gate.yml'), 'version: 1\ncriteria:\n  - id: big\n    evidence: { path: "coverage-final.json", format: istanbul }\n    expect: { statements: ">= 60%", lines.total: "== 300000" }\n');
      const json = path.join(dir, 'report.json');
      const run = await runCliBounded(['check', '--policy', path.join(dir, 'gate.yml'), '--evidence', path.join(dir, 'ev'), '--json', json], { timeoutMs: 60_000 });
      expect(run.timedOut).toBe(false);
      const report = JSON.parse(await readFile(json, 'utf8')) as { criteria: { status: string; metrics: Record<string, number> }[] };
      // statements: 2 of 3 ran; lines: two statements a line, a line covered if either ran
      expect(report.criteria[0]!.metrics).toMatchObject({ 'statements.total': 600_000, 'statements.covered': 1500 * 266, 'lines.total': 300_000, 'lines.covered': 300_000 });
      expect(report.criteria[0]!.status).toBe('passed');
      // measured: 250 MB peak, the 80 MB file included; the document built whole (JSON.parse)
      // takes 300 MB more than its text
      expect(run.peakRss).toBeLessThan(400 * MB);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }, 90_000);
});

describe('istanbul: statements (Jest coverageThreshold key)', () => {
  it('from the summary: per-file statements add up; "total" alone stands in for them', async () => {
    const withStatements = (e: ReturnType<typeof entry>, covered: number, total: number) => ({ ...e, statements: { total, covered, skipped: 0, pct: 0 } });
    const perFile = await readReport(JSON.stringify({ total: withStatements(entry([0, 0], [0, 0], [0, 0]), 0, 99), 'a.js': withStatements(entry([1, 2], [0, 0], [1, 1]), 3, 4), 'b.js': withStatements(entry([1, 2], [0, 0], [1, 1]), 1, 4) }));
    expect(istanbulReader.metrics(perFile)).toMatchObject({ statements: { value: 50, unit: '%' }, 'statements.covered': { value: 4 }, 'statements.total': { value: 8 } });
    const totalOnly = await readReport(JSON.stringify({ total: withStatements(entry([1, 2], [0, 0], [1, 1]), 7, 10) }));
    expect(istanbulReader.metrics(totalOnly)).toMatchObject({ statements: { value: 70, unit: '%' } });
  });

  it('a summary without statements gives no statements metric, and says so', async () => {
    const noStatements: Partial<ReturnType<typeof entry>> = entry([1, 2], [0, 0], [1, 1]);
    delete noStatements.statements;
    const model = await readReport(JSON.stringify({ 'a.js': noStatements }), 'old-summary.json');
    expect(istanbulReader.metrics(model).statements).toBeUndefined();
    expect(istanbulReader.notes!(model).statements).toBe('old-summary.json has no statements counts');
  });

  it('through the built CLI: gates on statements from coverage-final.json as Jest would', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'rg-istanbul-'));
    try {
      await mkdir(path.join(dir, 'ev'));
      await writeFile(path.join(dir, 'ev/coverage-final.json'), await readFile(path.join(FIXTURES, 'istanbul/jest-coverage-final.json')));
      await writeFile(path.join(dir, 'ev/coverage-summary.json'), await readFile(path.join(FIXTURES, 'istanbul/jest-coverage-summary.json')));
      // jest's coverageThreshold { statements: 80 } fails on this run (71.42%), { lines: 80 } passes (83.33%)
      await writeFile(
        path.join(dir, 'gate.yml'),
        `version: 1
criteria:
  - id: final-statements
    evidence: { path: "coverage-final.json", format: istanbul }
    expect: { statements: ">= 80%" }
  - id: final-lines
    evidence: { path: "coverage-final.json", format: istanbul }
    expect: { lines: ">= 80%", statements.total: "== 7" }
  - id: summary-statements
    evidence: { path: "coverage-summary.json", format: istanbul }
    expect: { statements: ">= 70%" }
`,
      );
      const json = path.join(dir, 'report.json');
      const r = await runCli(['check', '--policy', path.join(dir, 'gate.yml'), '--evidence', path.join(dir, 'ev'), '--json', json]);
      const report = JSON.parse(await readFile(json, 'utf8')) as { criteria: { id: string; status: string; metrics: Record<string, number> }[] };
      expect(report.criteria.map((c) => [c.id, c.status])).toEqual([
        ['final-statements', 'failed'],
        ['final-lines', 'passed'],
        ['summary-statements', 'passed'],
      ]);
      expect(report.criteria[0]!.metrics['statements']).toBeCloseTo(71.428, 2);
      expect(r.code).not.toBe(0);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }, 30_000);
});
