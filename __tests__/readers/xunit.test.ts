import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { xunit } from '../../src/readers/xunit.js';
import { FAILING_TESTS_KEPT, type TestResults } from '../../src/readers/test-results.js';
import { runCli } from '../helpers/cli.js';
import { bytesSource, CONFORMANCE, context, evidenceError, fileSource, manifest } from '../helpers/evidence.js';

function readXml(xml: string, chunkSize = 7): Promise<TestResults> {
  return xunit.read(bytesSource(xml, chunkSize), context('inline.xml'));
}

function readFixture(file: string): Promise<TestResults> {
  return xunit.read(fileSource(file), context(path.basename(file)));
}

function expectConsistent(m: TestResults): void {
  for (const value of [m.tests, m.passed, m.failures, m.errors, m.skipped, m.flaky]) expect(Number.isInteger(value) && value >= 0).toBe(true);
  expect(m.tests).toBe(m.passed + m.failures + m.errors + m.skipped);
  expect(m.failing.length).toBeLessThanOrEqual(Math.min(FAILING_TESTS_KEPT, m.failures + m.errors));
}

const counts = (m: TestResults) => ({ tests: m.tests, passed: m.passed, failures: m.failures, errors: m.errors, skipped: m.skipped });

/** An xunit.console v2 file: one assembly, one collection of these tests, and these <errors>. */
function v2(tests: string[], errors = '', assembly = ''): string {
  return `<?xml version="1.0" encoding="utf-8"?>
<assemblies timestamp="11/26/2026 11:00:00">
  <assembly name="/src/Tests/bin/Tests.dll" test-framework="xUnit.net 2.9.2" ${assembly}>
    <errors>${errors}</errors>
    <collection name="Test collection for Ns.CalcTests" time="0.010">
${tests.map((t, i) => `      <test name="Ns.CalcTests.T${i}" type="Ns.CalcTests" method="T${i}" time="0.001" ${t}</test>`).join('\n')}
    </collection>
  </assembly>
</assemblies>`;
}

describe('xunit: the conformance corpus against its upstream oracles', () => {
  const entries = manifest().filter((e) => e.format === 'xunit1' || e.format === 'xunit2');
  /**
   * Where we differ, and why it never hides a failure: EnricoMi counts distinct tests
   * (classname + name), we count every <test> (namesakes are separate tests, as its suite_level
   * view does); and an assembly that declares more failed tests than it shows counts them.
   */
  const DEVIATIONS: Record<string, { ours: Record<string, number>; why: string }> = {
    'xunit1/enricomi/pickles.xml': { ours: { tests: 4, passed: 3, failures: 1, errors: 0, skipped: 0 }, why: 'two theory rows share a name: both are tests (= the oracle suite_level)' },
    'xunit2/enricomi/fixie.xml': { ours: { tests: 7, passed: 3, failures: 3, errors: 0, skipped: 1 }, why: 'generic rows share a name: all 7 are tests (= the oracle suite_level)' },
    'xunit2/enricomi/jenkinsci/testcase2.xml': { ours: { tests: 2, passed: 1, failures: 0, errors: 1, skipped: 0 }, why: 'the assembly declares failed="1" while its one test passed: the declared failure counts' },
  };

  it('covers every xunit1 and xunit2 entry', () => {
    expect(entries.length).toBe(8);
  });

  for (const entry of entries) {
    const expected = entry.expected!;
    it(entry.path, async () => {
      const m = await readFixture(path.join(CONFORMANCE, entry.path));
      expectConsistent(m);
      const deviation = DEVIATIONS[entry.path];
      if (deviation !== undefined) {
        expect(counts(m)).toEqual(deviation.ours);
        expect(m.tests).toBeGreaterThanOrEqual(expected.tests as number);
        expect(m.failures + m.errors).toBeGreaterThanOrEqual((expected.failures as number) + (expected.errors as number));
        return;
      }
      for (const key of ['tests', 'passed', 'failures', 'errors', 'skipped'] as const) expect(m[key], key).toBe(expected[key]);
    });
  }

  it('names and places the failing test of xunit.console 2.0, and reads decimal-comma times', async () => {
    const one = await readFixture(path.join(CONFORMANCE, 'xunit2/enricomi/jenkinsci/testcase1.xml'));
    expect(one.failing).toEqual([{ name: 'MyProject.Tests.SampleFact.FailedTest', suite: 'MyProject.Tests.SampleFact', file: 'c:\\Jenkins\\jobs\\my-project\\workspace\\MyProject\\MyProject.Tests\\SampleFact.cs', line: 16, message: 'Assert.True() Failure' }]);
    const comma = await readFixture(path.join(CONFORMANCE, 'xunit2/enricomi/jenkinsci/testcase3.xml'));
    expect(one.duration).toBe(0.288); // the assembly's own time
    expect(comma.duration).toBe(0.288);
  });
});

describe('xunit: outcomes', () => {
  const TABLE: [string, keyof ReturnType<typeof counts>][] = [
    ['result="Pass">', 'passed'],
    ['result="Skip"><reason><![CDATA[later]]></reason>', 'skipped'],
    ['result="NotRun">', 'skipped'],
    ['result="Fail"><failure exception-type="Xunit.Sdk.EqualException"><message>Assert.Equal() Failure</message></failure>', 'failures'],
    ['result="Pass"><failure><message>odd</message></failure>', 'failures'],
    ['result="Unknown">', 'errors'],
    ['>', 'errors'],
  ];
  for (const [test, as] of TABLE) {
    it(`<test ${test.slice(0, 40)}…> is ${as}`, async () => {
      const m = await readXml(v2([test]));
      expect(m.tests).toBe(1);
      expect(m[as]).toBe(1);
    });
  }

  it('property: every <test> is one test and only Pass/Skip/NotRun are not failed, whatever the mix and chunking', async () => {
    const RESULT = fc.constantFrom('Pass', 'Skip', 'NotRun', 'Fail', 'Other');
    await fc.assert(
      fc.asyncProperty(fc.array(RESULT, { maxLength: 40 }), fc.integer({ min: 1, max: 64 }), async (results, chunk) => {
        const m = await readXml(v2(results.map((r) => `result="${r}">`)), chunk);
        expectConsistent(m);
        expect(m.tests).toBe(results.length);
        expect(m.passed).toBe(results.filter((r) => r === 'Pass').length);
        expect(m.skipped).toBe(results.filter((r) => r === 'Skip' || r === 'NotRun').length);
        expect(m.failures + m.errors).toBe(results.filter((r) => r === 'Fail' || r === 'Other').length);
      }),
      { numRuns: 60 },
    );
  });
});

describe('xunit: errors outside the tests', () => {
  it('each assembly-level <error> (class, collection, assembly cleanup, fatal) is a failed test, beside passing tests', async () => {
    const errors = `
      <error type="test-class-cleanup" name="Ns.CalcTests"><failure exception-type="System.InvalidOperationException"><message><![CDATA[System.InvalidOperationException : dispose failed]]></message><stack-trace><![CDATA[   at Ns.CalcTests.Dispose() in /src/Tests/CalcTests.cs:line 12]]></stack-trace></failure></error>
      <error type="assembly-cleanup"><failure exception-type="System.Exception"><message>fixture teardown</message></failure></error>
      <error type="fatal"><failure exception-type="System.Exception"><message>catastrophic</message></failure></error>`;
    const m = await readXml(v2(['result="Pass">', 'result="Pass">'], errors, 'total="2" passed="2" failed="0" skipped="0" errors="3"'));
    expect(counts(m)).toEqual({ tests: 5, passed: 2, failures: 0, errors: 3, skipped: 0 });
    expect(m.failing[0]).toEqual({ name: 'Ns.CalcTests', suite: '[test-class-cleanup]', file: '/src/Tests/CalcTests.cs', line: 12, message: 'System.InvalidOperationException : dispose failed' });
    expect(m.failing[1]).toMatchObject({ name: '(assembly-cleanup)', message: 'fixture teardown' });
    expect(m.notes).toEqual([]);
  });

  it('a v1 class <failure> outside any test (a fixture failure) is a failed test', async () => {
    const xml = `<assembly name="T.dll" total="1" passed="1" failed="0" skipped="0"><class name="Ns.Fx" total="1" passed="1" failed="0" skipped="0">
      <failure exception-type="System.Exception"><message>ctor threw</message><stack-trace>at Ns.Fx..ctor() in C:\\src\\Fx.cs:line 5</stack-trace></failure>
      <test name="Ns.Fx.A" type="Ns.Fx" method="A" result="Pass" time="0.1"/></class></assembly>`;
    const m = await readXml(xml);
    expect(counts(m)).toEqual({ tests: 2, passed: 1, failures: 0, errors: 1, skipped: 0 });
    expect(m.failing[0]).toMatchObject({ name: 'Ns.Fx', file: 'C:\\src\\Fx.cs', line: 5, message: 'ctor threw' });
  });

  it('an empty <errors/> adds nothing', async () => {
    expect(counts(await readXml(v2(['result="Pass">'])))).toEqual({ tests: 1, passed: 1, failures: 0, errors: 0, skipped: 0 });
  });
});

describe('xunit: declared counts', () => {
  it('an assembly that declares more failed tests and errors than it shows counts the declared figure, with a note', async () => {
    const m = await readXml(v2(['result="Pass">', 'result="Fail">'], '', 'total="4" passed="1" failed="2" skipped="0" errors="1"'));
    expect(counts(m)).toEqual({ tests: 4, passed: 1, failures: 1, errors: 2, skipped: 0 });
    expect(m.notes[0]).toBe('inline.xml: <assembly> "/src/Tests/bin/Tests.dll" declares 3 failed tests but its elements show 1: counted as 3 failed (the worse figure)');
  });

  it('a declared total above the tests is a note; declarations never lower what the tests show', async () => {
    const m = await readXml(v2(['result="Fail">', 'result="Fail">'], '', 'total="7" failed="0"'));
    expect(counts(m)).toEqual({ tests: 2, passed: 0, failures: 2, errors: 0, skipped: 0 });
    expect(m.notes).toEqual(['inline.xml: "/src/Tests/bin/Tests.dll" declares total="7" but holds 2 tests']);
  });
});

describe('xunit: refusals and bounds', () => {
  it('refuses a file that is not xUnit.net XML, naming its root', async () => {
    const err = await evidenceError(readXml('<test-run/>'));
    expect(err.message).toMatch(/not an xUnit\.net XML file: the root element is <test-run>/);
  });

  it('an assembly without tests is zero tests (no evidence)', async () => {
    expect((await readXml('<assemblies><assembly name="a"><errors/></assembly></assemblies>')).tests).toBe(0);
  });

  it('keeps the first 100 failing tests and counts them all', async () => {
    const m = await readXml(v2(Array.from({ length: 130 }, () => 'result="Fail">')), 4096);
    expect(m.failures).toBe(130);
    expect(m.failing.length).toBe(FAILING_TESTS_KEPT);
  });
});

describe('xunit: through the built CLI', () => {
  it('gates on xunit.console XML: a failing run fails, a green one passes', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'rg-xunit-'));
    try {
      await mkdir(path.join(dir, 'ev'));
      await writeFile(path.join(dir, 'ev/red.xml'), await readFile(path.join(CONFORMANCE, 'xunit2/enricomi/jenkinsci/testcase1.xml')));
      await writeFile(path.join(dir, 'ev/green.xml'), await readFile(path.join(CONFORMANCE, 'xunit2/enricomi/jenkinsci/testcase5.xml')));
      await writeFile(
        path.join(dir, 'gate.yml'),
        `version: 1
criteria:
  - id: red
    evidence: { path: "red.xml", format: xunit }
    expect: { failed: "== 0" }
  - id: green
    evidence: { path: "green.xml", format: xunit }
    expect: { failed: "== 0", tests: ">= 5" }
`,
      );
      const json = path.join(dir, 'report.json');
      const r = await runCli(['check', '--policy', path.join(dir, 'gate.yml'), '--evidence', path.join(dir, 'ev'), '--json', json]);
      const report = JSON.parse(await readFile(json, 'utf8')) as { criteria: { id: string; status: string; metrics: Record<string, number> }[] };
      const [red, green] = report.criteria;
      expect(red).toMatchObject({ id: 'red', status: 'failed' });
      expect(red!.metrics).toMatchObject({ tests: 3, failed: 1, skipped: 1 });
      expect(green).toMatchObject({ id: 'green', status: 'passed' });
      expect(r.code).not.toBe(0);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }, 30_000);
});
