import { createWriteStream } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { mochaJson } from '../../src/readers/mocha-json.js';
import { FORMATS } from '../../src/readers/index.js';
import { RESULTS_METRICS } from '../../src/readers/test-results.js';
import { MB, runCliBounded } from '../helpers/bounded.js';
import { FIXTURES, evidenceError, manifest } from '../helpers/evidence.js';
import { expectOracle, oracleEntries, readConformance, readFixture, readText, runGate } from '../helpers/results.js';

interface Test {
  title: string;
  fullTitle?: string;
  file?: string;
  currentRetry?: number;
  err?: Record<string, unknown>;
}

function mochaDoc(arrays: { passes?: Test[]; pending?: Test[]; failures?: Test[]; tests?: Test[] }, stats: Record<string, unknown> = {}): string {
  const passes = arrays.passes ?? [];
  const pending = arrays.pending ?? [];
  const failures = arrays.failures ?? [];
  const hook = (t: Test) => /^"(before|after) (all|each)" hook/.test(t.title);
  const tests = arrays.tests ?? [...passes, ...pending, ...failures.filter((t) => !hook(t))];
  const full = (t: Test) => ({ fullTitle: `suite ${t.title}`, file: '/repo/test/a.spec.js', currentRetry: 0, err: {}, duration: 1, ...t });
  return JSON.stringify({
    stats: { suites: 1, tests: tests.length, passes: passes.length, pending: pending.length, failures: failures.length, duration: 12, ...stats },
    tests: tests.map(full),
    pending: pending.map(full),
    failures: failures.map(full),
    passes: passes.map(full),
  });
}

describe('mocha-json: conformance corpus (dorny/test-reporter, EnricoMi/publish-unit-test-result-action)', () => {
  it('covers every mocha-json file of the manifest', () => {
    expect(manifest().filter((e) => e.format === 'mocha-json').map((e) => e.path).sort()).toEqual(
      ['mocha-json/dorny/empty/mocha-json.json', 'mocha-json/dorny/external/mocha-test-results.json', 'mocha-json/dorny/mocha-json.json', 'mocha-json/enricomi/tests.json'],
    );
  });
  for (const entry of oracleEntries('mocha-json')) {
    it(`${entry.path} equals its oracle (${JSON.stringify(entry.expected)})`, async () => {
      // EnricoMi's oracle splits tests.json's two failures into 1 failure ("UnexpectedError", an
      // assertion library's error) + 1 error ("Error: Required"): so does this reader. dorny
      // gives only failed = failures + errors.
      expectOracle(await readConformance(mochaJson, entry.path), entry.expected!);
    });
  }
  it('dorny/mocha-json.json: the failing tests by name and place (Windows paths, a time-out)', async () => {
    const m = await readConformance(mochaJson, 'mocha-json/dorny/mocha-json.json');
    expect(m).toMatchObject({ failures: 1, errors: 3, duration: 0.012 });
    expect(m.failing.map((f) => [f.name, f.line, f.message])).toEqual([
      ['Timeout test', undefined, 'Timeout of 1ms exceeded. For async tests and hooks, ensure "done()" is called; if returning a Promise, ensure it resolves. (C:\\Users\\Michal\\Workspace\\dorny\\test-reporter\\reports\\mocha\\test\\second.test.js)'],
      ['Failing test', 11, 'Expected values to be strictly equal:'],
      ['Exception in target unit', 15, 'Some error'],
      ['Exception in test', 22, 'Some error'],
    ]);
    expect(m.failing[1]).toMatchObject({ suite: 'Test 1 Test 1.1', file: 'C:\\Users\\Michal\\Workspace\\dorny\\test-reporter\\reports\\mocha\\test\\main.test.js' });
  });
});

describe('mocha-json: real mocha 12.0 output (fixtures/mocha-json/README.md)', () => {
  it('a failed assertion, an exception, skipped and pending tests, failing before/after hooks and a retried test', async () => {
    const m = await readFixture(mochaJson, 'mocha-json/mocha-mixed.json');
    // mocha's stats: tests 8, passes 4, pending 2, failures 4 (two of them hooks, which are not in "tests")
    expect(m).toMatchObject({ tests: 10, passed: 4, failures: 1, errors: 3, skipped: 2, flaky: 1, notes: [] });
    expect(m.failing).toEqual([
      { suite: 'math', name: 'adds wrongly', file: '/tmp/jsprod/mochaproj/test/math.spec.js', line: 8, message: 'Expected values to be strictly equal:' },
      { suite: 'math', name: 'throws a plain error', file: '/tmp/jsprod/mochaproj/test/math.spec.js', line: 13, message: 'not an assertion' },
      { suite: 'with a failing after hook', name: '"after all" hook for "passes itself"', file: '/tmp/jsprod/mochaproj/test/hooks.spec.js', line: 5, message: 'teardown broke' },
      { suite: 'with a failing before hook', name: '"before all" hook for "never runs"', file: '/tmp/jsprod/mochaproj/test/hooks.spec.js', line: 14, message: 'setup broke' },
    ]);
  });
  it('a green run', async () => {
    expect(await readFixture(mochaJson, 'mocha-json/mocha-green.json')).toMatchObject({ tests: 1, passed: 1, failures: 0, errors: 0, failing: [] });
  });
  it('is registered under the name the policy uses', () => {
    expect(FORMATS['mocha-json']).toBe(mochaJson);
    expect(mochaJson.testResults).toBe(true);
    expect(mochaJson.knownMetrics).toEqual(RESULTS_METRICS);
  });
});

describe('mocha-json: counting', () => {
  const arbTest = fc.record({ title: fc.string({ maxLength: 6 }), currentRetry: fc.nat(2) });
  const arbFailure = fc.record({
    title: fc.oneof(fc.string({ maxLength: 6 }), fc.constantFrom('"before all" hook', '"after each" hook for "x"', '"after all" hook: cleanup for "y"')),
    err: fc.constantFrom<Record<string, unknown>>({ stack: 'AssertionError [ERR_ASSERTION]: no', message: 'no' }, { code: 'ERR_ASSERTION', message: 'no' }, { stack: 'Error: boom', message: 'boom' }, {}),
  });

  it('every entry of passes, pending and failures is one test; hooks and non-assertion errors are errors; retried passes are flaky', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(arbTest, { maxLength: 10 }), fc.array(arbTest, { maxLength: 5 }), fc.array(arbFailure, { maxLength: 10 }), async (passes, pending, failures) => {
        const m = await readText(mochaJson, mochaDoc({ passes, pending, failures }), 64);
        const hook = (t: { title: string }) => /^"(before|after) (all|each)" hook/.test(t.title);
        const assertion = failures.filter((f) => !hook(f) && (f.err.code === 'ERR_ASSERTION' || String(f.err.stack ?? '').startsWith('AssertionError'))).length;
        expect(m).toMatchObject({
          tests: passes.length + pending.length + failures.length,
          passed: passes.length,
          skipped: pending.length,
          failures: assertion,
          errors: failures.length - assertion,
          flaky: passes.filter((t) => t.currentRetry > 0).length,
          notes: [],
        });
      }),
      { numRuns: 150 },
    );
  });

  it('tests listed beyond what passes, pending and failures account for, and declared stats beyond the arrays, count as errors with a note', async () => {
    const listedOnly = await readText(mochaJson, mochaDoc({ passes: [{ title: 'a' }], tests: [{ title: 'a' }, { title: 'b' }, { title: 'c' }] }));
    expect(listedOnly).toMatchObject({ tests: 3, passed: 1, errors: 2 });
    expect(listedOnly.notes).toEqual(['evidence.json: "tests" lists 3 tests but passes, pending and failures account for 1; the worse figure counts (2 more errors)']);
    const declared = await readText(mochaJson, mochaDoc({ passes: [{ title: 'a' }] }, { failures: 4 }));
    expect(declared).toMatchObject({ tests: 5, passed: 1, errors: 4 });
    expect(declared.notes[0]).toMatch(/stats.failures declares 4 failures but the file shows 0/);
    // declarations below the elements change nothing
    expect(await readText(mochaJson, mochaDoc({ failures: [{ title: 'x', err: { message: 'x' } }] }, { failures: 0, tests: 0 }))).toMatchObject({ tests: 1, errors: 1, notes: [] });
  });
});

describe('mocha-json: not a mocha report is an error, never zero tests', () => {
  const cases: [string, string, RegExp][] = [
    ['empty file', '', /not valid JSON/],
    ['an array', '[]', /not a mocha json report: the document is not an object with "stats"/],
    ['jest json', JSON.stringify({ testResults: [] }), /with "stats"/],
    ['no failures array', JSON.stringify({ stats: {}, tests: [], passes: [], pending: [] }), /"failures" is missing/],
    ['passes not an array', JSON.stringify({ stats: {}, tests: [], passes: {}, pending: [], failures: [] }), /"passes" is not an array/],
    ['a failure that is not an object', JSON.stringify({ stats: {}, tests: [], passes: [], pending: [], failures: [1] }), /an entry of "failures" is not an object/],
  ];
  for (const [what, text, message] of cases) {
    it(what, async () => {
      expect((await evidenceError(readText(mochaJson, text))).message).toMatch(message);
    });
  }
});

describe('mocha-json: through the built CLI', () => {
  it('fails a gate on the real mixed run (hook failures counted), passes the green run', async () => {
    const { code, report } = await runGate(
      { 'mocha-mixed.json': await readFile(path.join(FIXTURES, 'mocha-json/mocha-mixed.json')), 'mocha-green.json': await readFile(path.join(FIXTURES, 'mocha-json/mocha-green.json')) },
      `version: 1
criteria:
  - id: mixed
    evidence: { path: "mocha-mixed.json", format: mocha-json }
    expect: { failed: "== 0" }
  - id: green
    evidence: { path: "mocha-green.json", format: mocha-json }
    expect: { failed: "== 0", tests: ">= 1" }
`,
    );
    const [mixed, green] = report.criteria;
    expect(mixed).toMatchObject({ id: 'mixed', status: 'failed' });
    expect(mixed!.metrics).toMatchObject({ tests: 10, passed: 4, failed: 4, failures: 1, errors: 3, skipped: 2, flaky: 1 });
    expect(green).toMatchObject({ id: 'green', status: 'passed' });
    expect(code).not.toBe(0);
  }, 30_000);

  it('reads a large report (every test listed twice) entry by entry in flat memory', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'rg-mocha-big-'));
    try {
      await mkdir(path.join(dir, 'ev'));
      // 100,000 tests, each in "tests" and in "passes" or "failures" (61 MB)
      const N = 100_000;
      const test = (i: number) =>
        JSON.stringify({
          title: `does thing ${i} ${'x'.repeat(80)}`,
          fullTitle: `suite ${i % 100} does thing ${i} ${'x'.repeat(80)}`,
          file: `/repo/test/file${i % 300}.spec.js`,
          duration: 2,
          currentRetry: 0,
          speed: 'fast',
          err: i % 1000 === 0 ? { message: 'expected 1 to equal 2', stack: `AssertionError: expected 1 to equal 2\n    at Context.<anonymous> (test/file${i % 300}.spec.js:12:5)` } : {},
        });
      const out = createWriteStream(path.join(dir, 'ev/mocha.json'));
      const write = async (text: string) => {
        if (!out.write(text)) await new Promise<void>((r) => out.once('drain', () => r()));
      };
      await write(`{"stats":{"suites":100,"tests":${N},"passes":${N - 100},"pending":0,"failures":100,"duration":5000},"tests":[`);
      for (let i = 0; i < N; i++) await write(`${i ? ',' : ''}${test(i)}`);
      await write('],"pending":[],"failures":[');
      for (let i = 0, first = true; i < N; i += 1000, first = false) await write(`${first ? '' : ','}${test(i)}`);
      await write('],"passes":[');
      for (let i = 1, first = true; i < N; i++) if (i % 1000 !== 0) await write(`${first ? ((first = false), '') : ','}${test(i)}`);
      out.end(']}');
      await new Promise<void>((r) => out.on('finish', () => r()));
      await writeFile(path.join(dir, 'gate.yml'), 'version: 1\ncriteria:\n  - id: big\n    evidence: { path: "mocha.json", format: mocha-json }\n    expect: { failed: "== 100" }\n');
      const json = path.join(dir, 'report.json');
      const run = await runCliBounded(['check', '--policy', path.join(dir, 'gate.yml'), '--evidence', path.join(dir, 'ev'), '--json', json], { timeoutMs: 60_000 });
      expect(run.timedOut).toBe(false);
      const report = JSON.parse(await readFile(json, 'utf8')) as { criteria: { status: string; metrics: Record<string, number> }[] };
      expect(report.criteria[0]!.metrics).toMatchObject({ tests: N, passed: N - 100, failed: 100, failures: 100 });
      expect(report.criteria[0]!.status).toBe('passed');
      // measured: 204 MB peak, the 61 MB file included; the document is checked, never built whole
      expect(run.peakRss).toBeLessThan(300 * MB);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }, 90_000);
});
