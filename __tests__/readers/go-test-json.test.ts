import { createWriteStream } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { goTestJson, MAX_RUNNING_TESTS } from '../../src/readers/go-test-json.js';
import { FORMATS } from '../../src/readers/index.js';
import { FAILING_TESTS_KEPT, type TestResults } from '../../src/readers/test-results.js';
import { runCliBounded } from '../helpers/bounded.js';
import { runCli } from '../helpers/cli.js';
import { CONFORMANCE, FIXTURES, bytesSource, context, evidenceError, fileSource, manifest } from '../helpers/evidence.js';

const read = (file: string): Promise<TestResults> => goTestJson.read(fileSource(file, 97), context(path.basename(file)));
const readText = (text: string, chunk = 13): Promise<TestResults> => goTestJson.read(bytesSource(text, chunk), context('inline.json'));
const counts = (r: TestResults) => ({ tests: r.tests, passed: r.passed, failures: r.failures, errors: r.errors, skipped: r.skipped });
const conformance = (file: string) => read(path.join(CONFORMANCE, 'go-test-json', file));
const fixture = (file: string) => read(path.join(FIXTURES, 'go-test-json', file));
const ev = (o: Record<string, unknown>) => JSON.stringify({ Time: '2026-01-01T00:00:00Z', ...o });

describe('go-test-json: registered as a test-results format', () => {
  it('is the policy word `go-test-json`, zero tests being no evidence', () => {
    expect(FORMATS['go-test-json']).toBe(goTestJson);
    expect(goTestJson.testResults).toBe(true);
    expect(Object.keys(goTestJson.knownMetrics!)).toEqual(['tests', 'passed', 'failed', 'failures', 'errors', 'skipped', 'flaky', 'duration']);
  });
});

describe('go-test-json: the conformance corpus against its oracles', () => {
  const entries = manifest().filter((e) => e.format === 'go-test-json');

  it('covers every go-test-json file of the manifest', () => {
    expect(entries.map((e) => e.path).sort()).toEqual([
      'go-test-json/go-junit-report/102-broken.gojson.txt',
      'go-test-json/go-junit-report/105-panic.gojson.txt',
      'go-test-json/go-junit-report/108-paniclate.gojson.txt',
      'go-test-json/gotestsum/go-test-json-flaky-rerun.out',
      'go-test-json/gotestsum/go-test-json-with-nonjson-stdout.out',
      'go-test-json/gotestsum/input/go-test-build-failed.out',
      'go-test-json/gotestsum/input/go-test-json-missing-test-fail.out',
      'go-test-json/gotestsum/input/go-test-json-panic-race-1.out',
      'go-test-json/gotestsum/input/go-test-json-with-parallel-fails.out',
      'go-test-json/gotestsum/input/go-test-json.out',
      'go-test-json/gotestsum/input/go-test-setup-failed.out',
      'go-test-json/dorny/golang-json.json',
    ].sort());
  });

  const oracle = (p: string) => entries.find((e) => e.path === `go-test-json/${p}`)!.expected as Record<string, number>;
  /** failed tests by the oracle's own words: dorny's failures_plus_errors, or failures + errors */
  const oracleFailed = (o: Record<string, number>) => o.failures_plus_errors ?? o.failures! + o.errors!;

  it('dorny/golang-json.json: equal to dorny (parent TestCases and its 6 subtests all count)', async () => {
    const r = await conformance('dorny/golang-json.json');
    const o = oracle('dorny/golang-json.json');
    expect(counts(r)).toEqual({ tests: o.tests, passed: o.passed, failures: oracleFailed(o), errors: 0, skipped: o.skipped });
    expect(r.failing.map((f) => f.name)).toEqual(['TestFailing', 'TestPanicInsideFunction', 'TestPanicInsideTest', 'TestCases/2_+_3_=_4', 'TestCases/1_/_2_=_1', 'TestCases']);
    expect(r.failing[0]).toMatchObject({ suite: '_/home/james_t/git/test-reporter/reports/go', file: 'calculator_test.go', line: 19, message: 'expected 1+1 = 3, got 2' });
  });

  it('gotestsum go-test-json.out: 13 failed as gotestsum says; its package that fails without tests is a 60th (errored) test', async () => {
    // Deviation: gotestsum counts badmain's package failure among its 13 failures but not among
    // its 59 tests; here it is one errored test, so tests is 60 and failed (failures + errors) 13.
    const r = await conformance('gotestsum/input/go-test-json.out');
    const o = oracle('gotestsum/input/go-test-json.out');
    expect(counts(r)).toEqual({ tests: o.tests! + 1, passed: 42, failures: o.failures! - 1, errors: 1, skipped: o.skipped });
    expect(r.failures + r.errors).toBe(oracleFailed(o));
    expect(r.failing[0]).toMatchObject({ name: 'gotest.tools/gotestsum/testjson/internal/badmain', message: expect.stringMatching(/package failed with no failing test/) });
    expect(r.failing).toContainEqual({ suite: 'gotest.tools/gotestsum/testjson/internal/withfails', name: 'TestFailed', file: 'fails_test.go', line: 34, message: 'this failed' });
  });

  it('gotestsum parallel fails, pause/cont and out-of-order ends: equal', async () => {
    const r = await conformance('gotestsum/input/go-test-json-with-parallel-fails.out');
    const o = oracle('gotestsum/input/go-test-json-with-parallel-fails.out');
    expect(counts(r)).toEqual({ tests: o.tests, passed: 4, failures: o.failures, errors: o.errors, skipped: o.skipped });
  });

  it('gotestsum missing test fail event: the panicking test without an outcome is failed, placed at its _test.go frame: equal', async () => {
    const r = await conformance('gotestsum/input/go-test-json-missing-test-fail.out');
    expect(counts(r)).toEqual({ tests: 1, passed: 0, failures: 1, errors: 0, skipped: 0 });
    expect(r.failing).toEqual([
      { suite: 'gotest.tools/v3/poll', name: 'TestWaitOn_WithCompare', file: '/home/daniel/pers/code/gotest.tools/poll/poll_test.go', line: 81, message: 'panic: runtime error: index out of range [1] with length 1' },
    ]);
  });

  it('gotestsum panic race: the test passed, the package timed out: one failed (errored) test beside the passed one', async () => {
    // Deviation: gotestsum says 1 test, 1 failure (the package's); here 2 tests, 1 passed and the
    // package one errored test, whose message is the time-out panic printed under the passed test
    const r = await conformance('gotestsum/input/go-test-json-panic-race-1.out');
    expect(counts(r)).toEqual({ tests: 2, passed: 1, failures: 0, errors: 1, skipped: 0 });
    expect(r.failures + r.errors).toBe(oracleFailed(oracle('gotestsum/input/go-test-json-panic-race-1.out')));
    expect(r.failing).toEqual([{ suite: 'github.com/mafredri/test', name: 'github.com/mafredri/test', message: 'panic: test timed out after 1s' }]);
  });

  it('gotestsum Go 1.24 build-fail / setup-failed: one errored test per package, with the compiler message via FailedBuild', async () => {
    // Deviation: gotestsum counts each build failure twice (a package failure and a build error,
    // "0 tests, 1 failure, 1 error"); here one errored test per package that did not build
    const build = await conformance('gotestsum/input/go-test-build-failed.out');
    expect(counts(build)).toEqual({ tests: 1, passed: 0, failures: 0, errors: 1, skipped: 0 });
    expect(build.failing).toEqual([{ suite: 'example.com/internal/cacher', name: 'example.com/internal/cacher', file: 'directory_test.go', line: 321, message: 'undefined: assert.foo' }]);
    const setup = await conformance('gotestsum/input/go-test-setup-failed.out');
    expect(counts(setup)).toEqual({ tests: 2, passed: 0, failures: 0, errors: 2, skipped: 0 });
    expect(setup.failing.map((f) => [f.file, f.line, f.message])).toEqual([
      ['directory_test.go', 321, "expected ';', found o"],
      ['subpkg/main_test.go', 1, "expected 'package', found aldfjadskfs"],
    ]);
  });

  it('gotestsum --rerun-fails stream: every run counts, so every failed run of the rerun report is a failure', async () => {
    const r = await conformance('gotestsum/go-test-json-flaky-rerun.out');
    const report = entries.find((e) => e.path.endsWith('flaky-rerun.out'))!.expected!.rerun_report as Record<string, { runs: number; failures: number }>;
    const failed = Object.values(report).reduce((n, t) => n + t.failures, 0);
    expect(r.failures).toBe(failed);
    for (const [name, t] of Object.entries(report)) expect(r.failing.filter((f) => f.name === name)).toHaveLength(t.failures);
  });

  it('gotestsum non-JSON stdout: refused, as gotestsum refuses it without its lenient flag', async () => {
    const err = await evidenceError(conformance('gotestsum/go-test-json-with-nonjson-stdout.out'));
    expect(err.message).toMatch(/line 2 is not a go test -json event \("\|\|\|This line is not valid test2json output\.\|\|\|"\)/);
    expect(err.position).toEqual({ line: 2 });
  });

  it('go-junit-report 102 (compiler output only), 105 (panic in init), 108 (panic after a pass): equal', async () => {
    for (const [file, want] of [
      ['go-junit-report/102-broken.gojson.txt', { tests: 1, passed: 0, failures: 0, errors: 1, skipped: 0 }],
      ['go-junit-report/105-panic.gojson.txt', { tests: 1, passed: 0, failures: 0, errors: 1, skipped: 0 }],
      ['go-junit-report/108-paniclate.gojson.txt', { tests: 2, passed: 1, failures: 0, errors: 1, skipped: 0 }],
    ] as const) {
      const r = await conformance(file);
      expect(counts(r), file).toEqual(want);
      expect(r.errors).toBe(oracle(file).errors);
      expect(r.tests).toBe(oracle(file).tests);
    }
    expect((await conformance('go-junit-report/102-broken.gojson.txt')).failing).toEqual([
      { suite: 'package/name/broken', name: 'package/name/broken', file: 'main.go', line: 4, message: 'unused declared but not used' },
    ]);
    expect((await conformance('go-junit-report/105-panic.gojson.txt')).failing[0]).toMatchObject({ file: '/src/package/name/panic/main_test.go', line: 6, message: 'panic: init' });
  });
});

describe('go-test-json: streams written by go1.19 (__tests__/fixtures/go-test-json/README.md)', () => {
  const failing = [
    { suite: 'example.com/gate/fail', name: 'TestBad', file: 'fail_test.go', line: 8, message: 'got 4, want 5' },
    { suite: 'example.com/gate/fail', name: 'TestParent/bad_sub', file: 'fail_test.go', line: 14, message: 'sub failed: reason' },
    { suite: 'example.com/gate/fail', name: 'TestParent' },
    { suite: 'example.com/gate/fail', name: 'TestPrintsPassButFails', file: 'fail_test.go', line: 19, message: '--- PASS: TestFake (0.00s)' },
    { suite: 'example.com/gate/panic', name: 'TestPanics', file: '/tmp/goprod/mod/panic/panic_test.go', line: 9, message: 'panic: assignment to entry in nil map [recovered]' },
  ];

  it("stdout only: the broken package's `FAIL … [build failed]` text line is an errored test; subtests and parents count", async () => {
    const r = await fixture('go119-stdout.jsonl');
    // fail: 4 tests + 2 subtests; panic: 2 run; pass: 2 + 2 subtests; skip: 2; timeout: 2; broken: 1
    expect(counts(r)).toEqual({ tests: 17, passed: 10, failures: 5, errors: 1, skipped: 1 });
    expect(r.failing).toEqual([{ suite: 'example.com/gate/broken', name: 'example.com/gate/broken', message: 'the package did not compile (build failed)' }, ...failing]);
    expect(r.duration).toBeCloseTo(5.098, 6);
  });

  it("stderr merged: the compiler's `# package` block gives the broken package its error and place", async () => {
    const r = await fixture('go119-2to1.jsonl');
    expect(counts(r)).toEqual({ tests: 17, passed: 10, failures: 5, errors: 1, skipped: 1 });
    expect(r.failing).toEqual([{ suite: 'example.com/gate/broken', name: 'example.com/gate/broken', file: 'broken/broken_test.go', line: 6, message: 'undefined: undefinedCall' }, ...failing]);
  });

  it('-timeout: the test cut off by the time-out panic has no outcome and is failed at its own frame', async () => {
    const r = await fixture('go119-timeout.jsonl');
    expect(counts(r)).toEqual({ tests: 2, passed: 1, failures: 1, errors: 0, skipped: 0 });
    expect(r.failing).toEqual([{ suite: 'example.com/gate/timeout', name: 'TestSlow', file: '/tmp/goprod/mod/timeout/timeout_test.go', line: 11, message: 'panic: test timed out after 1s' }]);
  });

  it('-bench: benchmarks have no outcome event and are not tests', async () => {
    expect(counts(await fixture('go119-bench.jsonl'))).toEqual({ tests: 1, passed: 1, failures: 0, errors: 0, skipped: 0 });
  });
});

/** A random package: top-level tests with subtests, each with an outcome or none (a crash). */
interface GoTest {
  name: string;
  outcome: 'pass' | 'fail' | 'skip' | 'none';
  subs: { name: string; outcome: 'pass' | 'fail' | 'skip' }[];
}
interface GoPackage {
  name: string;
  tests: GoTest[];
  /** how the package ends */
  end: 'pass' | 'fail' | 'fail-build' | 'cut';
}

const outcomeArb = fc.constantFrom<'pass' | 'fail' | 'skip'>('pass', 'fail', 'skip');
const packageArb = (i: number) =>
  fc.record({
    name: fc.constant(`example.com/p${i}`),
    tests: fc.uniqueArray(
      fc.record({
        name: fc.stringMatching(/^Test[A-Z][a-z]{0,5}$/),
        outcome: fc.constantFrom<GoTest['outcome']>('pass', 'fail', 'skip', 'none'),
        subs: fc.uniqueArray(fc.record({ name: fc.stringMatching(/^[a-z]{1,4}$/), outcome: outcomeArb }), { maxLength: 3, selector: (s) => s.name }),
      }),
      { maxLength: 5, selector: (t) => t.name },
    ),
    end: fc.constantFrom<GoPackage['end']>('pass', 'fail', 'fail-build', 'cut'),
  });

/** The events of packages run in parallel, interleaved by `order`, as go test -json writes them. */
function streamOf(packages: GoPackage[], order: number[]): string[] {
  const queues = packages.map((p) => {
    const q: string[] = [];
    if (p.end === 'fail-build') {
      q.push(JSON.stringify({ ImportPath: `${p.name} [${p.name}.test]`, Action: 'build-output', Output: `# ${p.name}\n` }));
      q.push(JSON.stringify({ ImportPath: `${p.name} [${p.name}.test]`, Action: 'build-output', Output: './x_test.go:3:1: syntax error\n' }));
      q.push(JSON.stringify({ ImportPath: `${p.name} [${p.name}.test]`, Action: 'build-fail' }));
      q.push(ev({ Action: 'fail', Package: p.name, Elapsed: 0, FailedBuild: `${p.name} [${p.name}.test]` }));
      return q;
    }
    q.push(ev({ Action: 'start', Package: p.name }));
    for (const t of p.tests) {
      q.push(ev({ Action: 'run', Package: p.name, Test: t.name }));
      q.push(ev({ Action: 'output', Package: p.name, Test: t.name, Output: `=== RUN   ${t.name}\n` }));
      for (const s of t.subs) {
        const sub = `${t.name}/${s.name}`;
        q.push(ev({ Action: 'run', Package: p.name, Test: sub }));
        if (s.outcome === 'fail') q.push(ev({ Action: 'output', Package: p.name, Test: sub, Output: `        x_test.go:${sub.length}: bad ${sub}\n` }));
        q.push(ev({ Action: s.outcome, Package: p.name, Test: sub, Elapsed: 0 }));
      }
      if (t.outcome === 'none') q.push(ev({ Action: 'output', Package: p.name, Test: t.name, Output: 'panic: boom\n' }));
      else q.push(ev({ Action: t.outcome, Package: p.name, Test: t.name, Elapsed: 0.5 }));
    }
    if (p.end !== 'cut') q.push(ev({ Action: p.end, Package: p.name, Elapsed: 1 }));
    return q;
  });
  const out: string[] = [];
  let k = 0;
  while (queues.some((q) => q.length > 0)) {
    const live = queues.filter((q) => q.length > 0);
    out.push(live[order[k++ % order.length]! % live.length]!.shift()!);
  }
  return out;
}

function expected(packages: GoPackage[]) {
  const t = { tests: 0, passed: 0, failures: 0, errors: 0, skipped: 0 };
  for (const p of packages) {
    if (p.end === 'fail-build') {
      t.tests++;
      t.errors++;
      continue;
    }
    let failedHere = 0;
    for (const test of p.tests) {
      for (const s of test.subs) {
        t.tests++;
        if (s.outcome === 'pass') t.passed++;
        else if (s.outcome === 'skip') t.skipped++;
        else {
          t.failures++;
          failedHere++;
        }
      }
      t.tests++;
      if (test.outcome === 'pass') t.passed++;
      else if (test.outcome === 'skip') t.skipped++;
      else {
        // fail, or no outcome when the package ends
        t.failures++;
        failedHere++;
      }
    }
    if ((p.end === 'fail' && failedHere === 0) || p.end === 'cut') {
      t.tests++;
      t.errors++;
    }
  }
  return t;
}

describe('go-test-json: any run, any interleaving, any chunking', () => {
  it('counts every test and subtest exactly; a failed, unbuilt or cut-off package always shows a failed test', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 4 }).chain((n) => fc.tuple(...Array.from({ length: n }, (_, i) => packageArb(i)))),
        fc.array(fc.nat(7), { minLength: 1, maxLength: 20 }),
        fc.integer({ min: 1, max: 200 }),
        async (packages, order, chunk) => {
          const r = await readText(streamOf(packages, order).join('\n') + '\n', chunk);
          expect(counts(r)).toEqual(expected(packages));
          for (const p of packages) {
            if (p.end !== 'pass') expect(r.failing.some((f) => f.suite === p.name)).toBe(true);
          }
          expect(r.failing.length).toBe(Math.min(r.failures + r.errors, FAILING_TESTS_KEPT));
          for (const f of r.failing.filter((x) => x.name.startsWith('Test') && x.name.includes('/'))) expect(f).toMatchObject({ file: 'x_test.go', line: f.name.length, message: `bad ${f.name}` });
        },
      ),
      { numRuns: 200 },
    );
  });
});

describe('go-test-json: lines that are not events', () => {
  it("tolerates go's own stderr: a `# package` block up to the next event, `go: ` lines and blank lines", async () => {
    const text = [
      'go: downloading example.com/dep v1.0.0',
      '# example.com/a [example.com/a.test]',
      './a_test.go:9:2: undefined: nope',
      '    note: something indented',
      'FAIL\texample.com/a [build failed]',
      '',
      ev({ Action: 'run', Package: 'example.com/b', Test: 'TestB' }),
      ev({ Action: 'pass', Package: 'example.com/b', Test: 'TestB' }),
      ev({ Action: 'pass', Package: 'example.com/b', Elapsed: 0.25 }),
    ].join('\n');
    const r = await readText(text);
    expect(counts(r)).toEqual({ tests: 2, passed: 1, failures: 0, errors: 1, skipped: 0 });
    expect(r.failing).toEqual([{ suite: 'example.com/a', name: 'example.com/a', file: 'a_test.go', line: 9, message: 'undefined: nope' }]);
    expect(r.duration).toBe(0.25);
  });

  it('refuses any other text, invalid JSON, a non-event and an unknown Action, naming the line', async () => {
    const ok = ev({ Action: 'run', Package: 'p', Test: 'TestA' });
    for (const [bad, why] of [
      ['ok  \texample.com/p\t0.1s', /line 2 is not a go test -json event \("ok {2}\\texample\.com\/p\\t0\.1s"\)/],
      ['{"Action":"pass"', /line 2 is not valid JSON/],
      ['{"Test":"TestA"}', /line 2 is not a go test -json event \(an object with an Action\)/],
      ['[1,2]', /line 2 is not a go test -json event/],
      [ev({ Action: 'explode', Package: 'p', Test: 'TestA' }), /line 2 has an unknown Action "explode"/],
    ] as const) {
      const err = await evidenceError(readText(`${ok}\n${bad}\n`));
      expect(err.message).toMatch(why);
    }
  });
});

describe('go-test-json: bounds', () => {
  it('long adversarial output lines (places, frames, compiler errors) are read in linear time', async () => {
    const n = 300_000;
    const lines = [
      ev({ Action: 'run', Package: 'p', Test: 'TestA' }),
      ev({ Action: 'output', Package: 'p', Test: 'TestA', Output: `    ${'a.go:1'.repeat(n / 6)}: x\n` }),
      ev({ Action: 'output', Package: 'p', Test: 'TestA', Output: `    ${'.go:'.repeat(n / 4)}1\n` }),
      ev({ Action: 'output', Package: 'p', Test: 'TestA', Output: 'panic: boom\n' }),
      ev({ Action: 'output', Package: 'p', Test: 'TestA', Output: `\t${'x_test.go:1'.repeat(n / 11)} +0x1\n` }),
      ev({ Action: 'fail', Package: 'p', Test: 'TestA' }),
      ev({ Action: 'fail', Package: 'p' }),
      `# q`,
      `${'b.go:2'.repeat(n / 6)}: y`,
      `FAIL${' '.repeat(n)}q${' '.repeat(n)}[build failed]x`,
      `FAIL\tq [build failed]`,
    ];
    const started = performance.now();
    const r = await readText(lines.join('\n') + '\n', 65536);
    expect(counts(r)).toEqual({ tests: 2, passed: 0, failures: 1, errors: 1, skipped: 0 });
    expect(performance.now() - started).toBeLessThan(20_000); // quadratic: minutes
  });

  it(`refuses more than MAX_RUNNING_TESTS (${MAX_RUNNING_TESTS}) tests running at once, and takes any number one after another`, async () => {
    const running = Array.from({ length: MAX_RUNNING_TESTS + 1 }, (_, i) => `{"Action":"run","Package":"p","Test":"TestParallel/${i}"}`).join('\n');
    const err = await evidenceError(readText(running, 65536));
    expect(err.message).toMatch(new RegExp(`line ${MAX_RUNNING_TESTS + 1} starts more than ${MAX_RUNNING_TESTS} tests running at once`));
    const sequential = Array.from({ length: MAX_RUNNING_TESTS + 1 }, (_, i) => `{"Action":"run","Package":"p","Test":"T${i}"}\n{"Action":"pass","Package":"p","Test":"T${i}"}`).join('\n');
    const r = await readText(`${sequential}\n{"Action":"pass","Package":"p"}\n`, 65536);
    expect(r.passed).toBe(MAX_RUNNING_TESTS + 1);
  });

  it('a stream cut short: running tests are failed, the package an errored test, with a note', async () => {
    const r = await readText([ev({ Action: 'run', Package: 'p', Test: 'TestA' }), ev({ Action: 'pass', Package: 'p', Test: 'TestA' }), ev({ Action: 'run', Package: 'p', Test: 'TestB' })].join('\n'));
    expect(counts(r)).toEqual({ tests: 3, passed: 1, failures: 1, errors: 1, skipped: 0 });
    expect(r.failing.map((f) => f.message)).toEqual([
      'the test has no result: its test binary ended before it did (panic, time-out or os.Exit)',
      'the stream ends before the result of this package: the run was cut short',
    ]);
    expect(r.notes).toEqual(['inline.json: the stream ends before the result of package "p"']);
  });
});

describe('go-test-json: through the built CLI', () => {
  it('fails a gate on a package that did not build although every test that ran passed', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'rg-gojson-'));
    try {
      await mkdir(path.join(dir, 'ev'));
      const all = (await readFile(path.join(FIXTURES, 'go-test-json/go119-stdout.jsonl'), 'utf8')).split('\n');
      // only the packages whose tests all passed, plus the broken one's text line
      const passing = all.filter((l) => /gate\/(pass|skip|broken)/.test(l));
      await writeFile(path.join(dir, 'ev/go.jsonl'), passing.join('\n') + '\n');
      await writeFile(path.join(dir, 'ev/timeout.jsonl'), await readFile(path.join(FIXTURES, 'go-test-json/go119-timeout.jsonl')));
      await writeFile(
        path.join(dir, 'gate.yml'),
        `version: 1
criteria:
  - id: unit
    evidence: { path: "go.jsonl", format: go-test-json }
    expect: { failed: "== 0", tests: ">= 5" }
  - id: slow
    evidence: { path: "timeout.jsonl", format: go-test-json }
    expect: { failures: "== 1", passed: "== 1", duration: "< 2s" }
`,
      );
      const json = path.join(dir, 'report.json');
      const r = await runCli(['check', '--policy', path.join(dir, 'gate.yml'), '--evidence', path.join(dir, 'ev'), '--json', json]);
      const report = JSON.parse(await readFile(json, 'utf8')) as { criteria: { id: string; status: string; metrics: Record<string, number> }[] };
      const [unit, slow] = report.criteria;
      expect(unit).toMatchObject({ id: 'unit', status: 'failed' });
      expect(unit!.metrics).toMatchObject({ tests: 7, passed: 5, skipped: 1, errors: 1, failed: 1 });
      expect(slow).toMatchObject({ id: 'slow', status: 'passed' });
      expect(r.code).not.toBe(0);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }, 30_000);

  it('reads a large stream of many packages and chatty tests in flat memory', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'rg-gojson-big-'));
    try {
      await mkdir(path.join(dir, 'ev'));
      const out = createWriteStream(path.join(dir, 'ev/big.jsonl'));
      const packages = 400;
      const tests = 250;
      for (let p = 0; p < packages; p++) {
        const pkg = `example.com/big/p${p}`;
        const lines: string[] = [];
        for (let t = 0; t < tests; t++) {
          const test = `TestCase${t}/sub_${t}`;
          lines.push(`{"Time":"2026-01-01T00:00:00.000000001Z","Action":"run","Package":"${pkg}","Test":"${test}"}`);
          lines.push(`{"Time":"2026-01-01T00:00:00.000000001Z","Action":"output","Package":"${pkg}","Test":"${test}","Output":"    big_test.go:${t}: ${'log '.repeat(20)}\\n"}`);
          lines.push(`{"Time":"2026-01-01T00:00:00.000000001Z","Action":"${t % 50 === 0 ? 'fail' : 'pass'}","Package":"${pkg}","Test":"${test}","Elapsed":0.01}`);
        }
        lines.push(`{"Time":"2026-01-01T00:00:00.000000001Z","Action":"fail","Package":"${pkg}","Elapsed":2.5}`);
        if (!out.write(lines.join('\n') + '\n')) await new Promise<void>((res) => out.once('drain', () => res()));
      }
      await new Promise<void>((res) => out.end(() => res()));
      await writeFile(path.join(dir, 'gate.yml'), 'version: 1\ncriteria:\n  - id: big\n    evidence: { path: "big.jsonl", format: go-test-json }\n    expect: { failed: "== 0" }\n');
      const json = path.join(dir, 'report.json');
      const run = await runCliBounded(['check', '--policy', path.join(dir, 'gate.yml'), '--evidence', path.join(dir, 'ev'), '--json', json], { timeoutMs: 60_000 });
      expect(run.timedOut).toBe(false);
      const report = JSON.parse(await readFile(json, 'utf8')) as { criteria: { metrics: Record<string, number> }[] };
      expect(report.criteria[0]!.metrics).toMatchObject({ tests: packages * tests, failed: packages * (tests / 50), duration: packages * 2.5 });
      expect(run.peakRss).toBeLessThan(200 * 1024 ** 2);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }, 90_000);
});
