import { createWriteStream } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { trx } from '../../src/readers/trx.js';
import { FAILING_TESTS_KEPT, type TestResults } from '../../src/readers/test-results.js';
import { runCliBounded } from '../helpers/bounded.js';
import { runCli } from '../helpers/cli.js';
import { bytesSource, CONFORMANCE, context, evidenceError, fileSource, manifest } from '../helpers/evidence.js';

function readXml(xml: string, chunkSize = 7): Promise<TestResults> {
  return trx.read(bytesSource(xml, chunkSize), context('inline.trx'));
}

function readFixture(file: string): Promise<TestResults> {
  return trx.read(fileSource(file), context(path.basename(file)));
}

function expectConsistent(m: TestResults): void {
  for (const value of [m.tests, m.passed, m.failures, m.errors, m.skipped, m.flaky]) expect(Number.isInteger(value) && value >= 0).toBe(true);
  expect(m.tests).toBe(m.passed + m.failures + m.errors + m.skipped);
  expect(m.failing.length).toBeLessThanOrEqual(Math.min(FAILING_TESTS_KEPT, m.failures + m.errors));
}

const counts = (m: TestResults) => ({ tests: m.tests, passed: m.passed, failures: m.failures, errors: m.errors, skipped: m.skipped });

const NS = 'xmlns="http://microsoft.com/schemas/VisualStudio/TeamTest/2010"';

/** A TRX run of these results (inner XML of <Results>), with an optional ResultSummary. */
function run(results: string, summary = '<ResultSummary outcome="Completed"/>', definitions = ''): string {
  return `<?xml version="1.0" encoding="utf-8"?>
<TestRun id="r" name="run" ${NS}>
  <Results>
${results}
  </Results>
  <TestDefinitions>${definitions}</TestDefinitions>
  ${summary}
</TestRun>`;
}

const result = (outcome: string | undefined, name = 'T', extra = '', body = ''): string =>
  `<UnitTestResult testId="id-${name}" testName="${name}" duration="00:00:00.5000000"${outcome === undefined ? '' : ` outcome="${outcome}"`}${extra}>${body}</UnitTestResult>`;

describe('trx: the conformance corpus against its upstream oracles', () => {
  const entries = manifest().filter((e) => e.format === 'trx');
  /**
   * Where we differ, and why it never hides a failure: EnricoMi maps Aborted and NotRunnable to
   * skipped; here a test that was aborted or could not run is a failed test (an error).
   */
  const DEVIATIONS: Record<string, { ours: Record<string, number>; why: string }> = {
    'trx/enricomi/yami_YAMILEX_2015-10-24_04_18_59.trx': { ours: { tests: 25, passed: 2, failures: 2, errors: 2, skipped: 19 }, why: 'the Aborted and the NotRunnable result are errors, not skipped' },
  };

  it('covers every trx entry', () => {
    expect(entries.length).toBe(10);
  });

  for (const entry of entries) {
    const expected = entry.expected!;
    it(entry.path, async () => {
      const m = await readFixture(path.join(CONFORMANCE, entry.path));
      expectConsistent(m);
      const deviation = DEVIATIONS[entry.path];
      if (deviation !== undefined) {
        expect(counts(m)).toEqual(deviation.ours);
        expect(m.tests).toBe(expected.tests);
        expect(m.failures + m.errors).toBeGreaterThanOrEqual((expected.failures as number) + (expected.errors as number));
        return;
      }
      for (const key of ['tests', 'passed', 'failures', 'errors', 'skipped'] as const) {
        if (typeof expected[key] === 'number') expect(m[key], key).toBe(expected[key]);
      }
      if (typeof expected.failures_plus_errors === 'number') expect(m.failures + m.errors).toBe(expected.failures_plus_errors);
    });
  }

  it('names and places the failing tests of dotnet test (xUnit via VSTest), with the class from TestDefinitions after the results', async () => {
    const m = await readFixture(path.join(CONFORMANCE, 'trx/dorny/dotnet-trx.trx'));
    expect(m.failing).toContainEqual({
      name: 'DotnetTests.XUnitTests.CalculatorTests.Exception_In_TargetTest',
      suite: 'DotnetTests.XUnitTests.CalculatorTests',
      file: 'C:\\Users\\Michal\\Workspace\\dorny\\test-reporter\\reports\\dotnet\\DotnetTests.Unit\\Calculator.cs',
      line: 9,
      message: 'System.DivideByZeroException : Attempted to divide by zero.',
    });
    expect(m.failing).toContainEqual(expect.objectContaining({ name: 'Should be even number(i: 3)', line: 67, message: 'Assert.True() Failure' }));
  });

  it('takes the class from TestDefinitions that come before the results (VS 2015), and a Spanish stack frame', async () => {
    const m = await readFixture(path.join(CONFORMANCE, 'trx/enricomi/yami_YAMILEX_2015-10-24_04_18_59.trx'));
    expect(m.failing).toContainEqual(expect.objectContaining({ name: 'EST_INTER_TEMPTest', suite: 'Prueba_Sistema.SIARAlgorithmTest', file: 'E:\\TMC\\TMC\\Components\\TemperatureControl\\SIARAlgorithms.cs', line: 363 }));
  });
});

describe('trx: outcomes', () => {
  const TABLE: [string | undefined, keyof ReturnType<typeof counts>][] = [
    ['Passed', 'passed'],
    ['NotExecuted', 'skipped'],
    ['Failed', 'failures'],
    ['Error', 'errors'],
    ['Timeout', 'errors'],
    ['Aborted', 'errors'],
    ['Inconclusive', 'errors'],
    ['NotRunnable', 'errors'],
    ['Disconnected', 'errors'],
    ['Warning', 'errors'],
    ['Completed', 'errors'],
    ['InProgress', 'errors'],
    ['Pending', 'errors'],
    ['PassedButRunAborted', 'errors'],
    ['SomethingNew', 'errors'],
    [undefined, 'errors'],
  ];
  for (const [outcome, as] of TABLE) {
    it(`outcome=${outcome ?? '(none)'} is ${as}`, async () => {
      const m = await readXml(run(result(outcome)));
      expect(m.tests).toBe(1);
      expect(m[as]).toBe(1);
    });
  }

  it('namesakes are separate tests', async () => {
    const m = await readXml(run(result('Passed', 'Same') + result('Failed', 'Same')));
    expect(counts(m)).toEqual({ tests: 2, passed: 1, failures: 1, errors: 0, skipped: 0 });
  });

  it('property: every result is one test and only Passed/NotExecuted are not failed, whatever the mix and chunking', async () => {
    const OUTCOME = fc.constantFrom('Passed', 'NotExecuted', 'Failed', 'Timeout', 'Aborted', 'Inconclusive', 'PassedButRunAborted');
    await fc.assert(
      fc.asyncProperty(fc.array(OUTCOME, { maxLength: 40 }), fc.integer({ min: 1, max: 64 }), async (outcomes, chunk) => {
        const m = await readXml(run(outcomes.map((o, i) => result(o, `T${i}`)).join('\n')), chunk);
        expectConsistent(m);
        expect(m.tests).toBe(outcomes.length);
        expect(m.passed).toBe(outcomes.filter((o) => o === 'Passed').length);
        expect(m.skipped).toBe(outcomes.filter((o) => o === 'NotExecuted').length);
        expect(m.failures).toBe(outcomes.filter((o) => o === 'Failed').length);
      }),
      { numRuns: 60 },
    );
  });
});

describe('trx: data-driven and ordered tests', () => {
  const rows = (parent: string, ...outcomes: string[]) =>
    result(parent, 'Rows', ' resultType="DataDrivenTest"', `<InnerResults>${outcomes.map((o, i) => result(o, `Rows (Data Row ${i})`, ' resultType="DataDrivenDataRow"')).join('')}</InnerResults>`);

  it('inner results are the tests, their parent is not counted again', async () => {
    const m = await readXml(run(rows('Failed', 'Passed', 'Failed', 'NotExecuted')));
    expect(counts(m)).toEqual({ tests: 3, passed: 1, failures: 1, errors: 0, skipped: 1 });
    expect(m.failing).toEqual([{ name: 'Rows (Data Row 1)' }]);
  });

  it('a failed parent whose rows all passed still counts as one failed test', async () => {
    const m = await readXml(run(rows('Failed', 'Passed', 'Passed')));
    expect(counts(m)).toEqual({ tests: 3, passed: 2, failures: 1, errors: 0, skipped: 0 });
  });

  it('MSTest flat layout: a DataDrivenTest summary followed by its DataDrivenDataRow siblings', async () => {
    const flat = (summary: string, ...outcomes: string[]) =>
      `<UnitTestResult testId="p" testName="Rows" outcome="${summary}" resultType="DataDrivenTest" />` + outcomes.map((o, i) => `<UnitTestResult testId="p" testName="Rows (Data Row ${i})" outcome="${o}" resultType="DataDrivenDataRow" />`).join('');
    expect(counts(await readXml(run(flat('Failed', 'Passed', 'Failed'))))).toEqual({ tests: 2, passed: 1, failures: 1, errors: 0, skipped: 0 });
    expect(counts(await readXml(run(flat('Failed', 'Passed', 'Passed'))))).toEqual({ tests: 3, passed: 2, failures: 1, errors: 0, skipped: 0 });
    // a summary with no rows is a test of its own, and an unrelated result after it is counted too
    expect(counts(await readXml(run(flat('Passed') + result('Failed', 'Other'))))).toEqual({ tests: 2, passed: 1, failures: 1, errors: 0, skipped: 0 });
  });

  it('an ordered test (TestResultAggregation) counts its steps', async () => {
    const xml = run(`<TestResultAggregation testId="o" testName="Ordered" outcome="Failed"><InnerResults>${result('Passed', 'Step1')}${result('Failed', 'Step2')}</InnerResults></TestResultAggregation>`);
    expect(counts(await readXml(xml))).toEqual({ tests: 2, passed: 1, failures: 1, errors: 0, skipped: 0 });
  });
});

describe('trx: the run summary and declared counters', () => {
  it('a failed run with no failed result (a test host crash) is one failed test, with the RunInfo text', async () => {
    const summary = `<ResultSummary outcome="Error"><Counters total="1" executed="1" passed="1" failed="0" /><RunInfos><RunInfo computerName="x" outcome="Error" timestamp="t"><Text>The active test run was aborted. Reason: Test host process crashed</Text></RunInfo></RunInfos></ResultSummary>`;
    const m = await readXml(run(result('Passed'), summary));
    expect(counts(m)).toEqual({ tests: 2, passed: 1, failures: 0, errors: 1, skipped: 0 });
    expect(m.failing[0]).toEqual({ name: '(test run)', message: `the run's ResultSummary outcome is "Error" while no test result failed: The active test run was aborted. Reason: Test host process crashed` });
  });

  it('runner diagnostics (RunInfo errors) beside failed results are not tests; Completed and Warning runs are not failures', async () => {
    const summary = `<ResultSummary outcome="Failed"><RunInfos><RunInfo outcome="Error"><Text>[xUnit.net] T [FAIL]</Text></RunInfo></RunInfos></ResultSummary>`;
    expect(counts(await readXml(run(result('Failed'), summary)))).toEqual({ tests: 1, passed: 0, failures: 1, errors: 0, skipped: 0 });
    for (const outcome of ['Completed', 'Warning', 'Passed']) {
      expect(counts(await readXml(run(result('Passed'), `<ResultSummary outcome="${outcome}"/>`)))).toEqual({ tests: 1, passed: 1, failures: 0, errors: 0, skipped: 0 });
    }
  });

  it('Counters that declare more failed tests than the results show count the declared figure, with a note', async () => {
    const summary = '<ResultSummary outcome="Failed"><Counters total="4" executed="4" passed="1" failed="1" timeout="1" aborted="1" notExecuted="0" /></ResultSummary>';
    const m = await readXml(run(result('Passed', 'A') + result('Failed', 'B'), summary));
    expect(counts(m)).toEqual({ tests: 4, passed: 1, failures: 1, errors: 2, skipped: 0 });
    expect(m.notes[0]).toBe('inline.trx: <Counters> declare 3 failed tests but the results show 1: counted as 3 failed (the worse figure)');
  });

  it('a declared total above the results is only a note; declarations never lower what the results show', async () => {
    const m = await readXml(run(result('Failed', 'A') + result('Failed', 'B'), '<ResultSummary outcome="Failed"><Counters total="9" failed="0" /></ResultSummary>'));
    expect(counts(m)).toEqual({ tests: 2, passed: 0, failures: 2, errors: 0, skipped: 0 });
    expect(m.notes).toEqual(['inline.trx: <Counters> declare total="9" but the results hold 2']);
  });
});

describe('trx: names, refusals and bounds', () => {
  it('class names come from TestDefinitions (the assembly part cut), placed at the first frame naming a file', async () => {
    const body = '<Output><ErrorInfo><Message>Assert.AreEqual failed. Expected:&lt;3&gt;. Actual:&lt;2&gt;.&#xD;\nmore</Message><StackTrace>   at Ns.CalcTests.Adds() in /home/runner/work/app/CalcTests.cs:line 21&#xD;\n   at Other() in /x/Y.cs:line 3</StackTrace></ErrorInfo></Output>';
    const definitions = '<UnitTest name="Adds" id="id-Adds"><TestMethod codeBase="a.dll" className="Ns.CalcTests, Tests, Version=1.0.0.0, Culture=neutral" name="Adds" /></UnitTest>';
    const m = await readXml(run(result('Failed', 'Adds', '', body), undefined, definitions));
    expect(m.failing).toEqual([{ name: 'Adds', suite: 'Ns.CalcTests', file: '/home/runner/work/app/CalcTests.cs', line: 21, message: 'Assert.AreEqual failed. Expected:<3>. Actual:<2>.' }]);
    expect(m.duration).toBe(0.5);
  });

  it('refuses a file that is not TRX, naming its root', async () => {
    const err = await evidenceError(readXml('<testsuites/>'));
    expect(err.message).toMatch(/not a TRX file: the root element is <testsuites>/);
  });

  it('keeps the first 100 failing tests and counts them all', async () => {
    const m = await readXml(run(Array.from({ length: 180 }, (_, i) => result('Failed', `T${i}`)).join('')), 4096);
    expect(m.failures).toBe(180);
    expect(m.failing.length).toBe(FAILING_TESTS_KEPT);
  });
});

describe('trx: through the built CLI', () => {
  it('gates on dotnet test TRX files: the failed run fails, the empty run is missing', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'rg-trx-'));
    try {
      await mkdir(path.join(dir, 'ev'));
      await writeFile(path.join(dir, 'ev/run.trx'), await readFile(path.join(CONFORMANCE, 'trx/dorny/dotnet-trx.trx')));
      await writeFile(path.join(dir, 'ev/notes.trx'), await readFile(path.join(CONFORMANCE, 'trx/dorny/external/SilentNotes.trx')));
      await writeFile(path.join(dir, 'ev/empty.trx'), await readFile(path.join(CONFORMANCE, 'trx/dorny/empty/dotnet-trx.trx')));
      await writeFile(
        path.join(dir, 'gate.yml'),
        `version: 1
criteria:
  - id: unit
    evidence: { path: "run.trx", format: trx }
    expect: { failed: "== 0" }
  - id: notes
    evidence: { path: "notes.trx", format: trx }
    expect: { failed: "== 0", skipped: "<= 12" }
  - id: empty
    evidence: { path: "empty.trx", format: trx }
    expect: { failed: "== 0" }
`,
      );
      const json = path.join(dir, 'report.json');
      const r = await runCli(['check', '--policy', path.join(dir, 'gate.yml'), '--evidence', path.join(dir, 'ev'), '--json', json]);
      const report = JSON.parse(await readFile(json, 'utf8')) as { criteria: { id: string; status: string; metrics: Record<string, number> }[] };
      const [unit, notes, empty] = report.criteria;
      expect(unit).toMatchObject({ id: 'unit', status: 'failed' });
      expect(unit!.metrics).toMatchObject({ tests: 11, failed: 5, skipped: 1 });
      expect(notes).toMatchObject({ id: 'notes', status: 'passed' });
      expect(empty!.status).toBe('missing');
      expect(r.code).not.toBe(0);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }, 30_000);

  it('reads a large TRX (definitions first, long stack traces and output) in flat memory', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'rg-trx-big-'));
    try {
      await mkdir(path.join(dir, 'ev'));
      const out = createWriteStream(path.join(dir, 'ev/big.trx'));
      const write = async (text: string) => {
        if (!out.write(text)) await new Promise<void>((res) => out.once('drain', () => res()));
      };
      const n = 100_000;
      const trace = '   at Ns.Deep.Frame() in /src/Deep.cs:line 7\n'.repeat(40);
      await write(`<?xml version="1.0" encoding="utf-8"?>\n<TestRun id="r" ${NS}>\n<TestDefinitions>\n`);
      for (let i = 0; i < n; i++) await write(`<UnitTest name="T${i}" id="id-${i}"><TestMethod codeBase="t.dll" className="Ns.Class${i % 1000}, Tests" name="T${i}"/></UnitTest>\n`);
      await write('</TestDefinitions>\n<Results>\n');
      for (let i = 0; i < n; i++) {
        const failed = i % 50 === 0;
        const body = failed ? `<Output><StdOut>${'log line '.repeat(100)}</StdOut><ErrorInfo><Message>boom ${i}</Message><StackTrace>${trace}</StackTrace></ErrorInfo></Output>` : '';
        await write(`<UnitTestResult testId="id-${i}" testName="T${i}" duration="00:00:00.0010000" outcome="${failed ? 'Failed' : 'Passed'}">${body}</UnitTestResult>\n`);
      }
      await write('</Results>\n<ResultSummary outcome="Failed"/>\n</TestRun>\n');
      await new Promise<void>((res) => out.end(() => res()));
      await writeFile(path.join(dir, 'gate.yml'), 'version: 1\ncriteria:\n  - id: big\n    evidence: { path: "big.trx", format: trx }\n    expect: { failed: "== 0" }\n');
      const json = path.join(dir, 'report.json');
      const run = await runCliBounded(['check', '--policy', path.join(dir, 'gate.yml'), '--evidence', path.join(dir, 'ev'), '--json', json], { timeoutMs: 60_000 });
      expect(run.timedOut).toBe(false);
      const report = JSON.parse(await readFile(json, 'utf8')) as { criteria: { status: string; metrics: Record<string, number> }[] };
      expect(report.criteria[0]!.metrics).toMatchObject({ tests: n, failed: n / 50 });
      expect(run.peakRss).toBeLessThan(200 * 1024 ** 2);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }, 90_000);
});
