import { createWriteStream } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { jestJson } from '../../src/readers/jest-json.js';
import { FORMATS } from '../../src/readers/index.js';
import { RESULTS_METRICS } from '../../src/readers/test-results.js';
import { MB, runCliBounded } from '../helpers/bounded.js';
import { FIXTURES, evidenceError } from '../helpers/evidence.js';
import { readFixture, readText, runGate } from '../helpers/results.js';

/** A jest --json document: files of [status, extra fields] assertions, and top-level fields. */
function jestDoc(files: { name?: string; status?: string; message?: string; tests: Record<string, unknown>[]; extra?: Record<string, unknown> }[], top: Record<string, unknown> = {}): string {
  return JSON.stringify({
    ...top,
    testResults: files.map((f, i) => ({
      assertionResults: f.tests.map((t, j) => ({ ancestorTitles: ['suite'], fullName: `suite test ${j}`, title: `test ${j}`, failureMessages: [], location: null, duration: 1, ...t })),
      message: f.message ?? '',
      name: f.name ?? `/repo/src/f${i}.test.js`,
      status: f.status ?? (f.tests.some((t) => t.status === 'failed') ? 'failed' : 'passed'),
      ...f.extra,
    })),
  });
}

describe('jest-json: real jest 30.5 output (fixtures/jest-json/README.md)', () => {
  it('a run with a failed test, a skipped and a todo test, an afterAll that threw and a file that could not load', async () => {
    const m = await readFixture(jestJson, 'jest-json/jest-mixed.json');
    // jest's own summary: "Tests: 1 failed, 1 skipped, 1 todo, 4 passed, 7 total" and "Test
    // Suites: 3 failed": the two files that failed to run (numRuntimeErrorTestSuites 2) count as
    // one errored test each
    expect(m).toMatchObject({ tests: 9, passed: 4, failures: 1, errors: 2, skipped: 2, flaky: 0, notes: [] });
    expect(m.failing).toEqual([
      // line 8: the frame of the failure in the test file (its location, line 7, is where it is declared)
      { suite: 'math', name: 'adds wrongly', file: '/tmp/jsprod/jestproj/src/math.test.js', line: 8, message: 'Error: expect(received).toBe(expected) // Object.is equality' },
      { name: 'Test suite failed to run', file: '/tmp/jsprod/jestproj/src/hooks.test.js', line: 3, message: 'teardown broke' },
      { name: 'Test suite failed to run', file: '/tmp/jsprod/jestproj/src/broken.test.js', line: 1, message: "Cannot find module './does-not-exist' from 'src/broken.test.js'" },
    ]);
    expect(m.duration).toBeCloseTo(0.011, 6);
  });

  it('jest.retryTimes(2): a test that passed on its second invocation is flaky, one that failed all three is one failed test', async () => {
    expect(await readFixture(jestJson, 'jest-json/jest-retry.json')).toMatchObject({ tests: 2, passed: 1, flaky: 1, failures: 1, errors: 0 });
  });

  it('Vitest 5.1 --reporter=json writes the same shape: a file that fails to import and an afterAll that threw are errored tests', async () => {
    const m = await readFixture(jestJson, 'jest-json/vitest-mixed.json');
    // vitest: numTotalTests 5, numFailedTests 1, numFailedTestSuites 4 (three files and the
    // describe block "math": not a count of files, so not compared), success false
    expect(m).toMatchObject({ tests: 7, passed: 2, failures: 1, errors: 2, skipped: 2, notes: [] });
    expect(m.failing).toEqual([
      { name: 'Test suite failed to run', file: '/tmp/vitestproj/broken.test.ts', message: "Cannot find module './does-not-exist' imported from /tmp/vitestproj/broken.test.ts" },
      { name: 'Test suite failed to run', file: '/tmp/vitestproj/hook.test.ts', message: 'teardown broke' },
      { suite: 'math', name: 'adds wrongly', file: '/tmp/vitestproj/math.test.ts', line: 4, message: 'AssertionError: expected 3 to be 4 // Object.is equality' },
    ]);
  });

  it('a green run', async () => {
    expect(await readFixture(jestJson, 'jest-json/jest-green.json')).toMatchObject({ tests: 1, passed: 1, failures: 0, errors: 0, skipped: 0, failing: [] });
  });

  it('is registered under the name the policy uses, with the test-results metrics', () => {
    expect(FORMATS['jest-json']).toBe(jestJson);
    expect(jestJson.testResults).toBe(true);
    expect(jestJson.knownMetrics).toEqual(RESULTS_METRICS);
  });
});

describe('jest-json: statuses', () => {
  const KNOWN: Record<string, 'passed' | 'failures' | 'errors' | 'skipped'> = {
    passed: 'passed',
    failed: 'failures',
    pending: 'skipped',
    skipped: 'skipped',
    todo: 'skipped',
    disabled: 'skipped',
    // neither passed nor skipped by Jest's definitions: how the test ended is unknown
    focused: 'errors',
  };

  it('maps every status Jest defines, and any other word, never hiding a failure', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.oneof(fc.constantFrom(...Object.keys(KNOWN)), fc.string({ maxLength: 8 })), { maxLength: 30 }), async (statuses) => {
        const m = await readText(jestJson, jestDoc([{ tests: statuses.map((status) => ({ status })) }]), 64);
        const want = { passed: 0, failures: 0, errors: 0, skipped: 0 };
        // own keys only: fast-check writes "toString" and "valueOf" too (errors, as any unknown word)
        for (const s of statuses) want[Object.hasOwn(KNOWN, s) ? KNOWN[s]! : 'errors']++;
        expect(m).toMatchObject({ tests: statuses.length, ...want });
        expect(m.failing.length).toBe(Math.min(100, want.failures + want.errors));
      }),
      { numRuns: 150 },
    );
  });

  it('a test with a status Jest does not define is named, with why', async () => {
    const m = await readText(jestJson, jestDoc([{ tests: [{ status: 'focused', title: 'only me' }] }]));
    expect(m.failing).toEqual([{ suite: 'suite', name: 'only me', file: '/repo/src/f0.test.js', message: 'the test has status "focused", which is neither passed, failed nor skipped' }]);
  });

  it('places a failure at the stack frame in its file, else at its declared location', async () => {
    const stack = 'Error: boom\n    at helper (/repo/src/util.js:3:9)\n    at Object.<anonymous> (/repo/src/f0.test.js:12:5)';
    const m = await readText(
      jestJson,
      jestDoc([
        {
          tests: [
            { status: 'failed', failureMessages: [stack], location: { line: 10, column: 3 } },
            { status: 'failed', failureMessages: ['Error: no frame here'], location: { line: 20, column: 3 } },
            { status: 'failed', failureMessages: ['\u001b[31mError: coloured\u001b[39m'] },
          ],
        },
      ]),
    );
    expect(m.failing.map((f) => [f.line, f.message])).toEqual([
      [12, 'Error: boom'],
      [20, 'Error: no frame here'],
      [undefined, 'Error: coloured'],
    ]);
  });
});

describe('jest-json: hostile messages', () => {
  it('places 100 failing tests with megabyte one-line stacks in bounded time (only the start of a stack is looked at, in linear time)', async () => {
    const shapes = ['a'.repeat(1 << 20), `(${'a/'.repeat(1 << 19)}`, ` ${'x'.repeat(1 << 20)}:`, `${'( '.repeat(1 << 19)}`];
    const tests = Array.from({ length: 100 }, (_, i) => ({ status: 'failed', failureMessages: [shapes[i % shapes.length]!] }));
    const started = performance.now();
    const m = await readText(jestJson, jestDoc([{ tests }]), 1 << 16);
    expect(m.failures).toBe(100);
    expect(m.failing.every((f) => f.line === undefined && (f.message?.length ?? 0) <= 300)).toBe(true);
    expect(performance.now() - started).toBeLessThan(20_000);
  });
});

describe('jest-json: test files that failed to run', () => {
  it('a failed file with no failed test counts as one errored test, from its message or testExecError', async () => {
    const m = await readText(
      jestJson,
      jestDoc([
        { status: 'failed', message: '  ● Test suite failed to run\n\n    SyntaxError: Unexpected token\n', tests: [] },
        { status: 'failed', message: '', tests: [{ status: 'passed' }], extra: { testExecError: { message: 'afterAll threw', stack: 'Error: afterAll threw\n    at /repo/src/f1.test.js:4:11' } } },
        { status: 'passed', tests: [], extra: { testExecError: { message: 'worker crashed' } } },
        { status: 'crashed', tests: [] },
      ]),
    );
    expect(m).toMatchObject({ tests: 5, passed: 1, errors: 4 });
    expect(m.failing).toEqual([
      { name: 'Test suite failed to run', file: '/repo/src/f0.test.js', message: 'SyntaxError: Unexpected token' },
      { name: 'Test suite failed to run', file: '/repo/src/f1.test.js', line: 4, message: 'afterAll threw' },
      { name: 'Test suite failed to run', file: '/repo/src/f2.test.js', message: 'worker crashed' },
      { name: 'Test suite failed to run', file: '/repo/src/f3.test.js', message: 'the test file has status "crashed", neither passed nor failed' },
    ]);
  });

  it('testExecError: null (a raw TestResult) is no error', async () => {
    expect(await readText(jestJson, jestDoc([{ status: 'passed', tests: [{ status: 'passed' }], extra: { testExecError: null } }]))).toMatchObject({ tests: 1, passed: 1, errors: 0 });
  });

  it('a file with failed tests is counted by its tests', async () => {
    const m = await readText(jestJson, jestDoc([{ status: 'failed', message: '● suite › test 0', tests: [{ status: 'failed' }, { status: 'passed' }] }]));
    expect(m).toMatchObject({ tests: 2, failures: 1, errors: 0 });
  });
});

describe('jest-json: top-level declarations can only make it worse', () => {
  it('declared failures beyond the elements count as errors, with a note; fewer change nothing', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.constantFrom('passed', 'failed', 'pending'), { maxLength: 12 }),
        fc.nat(20),
        fc.nat(5),
        fc.nat(5),
        fc.boolean(),
        async (statuses, numFailedTests, numRuntimeErrorTestSuites, numFailedTestSuites, success) => {
          // numFailedTestSuites is not compared (Vitest counts describe blocks in it): any value changes nothing
          const top = { numFailedTests, numRuntimeErrorTestSuites, numFailedTestSuites, success };
          const m = await readText(jestJson, jestDoc([{ tests: statuses.map((status) => ({ status })) }], top), 64);
          const failed = statuses.filter((s) => s === 'failed').length;
          const extra = Math.max(0, numFailedTests - failed, numRuntimeErrorTestSuites, !success && failed === 0 ? 1 : 0);
          expect(m.failures).toBe(failed);
          expect(m.errors).toBe(extra);
          expect(m.tests).toBe(statuses.length + extra);
          expect(m.notes.length).toBe(extra > 0 ? 1 : 0);
        },
      ),
      { numRuns: 150 },
    );
  });

  it('says which declaration won', async () => {
    const m = await readText(jestJson, jestDoc([{ tests: [{ status: 'passed' }] }], { numFailedTests: 3, success: false }));
    expect(m).toMatchObject({ tests: 4, passed: 1, errors: 3 });
    expect(m.notes).toEqual(['evidence.json: numFailedTests declares 3 failed tests but the file shows 0; the worse figure counts (3 more errors)']);
    expect(jestJson.notes!(m).failed).toBe(m.notes[0]);
    // tests declared but not listed: how they ended is unknown
    const unlisted = await readText(jestJson, jestDoc([{ tests: [{ status: 'passed' }] }], { numTotalTests: 5, numFailedTests: 0, success: true }));
    expect(unlisted).toMatchObject({ tests: 5, passed: 1, errors: 4 });
    expect(unlisted.notes[0]).toMatch(/numTotalTests declares 5 tests but the file shows 1/);
  });
});

describe('jest-json: not a jest report is an error, never zero tests', () => {
  const cases: [string, string, RegExp][] = [
    ['empty file', '', /not valid JSON/],
    ['an array', '[]', /not a jest --json report: the document is not an object with a "testResults" array/],
    ['mocha json', JSON.stringify({ stats: {}, tests: [], passes: [], failures: [], pending: [] }), /"testResults" array/],
    ['testResults not an array', JSON.stringify({ testResults: {} }), /"testResults" array/],
    ['a test file that is not an object', JSON.stringify({ testResults: [3] }), /an entry of testResults is not an object/],
    ['a test that is not an object', JSON.stringify({ testResults: [{ assertionResults: ['x'] }] }), /an entry of assertionResults is not an object/],
    ['a key repeated', '{"testResults": [{"name": "a", "name": "b", "assertionResults": []}]}', /duplicate key "name"/],
  ];
  for (const [what, text, message] of cases) {
    it(what, async () => {
      const err = await evidenceError(readText(jestJson, text));
      expect(err.message).toMatch(message);
    });
  }
});

describe('jest-json: through the built CLI', () => {
  it('fails a gate on the real mixed run and names the failing tests; passes the green run', async () => {
    const { code, report } = await runGate(
      { 'jest-mixed.json': await readFile(path.join(FIXTURES, 'jest-json/jest-mixed.json')), 'jest-green.json': await readFile(path.join(FIXTURES, 'jest-json/jest-green.json')) },
      `version: 1
criteria:
  - id: mixed
    evidence: { path: "jest-mixed.json", format: jest-json }
    expect: { failed: "== 0" }
  - id: green
    evidence: { path: "jest-green.json", format: jest-json }
    expect: { failed: "== 0", tests: ">= 1" }
`,
    );
    const [mixed, green] = report.criteria;
    expect(mixed).toMatchObject({ id: 'mixed', status: 'failed' });
    expect(mixed!.metrics).toMatchObject({ tests: 9, passed: 4, failed: 3, failures: 1, errors: 2, skipped: 2 });
    expect(green).toMatchObject({ id: 'green', status: 'passed' });
    expect(code).not.toBe(0);
  }, 30_000);

  it('reads a large report test by test in flat memory', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'rg-jest-big-'));
    try {
      await mkdir(path.join(dir, 'ev'));
      // 300 files of 500 tests (150,000 tests, 63 MB), one failing test per file
      const out = createWriteStream(path.join(dir, 'ev/jest.json'));
      out.write('{"numFailedTests":300,"success":false,"testResults":[');
      for (let f = 0; f < 300; f++) {
        const tests: string[] = [];
        for (let t = 0; t < 500; t++) {
          const failed = t === 7;
          tests.push(
            JSON.stringify({
              ancestorTitles: ['suite', `group ${t % 10}`],
              duration: 3,
              failureMessages: failed ? [`Error: expected 1 to be 2\n    at Object.<anonymous> (/repo/src/file${f}.test.js:${t + 1}:5)`] : [],
              fullName: `suite group ${t % 10} test number ${t} of file ${f} ${'x'.repeat(100)}`,
              location: { column: 3, line: t + 1 },
              status: failed ? 'failed' : t % 50 === 0 ? 'pending' : 'passed',
              title: `test number ${t} of file ${f} ${'x'.repeat(100)}`,
            }),
          );
        }
        if (!out.write(`${f ? ',' : ''}{"assertionResults":[${tests.join(',')}],"message":"","name":"/repo/src/file${f}.test.js","status":"failed"}`)) await new Promise<void>((r) => out.once('drain', () => r()));
      }
      out.end(']}');
      await new Promise<void>((r) => out.on('finish', () => r()));
      await writeFile(path.join(dir, 'gate.yml'), 'version: 1\ncriteria:\n  - id: big\n    evidence: { path: "jest.json", format: jest-json }\n    expect: { failed: "== 300" }\n');
      const json = path.join(dir, 'report.json');
      const run = await runCliBounded(['check', '--policy', path.join(dir, 'gate.yml'), '--evidence', path.join(dir, 'ev'), '--json', json], { timeoutMs: 60_000 });
      expect(run.timedOut).toBe(false);
      const report = JSON.parse(await readFile(json, 'utf8')) as { criteria: { status: string; metrics: Record<string, number> }[] };
      expect(report.criteria[0]!.metrics).toMatchObject({ tests: 150_000, failed: 300, skipped: 3000 });
      expect(report.criteria[0]!.status).toBe('passed');
      // measured: 205 MB peak, the 63 MB file included; JSON.parse of the text alone takes 245 MB
      // more (and the text as a string 126 MB)
      expect(run.peakRss).toBeLessThan(300 * MB);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }, 90_000);
});
