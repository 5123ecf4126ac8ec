import { EvidenceError } from '../measure.js';
import { own } from './coverage.js';
import { built, compileShape, LATER, readJsonDocument, streamItems, type Shape } from './json.js';
import { messageLine, stackPlace } from './stack-frames.js';
import { TestTally, type FailingRecord, type FailingTest, type Outcome, type TestResults, TEST_RESULTS_FORMAT } from './test-results.js';
import type { Format } from './types.js';

/**
 * `jest --json` (also `--outputFile`): `testResults[]`, one per test file, each with its
 * `assertionResults[]`.
 *
 * - A test's `status`: passed; failed; pending, skipped, todo and disabled are skipped; any other
 *   (`focused`, which says nothing of how the test ended, or an unknown word) is an error.
 * - A test file that failed to run (`status: "failed"` with no failed test in it: a module that
 *   cannot be loaded, a syntax error, an `afterAll` that threw, a `testExecError`) counts as one
 *   errored test named after the file, with the first line of its `message`; a file with failed
 *   tests is counted by its tests (an `afterAll` that also threw adds nothing there).
 * - The top-level declarations `numFailedTests`, `numRuntimeErrorTestSuites`, `numTotalTests`
 *   and `success: false` can only make the reading worse: where they declare more failures (or
 *   tests) than the elements show, the difference counts as errors, with a note.
 *   `numFailedTestSuites` is not compared: Vitest's json reporter (the same shape) counts
 *   `describe` blocks as suites, so it is not a count of files.
 * - Vitest's `--reporter=json` writes this shape too and is read alike.
 * - Place: `file` is the test file (`testResults[].name`); `line` is the first stack frame of the
 *   failure message in that file (where it broke), else the test's `location` (written with
 *   `--testLocationInResults`: where it is declared).
 * - Flaky: a passed test with more than one `invocations` (retried with `jest.retryTimes`).
 * - Duration: the sum of the tests' `duration` (ms).
 * - Bounded: test files and their tests are streamed (json.ts streamItems); only the failing tests
 *   that are kept hold their text.
 */

type Json = Record<string, unknown>;

const SKIPPED = new Set(['pending', 'skipped', 'todo', 'disabled']);
/** Characters of a kept failing test's stack held until its file's name is read. */
const STACK_KEPT = 16 * 1024;

// names and messages are built only for a test that failed (most pass: building them was most of the reading)
const ASSERTION: Record<string, Shape> = { ancestorTitles: LATER, title: LATER, fullName: LATER, status: true, duration: true, failureMessages: LATER, location: true, invocations: true };
const DETAILS = ['ancestorTitles', 'title', 'fullName', 'failureMessages'] as const;

/** a kept failing test of the file being read, waiting for the file's name (written after its tests) */
interface Waiting {
  failing: FailingTest;
  stack: string | undefined;
  location: number | undefined;
}

export const jestJson: Format<TestResults> = {
  name: 'jest-json',
  ...TEST_RESULTS_FORMAT,

  async read(input, ctx) {
    const tally = new TestTally(ctx.limits.failingIdentities);
    let waiting: Waiting[] = [];
    let fileFailures = 0;
    let failedTests = 0;
    let fileErrors = 0;
    let listedTests = 0;

    const onAssertion = (item: unknown): void => {
      if (!isObject(item)) throw new EvidenceError('not a jest --json report: an entry of assertionResults is not an object');
      listedTests++;
      const status = item.status;
      const outcome: Outcome = status === 'passed' ? 'passed' : status === 'failed' ? 'failed' : typeof status === 'string' && SKIPPED.has(status) ? 'skipped' : 'error';
      const seconds = typeof item.duration === 'number' ? item.duration / 1000 : undefined;
      if (outcome === 'failed' || outcome === 'error') {
        fileFailures++;
        failedTests++;
        for (const key of DETAILS) if (key in item) item[key] = built(item[key]);
      }
      const before = tally.results.failing.length;
      // jest.retryTimes: a test that passed on a later invocation is flaky
      const flaky = typeof item.invocations === 'number' && item.invocations > 1;
      tally.record(outcome, () => failingOf(item, outcome), { seconds, flaky });
      const kept = tally.results.failing[before];
      if (kept !== undefined) {
        const messages = item.failureMessages;
        // only the start of a stack is looked at; a copy, so that the whole message is not kept until the file ends
        const stack = Array.isArray(messages) && typeof messages[0] === 'string' ? own(messages[0].slice(0, STACK_KEPT)) : undefined;
        const location = isObject(item.location) && typeof item.location.line === 'number' ? item.location.line : undefined;
        waiting.push({ failing: kept, stack, location });
      }
    };

    const onFile = (item: unknown): void => {
      if (!isObject(item)) throw new EvidenceError('not a jest --json report: an entry of testResults is not an object');
      const name = typeof item.name === 'string' ? item.name : undefined;
      for (const w of waiting) {
        if (name !== undefined) w.failing.file = name.length > 300 ? `${name.slice(0, 299)}…` : name;
        const line = name === undefined ? undefined : stackPlace(w.stack, name).line;
        w.failing.line = line ?? w.location;
      }
      waiting = [];
      const failedToRun = item.status === 'failed' || (item.testExecError !== undefined && item.testExecError !== null);
      if (failedToRun && fileFailures === 0) {
        // the file failed while none of its tests did: it did not load, or a hook outside any test threw
        fileErrors++;
        const exec = isObject(item.testExecError) ? item.testExecError : {};
        const message = messageLine(item.message) ?? messageLine(exec.message) ?? 'the test file failed to run';
        const line = name === undefined ? undefined : (stackPlace(item.message, name).line ?? stackPlace(exec.stack, name).line);
        tally.record('error', () => ({ name: 'Test suite failed to run', file: name, line, message, identity: fileIdentity(name) }));
      } else if (item.status !== 'passed' && item.status !== 'failed' && item.status !== 'pending' && item.status !== 'skipped' && fileFailures === 0) {
        // a file status Jest does not define: how the file ended is unknown
        fileErrors++;
        tally.record('error', () => ({ name: 'Test suite failed to run', file: name, message: `the test file has status ${JSON.stringify(item.status)}, neither passed nor failed`, identity: fileIdentity(name) }));
      }
      fileFailures = 0;
    };

    const shape = compileShape({
      numFailedTests: true,
      numTotalTests: true,
      numRuntimeErrorTestSuites: true,
      success: true,
      testResults: streamItems({ name: true, status: true, message: true, testExecError: true, assertionResults: streamItems(ASSERTION, onAssertion) }, onFile),
    });
    const doc = await readJsonDocument(input, ctx.limits.wholeDocumentBytes, ctx.limits.nestingDepth, 'jest --json report', shape);
    if (!isObject(doc) || !Array.isArray(doc.testResults)) {
      throw new EvidenceError('not a jest --json report: the document is not an object with a "testResults" array (write it with jest --json --outputFile=<file>)');
    }
    const shown = failedTests + fileErrors;
    const missing: [number, string][] = [];
    const declared = (key: string, elements: number, what: string): void => {
      const value = doc[key];
      if (typeof value === 'number' && Number.isSafeInteger(value) && value > elements) missing.push([value - elements, `${key} declares ${value} ${what} but the file shows ${elements}`]);
    };
    declared('numFailedTests', failedTests, 'failed tests');
    declared('numTotalTests', listedTests, 'tests');
    declared('numRuntimeErrorTestSuites', fileErrors, 'test files that failed to run');
    if (doc.success === false && shown === 0) missing.push([1, 'the report declares success: false but shows no failed test']);
    if (missing.length > 0) {
      missing.sort((a, b) => b[0] - a[0]);
      const [count, why] = missing[0] as [number, string];
      tally.addDeclaredFailures(count, `${ctx.name}: ${why}; the worse figure counts (${count} more errors)`);
    }
    return tally.finish();
  },
};

/** A test file that failed to run is told apart by its path (the suite it stands for). */
function fileIdentity(file: string | undefined): readonly string[] | null {
  return file === undefined || file.trim() === '' ? null : [file, 'Test suite failed to run'];
}

function failingOf(item: Json, outcome: Outcome): FailingRecord {
  const ancestors = Array.isArray(item.ancestorTitles) ? item.ancestorTitles.filter((t): t is string => typeof t === 'string') : [];
  const named = typeof item.title === 'string' ? item.title : typeof item.fullName === 'string' ? item.fullName : undefined;
  const title = named ?? '(unnamed test)';
  const messages = item.failureMessages;
  const message =
    outcome === 'error'
      ? `the test has status ${JSON.stringify(item.status)}, which is neither passed, failed nor skipped`
      : Array.isArray(messages)
        ? messageLine(messages[0])
        : undefined;
  return { suite: ancestors.length > 0 ? ancestors.join(' › ') : undefined, name: title, message, ...(named === undefined ? { identity: null } : {}) };
}

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
