import { readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ctrf } from '../../src/readers/ctrf.js';
import { FORMATS } from '../../src/readers/index.js';
import { RESULTS_METRICS } from '../../src/readers/test-results.js';
import { CONFORMANCE, FIXTURES, evidenceError, manifest } from '../helpers/evidence.js';
import { readConformance, readFixture, readText, runGate } from '../helpers/results.js';

function ctrfDoc(tests: Record<string, unknown>[], summary: Record<string, unknown> = {}): string {
  const n = (s: string) => tests.filter((t) => t.status === s).length;
  return JSON.stringify({
    reportFormat: 'CTRF',
    specVersion: '1.0.0',
    results: {
      tool: { name: 'runner' },
      summary: { tests: tests.length, passed: n('passed'), failed: n('failed'), pending: n('pending'), skipped: n('skipped'), other: n('other'), start: 1000, stop: 4500, ...summary },
      tests: tests.map((t, i) => ({ name: `test ${i}`, duration: 5, ...t })),
    },
  });
}

describe('ctrf: conformance corpus (ctrf-io/ctrf examples, ctrf-io/github-test-reporter)', () => {
  const files = manifest().filter((e) => e.format === 'ctrf');
  it('covers every ctrf file of the manifest', () => {
    expect(files.map((e) => e.path).sort()).toEqual([
      'ctrf/ctrf/comprehensive.json',
      'ctrf/ctrf/minimal.json',
      'ctrf/ctrf/with-diagnostics.json',
      'ctrf/ctrf/with-insights.json',
      'ctrf/ctrf/with-retries.json',
      'ctrf/github-test-reporter/ctrf-report.json',
    ]);
  });
  // The upstream oracle is schema validity only; the counts each file declares in results.summary
  // are its own oracle: the reading equals them, `other` read as a failure (an error) and pending
  // as skipped.
  for (const entry of files) {
    it(`${entry.path} equals its own summary`, async () => {
      const doc = JSON.parse(readFileSync(path.join(CONFORMANCE, entry.path), 'utf8')) as { results: { summary: Record<string, number> } };
      const s = doc.results.summary;
      const m = await readConformance(ctrf, entry.path);
      expect({ tests: m.tests, passed: m.passed, failures: m.failures, errors: m.errors, skipped: m.skipped, notes: m.notes }).toEqual({
        tests: s.tests,
        passed: s.passed,
        failures: s.failed,
        errors: s.other,
        skipped: (s.skipped ?? 0) + (s.pending ?? 0),
        notes: [],
      });
      if (s.flaky !== undefined) expect(m.flaky).toBe(s.flaky);
    });
  }
  it('with-retries.json: the failed attempts of a test that then passed are not failures; it is flaky', async () => {
    expect(await readConformance(ctrf, 'ctrf/ctrf/with-retries.json')).toMatchObject({ tests: 2, passed: 2, failures: 0, errors: 0, flaky: 1, duration: 10 });
  });
  it('github-test-reporter: ANSI codes stripped, "other" named with why', async () => {
    const m = await readConformance(ctrf, 'ctrf/github-test-reporter/ctrf-report.json');
    expect(m.failing).toEqual([
      { suite: 'login.test.ts > profile', name: 'should display title', file: 'tests/login.test.ts', message: 'Timed out 5000ms waiting for expect(locator).toHaveTitle(expected)' },
      { suite: 'network.test.ts > network', name: 'should fail to update profile on network failure', file: 'tests/network.test.ts', message: 'Network Timeout' },
      { suite: 'network.test.ts > network', name: 'should clean up user session on logout', file: 'tests/network.test.ts', message: 'the test has status "other": how it ended is unknown' },
    ]);
  });
  it('comprehensive.json: a suite array and a line', async () => {
    expect((await readConformance(ctrf, 'ctrf/ctrf/comprehensive.json')).failing).toEqual([
      { suite: 'Admin > Dashboard', name: 'admin dashboard loads', file: 'tests/admin/dashboard.test.js', line: 42, message: 'Element not found: .dashboard-metrics' },
    ]);
  });

  describe("the schema's invalid documents (ctrf/tests/ctrf.test.json)", () => {
    const suite = JSON.parse(readFileSync(path.join(CONFORMANCE, 'ctrf/ctrf/tests/ctrf.test.json'), 'utf8')) as { tests: { description: string; valid: boolean; data?: unknown }[] };
    const invalid = suite.tests.filter((t) => !t.valid && t.data !== undefined);
    it('holds the documents this test knows', () => {
      expect(invalid.length).toBeGreaterThanOrEqual(10);
    });
    for (const t of invalid) {
      it(t.description, async () => {
        const text = JSON.stringify(t.data);
        const read = await readText(ctrf, text).catch((e: unknown) => e as Error);
        if (/Missing results|Missing tests array|Invalid reportFormat/.test(t.description)) {
          // nothing to count: refused
          expect(read).toBeInstanceOf(Error);
        } else if (/Invalid test status/.test(t.description)) {
          // a status CTRF does not define is a failure
          expect(read).toMatchObject({ errors: 1, passed: 0 });
        } else {
          // schema details that do not change a count (a missing name, duration, tool name or
          // specVersion, extra properties) are read: producers in use write them so
          // (github-test-reporter's own report has no reportFormat, jest-ctrf-json-reporter
          // writes specVersion 0.0.0), and the counts are the tests' own
          expect(read).not.toBeInstanceOf(Error);
        }
      });
    }
  });
});

describe('ctrf: real jest-ctrf-json-reporter 0.0.11 output (fixtures/ctrf/README.md)', () => {
  it("jest's todo test is written as other with rawStatus todo: read as skipped, as Jest means it", async () => {
    const m = await readFixture(ctrf, 'ctrf/jest-ctrf-mixed.json');
    // the summary declares other: 1, the todo test: not a failure, and not added back as one
    expect(m).toMatchObject({ tests: 7, passed: 4, failures: 1, errors: 0, skipped: 2, notes: [] });
    expect(m.failing).toEqual([{ suite: 'math.test.js > math', name: 'math adds wrongly', file: '/tmp/jsprod/jestproj/src/math.test.js', line: 8, message: 'Error: expect(received).toBe(expected) // Object.is equality' }]);
  });
  it('is registered under the name the policy uses', () => {
    expect(FORMATS.ctrf).toBe(ctrf);
    expect(ctrf.testResults).toBe(true);
    expect(ctrf.knownMetrics).toEqual(RESULTS_METRICS);
  });
});

describe('ctrf: counting', () => {
  const STATUS = { passed: 'passed', failed: 'failures', skipped: 'skipped', pending: 'skipped', other: 'errors' } as const;
  it('maps every status, and any other word, without hiding a failure; the summary only makes it worse', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.record({ status: fc.oneof(fc.constantFrom(...Object.keys(STATUS)), fc.string({ maxLength: 6 })), flaky: fc.boolean() }), { maxLength: 20 }),
        fc.nat(25),
        async (tests, declaredFailed) => {
          const m = await readText(ctrf, ctrfDoc(tests, { failed: declaredFailed }), 64);
          const want = { passed: 0, failures: 0, errors: 0, skipped: 0 };
          // own keys only: fast-check writes "toString" and "valueOf" too (errors, as any unknown word)
          for (const t of tests) want[Object.hasOwn(STATUS, t.status) ? STATUS[t.status as keyof typeof STATUS] : 'errors']++;
          const extra = Math.max(0, declaredFailed - tests.filter((t) => t.status === 'failed').length);
          want.errors += extra;
          expect(m).toMatchObject({ ...want, tests: tests.length + extra, flaky: tests.filter((t) => t.status === 'passed' && t.flaky).length });
          expect(m.notes.length).toBe(extra > 0 ? 1 : 0);
        },
      ),
      { numRuns: 150 },
    );
  });
  it('declared tests beyond those listed count as errors, with a note; duration from the summary', async () => {
    const m = await readText(ctrf, ctrfDoc([{ status: 'passed' }], { tests: 3 }));
    expect(m).toMatchObject({ tests: 3, passed: 1, errors: 2, duration: 3.5 });
    expect(m.notes).toEqual(['evidence.json: summary.tests declares 3 tests but the file shows 1; the worse figure counts (2 more errors)']);
  });
  it('other with a rawStatus that is not a not-run word is a failure', async () => {
    const m = await readText(ctrf, ctrfDoc([{ status: 'other', rawStatus: 'timedOut', message: '' }, { status: 'other', rawStatus: 'disabled' }]));
    expect(m).toMatchObject({ errors: 1, skipped: 1 });
    expect(m.failing[0]!.message).toBe('the test has status "other" (timedOut): how it ended is unknown');
  });
});

describe('ctrf: not a CTRF report is an error, never zero tests', () => {
  const cases: [string, string, RegExp][] = [
    ['empty file', '', /not valid JSON/],
    ['an array', '[]', /not a CTRF report/],
    ['results without tests', JSON.stringify({ results: { summary: {} } }), /holding a "tests" array/],
    ['another reportFormat', JSON.stringify({ reportFormat: 'JUnit', results: { tests: [] } }), /reportFormat is "JUnit", not "CTRF"/],
    ['a test that is not an object', JSON.stringify({ results: { tests: [1] } }), /an entry of results.tests is not an object/],
  ];
  for (const [what, text, message] of cases) {
    it(what, async () => {
      expect((await evidenceError(readText(ctrf, text))).message).toMatch(message);
    });
  }
});

describe('ctrf: through the built CLI', () => {
  it('gates on the real jest-ctrf report', async () => {
    const { code, report } = await runGate(
      { 'ctrf-report.json': await readFile(path.join(FIXTURES, 'ctrf/jest-ctrf-mixed.json')) },
      `version: 1
criteria:
  - id: ctrf
    evidence: { path: "ctrf-report.json", format: ctrf }
    expect: { failed: "== 0" }
  - id: count
    evidence: { path: "ctrf-report.json", format: ctrf }
    expect: { tests: "== 7", skipped: "== 2" }
`,
    );
    expect(report.criteria[0]).toMatchObject({ id: 'ctrf', status: 'failed' });
    expect(report.criteria[0]!.metrics).toMatchObject({ tests: 7, failed: 1, failures: 1 });
    expect(report.criteria[1]).toMatchObject({ id: 'count', status: 'passed' });
    expect(code).not.toBe(0);
  }, 30_000);
});
