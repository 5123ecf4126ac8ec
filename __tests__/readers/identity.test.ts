/**
 * Identities of failing tests and SARIF findings (src/readers/identity.ts), on real evidence: what
 * "the gate remembers" compares with a base verdict (failed.new, failed.fixed, results.new,
 * results.fixed).
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { LIMITS } from '../../src/limits.js';
import { ctrf } from '../../src/readers/ctrf.js';
import { goTestJson } from '../../src/readers/go-test-json.js';
import { FailingIdentities, identityOf, TOLD_PER_IDENTITY } from '../../src/readers/identity.js';
import { jestJson } from '../../src/readers/jest-json.js';
import { junit } from '../../src/readers/junit.js';
import { mochaJson } from '../../src/readers/mocha-json.js';
import { nunit } from '../../src/readers/nunit.js';
import { rspecJson } from '../../src/readers/rspec-json.js';
import { sarif } from '../../src/readers/sarif.js';
import { tap } from '../../src/readers/tap.js';
import { trx } from '../../src/readers/trx.js';
import type { Failures, Format } from '../../src/readers/types.js';
import { xunit } from '../../src/readers/xunit.js';
import { SavedAttributes } from '../../src/readers/xml.js';
import { bytesSource, CONFORMANCE, context, fileSource, FIXTURES } from '../helpers/evidence.js';

const HISTORY = path.join(FIXTURES, 'history');
const ID = /^[A-Za-z0-9_-]{11}$/;

async function failuresOf<M>(format: Format<M>, file: string, options: { chunk?: number; cap?: number } = {}): Promise<Failures> {
  const ctx = context(path.basename(file));
  if (options.cap !== undefined) ctx.limits = { ...LIMITS, failingIdentities: options.cap };
  return format.failures!(await format.read(fileSource(file, options.chunk), ctx));
}

async function modelOf<M>(format: Format<M>, file: string): Promise<M> {
  return format.read(fileSource(file), context(path.basename(file)));
}

/**
 * The identities the kept failing tests name (every failing test is kept below 100): [suite, name],
 * and for a Jest test file that failed to run, its path and that name.
 */
const keptIdentities = (f: Failures): string[] =>
  [...new Set(f.kept.map((k) => identityOf(k.name === 'Test suite failed to run' && k.suite === undefined ? [k.file!, k.name] : [k.suite ?? '', k.name])))].sort();

afterEach(() => {
  vi.restoreAllMocks();
});

describe('identityOf', () => {
  it('11 base64url characters: the first 8 bytes of the sha256 of the parts joined by U+0000', () => {
    const id = identityOf(['test_app', 'test_a']);
    expect(id).toMatch(ID);
    expect(id).toBe(createHash('sha256').update('test_app\u0000test_a', 'utf8').digest().subarray(0, 8).toString('base64url'));
  });

  it('parts are NFC-normalised and trimmed; their order and boundaries matter', () => {
    expect(identityOf(['caf\u0065\u0301', ' t '])).toBe(identityOf(['caf\u00e9', 't']));
    expect(identityOf(['a', 'b'])).not.toBe(identityOf(['b', 'a']));
    expect(identityOf(['ab', 'c'])).not.toBe(identityOf(['a', 'bc']));
    expect(identityOf(['', 'x'])).not.toBe(identityOf(['x']));
  });
});

describe('FailingIdentities', () => {
  it('keeps up to its cap, unique and sorted; a miss or a new identity past the cap makes it incomplete', () => {
    const s = new FailingIdentities(2);
    s.add(['s', 'b']);
    s.add(['s', 'a']);
    s.add(['s', 'b']);
    expect(s.list()).toEqual([identityOf(['s', 'a']), identityOf(['s', 'b'])].sort());
    expect(s.full).toBe(true);
    expect(s.complete).toBe(true);
    s.add(['s', 'a']); // already there: still complete
    expect(s.complete).toBe(true);
    s.add(['s', 'c']);
    expect(s.complete).toBe(false);
    expect(s.size).toBe(2);
    const unnamed = new FailingIdentities();
    unnamed.add(null);
    expect(unnamed.complete).toBe(false);
  });

  it('a union is complete when every part is and it fits the cap', () => {
    const a = new FailingIdentities(3);
    a.add(['s', 'x']);
    a.add(['s', 'y']);
    const b = new FailingIdentities(3);
    b.add(['s', 'y']);
    b.add(['s', 'z']);
    const u = FailingIdentities.union([a, b]);
    expect(u.size).toBe(3);
    expect(u.complete).toBe(true);
    const c = new FailingIdentities(3);
    c.add(['s', 'w']);
    expect(FailingIdentities.union([a, b, c]).complete).toBe(false);
    b.miss();
    expect(FailingIdentities.union([a, b]).complete).toBe(false);
  });
});

describe('history fixtures: a real pytest run on a base and a head commit', () => {
  const base = path.join(HISTORY, 'pytest-base.xml');
  const head = path.join(HISTORY, 'pytest-head.xml');

  it('base fails test_a and test_b, head test_b and test_c: one identity each, test_b the same in both', async () => {
    const b = await failuresOf(junit, base);
    const h = await failuresOf(junit, head);
    const [a, bb, c] = ['test_a', 'test_b', 'test_c'].map((name) => identityOf(['test_app', name]));
    expect(b).toMatchObject({ total: 2, identities: [a, bb].sort(), identitiesComplete: true });
    expect(h).toMatchObject({ total: 2, identities: [bb, c].sort(), identitiesComplete: true });
    // head against base: test_c is new, test_a fixed (the message of test_b changed, its identity did not)
    expect(h.identities.filter((id) => !b.identities.includes(id))).toEqual([c]);
    expect(b.identities.filter((id) => !h.identities.includes(id))).toEqual([a]);
    expect(readFileSync(base, 'utf8')).toContain("assert 'b' not in {'a', 'b'}");
    expect(readFileSync(head, 'utf8')).toContain("assert 'b' not in {'b', 'c'}");
  });

  it('identical across two readings, whatever the chunking', async () => {
    expect((await failuresOf(junit, head, { chunk: 7 })).identities).toEqual((await failuresOf(junit, head, { chunk: 65536 })).identities);
  });

  it('files merged: the union (a test failing in both is one identity)', async () => {
    const merged = junit.failures!(junit.merge([await modelOf(junit, base), await modelOf(junit, head)]));
    expect(merged.total).toBe(4);
    expect(merged.identities).toEqual(['test_a', 'test_b', 'test_c'].map((name) => identityOf(['test_app', name])).sort());
    expect(merged.identitiesComplete).toBe(true);
  });

  it('the cap reached: incomplete, never a guess', async () => {
    const f = await failuresOf(junit, base, { cap: 1 });
    expect(f.identities).toHaveLength(1);
    expect(f.identitiesComplete).toBe(false);
    // and a merge whose union is past the cap
    const one = { ...context('x'), limits: { ...LIMITS, failingIdentities: 2 } };
    const models = [await junit.read(fileSource(base), one), await junit.read(fileSource(head), one)];
    expect(models.map((m) => junit.failures!(m).identitiesComplete)).toEqual([true, true]);
    expect(junit.failures!(junit.merge(models)).identitiesComplete).toBe(false);
  });
});

describe('every failing test of real runs, in every test-results format', () => {
  const cases: [string, Format<unknown>, string][] = [
    ['junit pytest xunit1', junit as Format<unknown>, path.join(FIXTURES, 'junit', 'pytest', 'pytest-xunit1.xml')],
    ['junit vitest', junit as Format<unknown>, path.join(FIXTURES, 'junit', 'vitest', 'junit.xml')],
    ['junit surefire', junit as Format<unknown>, path.join(FIXTURES, 'junit', 'surefire', 'TEST-demo.SampleTest.xml')],
    ['tap node 24', tap as Format<unknown>, path.join(FIXTURES, 'tap', 'node24.tap')],
    ['tap bats', tap as Format<unknown>, path.join(FIXTURES, 'tap', 'bats.tap')],
    ['tap Test::More', tap as Format<unknown>, path.join(FIXTURES, 'tap', 'test-more.tap')],
    ['go test -json', goTestJson as Format<unknown>, path.join(FIXTURES, 'go-test-json', 'go119-stdout.jsonl')],
    ['go test -json, timeout', goTestJson as Format<unknown>, path.join(FIXTURES, 'go-test-json', 'go119-timeout.jsonl')],
    ['jest --json', jestJson as Format<unknown>, path.join(FIXTURES, 'jest-json', 'jest-mixed.json')],
    ['vitest --reporter=json', jestJson as Format<unknown>, path.join(FIXTURES, 'jest-json', 'vitest-mixed.json')],
    ['mocha json', mochaJson as Format<unknown>, path.join(FIXTURES, 'mocha-json', 'mocha-mixed.json')],
    ['rspec json', rspecJson as Format<unknown>, path.join(FIXTURES, 'rspec-json', 'rspec-mixed.json')],
    ['ctrf (jest)', ctrf as Format<unknown>, path.join(FIXTURES, 'ctrf', 'jest-ctrf-mixed.json')],
    ['nunit 2.6', nunit as Format<unknown>, path.join(FIXTURES, 'nunit', 'nunit26-mixed.xml')],
    ['nunit 3', nunit as Format<unknown>, path.join(CONFORMANCE, 'nunit3', 'dorny', 'dotnet-nunit.xml')],
    ['trx', trx as Format<unknown>, path.join(CONFORMANCE, 'trx', 'dorny', 'dotnet-trx.trx')],
    ['trx xunit v3', trx as Format<unknown>, path.join(CONFORMANCE, 'trx', 'dorny', 'dotnet-xunitv3.trx')],
    ['xunit.net v2', xunit as Format<unknown>, path.join(CONFORMANCE, 'xunit2', 'enricomi', 'fixie.xml')],
  ];

  it.each(cases)('%s: one identity per distinct failing (suite, name), the same on a second reading', async (_label, format, file) => {
    const f = await failuresOf(format, file);
    expect(f.total).toBeGreaterThan(0);
    expect(f.kept).toHaveLength(f.total);
    expect(f.identities.every((id) => ID.test(id))).toBe(true);
    expect(f.identities).toEqual(keptIdentities(f));
    expect(f.identitiesComplete).toBe(true);
    expect((await failuresOf(format, file, { chunk: 13 })).identities).toEqual(f.identities);
  });
});

describe('identities beyond the failing tests kept for display', () => {
  const junitXml = (failing: number, passing: number): string =>
    '<testsuites><testsuite name="big">' +
    Array.from({ length: passing }, (_, i) => `<testcase classname="pkg.Pass" name="p${i}"><system-out>ok</system-out></testcase>`).join('') +
    Array.from({ length: failing }, (_, i) => `<testcase classname="pkg.Fail" name="f${i}"><failure message="m${i}">trace</failure></testcase>`).join('') +
    '</testsuite></testsuites>';

  it('JUnit: 150 failing tests give 150 identities while 100 are kept; the names of passing tests are never decoded', async () => {
    const get = vi.spyOn(SavedAttributes.prototype, 'get');
    const m = await junit.read(bytesSource(junitXml(150, 1000), 4096), context('big.xml'));
    const f = junit.failures!(m);
    expect(f.total).toBe(150);
    expect(f.kept).toHaveLength(100);
    expect(f.identities).toEqual(Array.from({ length: 150 }, (_, i) => identityOf(['pkg.Fail', `f${i}`])).sort());
    expect(f.identitiesComplete).toBe(true);
    // the 1000 passing testcases have children, so their tags are copied, but only the failing ones are read
    expect(get.mock.calls.filter(([name]) => name === 'name')).toHaveLength(150);
  });

  it('JUnit: past the cap, names are no longer decoded and the identities are incomplete', async () => {
    const get = vi.spyOn(SavedAttributes.prototype, 'get');
    const m = await junit.read(bytesSource(junitXml(500, 0), 4096), { ...context('big.xml'), limits: { ...LIMITS, failingIdentities: 120 } });
    const f = junit.failures!(m);
    expect(f).toMatchObject({ total: 500, identitiesComplete: false });
    expect(f.identities).toHaveLength(120);
    expect(get.mock.calls.filter(([name]) => name === 'name')).toHaveLength(120);
  });

  it('JUnit: a failing testcase with no name, or failures only a count declares, leave the identities incomplete', async () => {
    const unnamed = await junit.read(bytesSource('<testsuite name="s"><testcase classname="c"><failure/></testcase></testsuite>'), context('x.xml'));
    expect(junit.failures!(unnamed)).toMatchObject({ total: 1, identities: [], identitiesComplete: false });
    const declared = await junit.read(bytesSource('<testsuite name="s" failures="2"><testcase classname="c" name="t"><failure/></testcase></testsuite>'), context('x.xml'));
    expect(junit.failures!(declared)).toMatchObject({ total: 2, identities: [identityOf(['c', 't'])], identitiesComplete: false });
  });

  it('JUnit: a rerun that ends passed is not failing; one that ends failed is', async () => {
    const m = await junit.read(
      bytesSource(
        '<testsuite name="s"><testcase classname="c" name="flaky"><flakyFailure message="once"/></testcase>' +
          '<testcase classname="c" name="broken"><failure/><rerunFailure/></testcase></testsuite>',
      ),
      context('x.xml'),
    );
    expect(junit.failures!(m)).toMatchObject({ total: 1, identities: [identityOf(['c', 'broken'])], identitiesComplete: true });
  });

  it('go test -json: 150 failing tests, 150 identities', async () => {
    const lines = Array.from({ length: 150 }, (_, i) => [
      JSON.stringify({ Action: 'run', Package: 'example.com/p', Test: `TestF${i}` }),
      JSON.stringify({ Action: 'fail', Package: 'example.com/p', Test: `TestF${i}`, Elapsed: 0 }),
    ]).flat();
    lines.push(JSON.stringify({ Action: 'fail', Package: 'example.com/p', Elapsed: 0.1 }));
    const f = goTestJson.failures!(await goTestJson.read(bytesSource(lines.join('\n')), context('go.jsonl')));
    expect(f).toMatchObject({ total: 150, identitiesComplete: true });
    expect(f.kept).toHaveLength(100);
    expect(f.identities).toEqual(Array.from({ length: 150 }, (_, i) => identityOf(['example.com/p', `TestF${i}`])).sort());
  });

  it('TAP: a point with no description, or a bail-out, has no identity', async () => {
    const f = tap.failures!(await tap.read(bytesSource('TAP version 13\n1..3\nnot ok 1 - named\nnot ok 2\nBail out! no database\n'), context('x.tap')));
    expect(f.identities).toEqual([identityOf(['', 'named'])]);
    expect(f.identitiesComplete).toBe(false);
  });

  it('jest: a test file that failed to run is told apart by its path', async () => {
    const f = await failuresOf(jestJson, path.join(FIXTURES, 'jest-json', 'jest-mixed.json'));
    const suites = f.kept.filter((k) => k.name === 'Test suite failed to run');
    for (const k of suites) expect(f.identities).toContain(identityOf([k.file!, 'Test suite failed to run']));
  });
});

describe('SARIF: every counted result', () => {
  const base = path.join(HISTORY, 'sarif-base.sarif');
  const head = path.join(HISTORY, 'sarif-head.sarif');

  it('with partialFingerprints: rule id and fingerprints; a finding that moved keeps its identity', async () => {
    const b = await failuresOf(sarif, base);
    const h = await failuresOf(sarif, head);
    expect(b).toMatchObject({ total: 2, identitiesComplete: true });
    expect(h).toMatchObject({ total: 2, identitiesComplete: true });
    const foo = identityOf(['js/unused-local-variable', 'primaryLocationLineHash=39fa2ee980eb94b0:1', 'primaryLocationStartColumnFingerprint=4']);
    const bar = identityOf(['js/unused-local-variable', 'primaryLocationLineHash=7c1f52e0a3b4d596:1', 'primaryLocationStartColumnFingerprint=4']);
    const inconsistent = identityOf(['js/inconsistent-use-of-new', 'primaryLocationLineHash=5061c3315a741b7d:1', 'primaryLocationStartColumnFingerprint=7']);
    expect(b.identities).toEqual([foo, inconsistent].sort());
    expect(h.identities).toEqual([foo, bar].sort());
    // foo moved from line 2 to 5 and is still foo
    expect(h.kept.find((k) => k.message === 'Unused variable foo.')!.line).toBe(5);
  });

  it('without fingerprints: rule id, first location, start line and message text (a moved finding is another)', async () => {
    const strip = (file: string): string => {
      const log = JSON.parse(readFileSync(file, 'utf8')) as { runs: { results: Record<string, unknown>[] }[] };
      for (const r of log.runs[0]!.results) delete r.partialFingerprints;
      return JSON.stringify(log);
    };
    const b = sarif.failures!(await sarif.read(bytesSource(strip(base)), context('base.sarif')));
    const h = sarif.failures!(await sarif.read(bytesSource(strip(head)), context('head.sarif')));
    expect(b.identities).toContain(identityOf(['js/unused-local-variable', 'main.js', '2', 'Unused variable foo.']));
    expect(h.identities).toContain(identityOf(['js/unused-local-variable', 'main.js', '5', 'Unused variable foo.']));
    expect(h.identities.filter((id) => b.identities.includes(id))).toEqual([]);
  });

  it('Trivy (no fingerprints): one identity per counted result, identical across readings', async () => {
    const file = path.join(CONFORMANCE, 'sarif', 'trivy', 'alpine-310.sarif');
    const f = await failuresOf(sarif, file);
    expect(f.total).toBe(4);
    expect(f.identities).toHaveLength(4);
    expect(f.identitiesComplete).toBe(true);
    expect((await failuresOf(sarif, file, { chunk: 11 })).identities).toEqual(f.identities);
  });

  it('suppressed and absent results are not counted, so not identified', async () => {
    const f = await failuresOf(sarif, path.join(CONFORMANCE, 'sarif', 'sarif-tutorials', 'Suppressions.sarif'));
    expect(f.identities).toHaveLength(f.total);
    expect(f.identitiesComplete).toBe(true);
  });

  it('a result that names its rule by index only is identified by the rule id, when the tool comes first', async () => {
    const log = (results: object[]): string =>
      JSON.stringify({ version: '2.1.0', runs: [{ tool: { driver: { name: 'T', rules: [{ id: 'R1' }] } }, results }] });
    const byIndex = sarif.failures!(await sarif.read(bytesSource(log([{ ruleIndex: 0, message: { text: 'm' } }])), context('x.sarif')));
    const byId = sarif.failures!(await sarif.read(bytesSource(log([{ ruleId: 'R1', message: { text: 'm' } }])), context('x.sarif')));
    expect(byIndex.identities).toEqual(byId.identities);
    expect(byIndex.identitiesComplete).toBe(true);
  });

  it('merged logs: the union; past the cap: incomplete', async () => {
    const models = [await modelOf(sarif, base), await modelOf(sarif, head)];
    const merged = sarif.failures!(sarif.merge(models));
    expect(merged.total).toBe(4);
    expect(merged.identities).toHaveLength(3);
    expect(merged.identitiesComplete).toBe(true);
    expect(await failuresOf(sarif, base, { cap: 1 })).toMatchObject({ identities: [expect.stringMatching(ID)], identitiesComplete: false });
  });
});

describe('FailingIdentities bounds the work on alike failures', () => {
  it('stops after TOLD_PER_IDENTITY × cap told, however few are distinct: then incomplete, never guessed', () => {
    const set = new FailingIdentities(100);
    for (let i = 0; i < 100 * TOLD_PER_IDENTITY - 1; i++) set.add(['suite', 'the same test']);
    expect(set.full).toBe(false);
    set.add(['suite', 'the same test']);
    expect(set.full).toBe(true);
    expect(set.size).toBe(1);
    // a reader told "full" calls miss for the rest: the list is no longer all of them
    set.miss();
    expect(set.complete).toBe(false);
  });
});
