import { EvidenceError } from '../measure.js';
import type { Format } from './types.js';
import { parseXml, type XmlAttributes } from './xml.js';
import { FAILING_TESTS_KEPT, TestTally, type FailingRecord, type TestResults, TEST_RESULTS_FORMAT } from './test-results.js';
import { messageLine } from './stack-frames.js';
import { BoundedText, declaredCount, ERRORED, FAILED, firstFrame, messageText, outcomeOf, PASSED, parseSeconds, quoted, SKIPPED, traceText } from './dotnet.js';

/**
 * NUnit XML: NUnit 2.x `<test-results>` (2.2 to 2.6: `executed`/`success` attributes, and from
 * 2.5 on `result`), NUnit 3 `<test-run>` (`result` with a `label`), and a bare `<test-suite>` root.
 * Read in one streaming pass; every `<test-case>` element is one test (namesakes are separate).
 *
 * A test case's outcome is the worst of what it says about itself:
 * - `result`: Success/Passed → passed; Ignored/Skipped (NUnit 3 labels Ignored and Explicit) →
 *   skipped; Failure, and Failed with no label or another label → failed; Error, and Failed with
 *   label Error, Invalid (not runnable) or Cancelled → error; NotRunnable, Cancelled, Inconclusive,
 *   Warning and any other value → error (neither a pass nor a skip the producer chose: NUnit
 *   itself reports inconclusive runs as passed, which would hide a test that proved nothing).
 *   NUnit 3's "Failed:Error" and "Failed(Child)" forms read as result and label.
 * - without `result` (NUnit 2.2/2.4): executed="False" → skipped, success="True" → passed,
 *   success="False" → failed, neither → error;
 * - success="False" on an executed case, or a `<failure>` child, make it at least failed
 *   (`result="Error"` with a `<failure>` child stays an error).
 *
 * A suite (and the root) that reads as failed by the same rules counts one failed test of its own,
 * named after the suite, when no failed test under it explains it (a fixture tear-down failure
 * leaves every test case passed: NUnit 2.6 marks only the fixture) and always for NUnit 3's
 * site="TearDown". A fixture set-up failure marks the cases too, so it is not counted twice; cases
 * without a stack trace are placed at the set-up failure's frame.
 *
 * Declared counts: where a suite or the root declares more failed tests (NUnit 2: failures +
 * errors + invalid + inconclusive; NUnit 3: failed + inconclusive + warnings) than its elements
 * show, the declared figure counts (errors of unknown name, with a note). A declared total above
 * the tests shown only adds a note.
 */

const SUITE = 1;
const CASE = 2;
const FAILURE = 3;
const REASON = 4;
const MESSAGE = 5;
const STACK = 6;

const KINDS = new Map<string, number>([
  ['test-results', SUITE],
  ['test-run', SUITE],
  ['test-suite', SUITE],
  ['test-case', CASE],
  ['failure', FAILURE],
  ['reason', REASON],
  ['message', MESSAGE],
  ['stack-trace', STACK],
]);

/** `result` values (NUnit 2 and 3), lower-cased; anything else is an error. */
const RESULTS = new Map<string, number>([
  ['success', PASSED],
  ['passed', PASSED],
  ['ignored', SKIPPED],
  ['skipped', SKIPPED],
  ['explicit', SKIPPED],
  ['failure', FAILED],
  ['failed', FAILED],
  ['error', ERRORED],
]);

/** NUnit 3 labels of a Failed result that are not an assertion failure. */
const ERROR_LABELS = new Set(['error', 'invalid', 'cancelled', 'notrunnable']);

/** The outcome a test-case or suite element states in its attributes. */
function statedSeverity(attributes: XmlAttributes): number {
  // the common case, compared on the bytes without making strings
  if ((attributes.is('result', 'Passed') || attributes.is('result', 'Success')) && (attributes.digits('success') === -2 || attributes.is('success', 'True'))) return PASSED;
  const executed = attributes.get('executed');
  const success = attributes.get('success');
  let raw = attributes.get('result');
  let severity: number;
  if (raw !== undefined) {
    raw = raw.trim().toLowerCase();
    let label = attributes.get('label')?.trim().toLowerCase();
    // "Failed:Error", "Failed(Child)": the result and its label or site in one value
    const split = /^([a-z]+)\s*[:(]\s*([a-z]*)/.exec(raw);
    if (split !== null) {
      raw = split[1]!;
      if (label === undefined && split[2] !== 'child') label = split[2];
    }
    severity = RESULTS.get(raw) ?? ERRORED;
    if (severity === FAILED && label !== undefined && ERROR_LABELS.has(label)) severity = ERRORED;
  } else if (executed?.trim().toLowerCase() === 'false') severity = SKIPPED;
  else if (success !== undefined) severity = success.trim().toLowerCase() === 'true' ? PASSED : FAILED;
  else severity = ERRORED;
  if (success?.trim().toLowerCase() === 'false' && executed?.trim().toLowerCase() !== 'false') severity = Math.max(severity, FAILED);
  return severity;
}

interface Suite {
  depth: number;
  root: boolean;
  /** a TestFixture (or GenericFixture) suite: what a case is grouped under */
  fixture: boolean;
  name: string | undefined;
  severity: number;
  tearDown: boolean;
  /** declared failed tests and total (-1: not declared) */
  declaredFailing: number;
  declaredTests: number;
  /** tests and failed tests counted under it so far (nested suites included) */
  tests: number;
  failing: number;
  message?: BoundedText;
  trace?: BoundedText;
}

interface Case {
  depth: number;
  severity: number;
  name: string | undefined;
  classname: string | undefined;
  seconds: number | undefined;
  message?: BoundedText;
  trace?: BoundedText;
}

/** Sum of declared counts, -1 when none of them is declared. */
function declaredSum(attributes: XmlAttributes, names: string[]): number {
  let sum = -1;
  for (const name of names) {
    const n = declaredCount(attributes, name);
    if (n >= 0) sum = Math.max(sum, 0) + n;
  }
  return sum;
}

async function read(input: AsyncIterable<Uint8Array>, file: string, maxDepth: number, identitiesCap: number): Promise<TestResults> {
  const tally = new TestTally(identitiesCap);
  const results = tally.results;
  const suites: Suite[] = [];
  let current: Case | undefined;
  let rootDuration: number | undefined;
  // the <failure>/<reason> being read, its owner's depth, and the text element inside it
  let failureDepth = -1;
  let capture: BoundedText | undefined;
  let captureDepth = -1;

  const keeping = (): boolean => results.failing.length < FAILING_TESTS_KEPT;
  const failingCount = (): number => results.failures + results.errors;

  /** The innermost fixture's name, else the innermost suite's (NUnit 3 cases have a classname). */
  const suiteName = (): string | undefined => {
    for (let i = suites.length - 1; i >= 0; i--) if (suites[i]!.fixture && suites[i]!.name) return suites[i]!.name;
    for (let i = suites.length - 1; i >= 0; i--) if (!suites[i]!.root && suites[i]!.name) return suites[i]!.name;
    return undefined;
  };

  /** A case with no frame of its own is placed where its fixture's set-up failed. */
  const inheritedFrame = (): { file: string; line: number } | undefined => {
    for (let i = suites.length - 1; i >= 0; i--) {
      const frame = firstFrame(suites[i]!.trace?.text);
      if (frame !== undefined) return frame;
    }
    return undefined;
  };

  const recordCase = (c: Case): void => {
    const before = failingCount();
    const options = c.seconds === undefined ? undefined : { seconds: c.seconds };
    if (c.severity < FAILED) tally.record(outcomeOf(c.severity), undefined, options);
    else {
      tally.record(
        outcomeOf(c.severity),
        () => {
          const frame = firstFrame(c.trace?.text) ?? inheritedFrame();
          const failing: FailingRecord = { name: c.name ?? '(unnamed test case)', message: messageLine(c.message?.text) };
          if (c.name === undefined) failing.identity = null;
          const suite = c.classname ?? suiteName();
          if (suite !== undefined) failing.suite = suite;
          if (frame !== undefined) Object.assign(failing, frame);
          return failing;
        },
        options,
      );
    }
    const suite = suites[suites.length - 1];
    if (suite !== undefined) {
      suite.tests++;
      suite.failing += failingCount() - before;
    }
  };

  const closeSuite = (suite: Suite): void => {
    const parent = suites[suites.length - 1];
    if (suite.severity >= FAILED && (suite.tearDown || suite.failing === 0)) {
      // the suite failed for a reason no test case shows: one failed test of its own
      const before = failingCount();
      tally.record(outcomeOf(suite.severity), () => {
        const failing: FailingRecord = { name: suite.name ?? (suite.root ? '(test run)' : '(unnamed suite)'), message: messageLine(suite.message?.text) ?? 'the suite failed while no test case under it did (a set-up or tear-down failure)' };
        if (suite.name === undefined) failing.identity = null;
        const frame = firstFrame(suite.trace?.text);
        if (frame !== undefined) Object.assign(failing, frame);
        if (parent !== undefined && parent.name !== undefined && !parent.root) failing.suite = parent.name;
        return failing;
      });
      suite.tests++;
      suite.failing += failingCount() - before;
    }
    if (suite.declaredFailing > suite.failing) {
      const extra = suite.declaredFailing - suite.failing;
      tally.addDeclaredFailures(extra, `${file}: ${suite.root ? 'the root' : 'suite'}${quoted(suite.name)} declares ${suite.declaredFailing} failed test${suite.declaredFailing === 1 ? '' : 's'} but its elements show ${suite.failing}: counted as ${suite.declaredFailing} failed (the worse figure)`);
      suite.tests += extra;
      suite.failing += extra;
    }
    if (suite.declaredTests > suite.tests) tally.note(`${file}: ${suite.root ? 'the root' : 'suite'}${quoted(suite.name)} declares ${suite.declaredTests} tests but holds ${suite.tests}`);
    if (parent !== undefined) {
      parent.tests += suite.tests;
      parent.failing += suite.failing;
    }
  };

  await parseXml(
    input,
    {
      open(name, attributes, depth) {
        if (depth === 1) {
          if (name !== 'test-results' && name !== 'test-run' && name !== 'test-suite') {
            throw new EvidenceError(`not an NUnit XML file: the root element is <${name}>, expected <test-run> (NUnit 3), <test-results> (NUnit 2) or <test-suite>`);
          }
          if (name === 'test-run') rootDuration = parseSeconds(attributes.get('duration'));
        }
        const kind = KINDS.get(name);
        if (kind === undefined) return;
        if (kind === CASE) {
          // NUnit 3 writes `duration`, NUnit 2 `time` (both seconds)
          const severity = statedSeverity(attributes);
          // names while failing tests are kept (the case may fail in a child), then only of the
          // cases stated failed while their identities have room: NUnit 2 names are full, NUnit 3 has classname
          const named = keeping() || (severity >= FAILED && !results.identities.full);
          current = {
            depth,
            severity,
            name: named ? attributes.get('name') : undefined,
            classname: named ? attributes.get('classname') : undefined,
            // the run's own duration wins: case times are read only when there is none
            seconds: rootDuration === undefined ? parseSeconds(attributes.get('duration') ?? attributes.get('time')) : undefined,
          };
          return;
        }
        if (kind === SUITE) {
          const root = depth === 1 && name !== 'test-suite';
          // a suite that states no outcome of its own claims nothing: its cases carry the results
          const statesOutcome = attributes.digits('result') !== -2 || attributes.digits('success') !== -2 || attributes.digits('executed') !== -2;
          const severity = name === 'test-results' || !statesOutcome ? PASSED : statedSeverity(attributes);
          suites.push({
            depth,
            root,
            fixture: /fixture$/i.test(attributes.get('type') ?? ''),
            name: attributes.get('name'),
            severity,
            tearDown: attributes.get('site')?.trim().toLowerCase() === 'teardown',
            declaredFailing: name === 'test-results' ? declaredSum(attributes, ['failures', 'errors', 'invalid', 'inconclusive']) : declaredSum(attributes, ['failed', 'inconclusive', 'warnings']),
            declaredTests: name === 'test-results' ? declaredSum(attributes, ['total', 'not-run']) : declaredSum(attributes, ['total']),
            tests: 0,
            failing: 0,
          });
          return;
        }
        const suite = suites[suites.length - 1];
        const owner = current !== undefined ? current.depth : (suite?.depth ?? 0);
        if (kind === FAILURE || kind === REASON) {
          if (depth !== owner + 1) return;
          failureDepth = depth;
          if (kind === FAILURE) {
            if (current !== undefined) current.severity = Math.max(current.severity, FAILED);
            else if (suite !== undefined) suite.severity = Math.max(suite.severity, FAILED);
          }
          return;
        }
        // <message>/<stack-trace> of the failure or reason being read: kept only while failing
        // tests are still kept (a reason's message only when there is no failure message)
        if (failureDepth === -1 || depth !== failureDepth + 1 || !keeping()) return;
        const target = current ?? suite;
        if (target === undefined) return;
        if (kind === MESSAGE) {
          if (target.message !== undefined && target.message.text !== '') return;
          capture = target.message = messageText();
        } else {
          if (target.trace !== undefined && target.trace.text !== '') return;
          capture = target.trace = traceText();
        }
        captureDepth = depth;
      },
      text(text) {
        if (capture !== undefined) capture.add(text);
      },
      close(_name, depth) {
        if (depth === captureDepth) {
          capture = undefined;
          captureDepth = -1;
        } else if (depth === failureDepth) failureDepth = -1;
        else if (current !== undefined && depth === current.depth) {
          const c = current;
          current = undefined;
          recordCase(c);
        } else if (suites.length > 0 && suites[suites.length - 1]!.depth === depth) {
          closeSuite(suites.pop()!);
        }
      },
    },
    maxDepth,
  );

  if (rootDuration !== undefined) tally.setDuration(rootDuration);
  return tally.finish();
}

export const nunit: Format<TestResults> = {
  name: 'nunit',
  ...TEST_RESULTS_FORMAT,
  read: (input, ctx) => read(input, ctx.name, ctx.limits.nestingDepth, ctx.limits.failingIdentities),
};
