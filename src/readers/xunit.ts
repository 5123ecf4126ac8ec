import { EvidenceError } from '../measure.js';
import type { Format } from './types.js';
import { parseXml, type XmlAttributes } from './xml.js';
import { FAILING_TESTS_KEPT, TestTally, type FailingRecord, type TestResults, TEST_RESULTS_FORMAT } from './test-results.js';
import { messageLine } from './stack-frames.js';
import { BoundedText, declaredCount, ERRORED, FAILED, firstFrame, messageText, outcomeOf, PASSED, parseSeconds, quoted, SKIPPED, traceText } from './dotnet.js';

/**
 * xUnit.net XML: v2/v3 `<assemblies><assembly><collection><test>` (xunit.console -xml, the v3
 * runners, and producers imitating it such as Fixie) and v1 `<assembly><class><test>`, read in one
 * streaming pass. Every `<test>` element is one test (theory rows and namesakes are separate).
 *
 * - `result`: Pass → passed; Skip, and NotRun (v3: an explicit test that was not asked for) →
 *   skipped; Fail → failed; a missing or any other value → error. A `<failure>` child makes a
 *   test at least failed.
 * - Every `<error>` of an assembly's `<errors>` (assembly, collection, class, method or test-case
 *   cleanup failures, and "fatal" runner errors) counts as one failed test (an error) named by its
 *   `name` or `type`: the tests themselves passed, the run did not. So does a `<failure>` directly
 *   under a `<class>`, `<collection>` or `<assembly>` (v1 fixture failures).
 * - Declared counts: where an assembly (failed + errors), collection or class (failed) declares
 *   more failed tests than its elements show, the declared figure counts (errors of unknown name,
 *   with a note); a declared total above the tests shown only adds a note.
 */

const SUITE = 1;
const TEST = 2;
const ERRORS = 3;
const ERROR = 4;
const FAILURE = 5;
const MESSAGE = 6;
const STACK = 7;

const KINDS = new Map<string, number>([
  ['assemblies', SUITE],
  ['assembly', SUITE],
  ['collection', SUITE],
  ['class', SUITE],
  ['test', TEST],
  ['errors', ERRORS],
  ['error', ERROR],
  ['failure', FAILURE],
  ['message', MESSAGE],
  ['stack-trace', STACK],
]);

const RESULTS = new Map<string, number>([
  ['pass', PASSED],
  ['skip', SKIPPED],
  ['notrun', SKIPPED],
  ['fail', FAILED],
]);

function resultSeverity(attributes: XmlAttributes): number {
  if (attributes.is('result', 'Pass')) return PASSED; // the common case, without making a string
  const raw = attributes.get('result');
  return raw === undefined ? ERRORED : (RESULTS.get(raw.trim().toLowerCase()) ?? ERRORED);
}

interface Suite {
  depth: number;
  assembly: boolean;
  name: string | undefined;
  declaredFailing: number;
  declaredTests: number;
  tests: number;
  failing: number;
}

/** A `<test>`, an assembly `<error>`, or a `<failure>` outside any test: one test each. */
interface Item {
  depth: number;
  severity: number;
  /** failing and among the first kept: its message and stack trace are read */
  keep: boolean;
  /** its name, or the reader's stand-in when `anonymous` (read only for failing tests kept or identified) */
  name: string | undefined;
  /** the producer does not name it: no identity */
  anonymous?: boolean;
  suite: string | undefined;
  seconds: number | undefined;
  failureDepth: number;
  message?: BoundedText;
  trace?: BoundedText;
}

async function read(input: AsyncIterable<Uint8Array>, file: string, maxDepth: number, identitiesCap: number): Promise<TestResults> {
  const tally = new TestTally(identitiesCap);
  const results = tally.results;
  const failingCount = (): number => results.failures + results.errors;
  const keeping = (): boolean => results.failing.length < FAILING_TESTS_KEPT;

  const suites: Suite[] = [];
  let item: Item | undefined;
  let errorsDepth = -1;
  // assembly times (the run's own figure), used instead of the sum of test times where given
  let assemblyTimed = false;
  let assemblySeconds = 0;
  let sawAssemblyTime = false;
  let testSeconds = 0;
  let sawTestTime = false;
  let capture: BoundedText | undefined;
  let captureDepth = -1;

  /** the innermost class or collection, else the assembly */
  const suiteName = (): string | undefined => {
    for (let i = suites.length - 1; i >= 0; i--) if (suites[i]!.name) return suites[i]!.name;
    return undefined;
  };

  const recordItem = (it: Item): void => {
    const before = failingCount();
    if (it.severity < FAILED) tally.record(outcomeOf(it.severity));
    else {
      tally.record(outcomeOf(it.severity), () => {
        const failing: FailingRecord = { name: it.name ?? '(unnamed test)', message: messageLine(it.message?.text) };
        if (it.name === undefined || it.anonymous) failing.identity = null;
        const suite = it.suite ?? suiteName();
        if (suite !== undefined) failing.suite = suite;
        const frame = firstFrame(it.trace?.text);
        if (frame !== undefined) Object.assign(failing, frame);
        return failing;
      });
    }
    if (it.seconds !== undefined) {
      testSeconds += it.seconds;
      sawTestTime = true;
    }
    const suite = suites[suites.length - 1];
    if (suite !== undefined) {
      suite.tests++;
      suite.failing += failingCount() - before;
    }
  };

  const closeSuite = (suite: Suite): void => {
    if (suite.declaredFailing > suite.failing) {
      const extra = suite.declaredFailing - suite.failing;
      tally.addDeclaredFailures(extra, `${file}: <${suite.assembly ? 'assembly' : 'collection'}>${quoted(suite.name)} declares ${suite.declaredFailing} failed test${suite.declaredFailing === 1 ? '' : 's'} but its elements show ${suite.failing}: counted as ${suite.declaredFailing} failed (the worse figure)`);
      suite.tests += extra;
      suite.failing += extra;
    }
    if (suite.declaredTests > suite.tests) tally.note(`${file}:${quoted(suite.name)} declares total="${suite.declaredTests}" but holds ${suite.tests} tests`);
    const parent = suites[suites.length - 1];
    if (parent !== undefined) {
      parent.tests += suite.tests;
      parent.failing += suite.failing;
    }
  };

  await parseXml(
    input,
    {
      open(name, attributes, depth) {
        if (depth === 1 && name !== 'assemblies' && name !== 'assembly') {
          throw new EvidenceError(`not an xUnit.net XML file: the root element is <${name}>, expected <assemblies> (xUnit.net v2/v3) or <assembly> (v1)`);
        }
        const kind = KINDS.get(name);
        if (kind === undefined) return;
        if (item !== undefined) {
          if (kind === FAILURE && depth === item.depth + 1) {
            item.severity = Math.max(item.severity, FAILED);
            item.failureDepth = depth;
          } else if ((kind === MESSAGE || kind === STACK) && item.keep && depth === item.failureDepth + 1) {
            if (kind === MESSAGE && item.message === undefined) capture = item.message = messageText();
            else if (kind === STACK && item.trace === undefined) capture = item.trace = traceText();
            else return;
            captureDepth = depth;
          }
          return;
        }
        const keep = keeping();
        // names while failing tests are kept (a test may fail in a child), then only of the failing
        // ones while their identities have room
        const identify = !results.identities.full;
        if (kind === TEST) {
          const severity = resultSeverity(attributes);
          const named = keep || (severity >= FAILED && identify);
          item = {
            depth,
            severity,
            keep,
            name: named ? attributes.get('name') : undefined,
            suite: named ? attributes.get('type') || undefined : undefined,
            // an assembly's own time wins: test times are read only when it has none
            seconds: assemblyTimed ? undefined : parseSeconds(attributes.get('time')),
            failureDepth: -1,
          };
        } else if (kind === ERROR && errorsDepth !== -1 && depth === errorsDepth + 1) {
          // a cleanup or fatal error of the assembly: a failed run beside passing tests
          const named = keep || identify;
          const type = named ? attributes.get('type') : undefined;
          const own = named ? attributes.get('name') || (type ? `(${type})` : undefined) : undefined;
          item = { depth, severity: ERRORED, keep, name: own ?? '(assembly error)', anonymous: own === undefined, suite: undefined, seconds: undefined, failureDepth: -1 };
          if (type) item.suite = `[${type}]`;
        } else if (kind === FAILURE && suites.length > 0 && depth === suites[suites.length - 1]!.depth + 1) {
          // a fixture failure of a class or collection, outside any test: read until it closes
          const own = suites[suites.length - 1]!.name;
          item = { depth, severity: ERRORED, keep, name: own ?? '(fixture)', anonymous: own === undefined, suite: undefined, seconds: undefined, failureDepth: depth };
        } else if (kind === ERRORS) errorsDepth = depth;
        else if (kind === SUITE && name !== 'assemblies') {
          const assembly = name === 'assembly';
          if (assembly) {
            const time = parseSeconds(attributes.get('time'));
            assemblyTimed = time !== undefined;
            if (time !== undefined) {
              assemblySeconds += time;
              sawAssemblyTime = true;
            }
          }
          suites.push({
            depth,
            assembly,
            name: attributes.get('name'),
            declaredFailing: assembly ? sum(declaredCount(attributes, 'failed'), declaredCount(attributes, 'errors')) : declaredCount(attributes, 'failed'),
            declaredTests: declaredCount(attributes, 'total'),
            tests: 0,
            failing: 0,
          });
        }
      },
      text(text) {
        if (capture !== undefined) capture.add(text);
      },
      close(_name, depth) {
        if (depth === captureDepth) {
          capture = undefined;
          captureDepth = -1;
        } else if (item !== undefined) {
          if (depth === item.depth) {
            const it = item;
            item = undefined;
            recordItem(it);
          } else if (depth === item.failureDepth) item.failureDepth = -2; // only the first failure's text
        } else if (depth === errorsDepth) errorsDepth = -1;
        else if (suites.length > 0 && suites[suites.length - 1]!.depth === depth) closeSuite(suites.pop()!);
      },
    },
    maxDepth,
  );
  if (sawAssemblyTime || sawTestTime) tally.setDuration(assemblySeconds + testSeconds);
  return tally.finish();
}

function sum(a: number, b: number): number {
  return a < 0 && b < 0 ? -1 : Math.max(a, 0) + Math.max(b, 0);
}

export const xunit: Format<TestResults> = {
  name: 'xunit',
  ...TEST_RESULTS_FORMAT,
  read: (input, ctx) => read(input, ctx.name, ctx.limits.nestingDepth, ctx.limits.failingIdentities),
};
