import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createWriteStream } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { FORMATS } from '../../src/readers/index.js';
import { splitDirective, tap } from '../../src/readers/tap.js';
import { FAILING_TESTS_KEPT, type TestResults } from '../../src/readers/test-results.js';
import { runCliBounded } from '../helpers/bounded.js';
import { runCli } from '../helpers/cli.js';
import { CONFORMANCE, FIXTURES, bytesSource, context, evidenceError, fileSource, manifest } from '../helpers/evidence.js';

const read = (file: string): Promise<TestResults> => tap.read(fileSource(file, 53), context(path.basename(file)));
const readText = (text: string, chunk = 7): Promise<TestResults> => tap.read(bytesSource(text, chunk), context('inline.tap'));
const counts = (r: TestResults) => ({ tests: r.tests, passed: r.passed, failures: r.failures, errors: r.errors, skipped: r.skipped });

/** tap-parser's FinalResults, as manifest.json quotes them */
interface TapParserOracle {
  count: number;
  pass: number;
  fail: number;
  skip: number;
  todo: number;
  ok: boolean;
  bailout: string | false;
  plan: { start: number | null; end: number | null; skipAll: boolean };
}

describe('tap: registered as a test-results format', () => {
  it('is the policy word `tap`, zero tests being no evidence', () => {
    expect(FORMATS.tap).toBe(tap);
    expect(tap.testResults).toBe(true);
    expect(Object.keys(tap.knownMetrics!)).toEqual(['tests', 'passed', 'failed', 'failures', 'errors', 'skipped', 'flaky', 'duration']);
  });

  it('gives no duration, and says why', async () => {
    const r = await readText('1..1\nok 1 - a # time=12ms\n');
    expect(tap.metrics(r).duration).toBeUndefined();
    expect(tap.notes!(r).duration).toMatch(/TAP has no standard test times/);
  });
});

describe('tap: the conformance corpus against tap-parser (its snapshots under tap/tap-parser/oracle)', () => {
  const entries = manifest().filter((e) => e.format === 'tap');

  it('covers every tap file of the manifest', () => {
    expect(entries.map((e) => e.path).sort()).toEqual([
      'tap/tap-parser/bailout.tap',
      'tap/tap-parser/duplicates.tap',
      'tap/tap-parser/empty.tap',
      'tap/tap-parser/missing.tap',
      'tap/tap-parser/no-plan.tap',
      'tap/tap-parser/not-ok-todo.tap',
      'tap/tap-parser/perl-test2-buffered.tap',
      'tap/tap-parser/skip.tap',
      'tap/tap-parser/skipall.tap',
      'tap/tap-parser/subtest-stream-no-comment.tap',
      'tap/tap-parser/too-many.tap',
      'tap/tap-parser/yamlish.tap',
      'tap/tappy/sample_tap.txt',
    ]);
  });

  // Our reading of every file. Where tap-parser's verdict is not ok, ours fails too (a failed test
  // or no evidence); where it is ok, ours has no failed test. Deviations, each with its reason:
  const ours: Record<string, { results?: ReturnType<typeof counts>; refused?: RegExp; why: string }> = {
    'tap/tap-parser/bailout.tap': {
      results: { tests: 4, passed: 3, failures: 0, errors: 1, skipped: 0 },
      why: 'the bail-out is one errored test (tap-parser: fail 0, ok false): the failure is a test a reader can see',
    },
    'tap/tap-parser/duplicates.tap': { refused: /plans 10 tests \(1\.\.10, line 1\) but has 11 test points/, why: 'a plan mismatch is not evidence (tap-parser: fail 1)' },
    'tap/tap-parser/empty.tap': { refused: /is empty: no plan and no test points/, why: 'tap-parser reads an empty file as a skip-all, ok; an empty file is no evidence' },
    'tap/tap-parser/missing.tap': { refused: /plans 6 tests \(1\.\.6, line 2\) but has 5 test points/, why: 'a plan mismatch is not evidence (tap-parser: fail 1)' },
    'tap/tap-parser/no-plan.tap': { refused: /has no plan \(1\.\.N\) for its 4 test points/, why: 'a missing plan is not evidence (tap-parser: fail 1)' },
    'tap/tap-parser/not-ok-todo.tap': {
      results: { tests: 4, passed: 3, failures: 0, errors: 0, skipped: 1 },
      why: 'the failing TODO point is an expected failure: it does not fail the run (tap-parser ok true) and is counted as skipped, not passed',
    },
    'tap/tap-parser/perl-test2-buffered.tap': {
      results: { tests: 13, passed: 12, failures: 1, errors: 0, skipped: 0 },
      why: 'every point at every depth is a test: 5 top-level points and 8 subtest points (tap-parser counts the top level only)',
    },
    'tap/tap-parser/skip.tap': { results: { tests: 5, passed: 3, failures: 0, errors: 0, skipped: 2 }, why: 'equal: tap-parser counts skipped points in pass too' },
    'tap/tap-parser/skipall.tap': { results: { tests: 0, passed: 0, failures: 0, errors: 0, skipped: 0 }, why: 'equal: zero tests (the verdict makes that no evidence)' },
    'tap/tap-parser/subtest-stream-no-comment.tap': {
      results: { tests: 9, passed: 9, failures: 0, errors: 0, skipped: 0 },
      why: 'every point at every depth is a test: 2 top-level, 2 in the first level, 5 in the second',
    },
    'tap/tap-parser/too-many.tap': { refused: /plans 3 tests \(1\.\.3, line 9\) but has 4 test points/, why: 'a plan mismatch is not evidence, whatever the trailing "# pass 4" comments claim' },
    'tap/tap-parser/yamlish.tap': { results: { tests: 1, passed: 0, failures: 1, errors: 0, skipped: 0 }, why: 'equal' },
    'tap/tappy/sample_tap.txt': {
      results: { tests: 7, passed: 2, failures: 1, errors: 1, skipped: 3 },
      why: 'no upstream oracle: 1 ok, 1 unnumbered not ok, passing TODO, failing TODO (skipped), two SKIP points (skipped, `not ok` included), then the bail-out (errored); the `ok 7` after it is not read',
    },
  };

  for (const entry of entries) {
    it(`${entry.path}: ${ours[entry.path]?.why ?? 'read'}`, async () => {
      const want = ours[entry.path]!;
      const oracle = entry.expected as TapParserOracle | null;
      const file = path.join(CONFORMANCE, entry.path);
      if (want.refused) {
        const err = await evidenceError(read(file));
        expect(err.message).toMatch(want.refused);
        expect(err.message).toContain('not evidence');
        // refused only where tap-parser reports a failure or nothing at all
        if (oracle) expect(oracle.fail > 0 || oracle.count === 0).toBe(true);
        return;
      }
      const r = await read(file);
      expect(counts(r)).toEqual(want.results);
      if (oracle) {
        // never hides a failure: tap-parser's not-ok verdict is a failed test here, and its ok one has none
        expect(r.failures + r.errors > 0).toBe(!oracle.ok);
        expect(r.skipped).toBeGreaterThanOrEqual(oracle.skip);
      }
    });
  }

  it('names the failing tests with their YAML message', async () => {
    expect((await read(path.join(CONFORMANCE, 'tap/tap-parser/yamlish.tap'))).failing).toEqual([
      { name: 'Resolve address', message: "Failed with error 'hostname peebles.example.com not found'" },
    ]);
    expect((await read(path.join(CONFORMANCE, 'tap/tap-parser/perl-test2-buffered.tap'))).failing).toEqual([{ name: 'empty' }]);
    const tappy = await read(path.join(CONFORMANCE, 'tap/tappy/sample_tap.txt'));
    expect(tappy.failing.map((f) => f.name)).toEqual(['A failing test', 'Bail out! Something blew up.']);
  });
});

describe('tap: files written by real producers (__tests__/fixtures/tap/README.md)', () => {
  const fixture = (name: string) => read(path.join(FIXTURES, 'tap', name));

  it('bats --tap: a `#` in a name is part of it, the failing test placed by its `(in test file …, line N)` comment', async () => {
    const r = await fixture('bats.tap');
    expect(counts(r)).toEqual({ tests: 5, passed: 3, failures: 1, errors: 0, skipped: 1 });
    expect(r.failing).toEqual([{ name: 'issue #42: comparison fails', file: 'sample.bats', line: 13, message: "`[ \"$result\" -eq 5 ]' failed" }]);
  });

  it('bats --formatter tap13: the same run, its skipped test written `not ok … # SKIP`, the place read from the YAML message', async () => {
    const r = await fixture('bats-tap13.tap');
    expect(counts(r)).toEqual({ tests: 5, passed: 3, failures: 1, errors: 0, skipped: 1 });
    expect(r.failing).toEqual([{ name: 'issue #42: comparison fails', file: 'sample.bats', line: 13, message: "`[ \"$result\" -eq 5 ]' failed" }]);
  });

  it('Test::More: nested subtests, SKIP and TODO; every point counts, suites named by their subtests', async () => {
    const r = await fixture('test-more.tap');
    // 5 top-level points, 3 in "a subtest", 2 in "nested"; `not ok 4 … # TODO` is skipped
    expect(counts(r)).toEqual({ tests: 10, passed: 4, failures: 4, errors: 0, skipped: 2 });
    expect(r.failing).toEqual([
      { name: 'arithmetic is wrong' },
      { name: 'deep fails', suite: 'a subtest › nested' },
      { name: 'nested', suite: 'a subtest' },
      { name: 'a subtest' },
    ]);
  });

  it('Test::More with stderr merged: its `#   at FILE line N.` diagnostics place the failing tests', async () => {
    const r = await fixture('test-more-2to1.tap');
    expect(counts(r)).toEqual({ tests: 10, passed: 4, failures: 4, errors: 0, skipped: 2 });
    expect(r.failing).toEqual([
      { name: 'arithmetic is wrong', file: 't/sample.t', line: 6, message: "got: '4'" },
      { name: 'deep fails', suite: 'a subtest › nested', file: 't/sample.t', line: 12 },
      { name: 'nested', suite: 'a subtest', file: 't/sample.t', line: 14 },
      { name: 'a subtest', file: 't/sample.t', line: 19 },
    ]);
  });

  it("node --test (TAP 13, indented subtests): node's `location:` and `error:` place and explain the failing tests", async () => {
    const r = await fixture('node24.tap');
    // 3 top-level points, 5 in "arithmetic" (one a TODO failure, one skipped), 1 in "nested", 2 in the test with subtests
    expect(counts(r)).toEqual({ tests: 11, passed: 5, failures: 4, errors: 0, skipped: 2 });
    const file = '/tmp/tapprod/node/math.test.mjs';
    expect(r.failing).toEqual([
      { name: 'multiplies wrongly', suite: 'arithmetic', file, line: 6, message: 'Expected values to be strictly equal:' },
      { name: 'arithmetic', file, line: 4, message: '1 subtest failed' },
      { name: 'throws', suite: 'top-level with subtests', file, line: 16, message: 'boom' },
      { name: 'top-level with subtests', file, line: 14, message: '1 subtest failed' },
    ]);
  });
});

describe('tap: directives', () => {
  it('reads tap-parser\'s directive cases: `\\#` escaped and `word#skip` are names, `#sKiPpPy` is a skip', () => {
    expect(splitDirective('    # skip rain delay')).toEqual({ name: '', directive: 'skip' });
    expect(splitDirective('    \\#skip should not skip because escaped')).toEqual({ name: '#skip should not skip because escaped' });
    expect(splitDirective('    notskip, because testTitle#skip is not a directive')).toEqual({ name: 'notskip, because testTitle#skip is not a directive' });
    expect(splitDirective('    #sKiPpPyYy weird spelling but ok, skip it')).toEqual({ name: '', directive: 'skip' });
    expect(splitDirective(' - later # TODO not written')).toEqual({ name: 'later', directive: 'todo' });
    expect(splitDirective(' - first # time=11.345ms')).toEqual({ name: 'first' });
    // `\\#`: an escaped backslash, then a `#` glued to it: part of the name, as `word#skip` is
    expect(splitDirective(' - a \\\\# TODO x')).toEqual({ name: 'a \\# TODO x' });
    expect(splitDirective(' - a \\\\ # TODO x')).toEqual({ name: 'a \\', directive: 'todo' });
  });

  const nameChar = fc.constantFrom('a', 'b', 'Z', '1', ' ', '#', '\\', ':', '-', '(', ')', 'é', '😀');
  const name = fc
    .array(nameChar, { minLength: 1, maxLength: 20 })
    .map((cs) => cs.join('').trim())
    .filter((n) => n !== '' && !n.startsWith('-') && !n.endsWith('{'));
  const escape = (n: string) => n.replace(/[\\#]/g, (c) => `\\${c}`);

  it('an escaped name reads back exactly, whatever `#` and `\\` it holds', () => {
    fc.assert(
      fc.property(name, fc.constantFrom(undefined, 'SKIP', 'skip', 'TODO', 'todo'), (n, directive) => {
        const got = splitDirective(` - ${escape(n)}${directive ? ` # ${directive} why` : ''}`);
        expect(got.name).toBe(n);
        expect(got.directive).toBe(directive?.toLowerCase());
      }),
    );
  });

  it("an unescaped `#` (bats) never makes a failing test a TODO unless `# TODO` stands as a word", () => {
    const unescaped = fc.tuple(name, fc.constantFrom('todo-like', 'TODOs', 'todo:', 'issue 3', '42', 'todos later')).map(([n, tail]) => `${n} # ${tail}`);
    fc.assert(
      fc.asyncProperty(unescaped, async (n) => {
        fc.pre(!/(^|\s)#\s*skip/i.test(n) && !/(^|\s)#\s*todo(\s|$)/i.test(n));
        const r = await readText(`1..1\nnot ok 1 ${n}\n`);
        expect(counts(r)).toEqual({ tests: 1, passed: 0, failures: 1, errors: 0, skipped: 0 });
        expect(r.failing[0]!.name).toBe(n.replace(/\\([\\#])/g, '$1'));
      }),
      { numRuns: 60 },
    );
  });
});

/** A random run: points with outcomes and directives, some with streamed subtests. */
interface Point {
  ok: boolean;
  directive?: 'SKIP' | 'TODO';
  name: string;
  children?: Point[];
}

const pointArb: fc.Memo<Point> = fc.memo((depth) =>
  fc.record(
    {
      ok: fc.boolean(),
      directive: fc.constantFrom(undefined, undefined, 'SKIP' as const, 'TODO' as const),
      name: fc.stringMatching(/^[a-z][a-z #\\]{0,8}$/),
      children: depth > 1 ? fc.option(fc.array(pointArb(depth - 1), { maxLength: 4 }), { nil: undefined }) : fc.constant(undefined),
    },
    { requiredKeys: ['ok', 'name'] },
  ),
);

function writeTap(points: Point[], indent: string, planFirst: boolean, style: 'node' | 'more' | 'bare', out: string[]): void {
  const plan = `${indent}1..${points.length}`;
  if (planFirst) out.push(plan);
  points.forEach((p, i) => {
    if (p.children) {
      if (style === 'node') out.push(`${indent}# Subtest: ${p.name}`);
      if (style === 'more') out.push(`${indent}    # Subtest: ${p.name}`);
      writeTap(p.children, `${indent}    `, !planFirst, style, out);
    }
    const name = p.name.replace(/[\\#]/g, (c) => `\\${c}`);
    out.push(`${indent}${p.ok ? 'ok' : 'not ok'} ${i + 1} - ${name}${p.directive ? ` # ${p.directive} because` : ''}`);
    if (!p.ok && !p.directive && i % 2 === 0) out.push(`${indent}  ---`, `${indent}  message: 'bad ${i}'`, `${indent}  at:`, `${indent}    file: t/x.js`, `${indent}    line: ${i + 7}`, `${indent}  ...`);
  });
  if (!planFirst) out.push(plan);
}

function tallyOf(points: Point[]): { tests: number; passed: number; failures: number; skipped: number; failing: string[] } {
  const t = { tests: 0, passed: 0, failures: 0, skipped: 0, failing: [] as string[] };
  const walk = (ps: Point[]) => {
    for (const p of ps) {
      if (p.children) walk(p.children);
      t.tests++;
      if (p.directive === 'SKIP' || (p.directive === 'TODO' && !p.ok)) t.skipped++;
      else if (p.ok) t.passed++;
      else {
        t.failures++;
        t.failing.push(p.name.trim());
      }
    }
  };
  walk(points);
  return t;
}

describe('tap: any run, any chunking', () => {
  it('counts every point at every depth exactly, never hiding a failing one, and names the kept failing tests in order', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(pointArb(3), { minLength: 1, maxLength: 6 }),
        fc.boolean(),
        fc.constantFrom<'node' | 'more' | 'bare'>('node', 'more', 'bare'),
        fc.integer({ min: 1, max: 64 }),
        async (points, planFirst, style, chunk) => {
          const lines: string[] = ['TAP version 14'];
          writeTap(points, '', planFirst, style, lines);
          const r = await readText(lines.join('\n') + '\n', chunk);
          const want = tallyOf(points);
          expect(counts(r)).toEqual({ tests: want.tests, passed: want.passed, failures: want.failures, errors: 0, skipped: want.skipped });
          expect(r.failing.map((f) => f.name)).toEqual(want.failing.slice(0, FAILING_TESTS_KEPT));
        },
      ),
      { numRuns: 150 },
    );
  });

  it('a top-level plan that is missing or disagrees with the points is not evidence, whatever the points say', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.boolean(), { minLength: 0, maxLength: 12 }), fc.integer({ min: -3, max: 3 }), fc.boolean(), async (oks, delta, withPlan) => {
        fc.pre(!withPlan || delta !== 0);
        const points = oks.map((ok, i) => `${ok ? 'ok' : 'not ok'} ${i + 1}`);
        const planned = Math.max(0, oks.length + delta);
        fc.pre(!withPlan || planned !== oks.length);
        const text = [...(withPlan ? [`1..${planned}`] : []), ...points].join('\n');
        const err = await evidenceError(readText(text));
        expect(err.message).toMatch(withPlan ? new RegExp(`plans ${planned} tests? \\(1\\.\\.${planned}, line 1\\) but has ${oks.length} test points?`) : /no plan/);
      }),
      { numRuns: 100 },
    );
  });
});

describe('tap: plans, subtests and bail-outs', () => {
  it('`1..0 # SKIP` is zero tests; two plans are two streams and not evidence', async () => {
    expect(counts(await readText('TAP version 13\n1..0 # SKIP no database\n'))).toEqual({ tests: 0, passed: 0, failures: 0, errors: 0, skipped: 0 });
    const err = await evidenceError(readText('1..1\nok 1\n1..1\nok 1\n'));
    expect(err.message).toMatch(/line 3: a second plan \(1\.\.1\) after the one on line 1/);
  });

  it('a subtest whose plan disagrees adds one errored test, named after the subtest, even when its parent says ok', async () => {
    const r = await readText('1..2\n# Subtest: db\n    1..3\n    ok 1 - a\n    ok 2 - b\nok 1 - db\nok 2 - last\n');
    expect(counts(r)).toEqual({ tests: 5, passed: 4, failures: 0, errors: 1, skipped: 0 });
    expect(r.failing).toEqual([{ name: 'db: plans 3 tests (1..3, line 3) but has 2 test points', line: 3, message: 'subtest plans 3 tests (1..3, line 3) but has 2 test points' }]);
    const unplanned = await readText('1..1\n    ok 1 - a\nok 1 - parent\n');
    expect(counts(unplanned)).toEqual({ tests: 3, passed: 2, failures: 0, errors: 1, skipped: 0 });
  });

  it('test points numbered out of sequence add one errored test per level', async () => {
    const r = await readText('1..3\nok 1\nok 1\nok 3\n');
    expect(counts(r)).toEqual({ tests: 4, passed: 3, failures: 0, errors: 1, skipped: 0 });
    expect(r.failing[0]!.name).toBe('test number 1 out of sequence (expected 2)');
  });

  it('`Bail out!` at any depth is an errored test and ends the read: nothing after it counts, the plan included', async () => {
    const r = await readText('1..9\nok 1\n# Subtest: s\n    ok 1 - x\n    Bail out! database gone\nok 2\nnot ok 3\n');
    expect(counts(r)).toEqual({ tests: 3, passed: 2, failures: 0, errors: 1, skipped: 0 });
    expect(r.failing).toEqual([{ name: 'Bail out! database gone', suite: 's', message: 'the test run bailed out: nothing after this line was run' }]);
    expect(r.notes[0]).toMatch(/bailed out at line 5/);
  });

  it('Perl Test2 buffered subtests `{ … }`, and a YAML block at any indent, never closed, ends at the next less-indented line', async () => {
    const r = await readText(['1..2', 'not ok 1 - outer {', '    ok 1 - in', '    not ok 2 - deep', '      ---', '      at: t/a.t:9:2', '    1..2', '}', 'ok 2 - after'].join('\n'));
    expect(counts(r)).toEqual({ tests: 4, passed: 2, failures: 2, errors: 0, skipped: 0 });
    expect(r.failing).toEqual([{ name: 'outer' }, { name: 'deep', suite: 'outer', file: 't/a.t', line: 9 }]);
  });

  it('YAML: node-tap `at:` maps (file/line or fileName/lineNumber), block-scalar messages, and non-TAP lines ignored', async () => {
    const r = await readText(
      [
        'TAP version 14',
        'this line is prose',
        'not ok 1 - one',
        '  ---',
        '  at:',
        '    fileName: test/one.js',
        '    lineNumber: 12',
        '  message: |-',
        '    expected 1 to be 2',
        '    more',
        '  ...',
        'not ok 2 - two',
        '  ---',
        '  error: "quoted \\"why\\""',
        '  file: lib/two.js',
        '  line: 3',
        '  ...',
        '1..2',
      ].join('\n'),
    );
    expect(r.failing).toEqual([
      { name: 'one', file: 'test/one.js', line: 12, message: 'expected 1 to be 2' },
      { name: 'two', file: 'lib/two.js', line: 3, message: 'quoted "why"' },
    ]);
  });

  it('long adversarial lines (spaces, `#`, backslashes, YAML places) are read in linear time', async () => {
    const n = 400_000;
    const lines = [
      `ok 1 a${' '.repeat(n)}x`,
      `ok 2 ${' #'.repeat(n / 2)} time=`,
      `not ok 3 ${'\\'.repeat(n)}#`,
      '  ---',
      `  at: ${':1'.repeat(n / 2)}`,
      `  message: ${"'".repeat(n)}`,
      '  ...',
      `not ok 4 ${'# (in test file '.repeat(n / 16)}`,
      `# (in test file ${', line 1'.repeat(n / 8)}`,
      `# at ${' line 1'.repeat(n / 7)}`,
      '1..4',
    ];
    const started = performance.now();
    const r = await readText(lines.join('\n') + '\n', 65536);
    expect(counts(r)).toEqual({ tests: 4, passed: 2, failures: 2, errors: 0, skipped: 0 });
    expect(performance.now() - started).toBeLessThan(20_000); // quadratic: minutes
  });

  it('subtests nested past the depth cap are refused', async () => {
    const lines: string[] = [];
    for (let d = 0; d < 300; d++) lines.push(`${' '.repeat(4 * d)}# Subtest: s${d}`);
    const err = await evidenceError(readText(lines.join('\n') + `\n${' '.repeat(1200)}ok 1\n`, 4096));
    expect(err.message).toMatch(/nested more than 256 deep/);
  });
});

describe('tap: through the built CLI', () => {
  it('gates on TAP from bats and Test::More, naming the failures, and calls a truncated stream missing', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'rg-tap-'));
    try {
      await mkdir(path.join(dir, 'ev'));
      await writeFile(path.join(dir, 'ev/bats.tap'), await readFile(path.join(FIXTURES, 'tap/bats.tap')));
      await writeFile(path.join(dir, 'ev/perl.tap'), await readFile(path.join(FIXTURES, 'tap/test-more.tap')));
      await writeFile(path.join(dir, 'ev/cut.tap'), (await readFile(path.join(FIXTURES, 'tap/bats.tap'), 'utf8')).split('\n').slice(0, 3).join('\n'));
      await writeFile(
        path.join(dir, 'gate.yml'),
        `version: 1
criteria:
  - id: shell
    evidence: { path: "bats.tap", format: tap }
    expect: { failed: "== 0", tests: ">= 5" }
  - id: perl
    evidence: { path: "perl.tap", format: tap }
    expect: { failed: "<= 4", skipped: "== 2" }
  - id: truncated
    evidence: { path: "cut.tap", format: tap }
    expect: { failed: "== 0" }
`,
      );
      const json = path.join(dir, 'report.json');
      const r = await runCli(['check', '--policy', path.join(dir, 'gate.yml'), '--evidence', path.join(dir, 'ev'), '--json', json]);
      const report = JSON.parse(await readFile(json, 'utf8')) as { criteria: { id: string; status: string; reason: string; metrics: Record<string, number> }[] };
      const [shell, perl, truncated] = report.criteria;
      expect(shell).toMatchObject({ id: 'shell', status: 'failed' });
      expect(shell!.metrics).toMatchObject({ tests: 5, failed: 1, skipped: 1 });
      expect(perl).toMatchObject({ id: 'perl', status: 'passed' });
      expect(truncated!.status).toBe('missing');
      expect(truncated!.reason).toMatch(/the TAP stream plans 5 tests \(1\.\.5, line 1\) but has 2 test points: a truncated or incomplete run is not evidence/);
      expect(r.code).not.toBe(0);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }, 30_000);

  it('reads a large TAP stream with deep YAML in flat memory', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'rg-tap-big-'));
    try {
      await mkdir(path.join(dir, 'ev'));
      const out = createWriteStream(path.join(dir, 'ev/big.tap'));
      const n = 120_000;
      out.write(`TAP version 14\n1..${n}\n`);
      for (let i = 1; i <= n; i++) {
        const lines = [`# Subtest: s${i}`, '    ok 1 - inner', '    1..1', `${i % 97 === 0 ? 'not ok' : 'ok'} ${i} - s${i} with a longer name to make the line realistic`];
        if (i % 97 === 0) lines.push('  ---', `  message: "${'x'.repeat(200)}"`, '  at:', '    file: t/big.js', `    line: ${i}`, '  ...');
        if (!out.write(lines.join('\n') + '\n')) await new Promise<void>((res) => out.once('drain', () => res()));
      }
      await new Promise<void>((res) => out.end(() => res()));
      await writeFile(path.join(dir, 'gate.yml'), 'version: 1\ncriteria:\n  - id: big\n    evidence: { path: "big.tap", format: tap }\n    expect: { failed: "== 0" }\n');
      const json = path.join(dir, 'report.json');
      const run = await runCliBounded(['check', '--policy', path.join(dir, 'gate.yml'), '--evidence', path.join(dir, 'ev'), '--json', json], { timeoutMs: 60_000 });
      expect(run.timedOut).toBe(false);
      const report = JSON.parse(await readFile(json, 'utf8')) as { criteria: { status: string; metrics: Record<string, number> }[] };
      expect(report.criteria[0]!.metrics).toMatchObject({ tests: 2 * n, failed: Math.floor(n / 97) });
      expect(run.peakRss).toBeLessThan(200 * 1024 ** 2);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }, 90_000);
});
