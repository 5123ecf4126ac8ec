import { describe, expect, it } from 'vitest';
import { istanbul } from '../../src/readers/istanbul.js';
import { COVERAGE_METRICS } from '../../src/readers/coverage.js';
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
import { bytesSource } from '../helpers/evidence.js';

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
    expect(istanbul.knownMetrics).toEqual(COVERAGE_METRICS);
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
    ['coverage-final.json (not a summary)', JSON.stringify({ '/x/a.js': { path: '/x/a.js', statementMap: {}, s: {}, fnMap: {}, f: {}, branchMap: {}, b: {} } }), /entry "\/x\/a.js" has no "lines" object/],
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
    const err = await rejects(readText(istanbul, twice), /coverage summary is not valid JSON: duplicate key "a.js" in one object/);
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
    const err = await rejects(readText(istanbul, `{"a.js": [${'{},'.repeat(200_000)}{}]}`, 65536), /^not an Istanbul coverage summary: entry "a\.js" is not an object$/);
    expect(err.position).toEqual({ line: 1, column: 10 });
  });

  it('gives the JSON error position', async () => {
    const err = await rejects(readText(istanbul, '{\n  "a.js": {\n    "lines": {"total": 1 "covered": 1}\n  }\n}'), /not valid JSON/);
    expect(err.position).toEqual({ line: 3, column: 26 });
  });
});
