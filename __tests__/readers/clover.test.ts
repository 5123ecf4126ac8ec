import { mkdtemp, readFile, rm, writeFile, mkdir } from 'node:fs/promises';
import { readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Metrics } from '../../src/measure.js';
import { FORMATS } from '../../src/readers/index.js';
import { clover } from '../../src/readers/clover.js';
import { LineSet } from '../../src/readers/coverage.js';
import type { StatementCoverage } from '../../src/readers/statements.js';
import { runCli } from '../helpers/cli.js';
import { CONFORMANCE, FIXTURES, bytesSource, context, evidenceError, fileSource, manifest } from '../helpers/evidence.js';

const read = (file: string): Promise<StatementCoverage> => clover.read(fileSource(file, 89), context(path.basename(file)));
const readText = (text: string, chunk = 7): Promise<StatementCoverage> => clover.read(bytesSource(text, chunk), context('inline.xml'));
const conformance = (file: string): Promise<StatementCoverage> => read(path.join(CONFORMANCE, 'clover/reportgenerator', file));
const fixture = (file: string): Promise<StatementCoverage> => read(path.join(FIXTURES, 'clover', file));
const metricsOf = async (...models: Promise<StatementCoverage>[]): Promise<Metrics> => clover.metrics(clover.merge(await Promise.all(models)));

type Kinds = Partial<Record<'lines' | 'branches' | 'functions' | 'statements', [number, number]>>;
/** the exact metric set: a kind left out must yield no metric at all */
function expectClover(metrics: Metrics, expected: Kinds): void {
  const want: Metrics = {};
  for (const [kind, [covered, total]] of Object.entries(expected)) {
    want[`${kind}.covered`] = { value: covered };
    want[`${kind}.total`] = { value: total };
    if (total > 0) want[kind] = { value: (covered / total) * 100, unit: '%' };
  }
  expect(metrics).toEqual(want);
}

describe('clover: conformance corpus (ReportGenerator test reports; the manifest has no totals, the oracle is each file\'s own <project> <metrics>)', () => {
  it('covers every clover file of the manifest', () => {
    expect(manifest().filter((e) => e.format === 'clover').map((e) => e.path).sort()).toEqual([
      'clover/reportgenerator/Clover_Groovy.xml',
      'clover/reportgenerator/Clover_Istanbul.xml',
      'clover/reportgenerator/Clover_OpenClover4.3.1.xml',
    ]);
  });

  it('OpenClover 4.3.1: equal to the project metrics (statements 15/22, conditionals 1/2, methods 6/12), no note', async () => {
    const model = await conformance('Clover_OpenClover4.3.1.xml');
    expectClover(clover.metrics(model), { lines: [15, 22], statements: [15, 22], branches: [1, 2], functions: [6, 12] });
    expect(clover.notes!(model)).toEqual({});
    // upstream CloverParserTest: 7 files; TestClass.java line 15 visited, line 20 not, line 1 not coverable
    expect(model.coverage.files.size).toBe(7);
    const testClass = model.coverage.files.get('C:/temp/test/TestClass.java')!.lines as LineSet;
    const codes = [...testClass.codes];
    expect(codes).toContain(15 * 2 + 1);
    expect(codes).toContain(20 * 2);
    expect(codes.some((c) => c >>> 1 === 1)).toBe(false);
  });

  it('Clover_Groovy: the <testproject> (test sources) is not counted: 1 statement, not 3', async () => {
    expectClover(clover.metrics(await conformance('Clover_Groovy.xml')), { lines: [1, 1], statements: [1, 1], branches: [0, 0], functions: [1, 1] });
  });

  it('Clover_Istanbul: the project declares 161 statements and 18/24 conditionals the files do not hold: the worse reading wins, with a note', async () => {
    const model = await conformance('Clover_Istanbul.xml');
    // branches: the elements and files give 0 of 0, the project 18 of 24 (75%): the project wins.
    // functions: 4 of 4 by the files, 49 of 49 by the project: both 100%, the files' count kept.
    // statements: written by Istanbul, whose statements are its lines: absent (see below).
    expectClover(clover.metrics(model), { lines: [11, 11], branches: [18, 24], functions: [4, 4] });
    // kept when merged: the 18 of 24 the elements do not hold are a pseudo-file of the report
    expectClover(await metricsOf(conformance('Clover_Istanbul.xml'), conformance('Clover_Groovy.xml')), { lines: [12, 12], branches: [18, 24], functions: [5, 5], statements: [1, 1] });
    const notes = clover.notes!(model);
    expect(notes.branches).toMatch(/its elements 0 of 0, its files' <metrics> 0 of 0, its project's <metrics> 18 of 24; the worst reading \(its project's <metrics>\) counts/);
    expect(notes.functions).toMatch(/its project's <metrics> 49 of 49; the worst reading \(its elements\) counts/);
    expect(notes.statements).toMatch(/written by Istanbul .* line counts as statements/);
  });
});

describe('clover: notes of merged reports', () => {
  it('keep the first 3 distinct notes per metric and count the others', async () => {
    // the same note twice is one note
    const twice = await Promise.all(['a', 'a'].map((name) => clover.read(fileSource(path.join(CONFORMANCE, 'clover/reportgenerator/Clover_Istanbul.xml'), 500), context(`${name}.xml`))));
    expect(clover.notes!(clover.merge(twice))).toEqual(clover.notes!(twice[0]!));
    const file = path.join(CONFORMANCE, 'clover/reportgenerator/Clover_Istanbul.xml');
    const models = await Promise.all(['a', 'b', 'c', 'd', 'e'].map((name) => clover.read(fileSource(file, 500), context(`${name}.xml`))));
    const notes = clover.notes!(clover.merge(models));
    expect(notes.branches!.split('; the worst reading').length - 1).toBe(3);
    expect(notes.branches).toMatch(/^a\.xml gives .*; b\.xml gives .*; c\.xml gives .*; and 2 more$/);
    // merging merged models keeps the count
    const again = clover.notes!(clover.merge([clover.merge(models.slice(0, 3)), clover.merge(models.slice(3))]));
    expect(again.branches).toBe(notes.branches);
  });
});

describe('clover: real Jest 29.7.0 output (jest-project/, commands in README.md; oracle: Jest\'s own coverage-summary.json)', () => {
  const summary = (file: string): Record<string, Record<string, { total: number; covered: number }>> =>
    JSON.parse(readFileSync(path.join(FIXTURES, 'clover', file), 'utf8')) as Record<string, Record<string, { total: number; covered: number }>>;

  it('all tests: lines and functions equal to Jest\'s; branches the worse of the elements and the declarations', async () => {
    const total = summary('jest-all.summary.json').total!;
    const model = await fixture('jest-all.clover.xml');
    const m = clover.metrics(model);
    expect([m['lines.covered']!.value, m['lines.total']!.value]).toEqual([total.lines!.covered, total.lines!.total]);
    expect([m['functions.covered']!.value, m['functions.total']!.value]).toEqual([total.functions!.covered, total.functions!.total]);
    // Jest: 8 of 13 branches. The <line> elements hold 7 of 12: text.js's default parameter is a
    // branch on a line without a statement, which Istanbul's clover reporter writes no <line> for.
    // The worse reading (the elements, 58.3% instead of 61.5%) counts: lower, never hiding a failure.
    expect(total.branches).toMatchObject({ covered: 8, total: 13 });
    expectClover(m, { lines: [7, 9], branches: [7, 12], functions: [3, 4] });
    expect(clover.notes!(model).branches).toMatch(/its elements 7 of 12, its files' <metrics> 8 of 13, its project's <metrics> 8 of 13/);
  });

  it('statements are absent with the reason: Istanbul writes its lines (7/9) as statements, Jest counts 9/13', async () => {
    // a reader taking <metrics statements> at its word would report 77.8% where Jest's threshold sees 69.2%
    expect(summary('jest-all.summary.json').total!.statements).toMatchObject({ covered: 9, total: 13 });
    const model = await fixture('jest-all.clover.xml');
    expect(clover.metrics(model).statements).toBeUndefined();
    expect(clover.notes!(model)['statements.total']).toMatch(/coverage-summary\.json \(format istanbul\)/);
  });

  it('one test (-t shout): equal to Jest\'s lines and functions', async () => {
    const total = summary('jest-shout.summary.json').total!;
    const m = clover.metrics(await fixture('jest-shout.clover.xml'));
    expect([m['lines.covered']!.value, m['lines.total']!.value]).toEqual([total.lines!.covered, total.lines!.total]);
    expect([m['functions.covered']!.value, m['functions.total']!.value]).toEqual([total.functions!.covered, total.functions!.total]);
  });

  it('two runs merge line by line and branch by branch (a union, not a sum)', async () => {
    // the shout-only run covers nothing the full run does not: the union is the full run
    expectClover(await metricsOf(fixture('jest-shout.clover.xml'), fixture('jest-all.clover.xml')), { lines: [7, 9], branches: [7, 12], functions: [3, 4] });
  });

  it('is registered as clover', () => {
    expect(FORMATS.clover).toBe(clover);
  });
});

describe('clover: real PHPUnit 9.6.7 output (phpunit-project/, commands in README.md; oracle: phpunit --coverage-text)', () => {
  it('lines and statements 5/8 as PHPUnit prints; methods 1/3: PHPUnit\'s declared count (a method covered only when all its lines are) outweighs the called method elements (2/3)', async () => {
    const text = readFileSync(path.join(FIXTURES, 'clover/phpunit.coverage-text.txt'), 'utf8');
    expect(text).toMatch(/Methods: 33\.33% \(1\/3\)/);
    expect(text).toMatch(/Lines: {3}62\.50% \(5\/8\)/);
    const model = await fixture('phpunit.clover.xml');
    expectClover(clover.metrics(model), { lines: [5, 8], statements: [5, 8], branches: [0, 0], functions: [1, 3] });
    expect(clover.notes!(model).functions).toMatch(/its elements 2 of 3, its files' <metrics> 1 of 3, its project's <metrics> 1 of 3; the worst reading \(its files' <metrics>\) counts/);
  });

  it('merged, a declaration of fewer covered than the elements cannot be kept: the elements count, and the note says so', async () => {
    // documented limit: no count stands for "one of the called methods is not covered"
    const merged = clover.merge([await fixture('phpunit.clover.xml'), await fixture('phpunit.clover.xml')]);
    expectClover(clover.metrics(merged), { lines: [5, 8], statements: [5, 8], branches: [0, 0], functions: [2, 3] });
    expect(clover.notes!(merged).functions).toMatch(/its files' <metrics> 1 of 3/);
  });
});

/** An OpenClover-shaped report of one file from its elements, declaring `declared` in its metrics. */
function openClover(elements: { num: number; type: 'stmt' | 'cond' | 'method'; count: number; t: number; f: number }[], declared?: Partial<Record<'statements' | 'conditionals' | 'methods', [number, number]>>): string {
  const attrs = Object.entries(declared ?? {})
    .map(([k, [covered, total]]) => `${k}="${total}" covered${k}="${covered}"`)
    .join(' ');
  const lines = elements.map((e) =>
    e.type === 'cond' ? `<line num="${e.num}" type="cond" truecount="${e.t}" falsecount="${e.f}"/>` : `<line num="${e.num}" type="${e.type}" count="${e.count}"${e.type === 'method' ? ` signature="m${e.num}()"` : ''}/>`,
  );
  return `<?xml version="1.0"?><coverage clover="4.3.1"><project><package name="p"><file path="p/A.java"><metrics ${attrs}/><class name="A"/>${lines.join('')}</file></package></project></coverage>`;
}

describe('clover: properties', () => {
  const element = fc.record({
    num: fc.integer({ min: 1, max: 30 }),
    type: fc.constantFrom('stmt' as const, 'cond' as const, 'method' as const),
    count: fc.integer({ min: 0, max: 2 }),
    t: fc.integer({ min: 0, max: 2 }),
    f: fc.integer({ min: 0, max: 2 }),
  });

  it('statements, branches and functions from the elements; a declaration that disagrees wins when worse, with a note', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(element, { maxLength: 30 }), fc.integer({ min: 0, max: 3 }), fc.integer({ min: 0, max: 3 }), async (elements, extraTotal, extraCovered) => {
        const stmts = elements.filter((e) => e.type === 'stmt');
        const s: [number, number] = [stmts.filter((e) => e.count > 0).length, stmts.length];
        const conds = elements.filter((e) => e.type === 'cond');
        const b: [number, number] = [conds.reduce((n, e) => n + (e.t > 0 ? 1 : 0) + (e.f > 0 ? 1 : 0), 0), conds.length * 2];
        // the declaration: the same statements, plus some uncounted ones (a worse or better reading)
        const declared: [number, number] = [Math.min(s[0] + extraCovered, s[1] + extraTotal), s[1] + extraTotal];
        const model = await readText(openClover(elements, { statements: declared }), 13);
        const m = clover.metrics(model);
        const rate = (c: [number, number]): number => (c[1] > 0 ? c[0] / c[1] : Infinity);
        const want = s[1] === 0 && stmts.length === 0 ? declared : rate(declared) < rate(s) ? declared : s;
        expect([m['statements.covered']?.value, m['statements.total']?.value]).toEqual(want);
        if (conds.length > 0) expect([m['branches.covered']?.value, m['branches.total']?.value]).toEqual(b);
        const disagree = stmts.length > 0 && (declared[0] !== s[0] || declared[1] !== s[1]);
        expect(clover.notes!(model).statements !== undefined).toBe(disagree);
        // never above either reading
        if (m.statements) expect(m.statements.value).toBeLessThanOrEqual(Math.min(rate(declared), rate(s)) * 100 + 1e-9);
      }),
      { numRuns: 200 },
    );
  });
});

describe('clover: bad input is refused', () => {
  const cases: [string, string, RegExp][] = [
    ['another root', '<report/>', /not a Clover report: the root element is <report>/],
    ['no project', '<coverage clover="4.3.1"/>', /no <project> element/],
    ['a line outside a file', '<coverage><project><line num="1" type="stmt" count="1"/></project></coverage>', /<line> outside a <file>/],
    ['a negative count', '<coverage><project><file path="a"><line num="1" type="stmt" count="-1"/></file></project></coverage>', /count is not a non-negative number/],
    ['a line without a number', '<coverage><project><file path="a"><line type="stmt" count="1"/></file></project></coverage>', /num is missing/],
    ['covered above total', '<coverage><project><metrics statements="1" coveredstatements="2"/></project></coverage>', /coveredstatements="2" above statements="1"/],
    ['a cond without truecount', '<coverage><project><file path="a"><line num="1" type="cond" falsecount="1"/></file></project></coverage>', /truecount is missing/],
    ['a file without a path', '<coverage><project><file><line num="1" type="stmt" count="1"/></file></project></coverage>', /neither a path nor a name/],
    ['a DTD entity bomb', '<!DOCTYPE c [<!ENTITY a "aaaa"><!ENTITY b "&a;&a;&a;">]><coverage><project><file path="&b;"/></project></coverage>', /./],
  ];
  for (const [what, input, message] of cases) {
    it(what, async () => {
      expect((await evidenceError(readText(input))).message).toMatch(message);
    });
  }
});

describe('clover: through the built CLI', () => {
  it('gates on lines, branches and functions of a Jest report, and statements are missing with the reason', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'rg-clover-'));
    try {
      await mkdir(path.join(dir, 'ev'));
      await writeFile(path.join(dir, 'ev/clover.xml'), await readFile(path.join(FIXTURES, 'clover/jest-all.clover.xml')));
      await writeFile(
        path.join(dir, 'gate.yml'),
        `version: 1
criteria:
  - id: jest-coverage
    evidence: { path: "clover.xml", format: clover }
    expect: { lines: ">= 75%", functions: ">= 75%", branches: ">= 60%" }
  - id: jest-statements
    required: false
    evidence: { path: "clover.xml", format: clover }
    expect: { statements: ">= 60%" }
`,
      );
      const json = path.join(dir, 'report.json');
      await runCli(['check', '--policy', path.join(dir, 'gate.yml'), '--evidence', path.join(dir, 'ev'), '--json', json]);
      const report = JSON.parse(await readFile(json, 'utf8')) as { criteria: { id: string; status: string; reason: string }[] };
      const [coverage, statements] = report.criteria;
      // branches 58.3% (the worse reading) fails 60%, and the reason carries the note
      expect(coverage).toMatchObject({ id: 'jest-coverage', status: 'failed' });
      expect(coverage!.reason).toMatch(/branches = 58\.3\d*%, expected >= 60% \(clover\.xml gives its elements 7 of 12/);
      expect(statements!.status).toBe('missing');
      expect(statements!.reason).toMatch(/statements: clover\.xml was written by Istanbul/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }, 30_000);
});
