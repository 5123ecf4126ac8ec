import { EvidenceError } from '../measure.js';
import type { Metrics } from '../measure.js';
import type { ByteSource, Format } from './types.js';
import { parseXml } from './xml.js';

/**
 * JUnit XML, read in one streaming pass. Every number is derived from `<testcase>` elements, never
 * from the count attributes suites declare about themselves (those are often wrong: nested suites
 * double-count, converters copy stale totals, rerun reports count runs).
 *
 * A testcase's outcome is its worst result child: `<error>`/`<rerunError>` > `<failure>`/
 * `<rerunFailure>` > `<skipped>` (or a skipped-like `status` attribute) > passed. A passing testcase
 * with Surefire `<flakyFailure>`/`<flakyError>` children passed on a rerun: passed and flaky.
 * Several testcases with the same identity (classname, name and file; see identity) in one suite
 * element are runs of one test: it counts once, as passed and flaky if any run passed and another
 * failed, else as its worst outcome.
 *
 * Only counters and one small number per named test of the open suites are kept; result messages, stack traces and
 * system-out are never accumulated.
 */
export interface JunitModel {
  /** distinct tests; always passed + failures + errors + skipped */
  tests: number;
  passed: number;
  /** tests whose worst run failed (`<failure>`), with no passing run */
  failures: number;
  /** tests whose worst run errored (`<error>`), with no passing run */
  errors: number;
  skipped: number;
  /** passed tests that failed or errored on another run */
  flaky: number;
  /** seconds: the sum of testcase times, or the top-level suite times when no testcase has one */
  duration: number;
  /** `<testcase>` elements read, reruns included (tools that do not merge reruns report this) */
  runs: number;
}

// One run's outcome, and the aggregate of one test's runs, as bits: a small number per identity.
const PASSED = 1;
const SKIPPED = 2;
const FAILURE = 4;
const ERROR = 8;
/** a passing run that carries `<flakyFailure>`/`<flakyError>`: it failed before passing */
const FLAKY = 16;

// Where an aggregate of run bits is counted: indexes into the counters.
const OUT_PASSED = 0;
const OUT_FLAKY = 1;
const OUT_FAILURE = 2;
const OUT_ERROR = 3;
const OUT_SKIPPED = 4;

function outcomeOf(bits: number): number {
  if (bits & PASSED) return bits & (FAILURE | ERROR | FLAKY) ? OUT_FLAKY : OUT_PASSED;
  if (bits & ERROR) return OUT_ERROR;
  if (bits & FAILURE) return OUT_FAILURE;
  return OUT_SKIPPED;
}

/** The result a single testcase element reports, from its result children (bits) and status. */
function runBits(children: number, status: string | undefined): number {
  let bits = children;
  if (status !== undefined) bits |= STATUS_BITS.get(status.trim().toLowerCase()) ?? 0;
  if (bits & ERROR) return ERROR;
  if (bits & FAILURE) return FAILURE;
  if (bits & SKIPPED) return SKIPPED;
  return PASSED | (bits & FLAKY);
}

/** Result children of a testcase (direct children only; their own content is never read). */
const CHILD_BITS = new Map<string, number>([
  ['error', ERROR],
  ['rerunError', ERROR],
  ['failure', FAILURE],
  ['rerunFailure', FAILURE],
  ['skipped', SKIPPED],
  ['flakyFailure', FLAKY],
  ['flakyError', FLAKY],
]);

/**
 * `status` attribute values some producers write instead of (or besides) a result child: the tst
 * C++ framework and mikepenz fixtures write status="disabled" with no `<skipped>` child. A status
 * naming a failure counts even without a child: a producer's own "failed" is never read as a pass.
 * Other values ("run", "passed", ...) leave the outcome to the children.
 */
const STATUS_BITS = new Map<string, number>([
  ['disabled', SKIPPED],
  ['skipped', SKIPPED],
  ['notrun', SKIPPED],
  ['failed', FAILURE],
  ['failure', FAILURE],
  ['errored', ERROR],
  ['error', ERROR],
]);

const PLAIN_NUMBER = /^(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$/;
const THOUSANDS = /^\d{1,3}(?:,\d{3})+(?:\.\d*)?$/;

/** A `time` attribute in seconds ("1.5", "1,234.5"), or undefined when it is not a plain duration. */
function parseTime(raw: string | undefined): number | undefined {
  if (raw === undefined) return undefined;
  let text = raw.trim();
  if (THOUSANDS.test(text)) text = text.replaceAll(',', '');
  else if (!PLAIN_NUMBER.test(text)) return undefined;
  const value = Number(text);
  return Number.isFinite(value) ? value : undefined;
}

async function read(input: ByteSource, maxDepth: number): Promise<JunitModel> {
  const counts = [0, 0, 0, 0, 0]; // indexed by OUT_*
  let tests = 0;
  let runs = 0;

  let caseTime = 0;
  let sawCaseTime = false;
  let rootTime: number | undefined;
  let topSuitesTime = 0;
  let sawTopSuiteTime = false;
  let rootIsTestsuites = false;

  // One map per open suite element: the identity of each of its testcases (see identity) -> the
  // OR of its runs' bits. A suite's map is dropped when the suite closes, so memory follows the
  // largest suite, not the file.
  const suites: (Map<string, number> | undefined)[] = [];

  // the testcase being read: its depth (0 = none), result-children bits, status and identity
  let caseDepth = 0;
  let caseChildren = 0;
  let caseStatus: string | undefined;
  let caseKey: string | undefined;

  const count = (bits: number): void => {
    tests++;
    counts[outcomeOf(bits)]!++;
  };

  const record = (bits: number): void => {
    runs++;
    const key = caseKey;
    if (key === undefined || suites.length === 0) return count(bits);
    let seen = suites[suites.length - 1];
    if (seen === undefined) suites[suites.length - 1] = seen = new Map();
    const previous = seen.get(key);
    if (previous === undefined) {
      seen.set(key, bits);
      return count(bits);
    }
    const combined = previous | bits;
    if (combined === previous) return;
    seen.set(key, combined);
    counts[outcomeOf(previous)]!--;
    counts[outcomeOf(combined)]!++;
  };

  await parseXml(
    input,
    {
      open(name, attributes, depth) {
        if (caseDepth !== 0) {
          if (depth === caseDepth + 1) caseChildren |= CHILD_BITS.get(name) ?? 0;
          return;
        }
        if (name === 'testcase' && depth > 1) {
          caseDepth = depth;
          caseChildren = 0;
          caseStatus = attributes.get('status');
          caseKey = identity(attributes.get('classname'), attributes.get('file'), attributes.get('name'));
          const time = parseTime(attributes.get('time'));
          if (time !== undefined) {
            caseTime += time;
            sawCaseTime = true;
          }
          return;
        }
        if (name === 'testsuite' || name === 'testsuites') {
          if (depth === 1) {
            rootIsTestsuites = name === 'testsuites';
            rootTime = parseTime(attributes.get('time'));
          } else if (depth === 2 && rootIsTestsuites) {
            const time = parseTime(attributes.get('time'));
            if (time !== undefined) {
              topSuitesTime += time;
              sawTopSuiteTime = true;
            }
          }
          suites.push(undefined);
          return;
        }
        if (depth === 1) {
          throw new EvidenceError(`not a JUnit XML file: the root element is <${name}>, expected <testsuites> or <testsuite>`);
        }
      },
      close(name, depth) {
        if (caseDepth !== 0) {
          if (depth !== caseDepth) return;
          caseDepth = 0;
          record(runBits(caseChildren, caseStatus));
        } else if (name === 'testsuite' || name === 'testsuites') {
          suites.pop();
        }
      },
    },
    maxDepth,
  );

  return {
    tests,
    passed: counts[OUT_PASSED]! + counts[OUT_FLAKY]!,
    failures: counts[OUT_FAILURE]!,
    errors: counts[OUT_ERROR]!,
    skipped: counts[OUT_SKIPPED]!,
    flaky: counts[OUT_FLAKY]!,
    // to the microsecond: summing decimal fractions leaves float noise (4500.00000000489)
    duration: Math.round((sawCaseTime ? caseTime : (rootTime ?? (sawTopSuiteTime ? topSuitesTime : 0))) * 1e6) / 1e6,
    runs,
  };
}

/**
 * A testcase's identity within its suite element: classname, file and name. Undefined (never
 * merged with another testcase) unless it has both a name and a classname: producers that leave
 * the classname empty (jest-junit with an empty classNameTemplate, the tst C++ framework,
 * nextest...) repeat the same name in different describe blocks, and merging those would hide a
 * failing test behind a passing namesake. Only testcases of the same suite element merge: tests
 * named alike in different suites are different tests (mikepenz nested/junit.xml), and producers
 * that rerun tests repeat the testcase inside the same suite (gotestsum, go-junit-report, Gradle
 * test-retry, TestNG). Reruns written as a second suite element of the same name count as
 * separate tests (a failed run then stays failed: the error is on the safe side), which keeps
 * memory bounded by the largest suite. NUL cannot occur in XML 1.0 text: the joins are unambiguous.
 */
function identity(classname: string | undefined, file: string | undefined, name: string | undefined): string | undefined {
  if (name === undefined || name === '' || classname === undefined || classname === '') return undefined;
  return `${classname}\0${file ?? ''}\0${name}`;
}

export const junit: Format<JunitModel> = {
  name: 'junit',
  read: (input, ctx) => read(input, ctx.limits.nestingDepth),
  merge(models) {
    const sum: JunitModel = { tests: 0, passed: 0, failures: 0, errors: 0, skipped: 0, flaky: 0, duration: 0, runs: 0 };
    for (const m of models) {
      sum.tests += m.tests;
      sum.passed += m.passed;
      sum.failures += m.failures;
      sum.errors += m.errors;
      sum.skipped += m.skipped;
      sum.flaky += m.flaky;
      sum.duration += m.duration;
      sum.runs += m.runs;
    }
    return sum;
  },
  metrics(m): Metrics {
    return {
      tests: { value: m.tests },
      passed: { value: m.passed },
      failed: { value: m.failures + m.errors },
      failures: { value: m.failures },
      errors: { value: m.errors },
      skipped: { value: m.skipped },
      flaky: { value: m.flaky },
      duration: { value: m.duration, unit: 's' },
    };
  },
  knownMetrics: {
    tests: null,
    passed: null,
    failed: null,
    failures: null,
    errors: null,
    skipped: null,
    flaky: null,
    duration: 's',
  },
};
