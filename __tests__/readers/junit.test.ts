import { readFileSync } from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { LIMITS, type Limits } from '../../src/limits.js';
import { EvidenceError } from '../../src/measure.js';
import { identityOf } from '../../src/readers/identity.js';
import { junit, type JunitModel } from '../../src/readers/junit.js';
import { bytesSource, CONFORMANCE, context, evidenceError, fileSource, FIXTURES, manifest, type ManifestEntry } from '../helpers/evidence.js';

const JUNIT_FIXTURES = path.join(FIXTURES, 'junit');

function readXml(xml: string | Uint8Array, chunkSize = 7): Promise<JunitModel> {
  return junit.read(bytesSource(xml, chunkSize), context('inline.xml'));
}

function readFile(file: string): Promise<JunitModel> {
  return junit.read(fileSource(file), context(path.basename(file)));
}

const rejection = evidenceError;

/** The invariants every model must satisfy, whatever the input. */
function expectConsistent(m: JunitModel): void {
  for (const value of [m.tests, m.passed, m.failures, m.errors, m.skipped, m.flaky, m.runs]) {
    expect(Number.isInteger(value) && value >= 0).toBe(true);
  }
  expect(m.tests).toBe(m.passed + m.failures + m.errors + m.skipped);
  expect(m.flaky).toBeLessThanOrEqual(m.passed);
  // every testcase element is a test; failures outside testcases and declared-only ones add to them
  expect(m.runs).toBeLessThanOrEqual(m.tests);
  expect(m.declaredOnly).toBeLessThanOrEqual(m.failures + m.errors);
  expect(Number.isFinite(m.duration) && m.duration >= 0).toBe(true);
}

/** Our numbers in the vocabulary of the corpus oracles. */
function view(m: JunitModel): Record<string, number> {
  return {
    tests: m.tests,
    passed: m.passed,
    failures: m.failures,
    errors: m.errors,
    skipped: m.skipped,
    failures_plus_errors: m.failures + m.errors,
  };
}

/** The keys of an oracle that name one of our numbers (see the corpus README per origin). */
const MAPPED = ['tests', 'passed', 'failures', 'errors', 'skipped', 'failures_plus_errors'];
// Not ours: suite_level (declared counts), suites, retried, failure_annotations (annotations, not
// tests), found_files, tests_without_retry_merge; parse_errors / parse_error mean "must throw".

function oracleCounts(expected: Record<string, unknown>): Record<string, number> {
  return Object.fromEntries(Object.entries(expected).filter(([key]) => MAPPED.includes(key))) as Record<string, number>;
}

function mustThrow(entry: ManifestEntry): boolean {
  const e = entry.expected;
  return e !== null && (e.parse_error === true || (typeof e.parse_errors === 'number' && e.parse_errors > 0));
}

/**
 * Where our rules and an upstream oracle disagree, the test asserts OUR numbers (`ours` replaces
 * the oracle's values for the keys it names; 'throws' replaces the whole oracle).
 */
const DEVIATIONS: Record<string, { ours: Record<string, number> | 'throws'; runs?: number }> = {
  // no testcase, the suite declares tests=6 failures=1 skipped=2: the declared failure counts (the
  // worse figure), as one failed test; the 5 other declared tests have no outcome we could read
  'junit/enricomi/no-cases-but-tests.xml': { ours: { tests: 1, passed: 0, failures: 1, errors: 0, skipped: 0 }, runs: 0 },
  // 109 <testcase>, 8 of them namesakes of another: upstream merges them into 101 tests; namesakes
  // are separate tests here (a failing one must not hide behind a passing one), as the suite's own tests="109" says
  'junit/enricomi/mocha/latex-utensils.xml': { ours: { tests: 109, passed: 109 } },
  // upstream merges repeated testcases as retries; no element marks them as reruns, so they are
  // separate tests: failure, failure, error = 3 failed tests (the suite declares failures="2" errors="1")
  'junit/mikepenz/flaky_retries/flaky_all_failures.xml': { ours: { tests: 3, passed: 0, failures_plus_errors: 3 }, runs: 3 },
  // pass, failure, error: a passing run before failing ones is never a pass on rerun: 2 failed
  'junit/mikepenz/flaky_retries/flaky_success_first.xml': { ours: { tests: 3, passed: 1, failures_plus_errors: 2 }, runs: 3 },
  // 5 separate tests, 2 of them failed; the suite declares failures="1" errors="2": 3 failed (the worse figure)
  'junit/mikepenz/flaky_retries/flaky_with_classname_file.xml': { ours: { tests: 6, passed: 3, failures_plus_errors: 3 }, runs: 5 },
  // TestWebSocketReconnectRace fails, then a namesake passes: separate tests, one failed (as the suite declares failures="1")
  'junit/mikepenz/junit-server-test/report.xml': { ours: { tests: 4, passed: 2, failures_plus_errors: 1 }, runs: 4 },
  // one testcase holds three <failure>: 2 failing testcases, but the suite declares failures="4": 4 failed (the worse figure)
  'junit/mikepenz/multiple_failures/test_multiple_failures.xml': { ours: { tests: 6, passed: 1, failures_plus_errors: 4 }, runs: 4 },
  // a <failure> child outranks status="disabled" (error > failure > skipped); mikepenz lets "disabled" win and reports skipped
  'junit/mikepenz/issues/testFailedDisabled.xml': { ours: { skipped: 0, failures_plus_errors: 1 } },
  // truncated Surefire file: we fail closed with EvidenceError; mikepenz (failOnParseError=false) reports it as 0 tests
  'junit/mikepenz/corrupt-junit/TEST-test.CorruptTest.xml': { ours: 'throws' },
  // time="<<computed>>" puts '<' in an attribute value, which is not well-formed XML (XML 1.0 [10] AttValue): rejected, while mikepenz's lenient parser reads 7 tests
  'junit/mikepenz/junit-web-test/expectedRetries.xml': { ours: 'throws' },
};

/**
 * Corpus files without an upstream oracle, counted by hand from the file (not from its declared
 * attributes). Files not listed here are only checked for consistency.
 */
const HAND_COUNTED: Record<string, Partial<JunitModel>> = {
  // the <flakyFailure> test passed on rerun: passed, flaky, never a failure
  'junit/mikepenz/maven_surefire_flaky/surefire-report.xml': { tests: 1, passed: 1, failures: 0, errors: 0, flaky: 1 },
  'junit/dorny/external/java/empty_failures.xml': { tests: 3, passed: 2, failures: 1, errors: 0, skipped: 0 },
  // two passing packages and three synthetic '[build failed]' testcases with <error>
  'junit/go-junit-report/013-report.xml': { tests: 5, passed: 2, failures: 0, errors: 3 },
  'junit/go-junit-report/015-report.xml': { tests: 0 },
  'junit/go-junit-report/030-report.xml': { tests: 17, passed: 8, failures: 9 },
  'junit/go-junit-report/034-report.xml': { tests: 0 },
};

const corpus = manifest().filter((entry) => entry.format === 'junit');

describe('junit reader: conformance corpus', () => {
  it('covers every junit entry of the manifest', () => {
    expect(corpus.length).toBeGreaterThanOrEqual(55);
    for (const key of [...Object.keys(DEVIATIONS), ...Object.keys(HAND_COUNTED)]) {
      expect(corpus.map((entry) => entry.path)).toContain(key);
    }
  });

  it.each(corpus.map((entry) => [entry.path, entry] as const))('%s', async (file, entry) => {
    const reading = readFile(path.join(CONFORMANCE, file));
    const deviation = DEVIATIONS[file];
    if (deviation?.ours === 'throws' || (deviation === undefined && mustThrow(entry))) {
      await rejection(reading);
      return;
    }
    const model = await reading;
    expectConsistent(model);
    if (entry.expected !== null) {
      const expected = { ...oracleCounts(entry.expected), ...deviation?.ours };
      const actual = view(model);
      expect(Object.fromEntries(Object.keys(expected).map((key) => [key, actual[key]]))).toEqual(expected);
    }
    if (deviation?.runs !== undefined) expect(model.runs).toBe(deviation.runs);
    const counted = HAND_COUNTED[file];
    if (counted !== undefined) expect(model).toMatchObject(counted);
  });

  it('rejects the files that are not JUnit or not XML, with a reason', async () => {
    const nonJunit = await rejection(readFile(path.join(CONFORMANCE, 'junit/enricomi/non-junit.xml')));
    expect(nonJunit.message).toMatch(/not a JUnit XML file.*<suites>/);
    const corrupt = await rejection(readFile(path.join(CONFORMANCE, 'junit/enricomi/pytest/corrupt-xml.xml')));
    // upstream (libxml2): "Premature end of data in tag skipped line 9, line 11, column 22"
    expect(corrupt.message).toMatch(/unclosed tag: skipped/);
    expect(corrupt.position?.line).toBe(11);
  });

  // These expectations changed with issue 10: repeated testcases used to merge as reruns (pass,
  // failure, error read as ONE passed, flaky test), which hid failing namesakes. No element marks
  // these repeats as reruns, so each is a test; only Surefire-style children are reruns.
  it('counts unmarked repeats as separate tests and marked reruns (flaky children) as one', async () => {
    const at = (file: string) => readFile(path.join(CONFORMANCE, 'junit/mikepenz', file));
    // failure, failure, error: three failed tests
    expect(await at('flaky_retries/flaky_all_failures.xml')).toMatchObject({ tests: 3, errors: 1, failures: 2, flaky: 0, runs: 3, declaredOnly: 0 });
    // pass, failure, error: a pass before failures is no pass on rerun
    expect(await at('flaky_retries/flaky_success_first.xml')).toMatchObject({ tests: 3, passed: 1, failures: 1, errors: 1, flaky: 0, runs: 3 });
    // elements show a failure and an error; the suite declares failures="1" errors="2": one more error counts
    expect(await at('flaky_retries/flaky_with_classname_file.xml')).toMatchObject({ tests: 6, passed: 3, failures: 1, errors: 2, declaredOnly: 1, runs: 5 });
    expect(await at('junit-server-test/report.xml')).toMatchObject({ tests: 4, passed: 2, skipped: 1, failures: 1, flaky: 0, runs: 4 });
    // Surefire-style <flakyFailure> in a passing testcase: marked as a rerun, passed and flaky
    expect(await at('junit_flaky_failure/mixed_flaky_and_passed.xml')).toMatchObject({ tests: 3, passed: 3, flaky: 1 });
    // A and B named alike in sibling suites are different tests: 3 failing annotations = 3 failed tests
    expect(await at('nested/junit.xml')).toMatchObject({ tests: 5, passed: 2, failures: 3, flaky: 0, duration: 150 });
  });
});

describe('junit reader: fixtures from real tools', () => {
  // pytest writes test_fails_and_teardown_errors twice (<failure>, then <error>): two testcases, two
  // failed tests, exactly as the suite declares tests="14" errors="3" failures="5". (Before issue 10
  // they merged into one errored test, 13 in all: merging namesakes is what hid failures.)
  const pytestCounts = { tests: 14, passed: 4, failures: 5, errors: 3, skipped: 2, flaky: 0, runs: 14, declaredOnly: 0 };

  it('pytest --junitxml, junit_family=xunit1', async () => {
    const m = await readFile(path.join(JUNIT_FIXTURES, 'pytest/pytest-xunit1.xml'));
    expect(m).toMatchObject(pytestCounts);
    expect(m.duration).toBeCloseTo(0.051, 9);
  });

  it('pytest --junitxml, junit_family=xunit2', async () => {
    const m = await readFile(path.join(JUNIT_FIXTURES, 'pytest/pytest-xunit2.xml'));
    expect(m).toMatchObject(pytestCounts);
    expect(m.duration).toBeCloseTo(0.052, 9);
  });

  it('Vitest: namesakes from test.each with a constant title and duplicate it() titles are separate tests', async () => {
    // read as 1 failed test before issue 10 (each group of namesakes merged into one flaky pass)
    const m = await readFile(path.join(JUNIT_FIXTURES, 'vitest/junit.xml'));
    expect(m).toMatchObject({ tests: 6, passed: 3, failures: 3, errors: 0, skipped: 0, flaky: 0, runs: 6, declaredOnly: 0 });
    // exactly as the file declares: tests="6" failures="3"
    expect(junit.metrics(m).failed).toEqual({ value: 3 });
    expect(junit.notes!(m)).toEqual({});
  });

  it('Maven Surefire with rerunFailingTestsCount=2', async () => {
    // 7 tests although the suite declares tests="2" errors="1" failures="1" skipped="0"
    const m = await readFile(path.join(JUNIT_FIXTURES, 'surefire/TEST-demo.SampleTest.xml'));
    expect(m).toMatchObject({
      tests: 7,
      passed: 4, // passes, alsoPasses, and the two flaky ones
      failures: 1, // alwaysFails: <failure> + 2 <rerunFailure>
      errors: 1, // alwaysErrors: <error> + 2 <rerunError>
      skipped: 1, // @Disabled
      flaky: 2, // <flakyFailure>, <flakyError>
      runs: 7,
    });
    expect(m.duration).toBeCloseTo(0.038, 9);
    expect(junit.metrics(m).failed).toEqual({ value: 2 });
  });
});

describe('junit reader: streaming', () => {
  const tricky = [
    path.join(JUNIT_FIXTURES, 'pytest/pytest-xunit1.xml'),
    path.join(JUNIT_FIXTURES, 'surefire/TEST-demo.SampleTest.xml'),
    // astral-plane and CJK characters: multi-byte UTF-8 split across chunks
    path.join(CONFORMANCE, 'junit/enricomi/unsupported-unicode.xml'),
    // BOM and CRLF
    path.join(CONFORMANCE, 'junit/enricomi/xunit/xunit.xml'),
    path.join(CONFORMANCE, 'junit/enricomi/with-xml-entities.xml'),
    path.join(CONFORMANCE, 'junit/mikepenz/flaky_retries/flaky_with_classname_file.xml'),
  ];

  it.each(tricky.map((file) => [path.basename(file), file] as const))('%s reads the same in 1- to 7-byte chunks', async (_name, file) => {
    const bytes = readFileSync(file);
    const whole = await readXml(bytes, bytes.length);
    expect(whole.tests).toBeGreaterThan(0);
    for (let chunkSize = 1; chunkSize <= 7; chunkSize++) {
      expect(await readXml(bytes, chunkSize)).toEqual(whole);
    }
  });

  it('reads a large generated report in one pass', async () => {
    const cases = 20_000;
    const parts = ['<testsuites>'];
    for (let s = 0; s < cases / 100; s++) {
      parts.push(`<testsuite name="pkg.Suite${s}">`);
      for (let t = 0; t < 100; t++) {
        const body = t % 10 === 0 ? `<failure message="m">${'trace\n'.repeat(50)}</failure><system-out>${'x'.repeat(1000)}</system-out>` : '';
        parts.push(`<testcase classname="pkg.Suite${s}" name="test${t}" time="0.001">${body}</testcase>`);
      }
      parts.push('</testsuite>');
    }
    parts.push('</testsuites>');
    const m = await junit.read(bytesSource(parts.join('\n'), 64 * 1024), context('big.xml'));
    expect(m).toMatchObject({ tests: cases, passed: cases * 0.9, failures: cases * 0.1, runs: cases });
    expect(m.duration).toBeCloseTo(20, 6);
  });
});

describe('junit reader: outcomes', () => {
  const suite = (body: string) => `<?xml version="1.0"?>\n<testsuites><testsuite name="s">${body}</testsuite></testsuites>`;

  it('ranks the results of one testcase: error > failure > skipped > passed', async () => {
    const m = await readXml(
      suite(`
        <testcase classname="c" name="all"><skipped/><failure/><error/></testcase>
        <testcase classname="c" name="fail-and-skip"><skipped/><failure/></testcase>
        <testcase classname="c" name="skip"><skipped/></testcase>
        <testcase classname="c" name="pass"/>`),
    );
    expect(m).toMatchObject({ tests: 4, errors: 1, failures: 1, skipped: 1, passed: 1, flaky: 0 });
  });

  it('reads Surefire rerun children: flaky* = passed and flaky, rerun* = failed', async () => {
    const m = await readXml(
      suite(`
        <testcase classname="c" name="flaky"><flakyFailure message="x"><stackTrace>t</stackTrace><system-err>e</system-err></flakyFailure></testcase>
        <testcase classname="c" name="flaky-error"><flakyError><stackTrace>t</stackTrace></flakyError><flakyFailure/></testcase>
        <testcase classname="c" name="rerun-failure"><rerunFailure/><rerunFailure/></testcase>
        <testcase classname="c" name="rerun-error"><rerunError/></testcase>`),
    );
    expect(m).toMatchObject({ tests: 4, passed: 2, flaky: 2, failures: 1, errors: 1 });
  });

  it('only counts direct result children of a testcase', async () => {
    const m = await readXml(
      suite(`
        <testcase classname="c" name="a"><properties><property name="failure" value="1"/></properties><system-out>&lt;failure/&gt;</system-out></testcase>
        <testcase classname="c" name="b"><flakyFailure><error/><failure/></flakyFailure></testcase>`),
    );
    expect(m).toMatchObject({ tests: 2, passed: 2, failures: 0, errors: 0, flaky: 1 });
  });

  it('reads status attributes: disabled/skipped/notrun skip, failed/errored fail, others leave it to the children', async () => {
    const m = await readXml(
      suite(`
        <testcase name="a" status="disabled"/>
        <testcase name="b" status="Skipped"/>
        <testcase name="c" status="notrun"/>
        <testcase name="d" status="failed"/>
        <testcase name="e" status="errored"/>
        <testcase name="f" status="run"/>
        <testcase name="g" status="passed"/>
        <testcase name="h" status="run"><failure/></testcase>
        <testcase name="i" status="disabled"><error/></testcase>`),
    );
    expect(m).toMatchObject({ tests: 9, skipped: 3, failures: 2, errors: 2, passed: 2 });
  });

  it('accepts a bare <testsuite> root, testcases at any depth, and no testcases at all', async () => {
    expect(await readXml('<testsuite><testcase name="a"/></testsuite>')).toMatchObject({ tests: 1, passed: 1 });
    const deep = '<testsuites>' + '<testsuite name="n">'.repeat(20) + '<testcase name="x"><failure/></testcase>' + '</testsuite>'.repeat(20) + '<testcase name="top"/></testsuites>';
    expect(await readXml(deep)).toMatchObject({ tests: 2, failures: 1, passed: 1 });
    expect(await readXml('<testsuites/>')).toMatchObject({ tests: 0, passed: 0, failures: 0, errors: 0, skipped: 0, runs: 0 });
    // declared counts without testcases: see 'declared counts'
    expect(await readXml('<testsuite tests="12" failures="0"></testsuite>')).toMatchObject({ tests: 0, failures: 0 });
  });
});

describe('junit reader: namesakes and reruns', () => {
  const suite = (name: string, body: string) => `<testsuite name="${name}">${body}</testsuite>`;
  const doc = (...suites: string[]) => `<testsuites>${suites.join('')}</testsuites>`;
  const tc = (name: string, result = '', extra = '') => `<testcase classname="pkg.C" name="${name}"${extra}>${result}</testcase>`;

  // Before issue 10 these 16 testcases were read as 8 tests (a failure followed by a namesake that
  // passed was one flaky, passed test), so failed == 0 passed on jest-junit `test.each` with a
  // constant title. Repeats that no element marks as reruns are separate tests.
  it('counts every testcase, namesakes included, by its own outcome', async () => {
    const m = await readXml(
      doc(
        suite(
          's',
          [
            tc('fail-then-pass', '<failure/>'),
            tc('fail-then-pass'),
            tc('pass-then-error'),
            tc('pass-then-error', '<error/>'),
            tc('always-fails', '<failure/>'),
            tc('always-fails', '<failure/>'),
            tc('fail-then-error', '<failure/>'),
            tc('fail-then-error', '<error/>'),
            tc('skip-then-pass', '<skipped/>'),
            tc('skip-then-pass'),
            tc('skip-then-fail', '<skipped/>'),
            tc('skip-then-fail', '<failure/>'),
            tc('pass-twice'),
            tc('pass-twice'),
            tc('flaky-then-pass', '<flakyFailure/>'),
            tc('flaky-then-pass'),
          ].join(''),
        ),
      ),
    );
    expect(m).toMatchObject({ tests: 16, runs: 16, passed: 7, flaky: 1, failures: 5, errors: 2, skipped: 2 });
    expect(junit.metrics(m).failed).toEqual({ value: 7 });
  });

  it('reads the namesakes of jest test.each and mocha duplicate titles as separate tests, in any suite layout', async () => {
    const m = await readXml(
      doc(
        suite('s', tc('t', '<failure/>') + tc('t')),
        suite('other', tc('t')),
        suite('s', tc('t', '<failure/>')),
        suite('outer', tc('t', '<failure/>') + suite('inner', tc('t', '<error/>') + tc('t')) + tc('t', '<failure/>')),
      ),
    );
    expect(m).toMatchObject({ tests: 8, runs: 8, passed: 3, flaky: 0, failures: 4, errors: 1 });
  });

  it('merges the runs a producer marks as reruns, inside one testcase (Surefire, Gradle mergeReruns, nextest)', async () => {
    const m = await readXml(
      doc(
        suite(
          's',
          tc('flaky', '<flakyFailure message="1st"/><flakyError message="2nd"/>') + // passed on the 3rd run
            tc('never-passed', '<failure/><rerunFailure/><rerunError/>') +
            tc('rerun-only', '<rerunFailure/>'),
        ),
      ),
    );
    expect(m).toMatchObject({ tests: 3, runs: 3, passed: 1, flaky: 1, failures: 1, errors: 1 });
  });

  it('never merges testcases without a name or a classname either', async () => {
    const m = await readXml(
      doc(
        suite(
          's',
          '<testcase/><testcase><failure/></testcase>' +
            '<testcase classname="" name="same"/><testcase classname="" name="same"><failure/></testcase>' +
            '<testcase name="alone"/><testcase name="alone"><error/></testcase>' +
            '<testcase classname="c" name=""/><testcase classname="c" name=""><failure/></testcase>',
        ),
      ),
    );
    expect(m).toMatchObject({ tests: 8, runs: 8, passed: 4, failures: 3, errors: 1, flaky: 0 });
  });
});

describe('junit reader: failures outside a direct testcase child', () => {
  it('counts an <error>/<failure> directly under a suite or the root as a failed test of its own', async () => {
    // karma-junit-reporter's "An error was thrown in afterAll", a fixture set-up failure
    const afterAll = await readXml(
      '<testsuites><testsuite name="Chrome" tests="2" failures="0" errors="1">' +
        '<testcase classname="app" name="a"/><testcase classname="app" name="b"/>' +
        '<error message="An error was thrown in afterAll"><failure>not a second one</failure></error>' +
        '</testsuite><failure message="set-up"/><skipped/></testsuites>',
    );
    expect(afterAll).toMatchObject({ tests: 4, runs: 2, passed: 2, errors: 1, failures: 1, skipped: 0, declaredOnly: 0 });
  });

  it('counts a failure anywhere inside a testcase, and a nested testcase as a test of its own', async () => {
    const m = await readXml(
      '<testsuite>' +
        '<testcase name="wrapped"><properties><failure/></properties></testcase>' +
        '<testcase name="outer"><testcase name="inner"><error/></testcase></testcase>' +
        '<testcase name="deep"><system-err/><x><y><failure/></y></x></testcase>' +
        '</testsuite>',
    );
    expect(m).toMatchObject({ tests: 4, runs: 4, passed: 1, failures: 2, errors: 1 });
  });

  it('reads a testcase or suite hidden inside a result element as its own, and results inside results as detail', async () => {
    const m = await readXml(
      '<testsuites><testsuite>' +
        '<testcase name="skips"><skipped><testcase name="hidden"><failure><error/></failure></testcase></skipped></testcase>' +
        '<testcase name="flaky"><flakyFailure><failure/><error/></flakyFailure></testcase>' +
        '<skipped><testsuite errors="1"/></skipped>' +
        '</testsuite></testsuites>',
    );
    expect(m).toMatchObject({ tests: 4, runs: 3, skipped: 1, passed: 1, flaky: 1, failures: 1, errors: 1, declaredOnly: 1 });
  });

  it('reads namespaced and differently cased result elements', async () => {
    const m = await readXml(
      '<testsuites xmlns:j="urn:j"><j:testsuite>' +
        '<j:testcase name="a"><j:failure/></j:testcase>' +
        '<testcase name="b"><j:error/></testcase>' +
        '<testcase name="c"><Failure/></testcase>' +
        '<testcase name="d"><j:skipped/></testcase>' +
        '<testcase name="e"><j:flakyFailure/></testcase>' +
        '</j:testsuite><x:error xmlns:x="urn:x"/></testsuites>',
    );
    expect(m).toMatchObject({ tests: 6, runs: 5, failures: 2, errors: 2, skipped: 1, passed: 1, flaky: 1 });
  });

  it('reads a failing status in any case, also as result= or outcome=', async () => {
    const statuses = ['FAIL', 'Fail', 'failed', 'FAILED', 'Failure', 'failing', ' fail '];
    const m = await readXml(`<testsuite>${statuses.map((s, i) => `<testcase name="t${i}" status="${s}"/>`).join('')}<testcase name="r" result="Fail"/><testcase name="o" outcome="Failed"/><testcase name="e" status="ERROR"/><testcase name="b" status="broken"/></testsuite>`);
    expect(m).toMatchObject({ tests: statuses.length + 4, failures: statuses.length + 2, errors: 2, passed: 0 });
  });
});

describe('junit reader: declared counts', () => {
  it('counts what a suite declares when it is worse than what its elements show, and says so', async () => {
    // karma: the afterAll error is only in system-out, the suite declares errors="1"
    const karma = await readXml(
      '<testsuites><testsuite name="Chrome Headless" tests="2" errors="1" failures="0">' +
        '<testcase classname="app" name="a"/><testcase classname="app" name="b"/>' +
        '<system-out>An error was thrown in afterAll</system-out></testsuite></testsuites>',
    );
    expect(karma).toMatchObject({ tests: 3, passed: 2, errors: 1, failures: 0, declaredOnly: 1 });
    expect(junit.notes!(karma).failed).toMatch(/inline\.xml: suite "Chrome Headless" declares errors="1" but its elements show 0 failed tests: counted as 1 failed/);
    // no testcase at all
    const bare = await readXml('<testsuite name="s" tests="6" failures="1" skipped="2"/>');
    expect(bare).toMatchObject({ tests: 1, failures: 1, passed: 0, skipped: 0, declaredOnly: 1 });
    expect(junit.metrics(bare).failed).toEqual({ value: 1 });
    // the root declares more than its suites hold
    const root = await readXml('<testsuites failures="3"><testsuite failures="1"><testcase name="a"><failure/></testcase></testsuite></testsuites>');
    expect(root).toMatchObject({ tests: 3, failures: 3, declaredOnly: 2 });
    expect(junit.notes!(root).failed).toMatch(/the root declares failures="3" but its elements show 1 failed test/);
  });

  it('never double-counts nested suites, and takes the worse figure at every level', async () => {
    // each level declares the failures of its children (phpunit, nested mikepenz suites)
    const nested = await readXml(
      '<testsuites failures="2"><testsuite failures="2"><testsuite failures="1"><testcase name="a"><failure/></testcase></testsuite>' +
        '<testsuite failures="1"><testcase name="b"><failure/></testcase></testsuite></testsuite></testsuites>',
    );
    expect(nested).toMatchObject({ tests: 2, failures: 2, declaredOnly: 0 });
    expect(junit.notes!(nested)).toEqual({});
    // an inner suite hides 2 failures; the outer declaration (1) is already exceeded
    const inner = await readXml('<testsuites failures="1"><testsuite><testsuite errors="2"/><testcase name="a"><failure/></testcase></testsuite></testsuites>');
    expect(inner).toMatchObject({ tests: 3, failures: 1, errors: 2, declaredOnly: 2 });
  });

  it('compares failures + errors: a producer that declares an error for a <failure> is not counted twice', async () => {
    // Nette Tester: errors="1" for a testcase holding <failure>
    const m = await readXml('<testsuite errors="1" tests="2"><testcase name="a"><failure/></testcase><testcase name="b"/></testsuite>');
    expect(m).toMatchObject({ tests: 2, failures: 1, errors: 0, declaredOnly: 0 });
  });

  it('notes a suite that declares more tests than it holds, without inventing outcomes', async () => {
    const m = await readXml('<testsuites tests="173"><testsuite name="x" tests="2"><testcase name="a"/><testcase name="b"/></testsuite></testsuites>');
    expect(m).toMatchObject({ tests: 2, passed: 2, declaredOnly: 0 });
    expect(junit.notes!(m)).toEqual({ tests: 'inline.xml: the root declares tests="173" but holds 2' });
  });

  it('ignores declared counts that are not whole numbers, and lower declarations', async () => {
    const m = await readXml('<testsuite failures="n/a" errors="-1" tests="1.5"><testcase name="a"><failure/></testcase></testsuite>');
    expect(m).toMatchObject({ tests: 1, failures: 1, declaredOnly: 0 });
    expect(await readXml('<testsuite failures="0"><testcase name="a"><failure/></testcase></testsuite>')).toMatchObject({ tests: 1, failures: 1, declaredOnly: 0 });
    expect(await readXml('<testsuite failures=" 2 "><testcase name="a"/></testsuite>')).toMatchObject({ tests: 3, failures: 2, passed: 1, declaredOnly: 2 });
  });

  it('keeps the notes of merged files, capped', async () => {
    const one = await readXml('<testsuite name="s" failures="1"/>');
    const merged = junit.merge(Array.from({ length: 10 }, () => one));
    expect(merged).toMatchObject({ tests: 10, failures: 10, declaredOnly: 10 });
    expect(merged.failedNotes).toHaveLength(4);
    expect(merged.failedNotes[3]).toBe('and more');
  });
});

describe('junit reader: zero tests', () => {
  it('reports tests = 0 faithfully: rspec tests="0" for a spec that failed to load, an empty <testsuites/>', async () => {
    // rspec_junit_formatter when a spec file fails to load
    const rspec = await readXml('<?xml version="1.0" encoding="UTF-8"?>\n<testsuite name="rspec" tests="0" skipped="0" failures="0" errors="0" time="0.01" timestamp="2024-01-01T00:00:00+00:00" hostname="ci">\n<properties><property name="seed" value="1234"/></properties>\n</testsuite>\n');
    expect(rspec).toMatchObject({ tests: 0, passed: 0, failures: 0, errors: 0, runs: 0, declaredOnly: 0 });
    expect(await readXml('<testsuites/>')).toMatchObject({ tests: 0, runs: 0 });
    expect(junit.testResults).toBe(true);
  });
});

describe('junit reader: duration', () => {
  it('sums testcase times, reruns included, with thousands separators', async () => {
    const m = await readXml(
      '<testsuites time="999"><testsuite time="888">' +
        '<testcase classname="c" name="a" time="1,234.5"/>' +
        '<testcase classname="c" name="a" time="0.25"/>' +
        '<testcase classname="c" name="b" time=" 2 "/>' +
        '<testcase classname="c" name="e" time="1e-3"/>' +
        '</testsuite></testsuites>',
    );
    expect(m.duration).toBeCloseTo(1236.751, 9);
    expect(junit.metrics(m).duration).toEqual({ value: m.duration, unit: 's' });
  });

  it('ignores times it cannot read instead of failing', async () => {
    const m = await readXml(
      '<testsuite>' +
        ['n/a', '', '-1', '1.2.3', '1,23', 'NaN', 'Infinity', '0x10', '1.5s', '&lt;&lt;computed&gt;&gt;', '3']
          .map((time, i) => `<testcase classname="c" name="t${i}" time="${time}"/>`)
          .join('') +
        '</testsuite>',
    );
    expect(m).toMatchObject({ tests: 11, duration: 3 });
  });

  it('falls back to the root or top-level suite times when no testcase has one', async () => {
    expect((await readXml('<testsuites time="12.5"><testsuite time="3"><testcase name="a"/></testsuite></testsuites>')).duration).toBe(12.5);
    // nested suites are part of their parents' time: only the top level counts
    const topLevel = '<testsuites><testsuite time="2"><testsuite time="1.5"/><testcase name="a"/></testsuite><testsuite time="1,000"/></testsuites>';
    expect((await readXml(topLevel)).duration).toBe(1002);
    expect((await readXml('<testsuite time="4.25"><testsuite time="4"/></testsuite>')).duration).toBe(4.25);
    expect((await readXml('<testsuites><testsuite><testcase name="a"/></testsuite></testsuites>')).duration).toBe(0);
    // one readable testcase time is enough to ignore the suites
    expect((await readXml('<testsuites time="50"><testcase name="a" time="1"/><testcase name="b"/></testsuites>')).duration).toBe(1);
  });
});

describe('junit reader: rejects what it cannot read', () => {
  it('rejects XML whose root is not testsuites/testsuite', async () => {
    for (const xml of ['<suites><suite><case/></suite></suites>', '<testcase name="a"/>', '<html><body/></html>', '<x:testsuites xmlns:x="urn:x"/>']) {
      expect((await rejection(readXml(xml))).message).toMatch(/not a JUnit XML file/);
    }
  });

  it('rejects empty, non-XML and trailing-garbage input', async () => {
    for (const input of ['', '   \n', 'tests: 5\npassed: 5\n', '{"tests": 5}', '<testsuites/><testsuites/>', '<testsuites/>garbage']) {
      await rejection(readXml(input));
    }
  });

  it('rejects a truncated file with the line where it broke', async () => {
    const truncated = '<?xml version="1.0"?>\n<testsuites>\n  <testsuite name="s">\n    <testcase classname="c" name="t" time="1">';
    const err = await rejection(readXml(truncated));
    expect(err.message).toMatch(/unclosed tag/);
    expect(err.position?.line).toBe(4);
  });

  it('never reports a count for any prefix of a report', async () => {
    const full = readFileSync(path.join(JUNIT_FIXTURES, 'surefire/TEST-demo.SampleTest.xml'), 'utf8').trimEnd();
    expect((await readXml(full, 4096)).tests).toBe(7);
    const bytes = new TextEncoder().encode(full);
    for (let length = 0; length < bytes.length; length += length < 200 ? 1 : 37) {
      await rejection(readXml(bytes.subarray(0, length), 4096));
    }
  });

  it('rejects an entity bomb without expanding it', async () => {
    const lol = ['<!ENTITY lol0 "lol">'];
    for (let i = 1; i <= 9; i++) lol.push(`<!ENTITY lol${i} "${`&lol${i - 1};`.repeat(10)}">`);
    const bomb = `<?xml version="1.0"?>\n<!DOCTYPE testsuites [\n${lol.join('\n')}\n]>\n<testsuites><testsuite name="&lol9;"><testcase name="a">&lol9;</testcase></testsuite></testsuites>`;
    const started = performance.now();
    const err = await rejection(readXml(bomb, 64));
    expect(err.message).toMatch(/entity/i);
    expect(performance.now() - started).toBeLessThan(1000);
  });

  it('rejects external entities without resolving them', async () => {
    const docs = [
      '<!DOCTYPE testsuites [<!ENTITY xxe SYSTEM "file:///etc/passwd">]><testsuites><testsuite name="&xxe;"/></testsuites>',
      '<!DOCTYPE testsuites [<!ENTITY xxe SYSTEM "file:///etc/passwd">]><testsuites><testsuite><testcase name="a"><failure>&xxe;</failure></testcase></testsuite></testsuites>',
      '<!DOCTYPE testsuites [<!ENTITY % ext SYSTEM "http://127.0.0.1:9/x.dtd"> %ext;]><testsuites>&undefined;</testsuites>',
    ];
    for (const xml of docs) {
      const err = await rejection(readXml(xml));
      expect(err.message).not.toMatch(/root:/);
    }
  });

  it('rejects nesting deeper than the limit', async () => {
    const xml = '<testsuites>' + '<testsuite>'.repeat(40) + '</testsuite>'.repeat(40) + '</testsuites>';
    // Limits is `typeof LIMITS` (as const): a lower cap needs a cast
    const limits = { ...LIMITS, nestingDepth: 16 } as unknown as Limits;
    const err = await junit.read(bytesSource(xml), { ...context('deep.xml'), limits }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(EvidenceError);
    expect((err as Error).message).toMatch(/nestingDepth/);
  });
});

describe('junit reader: merge and metrics', () => {
  it('sums every number over the files of a criterion', async () => {
    const a = await readFile(path.join(JUNIT_FIXTURES, 'pytest/pytest-xunit1.xml'));
    const b = await readFile(path.join(JUNIT_FIXTURES, 'surefire/TEST-demo.SampleTest.xml'));
    const merged = junit.merge([a, b]);
    expect(merged).toMatchObject({ tests: 21, passed: 8, failures: 6, errors: 4, skipped: 3, flaky: 2, runs: 21 });
    expect(merged.duration).toBeCloseTo(0.089, 9);
    expectConsistent(merged);
    expect(junit.merge([a])).toEqual(a);
    expect(junit.merge([])).toMatchObject({ tests: 0, passed: 0, runs: 0 });
  });

  it('names exactly its known metrics, failed = failures + errors', async () => {
    const m = await readFile(path.join(JUNIT_FIXTURES, 'pytest/pytest-xunit2.xml'));
    const metrics = junit.metrics(m);
    expect(metrics).toEqual({
      tests: { value: 14 },
      passed: { value: 4 },
      failed: { value: 8 },
      failures: { value: 5 },
      errors: { value: 3 },
      skipped: { value: 2 },
      flaky: { value: 0 },
      duration: { value: m.duration, unit: 's' },
    });
    expect(junit.name).toBe('junit');
    expect(Object.keys(junit.knownMetrics ?? {}).sort()).toEqual(Object.keys(metrics).sort());
    for (const [name, metric] of Object.entries(metrics)) expect(junit.knownMetrics?.[name]).toBe(metric.unit ?? null);
  });
});

describe('junit reader: properties', () => {
  type Outcome = 'pass' | 'failure' | 'error' | 'skipped' | 'flaky' | 'rerun' | 'status-fail';
  interface Case {
    kind: 'case';
    name: number;
    outcome: Outcome;
  }
  interface Loose {
    kind: 'loose';
    result: 'failure' | 'error';
  }
  interface Suite {
    kind: 'suite';
    declaredFailures: number | undefined;
    declaredErrors: number | undefined;
    children: (Case | Loose | Suite)[];
  }

  const outcome = fc.constantFrom<Outcome>('pass', 'pass', 'pass', 'failure', 'error', 'skipped', 'flaky', 'rerun', 'status-fail');
  // names from a pool of 3: namesakes in almost every suite
  const testcase = fc.record({ kind: fc.constant('case' as const), name: fc.nat(2), outcome });
  const loose = fc.record({ kind: fc.constant('loose' as const), result: fc.constantFrom('failure' as const, 'error' as const) });
  const declared = fc.option(fc.nat(6), { nil: undefined });
  const { suite } = fc.letrec<{ suite: Suite; child: Case | Loose | Suite }>((tie) => ({
    suite: fc.record({
      kind: fc.constant('suite' as const),
      declaredFailures: declared,
      declaredErrors: declared,
      children: fc.array(tie('child'), { maxLength: 8 }),
    }),
    child: fc.oneof({ depthSize: 'small', withCrossShrink: true }, testcase, testcase, testcase, loose, tie('suite')),
  }));

  const RESULT: Record<Outcome, string> = {
    pass: '',
    failure: '<failure message="x">trace</failure>',
    error: '<error/>',
    skipped: '<skipped/>',
    flaky: '<flakyFailure><failure/></flakyFailure>',
    rerun: '<failure/><rerunFailure/>',
    'status-fail': '',
  };

  function xml(node: Suite, rename: (name: number) => string, depth = 1): string {
    const attrs = [node.declaredFailures === undefined ? '' : ` failures="${node.declaredFailures}"`, node.declaredErrors === undefined ? '' : ` errors="${node.declaredErrors}"`].join('');
    const body = node.children
      .map((child) => {
        if (child.kind === 'suite') return xml(child, rename, depth + 1);
        if (child.kind === 'loose') return `<${child.result} message="set-up"/>`;
        const status = child.outcome === 'status-fail' ? ' status="FAIL"' : '';
        return `<testcase classname="pkg.C" name="${rename(child.name)}"${status}>${RESULT[child.outcome]}</testcase>`;
      })
      .join('');
    return `<${depth === 1 ? 'testsuites' : 'testsuite'}${attrs}>${body}</${depth === 1 ? 'testsuites' : 'testsuite'}>`;
  }

  const failing = (o: Outcome) => o === 'failure' || o === 'error' || o === 'rerun' || o === 'status-fail';

  /** The failed testcases, in document order. */
  const failedCases = (node: Suite): Case[] => node.children.flatMap((child) => (child.kind === 'suite' ? failedCases(child) : child.kind === 'case' && failing(child.outcome) ? [child] : []));

  /** What the file shows and declares, by the rules: elements, and per suite the worse figure. */
  function oracle(node: Suite): { failedElements: number; maxDeclared: number; effectiveFailed: number; cases: number } {
    let failedElements = 0;
    let shown = 0;
    let maxDeclared = (node.declaredFailures ?? 0) + (node.declaredErrors ?? 0);
    let cases = 0;
    for (const child of node.children) {
      if (child.kind === 'case') {
        cases++;
        if (failing(child.outcome)) {
          failedElements++;
          shown++;
        }
      } else if (child.kind === 'loose') {
        failedElements++;
        shown++;
      } else {
        const inner = oracle(child);
        failedElements += inner.failedElements;
        maxDeclared = Math.max(maxDeclared, inner.maxDeclared);
        shown += inner.effectiveFailed;
        cases += inner.cases;
      }
    }
    return { failedElements, maxDeclared, effectiveFailed: Math.max(shown, (node.declaredFailures ?? 0) + (node.declaredErrors ?? 0)), cases };
  }

  it('never reports fewer failed tests than the file shows or declares anywhere; namesakes never reduce failures', async () => {
    await fc.assert(
      fc.asyncProperty(suite, fc.integer({ min: 1, max: 64 }), async (root, chunk) => {
        const m = await readXml(xml(root, (n) => `t${n}`), chunk);
        expectConsistent(m);
        const failed = m.failures + m.errors;
        const o = oracle(root);
        expect(failed).toBeGreaterThanOrEqual(o.failedElements);
        expect(failed).toBeGreaterThanOrEqual(o.maxDeclared);
        expect(failed).toBe(o.effectiveFailed);
        expect(m.runs).toBe(o.cases);
        expect(m.declaredOnly).toBe(o.effectiveFailed - o.failedElements);
        // every testcase is a test of its own: the same file with unique names reads the same
        let unique = 0;
        const renamed = await readXml(xml(root, () => `u${unique++}`), chunk);
        // the same failing tests, by their new names
        const unnamed = (x: JunitModel) => ({ ...x, failing: x.failing.map((f) => ({ ...f, name: '' })), identities: undefined });
        expect(unnamed(renamed)).toEqual(unnamed(m));
        // one identity per distinct failed testcase name; none for a failure outside a testcase (its
        // suite has no name here) nor for the declared-only ones
        const cases = failedCases(root);
        expect(m.identities.size).toBe(new Set(cases.map((c) => c.name)).size);
        expect(renamed.identities.size).toBe(cases.length);
        const complete = o.effectiveFailed === cases.length;
        expect(m.identities.complete).toBe(complete);
        expect(renamed.identities.complete).toBe(complete);
      }),
      { numRuns: 300 },
    );
  });

  it('a passing namesake, before or after, never hides a failing testcase', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(outcome, { minLength: 1, maxLength: 12 }), fc.integer({ min: 1, max: 16 }), async (outcomes, chunk) => {
        const cases = outcomes.map((o) => `<testcase classname="same" name="same"${o === 'status-fail' ? ' status="fail"' : ''}>${RESULT[o]}</testcase>`);
        const m = await readXml(`<testsuite>${cases.join('')}</testsuite>`, chunk);
        expect(m.failures + m.errors).toBe(outcomes.filter(failing).length);
        expect(m.tests).toBe(outcomes.length);
        expect(m.flaky).toBe(outcomes.filter((o) => o === 'flaky').length);
      }),
      { numRuns: 200 },
    );
  });
});

describe('junit reader: failing tests by name and place', () => {
  const at = (file: string) => readFile(path.join(CONFORMANCE, 'junit', file));

  it('pytest xunit1: every failing testcase by classname, name, file and line attributes and the first line of its message', async () => {
    const m = await readFile(path.join(JUNIT_FIXTURES, 'pytest', 'pytest-xunit1.xml'));
    expect(m.failing).toEqual([
      { suite: 'test_sample', name: 'test_fails', file: 'test_sample.py', line: 16, message: 'AssertionError: arithmetic is broken' },
      { suite: 'test_sample', name: 'test_errors_in_setup', file: 'test_sample.py', line: 20, message: 'failed on setup with "RuntimeError: fixture setup failed"' },
      { suite: 'test_sample', name: 'test_passes_but_teardown_errors', file: 'test_sample.py', line: 30, message: 'failed on teardown with "RuntimeError: teardown failed"' },
      { suite: 'test_sample', name: 'test_fails_and_teardown_errors', file: 'test_sample.py', line: 34, message: 'AssertionError: fails, then teardown fails too' },
      { suite: 'test_sample', name: 'test_fails_and_teardown_errors', file: 'test_sample.py', line: 34, message: 'failed on teardown with "RuntimeError: teardown failed"' },
      { suite: 'test_sample', name: 'test_xpass_strict', file: 'test_sample.py', line: 48, message: '[XPASS(strict)] fixed bug' },
      { suite: 'test_sample', name: 'test_parametrized[2]', file: 'test_sample.py', line: 53, message: 'assert 2 != 2' },
      { suite: 'test_sample.TestGroup', name: 'test_method_raises', file: 'test_sample.py', line: 62, message: 'ValueError: unexpected' },
    ]);
    // pytest writes a test that fails and then errors in teardown as two testcases: one identity
    const identities = [...new Set(m.failing.map((f) => identityOf([f.suite ?? '', f.name])))].sort();
    expect(identities).toHaveLength(7);
    expect(junit.failures!(m)).toEqual({ kept: m.failing, total: 8, identities, identitiesComplete: true });
  });

  it('pytest xunit2 (no file/line attributes): placed at the frame the failure text names', async () => {
    const m = await readFile(path.join(JUNIT_FIXTURES, 'pytest', 'pytest-xunit2.xml'));
    expect(m.failing.map((f) => [f.name, f.file, f.line])).toEqual([
      ['test_fails', 'test_sample.py', 18],
      ['test_errors_in_setup', 'test_sample.py', 9],
      ['test_passes_but_teardown_errors', 'test_sample.py', 28],
      ['test_fails_and_teardown_errors', 'test_sample.py', 36],
      ['test_fails_and_teardown_errors', 'test_sample.py', 28],
      // "[XPASS(strict)] fixed bug": no frame, no place
      ['test_xpass_strict', undefined, undefined],
      ['test_parametrized[2]', 'test_sample.py', 56],
      ['test_method_raises', 'test_sample.py', 64],
    ]);
  });

  it('pytest (conformance): file and line attributes; a message attribute written over several lines is one line of XML', async () => {
    const m = await at('enricomi/pytest/junit.fail.xml');
    expect(m.failing).toHaveLength(1);
    expect(m.failing[0]).toMatchObject({ suite: 'test.test_spark.SparkTests', name: 'test_rsh_events', file: 'test/test_spark.py', line: 819 });
    expect(m.failing[0]!.message).toMatch(/^self = <test_spark\.SparkTests testMethod=test_rsh_events>/);
    expect(m.failing[0]!.message!.length).toBeLessThanOrEqual(300);
    const dorny = await at('dorny/python-xunit-pytest.xml');
    expect(dorny.failing).toEqual([
      { suite: 'tests.test_lib', name: 'test_always_fail', file: 'tests/test_lib.py', line: 25, message: 'assert False' },
      { suite: 'tests.test_lib', name: 'test_error', file: 'tests/test_lib.py', line: 32, message: 'Exception: error' },
    ]);
  });

  it('jest-junit (conformance): no message attribute, so the first line of the text; placed at the first frame outside node_modules; an empty classname falls back to the suite', async () => {
    const m = await at('dorny/jest-junit.xml');
    const root = 'C:\\Users\\Michal\\Workspace\\dorny\\test-check\\reports\\jest\\';
    expect(m.failing).toEqual([
      { suite: 'Test 1 › Test 1.1', name: 'Failing test', file: `${root}__tests__\\main.test.js`, line: 10, message: 'Error: expect(received).toBeTruthy()' },
      { suite: 'Test 1 › Test 1.1', name: 'Exception in target unit', file: `${root}lib\\main.js`, line: 2, message: 'Error: Some error' },
      { suite: 'Test 2', name: 'Exception in test', file: `${root}__tests__\\main.test.js`, line: 21, message: 'Error: Some error' },
      expect.objectContaining({ suite: '__tests__\\second.test.js', name: 'Timeout test', file: `${root}__tests__\\second.test.js`, line: 1 }),
    ]);
    expect(junit.failures!(m).total).toBe(4);
  });

  it('Surefire (conformance and our own run): placed at the frame of the test class, not the assertion library above it', async () => {
    const pulsar = await at('dorny/external/java/pulsar-test-report.xml');
    expect(pulsar.failing).toEqual([{ suite: 'org.apache.pulsar.AddMissingPatchVersionTest', name: 'testVersionStrings', file: 'AddMissingPatchVersionTest.java', line: 29, message: 'expected [1.2.1] but found [1.2.0]' }]);
    const ours = await readFile(path.join(JUNIT_FIXTURES, 'surefire', 'TEST-demo.SampleTest.xml'));
    expect(ours.failing).toEqual([
      { suite: 'demo.SampleTest', name: 'alwaysFails', file: 'SampleTest.java', line: 24, message: 'arithmetic is broken ==> expected: <3> but was: <2>' },
      expect.objectContaining({ suite: 'demo.SampleTest', name: 'alwaysErrors', file: 'SampleTest.java', line: 29, message: 'boom' }),
    ]);
  });

  it('a failure outside a testcase is named after its suite; declared-only failures have no name and count in the total', async () => {
    const m = await readXml(
      '<testsuites><testsuite name="outer"><testsuite name="Chrome Headless" tests="2" failures="0" errors="1"><testcase classname="a" name="ok"/>' +
        '<error message="An error was thrown in afterAll&#10;TypeError: x is undefined"/></testsuite></testsuite>' +
        '<testsuite name="declares" failures="2"><testcase classname="b" name="t"><failure type="AssertionError"/></testcase></testsuite></testsuites>',
    );
    expect(m.failing).toEqual([
      { suite: 'outer', name: 'Chrome Headless', message: 'An error was thrown in afterAll' },
      { suite: 'b', name: 't', message: 'AssertionError' },
    ]);
    expect(m.declaredOnly).toBe(1);
    // the failure outside a testcase is identified by its suite's name; the declared-only one has no identity
    expect(junit.failures!(m)).toEqual({ kept: m.failing, total: 3, identities: [identityOf(['outer', 'Chrome Headless']), identityOf(['b', 't'])].sort(), identitiesComplete: false });
  });

  it('the message: the message attribute, else the first non-blank line of the text, else the type; a failing status with no child names the test', async () => {
    const m = await readXml(
      '<testsuite name="s"><testcase classname="c" name="attr"><failure message="first&#10;second">text line</failure></testcase>' +
        '<testcase classname="c" name="text"><error><![CDATA[\n\n  Boom: it broke\n    at f (src/a.js:3:1)]]></error></testcase>' +
        '<testcase name="status" status="FAIL"/><testcase name="empty"><failure/></testcase></testsuite>',
    );
    expect(m.failing).toEqual([
      { suite: 'c', name: 'attr', message: 'first' },
      { suite: 'c', name: 'text', file: 'src/a.js', line: 3, message: 'Boom: it broke' },
      { suite: 's', name: 'status' },
      { suite: 's', name: 'empty' },
    ]);
  });

  it('reads only the first 16 KB of a failure text and clips long names and messages', async () => {
    const long = 'x'.repeat(100_000);
    const m = await readXml(`<testsuite><testcase classname="c" name="${long}"><failure>${long}\n at f (src/late.js:9:1)</failure></testcase></testsuite>`, 4096);
    expect(m.failing).toHaveLength(1);
    expect(m.failing[0]!.name.length).toBe(300);
    expect(m.failing[0]!.message!.length).toBe(300);
    expect(m.failing[0]!.file).toBeUndefined();
  });

  it('names nested testcases each by their own tag, whatever the chunking (the saved tags are reused per level)', async () => {
    const mid = 'm'.repeat(10_000);
    const xmlText =
      '<testsuite name="s"><testcase classname="o" name="outer"><testcase classname="i" name="inner1"><failure message="one"/></testcase>' +
      `<testcase classname="i" name="${mid}" file="x.py" line="4"><error message="two"/></testcase><failure message="three"/></testcase>` +
      '<testcase classname="o" name="after" status="failed"/></testsuite>';
    for (const chunk of [1, 7, 100, 1 << 20]) {
      const m = await readXml(xmlText, chunk);
      expect(m.failing).toEqual([
        { suite: 'i', name: 'inner1', message: 'one' },
        { suite: 'i', name: `${'m'.repeat(299)}…`, file: 'x.py', line: 4, message: 'two' },
        { suite: 'o', name: 'outer', message: 'three' },
        { suite: 'o', name: 'after' },
      ]);
    }
  });

  it('keeps the first 100 per file and per merge; the total stays exact', async () => {
    const cases = (prefix: string, n: number) => Array.from({ length: n }, (_, i) => `<testcase classname="c" name="${prefix}${i}"><failure/></testcase>`).join('');
    const a = await readXml(`<testsuite>${cases('a', 150)}</testsuite>`, 512);
    expect(a.failing.map((f) => f.name)).toEqual(Array.from({ length: 100 }, (_, i) => `a${i}`));
    expect(junit.failures!(a).total).toBe(150);
    const b = await readXml(`<testsuite>${cases('b', 3)}</testsuite>`);
    const merged = junit.merge([b, a]);
    expect(merged.failing.map((f) => f.name)).toEqual([...['b0', 'b1', 'b2'], ...Array.from({ length: 97 }, (_, i) => `a${i}`)]);
    expect(junit.failures!(merged).total).toBe(153);
  });

  it('property: the kept list is the first 100 failing testcases in document order, whatever the chunking; the total equals failed', async () => {
    type Kind = 'pass' | 'pass-open' | 'failure' | 'error' | 'skipped' | 'flaky' | 'status-fail' | 'rerun';
    const body: Record<Kind, (name: string) => string> = {
      pass: (n) => `<testcase classname="c" name="${n}"/>`,
      'pass-open': (n) => `<testcase classname="c" name="${n}">\n  <system-out>out &amp; about</system-out>\n</testcase>`,
      failure: (n) => `<testcase classname="c" name="${n}" file="f.py" line="7"><failure message="m ${n}">at x (f.py:9)</failure></testcase>`,
      error: (n) => `<testcase classname="c" name="${n}"><error><![CDATA[E ${n}\n  at g (src/g.js:4:2)]]></error></testcase>`,
      skipped: (n) => `<testcase classname="c" name="${n}"><skipped/></testcase>`,
      flaky: (n) => `<testcase classname="c" name="${n}"><flakyFailure message="once"/></testcase>`,
      'status-fail': (n) => `<testcase classname="c" name="${n}" status="failed"/>`,
      rerun: (n) => `<testcase classname="c" name="${n}"><failure message="r ${n}"/><rerunFailure message="again"/></testcase>`,
    };
    const fails = (k: Kind) => k === 'failure' || k === 'error' || k === 'status-fail' || k === 'rerun';
    const kind = fc.constantFrom<Kind>('pass', 'pass', 'pass-open', 'failure', 'error', 'skipped', 'flaky', 'status-fail', 'rerun');
    await fc.assert(
      fc.asyncProperty(fc.array(kind, { maxLength: 260 }), fc.integer({ min: 1, max: 300 }), async (kinds, chunk) => {
        const m = await readXml(`<testsuites><testsuite name="s">${kinds.map((k, i) => body[k](`t${i}`)).join('')}</testsuite></testsuites>`, chunk);
        const failingNames = kinds.flatMap((k, i) => (fails(k) ? [`t${i}`] : []));
        expect(m.failing.map((f) => f.name)).toEqual(failingNames.slice(0, 100));
        expect(junit.failures!(m).total).toBe(failingNames.length);
        expect(junit.failures!(m).total).toBe(junit.metrics(m).failed!.value);
        for (const f of m.failing) {
          const k = kinds[Number(f.name.slice(1))]!;
          expect(f.suite).toBe('c');
          if (k === 'failure') expect(f).toMatchObject({ file: 'f.py', line: 7, message: `m ${f.name}` });
          if (k === 'error') expect(f).toMatchObject({ file: 'src/g.js', line: 4, message: `E ${f.name}` });
          if (k === 'rerun') expect(f.message).toBe(`r ${f.name}`);
        }
      }),
      { numRuns: 150 },
    );
  });
});
