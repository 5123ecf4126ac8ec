import { EvidenceError } from '../measure.js';
import type { Format } from './types.js';
import { parseXml, type XmlAttributes } from './xml.js';
import { FAILING_TESTS_KEPT, TestTally, type FailingRecord, type FailingTest, type TestResults, TEST_RESULTS_FORMAT } from './test-results.js';
import { messageLine } from './stack-frames.js';
import { BoundedText, declaredCount, ERRORED, FAILED, firstFrame, localName, messageText, outcomeOf, PASSED, parseTimeSpan, SKIPPED, traceText } from './dotnet.js';

/**
 * Visual Studio TRX (`vstest.console /logger:trx`, `dotnet test --logger trx`, MSTest, and the
 * Microsoft.Testing.Platform TRX of xUnit v3 / MSTest v3), read in one streaming pass.
 *
 * Every result element in `<Results>` (`<UnitTestResult>`, and any other kind: ordered-test
 * `<TestResultAggregation>`, `<GenericTestResult>`, `<ManualTestResult>`...) is one test; namesakes
 * are separate tests. A result with `<InnerResults>` (a data-driven test's rows, an ordered test's
 * steps) counts its inner results instead of itself, and itself as one more failed test only when
 * its own outcome is a failure that none of its inner results shows.
 *
 * Outcomes (TRX's TestOutcome; the reading that never hides a failure):
 * - Passed → passed; NotExecuted (VSTest's skipped / [Ignore]) → skipped; Failed → failed;
 * - Error, Timeout, Aborted, Inconclusive, NotRunnable, Disconnected, Warning, Completed (ran, no
 *   verdict), InProgress and Pending (never finished), PassedButRunAborted (the run around it
 *   broke), a missing outcome and any other value → error (failed tests that are not an assertion
 *   failure).
 *
 * The run: a `<ResultSummary outcome>` other than Passed, Completed, Warning (runner diagnostics
 * such as "no test is available") or NotExecuted is a failed run; when no failed test explains it,
 * it counts as one failed test named "(test run)" with the first error `<RunInfo>` text as its
 * message (a test host crash). Other RunInfos echo the runner's console and are not tests.
 * Declared `<Counters>`: where they declare more failed tests (every counter but total, executed,
 * passed and notExecuted) than the results show, the declared figure counts (errors of unknown
 * name, with a note); a declared total above the tests shown only adds a note.
 *
 * Failing tests are named by `testName` and grouped under their `<TestMethod className>` (looked up
 * in `<TestDefinitions>`, before or after the results; when definitions come first only the first
 * CLASS_NAMES_KEPT are remembered), placed at the first stack frame that names a file. A failing
 * test's identity is its class and name, settled once its definition is read (a test whose class
 * was past CLASS_NAMES_KEPT has none); "(test run)" and declared-only failures have none.
 */

/** Class names remembered from definitions that precede the results (bounded memory). */
const CLASS_NAMES_KEPT = 20_000;

const OUTCOMES = new Map<string, number>([
  ['passed', PASSED],
  ['notexecuted', SKIPPED],
  ['failed', FAILED],
]);

const RUN_PASSED = new Set(['passed', 'completed', 'warning', 'notexecuted']);

/** Counters of failed tests: every TRX outcome but passed and notExecuted. */
const FAILING_COUNTERS = ['failed', 'error', 'timeout', 'aborted', 'inconclusive', 'passedButRunAborted', 'notRunnable', 'disconnected', 'warning', 'completed', 'inProgress', 'pending'];

function outcomeSeverity(attributes: XmlAttributes): number {
  if (attributes.is('outcome', 'Passed')) return PASSED; // the common case, without making a string
  const raw = attributes.get('outcome');
  return raw === undefined ? ERRORED : (OUTCOMES.get(raw.trim().toLowerCase()) ?? ERRORED);
}

/** "Namespace.Class, Assembly, Version=…" (MSTest) → "Namespace.Class" */
function className(raw: string | undefined): string | undefined {
  if (raw === undefined) return undefined;
  const name = raw.split(',', 1)[0]!.trim();
  return name === '' ? undefined : name.length > 300 ? `${name.slice(0, 299)}…` : name;
}

const SUMMARY = 1;
const ROW = 2;

interface Result {
  depth: number;
  severity: number;
  /** failing and among the first kept: its text is read */
  keep: boolean;
  testId: string | undefined;
  name: string | undefined;
  seconds: number | undefined;
  testsBefore: number;
  failingBefore: number;
  /** resultType DataDrivenTest (a data-driven summary) or DataDrivenDataRow (one of its rows) */
  dataDriven: 0 | typeof SUMMARY | typeof ROW;
  /** depth of its <InnerResults>, -1 when none is open */
  innerDepth: number;
  errorInfoDepth: number;
  message?: BoundedText;
  trace?: BoundedText;
}

async function read(input: AsyncIterable<Uint8Array>, file: string, maxDepth: number, identitiesCap: number): Promise<TestResults> {
  const tally = new TestTally(identitiesCap);
  const results = tally.results;
  const identities = results.identities;
  const failingCount = (): number => results.failures + results.errors;

  let resultsDepth = -1;
  let resultsSeen = false;
  const open: Result[] = [];
  let capture: BoundedText | undefined;
  let captureDepth = -1;
  let topSeconds = 0;
  let sawSeconds = false;

  // failing tests waiting for their class, by testId: the kept ones to show it, and the names of
  // those whose identity waits for it (at most the room left in the identities); class names of
  // earlier definitions
  const pendingClass = new Map<string, { kept?: FailingTest; name?: string }[]>();
  let waitingIdentities = 0;
  const classById = new Map<string, string>();
  let definitionsDepth = -1;
  let definitionsRead = false;
  let definitionId: string | undefined;

  let runOutcome: string | undefined;
  let declaredFailing = -1;
  let declaredTotal = -1;
  let runInfoDepth = -1;
  let runInfoError = false;
  let runInfoText: BoundedText | undefined;

  /** A top-level data-driven summary whose rows may follow it as siblings. */
  let summary: { result: Result; rows: number; failingRows: number } | undefined;
  /** The summary is a test itself only without rows, or when its failure shows in none of them. */
  const settleSummary = (): void => {
    if (summary === undefined) return;
    const { result, rows, failingRows } = summary;
    summary = undefined;
    if (rows === 0 || (result.severity >= FAILED && failingRows === 0)) recordResult(result);
  };

  const recordResult = (r: Result): void => {
    if (r.severity < FAILED) {
      tally.record(outcomeOf(r.severity));
      return;
    }
    const before = results.failing.length;
    const testId = r.testId;
    const known = testId === undefined ? undefined : classById.get(testId);
    let waiting: string | undefined;
    tally.record(outcomeOf(r.severity), () => {
      const failing: FailingRecord = { name: r.name ?? '(unnamed result)', message: messageLine(r.message?.text) };
      if (r.name === undefined) failing.identity = null;
      else if (testId === undefined || known !== undefined) failing.identity = [known ?? '', r.name];
      else if (!definitionsRead) {
        // identified when its definition is read (room permitting: those waiting count)
        if (identities.size + waitingIdentities < identities.cap) {
          failing.identity = 'later';
          waiting = r.name;
        } else failing.identity = null;
      } else failing.identity = classById.size >= CLASS_NAMES_KEPT ? null : ['', r.name]; // past CLASS_NAMES_KEPT: its class is unknown
      const frame = firstFrame(r.trace?.text);
      if (frame !== undefined) Object.assign(failing, frame);
      return failing;
    });
    const kept = results.failing.length > before ? results.failing[results.failing.length - 1]! : undefined;
    if (kept !== undefined && known !== undefined) kept.suite = known;
    if (testId !== undefined && known === undefined && (kept !== undefined || waiting !== undefined)) {
      const entry = { kept, name: waiting };
      if (waiting !== undefined) waitingIdentities++;
      const list = pendingClass.get(testId);
      if (list === undefined) pendingClass.set(testId, [entry]);
      else list.push(entry);
    }
  };

  await parseXml(
    input,
    {
      open(rawName, attributes, depth) {
        const name = localName(rawName);
        if (depth === 1) {
          if (name !== 'TestRun') throw new EvidenceError(`not a TRX file: the root element is <${rawName}>, expected <TestRun>`);
          return;
        }
        const inner = open[open.length - 1];
        const container = inner !== undefined ? inner.innerDepth : resultsDepth;
        if (container !== -1 && depth === container + 1) {
          // a result: the outcome is known now, so only failing ones (while kept) read names and text
          const severity = outcomeSeverity(attributes);
          const keep = severity >= FAILED && results.failing.length < FAILING_TESTS_KEPT;
          // names of failing results only: while kept, and while their identities have room
          const named = keep || (severity >= FAILED && !identities.full);
          open.push({
            depth,
            severity,
            keep,
            testId: named || attributes.digits('resultType') !== -2 ? attributes.get('testId') : undefined,
            name: named ? attributes.get('testName') : undefined,
            seconds: open.length === 0 ? parseTimeSpan(attributes.get('duration')) : undefined,
            dataDriven: attributes.digits('resultType') === -2 ? 0 : attributes.is('resultType', 'DataDrivenTest') ? SUMMARY : attributes.is('resultType', 'DataDrivenDataRow') ? ROW : 0,
            testsBefore: results.tests,
            failingBefore: failingCount(),
            innerDepth: -1,
            errorInfoDepth: -1,
          });
          return;
        }
        if (inner !== undefined) {
          if (name === 'InnerResults' && depth === inner.depth + 1) inner.innerDepth = depth;
          else if (name === 'ErrorInfo' && inner.keep && inner.errorInfoDepth === -1) inner.errorInfoDepth = depth;
          else if (inner.errorInfoDepth !== -1 && depth === inner.errorInfoDepth + 1) {
            if (name === 'Message' && inner.message === undefined) capture = inner.message = messageText();
            else if (name === 'StackTrace' && inner.trace === undefined) capture = inner.trace = traceText();
            else return;
            captureDepth = depth;
          }
          return;
        }
        if (depth === 2) {
          if (name === 'Results') {
            resultsDepth = depth;
            resultsSeen = true;
          } else if (name === 'TestDefinitions') definitionsDepth = depth;
          else if (name === 'ResultSummary') runOutcome = attributes.get('outcome')?.trim();
          return;
        }
        if (definitionsDepth !== -1) {
          if (depth === definitionsDepth + 1) definitionId = pendingClass.size > 0 || (!resultsSeen && classById.size < CLASS_NAMES_KEPT) ? attributes.get('id') : undefined;
          else if (definitionId !== undefined && name === 'TestMethod') {
            const cls = className(attributes.get('className'));
            if (cls === undefined) return;
            const pending = pendingClass.get(definitionId);
            if (pending !== undefined) {
              for (const w of pending) {
                if (w.kept !== undefined) w.kept.suite = cls;
                if (w.name !== undefined) {
                  identities.add([cls, w.name]);
                  waitingIdentities--;
                }
              }
              pendingClass.delete(definitionId);
            } else if (!resultsSeen) classById.set(definitionId, cls);
          }
          return;
        }
        if (name === 'Counters' && depth === 3) {
          let sum = -1;
          for (const counter of FAILING_COUNTERS) {
            const n = declaredCount(attributes, counter);
            if (n >= 0) sum = Math.max(sum, 0) + n;
          }
          declaredFailing = sum;
          declaredTotal = declaredCount(attributes, 'total');
        } else if (name === 'RunInfo' && runInfoText === undefined) {
          runInfoDepth = depth;
          runInfoError = attributes.get('outcome')?.trim().toLowerCase() === 'error';
        } else if (name === 'Text' && runInfoError && depth === runInfoDepth + 1 && runInfoText === undefined) {
          capture = runInfoText = messageText();
          captureDepth = depth;
        }
      },
      text(text) {
        if (capture !== undefined) capture.add(text);
      },
      close(_name, depth) {
        if (depth === captureDepth) {
          capture = undefined;
          captureDepth = -1;
          return;
        }
        const inner = open[open.length - 1];
        if (inner !== undefined) {
          if (depth === inner.errorInfoDepth) inner.errorInfoDepth = -2; // the first ErrorInfo only
          else if (depth === inner.innerDepth) inner.innerDepth = -1;
          else if (depth === inner.depth) {
            open.pop();
            const innerTests = results.tests - inner.testsBefore;
            const innerFailing = failingCount() - inner.failingBefore;
            // a result with inner results is their container: itself only when they hide its failure
            if (open.length > 0 || innerTests > 0) {
              if (innerTests === 0 || (inner.severity >= FAILED && innerFailing === 0)) recordResult(inner);
            } else if (inner.dataDriven === SUMMARY) {
              // rows may follow as its siblings (MSTest's flat layout): decided when they end
              settleSummary();
              summary = { result: inner, rows: 0, failingRows: 0 };
            } else if (inner.dataDriven === ROW && summary !== undefined && (inner.testId === undefined || summary.result.testId === undefined || inner.testId === summary.result.testId)) {
              const before = failingCount();
              recordResult(inner);
              summary.rows++;
              summary.failingRows += failingCount() - before;
              return; // its time is part of the summary's
            } else {
              settleSummary();
              recordResult(inner);
            }
            if (inner.seconds !== undefined) {
              topSeconds += inner.seconds;
              sawSeconds = true;
            }
          }
          return;
        }
        if (depth === resultsDepth) resultsDepth = -1;
        else if (depth === definitionsDepth) {
          definitionsDepth = -1;
          definitionsRead = true;
        }
        else if (depth === runInfoDepth) runInfoDepth = -1;
      },
    },
    maxDepth,
  );

  settleSummary();
  // failing tests whose definition never named a class: as shown, with none
  for (const list of pendingClass.values()) for (const w of list) if (w.name !== undefined) identities.add(['', w.name]);
  if (runOutcome !== undefined && !RUN_PASSED.has(runOutcome.toLowerCase()) && failingCount() === 0) {
    tally.record('error', {
      name: '(test run)',
      identity: null, // the run failed, not a test
      message: `the run's ResultSummary outcome is "${runOutcome}" while no test result failed${runInfoText?.text ? `: ${messageLine(runInfoText.text)}` : ''}`,
    });
  }
  if (declaredFailing > failingCount()) {
    const shown = failingCount();
    tally.addDeclaredFailures(declaredFailing - shown, `${file}: <Counters> declare ${declaredFailing} failed test${declaredFailing === 1 ? '' : 's'} but the results show ${shown}: counted as ${declaredFailing} failed (the worse figure)`);
  }
  if (declaredTotal > results.tests) tally.note(`${file}: <Counters> declare total="${declaredTotal}" but the results hold ${results.tests}`);
  if (sawSeconds) tally.setDuration(topSeconds);
  return tally.finish();
}

export const trx: Format<TestResults> = {
  name: 'trx',
  ...TEST_RESULTS_FORMAT,
  read: (input, ctx) => read(input, ctx.name, ctx.limits.nestingDepth, ctx.limits.failingIdentities),
};
