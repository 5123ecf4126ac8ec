import { EvidenceError } from '../measure.js';
import type { Metrics } from '../measure.js';
import type { ByteSource, Format } from './types.js';
import { parseXml, type XmlAttributes } from './xml.js';

/**
 * JUnit XML, read in one streaming pass. Tests are counted from the elements, and the counts a
 * suite declares about itself can only make the result worse, never better:
 *
 * - Every `<testcase>` element is one test. Testcases that share a classname and name are
 *   separate tests (jest-junit `test.each` with a constant title, mocha duplicate `it()` titles,
 *   parameterised tests): merging them would hide a failing test behind a passing namesake. Reruns
 *   are merged only where the producer marks them as reruns: Surefire's (and Gradle's
 *   `mergeReruns`, nextest's, Marathon's) `<flakyFailure>`/`<flakyError>` children of a passing
 *   testcase (passed and flaky), `<rerunFailure>`/`<rerunError>` of a failing one (failed).
 * - A testcase's outcome is the worst result anywhere inside it: `<error>`/`<rerunError>` >
 *   `<failure>`/`<rerunFailure>` > `<skipped>` (or a skipped-like `status`) > passed. Element names
 *   are matched on their local part, in any case (`<j:failure>` is a failure). The results inside
 *   a result element are its detail (those inside `<flakyFailure>` are failed runs of a test that
 *   passed in the end); a testcase or suite nested anywhere, even there, is read as its own.
 * - An `<error>`/`<failure>` outside any testcase (karma's "error thrown in afterAll", a fixture
 *   set-up failure directly under `<testsuite>`) counts as one failed test of its own.
 * - Declared counts: where a suite (or the root) declares more failed tests (`failures` +
 *   `errors`) than its elements show, the declared figure counts: the difference is added as
 *   failed tests of unknown name, and `notes` says where. Compared per suite on what its elements
 *   (nested suites included, each at its own worse figure) show, so nested suites never
 *   double-count. A declared `tests` above the tests shown only adds a note (fewer tests is the
 *   worse reading of `tests >=`).
 *
 * Only counters are kept (constant memory per test, whatever its name): result messages, stack
 * traces, system-out and test names are never accumulated.
 */
export interface JunitModel {
  /** tests: always passed + failures + errors + skipped */
  tests: number;
  passed: number;
  /** failed tests whose worst result is a `<failure>` */
  failures: number;
  /** failed tests whose worst result is an `<error>` */
  errors: number;
  skipped: number;
  /** passed tests that failed or errored on an earlier run (Surefire flaky children) */
  flaky: number;
  /** seconds: the sum of testcase times, or the top-level suite times when no testcase has one */
  duration: number;
  /** `<testcase>` elements read */
  runs: number;
  /** failed tests only a declaration shows (included in failures/errors/tests) */
  declaredOnly: number;
  /** why failed tests come from declarations, per file (capped) */
  failedNotes: string[];
  /** where a file declares more tests than it shows (capped) */
  testsNotes: string[];
}

/** Notes kept per model: enough to say where, bounded whatever the input. */
const MAX_NOTES = 3;

// A testcase's results, as bits (none: passed).
const SKIPPED = 2;
const FAILURE = 4;
const ERROR = 8;
/** `<flakyFailure>`/`<flakyError>`: the test failed on a run before the one that passed */
const FLAKY = 16;

// What an element is to the reader.
const K_RESULT = 1; // failure, error, skipped, flaky*, rerun*: bits in RESULT_BITS
const K_TESTCASE = 2;
const K_SUITE = 3;

const KINDS = new Map<string, number>([
  ['testcase', K_TESTCASE],
  ['testsuite', K_SUITE],
  ['testsuites', K_SUITE],
  ['error', K_RESULT],
  ['failure', K_RESULT],
  ['skipped', K_RESULT],
  ['rerunError', K_RESULT],
  ['rerunFailure', K_RESULT],
  ['flakyError', K_RESULT],
  ['flakyFailure', K_RESULT],
]);

const RESULT_BITS = new Map<string, number>([
  ['error', ERROR],
  ['rerunError', ERROR],
  ['failure', FAILURE],
  ['rerunFailure', FAILURE],
  ['skipped', SKIPPED],
  ['flakyFailure', FLAKY],
  ['flakyError', FLAKY],
]);

/** KINDS/RESULT_BITS key of an element name: itself, or its local part and case folded. */
const canonical = new Map<string, string>();
for (const name of KINDS.keys()) canonical.set(name.toLowerCase(), name);
const foldedNames = new Map<string, string | undefined>();

function canonicalName(name: string): string | undefined {
  if (KINDS.has(name)) return name;
  let known = foldedNames.get(name);
  if (known === undefined && !foldedNames.has(name)) {
    known = canonical.get(name.slice(name.lastIndexOf(':') + 1).toLowerCase());
    // bounded: a hostile file may use any number of element names, each up to 4 KiB
    if (name.length > 64) return known;
    if (foldedNames.size >= 4096) foldedNames.clear();
    foldedNames.set(name, known);
  }
  return known;
}

/**
 * `status` (and `result`, `outcome`) attribute values producers write instead of, or besides, a
 * result child, in any case: the tst C++ framework and mikepenz fixtures write status="disabled"
 * with no `<skipped>` child. A value naming a failure counts even without a child: a producer's
 * own "FAIL" is never read as a pass. Other values ("run", "passed", ...) leave the outcome to the
 * children.
 */
const STATUS_BITS = new Map<string, number>([
  ['disabled', SKIPPED],
  ['skipped', SKIPPED],
  ['skip', SKIPPED],
  ['notrun', SKIPPED],
  ['fail', FAILURE],
  ['failed', FAILURE],
  ['failure', FAILURE],
  ['failing', FAILURE],
  ['error', ERROR],
  ['errored', ERROR],
  ['broken', ERROR],
  ['crashed', ERROR],
  ['aborted', ERROR],
  ['timeout', ERROR],
  ['timedout', ERROR],
]);
const STATUS_ATTRIBUTES = ['status', 'result', 'outcome'];

function statusBits(attributes: XmlAttributes): number {
  let bits = 0;
  for (const attribute of STATUS_ATTRIBUTES) {
    const value = attributes.get(attribute);
    if (value !== undefined) bits |= STATUS_BITS.get(value.trim().toLowerCase()) ?? 0;
  }
  return bits;
}

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

const DECLARED_COUNT = /^\s*(\d{1,15})(?:\.0*)?\s*$/;

/** A count a suite declares (`failures="3"`), or -1 when absent or not a whole number. */
function declaredCount(attributes: XmlAttributes, name: string): number {
  const n = attributes.digits(name);
  if (n !== -1) return n === -2 ? -1 : n;
  const match = DECLARED_COUNT.exec(attributes.get(name) ?? '');
  return match ? Number(match[1]) : -1;
}

/** One open suite element: what it declares, and what its elements show (nested suites included). */
interface Suite {
  depth: number;
  name: string | undefined;
  declaredTests: number;
  declaredFailures: number;
  declaredErrors: number;
  tests: number;
  failures: number;
  errors: number;
}

function describeSuite(file: string, suite: Suite): string {
  const name = suite.name === undefined || suite.name === '' ? '' : ` "${suite.name.length > 80 ? `${suite.name.slice(0, 77)}...` : suite.name}"`;
  return `${file}: ${suite.depth === 1 ? 'the root' : 'suite'}${name}`;
}

function addNote(notes: string[], note: string): void {
  if (notes.length < MAX_NOTES) notes.push(note);
  else if (notes.length === MAX_NOTES) notes.push('and more');
}

async function read(input: ByteSource, file: string, maxDepth: number): Promise<JunitModel> {
  const model: JunitModel = { tests: 0, passed: 0, failures: 0, errors: 0, skipped: 0, flaky: 0, duration: 0, runs: 0, declaredOnly: 0, failedNotes: [], testsNotes: [] };

  let caseTime = 0;
  let sawCaseTime = false;
  let rootTime: number | undefined;
  let topSuitesTime = 0;
  let sawTopSuiteTime = false;
  let rootIsTestsuites = false;

  const suites: Suite[] = [];
  // the open testcases (innermost last): their depths and result bits so far
  const caseDepths: number[] = [];
  const caseBits: number[] = [];
  // the depths of the open result elements that counted: a result element inside one of them
  // (before another testcase or suite opens) is its detail, never counted again
  const resultDepths: number[] = [];

  /** Counts one test with these result bits into the model and the innermost suite. */
  const count = (bits: number): void => {
    const suite = suites[suites.length - 1]!;
    model.tests++;
    suite.tests++;
    if (bits & ERROR) {
      model.errors++;
      suite.errors++;
    } else if (bits & FAILURE) {
      model.failures++;
      suite.failures++;
    } else if (bits & SKIPPED) {
      model.skipped++;
    } else {
      model.passed++;
      if (bits & FLAKY) model.flaky++;
    }
  };

  const closeSuite = (suite: Suite): void => {
    const shown = suite.failures + suite.errors;
    const declared = Math.max(suite.declaredFailures, 0) + Math.max(suite.declaredErrors, 0);
    if (declared > shown) {
      // failed tests only the declaration shows: errors as far as it declares more errors
      const extra = declared - shown;
      const extraErrors = Math.min(extra, Math.max(0, suite.declaredErrors - suite.errors));
      const extraFailures = extra - extraErrors;
      suite.errors += extraErrors;
      suite.failures += extraFailures;
      suite.tests += extra;
      model.errors += extraErrors;
      model.failures += extraFailures;
      model.tests += extra;
      model.declaredOnly += extra;
      const what = [suite.declaredFailures > 0 ? `failures="${suite.declaredFailures}"` : '', suite.declaredErrors > 0 ? `errors="${suite.declaredErrors}"` : ''].filter(Boolean).join(' ');
      addNote(model.failedNotes, `${describeSuite(file, suite)} declares ${what} but its elements show ${shown} failed test${shown === 1 ? '' : 's'}: counted as ${declared} failed (the worse figure)`);
    }
    if (suite.declaredTests > suite.tests) {
      addNote(model.testsNotes, `${describeSuite(file, suite)} declares tests="${suite.declaredTests}" but holds ${suite.tests}`);
    }
    const parent = suites[suites.length - 1];
    if (parent !== undefined) {
      parent.tests += suite.tests;
      parent.failures += suite.failures;
      parent.errors += suite.errors;
    }
  };

  await parseXml(
    input,
    {
      open(name, attributes, depth) {
        if (depth === 1) {
          if (name !== 'testsuite' && name !== 'testsuites') {
            throw new EvidenceError(`not a JUnit XML file: the root element is <${name}>, expected <testsuites> or <testsuite>`);
          }
          rootIsTestsuites = name === 'testsuites';
          rootTime = parseTime(attributes.get('time'));
        }
        const known = canonicalName(name);
        if (known === undefined) return;
        const kind = KINDS.get(known)!;
        if (kind === K_RESULT) {
          const caseDepth = caseDepths.length > 0 ? caseDepths[caseDepths.length - 1]! : 0;
          const container = Math.max(caseDepth, suites[suites.length - 1]!.depth);
          if (resultDepths.length > 0 && resultDepths[resultDepths.length - 1]! > container) return;
          resultDepths.push(depth);
          const bits = RESULT_BITS.get(known)!;
          if (caseDepth === container) caseBits[caseBits.length - 1]! |= bits;
          // outside any testcase: an error or failure is a failed test of its own
          else if (bits & (ERROR | FAILURE)) count(bits);
          return;
        }
        if (kind === K_TESTCASE) {
          caseDepths.push(depth);
          caseBits.push(statusBits(attributes));
          const time = parseTime(attributes.get('time'));
          if (time !== undefined) {
            caseTime += time;
            sawCaseTime = true;
          }
          return;
        }
        // a suite
        if (depth === 2 && rootIsTestsuites) {
          const time = parseTime(attributes.get('time'));
          if (time !== undefined) {
            topSuitesTime += time;
            sawTopSuiteTime = true;
          }
        }
        const declaredFailures = declaredCount(attributes, 'failures');
        const declaredErrors = declaredCount(attributes, 'errors');
        const declaredTests = declaredCount(attributes, 'tests');
        // the name only matters for a note: read it only when a declaration may need one
        const suiteName = declaredFailures > 0 || declaredErrors > 0 || declaredTests > 0 ? attributes.get('name') : undefined;
        suites.push({ depth, name: suiteName, declaredTests, declaredFailures, declaredErrors, tests: 0, failures: 0, errors: 0 });
      },
      close(name, depth) {
        if (resultDepths.length > 0 && resultDepths[resultDepths.length - 1] === depth) {
          resultDepths.pop();
          return;
        }
        const suite = suites[suites.length - 1];
        if (caseDepths.length > 0 && caseDepths[caseDepths.length - 1] === depth) {
          caseDepths.pop();
          const bits = caseBits.pop()!;
          model.runs++;
          count(bits);
        } else if (suite !== undefined && suite.depth === depth) {
          suites.pop();
          closeSuite(suite);
        }
      },
    },
    maxDepth,
  );

  // to the microsecond: summing decimal fractions leaves float noise (4500.00000000489)
  model.duration = Math.round((sawCaseTime ? caseTime : (rootTime ?? (sawTopSuiteTime ? topSuitesTime : 0))) * 1e6) / 1e6;
  return model;
}

export const junit: Format<JunitModel> = {
  name: 'junit',
  testResults: true,
  read: (input, ctx) => read(input, ctx.name, ctx.limits.nestingDepth),
  merge(models) {
    const sum: JunitModel = { tests: 0, passed: 0, failures: 0, errors: 0, skipped: 0, flaky: 0, duration: 0, runs: 0, declaredOnly: 0, failedNotes: [], testsNotes: [] };
    for (const m of models) {
      sum.tests += m.tests;
      sum.passed += m.passed;
      sum.failures += m.failures;
      sum.errors += m.errors;
      sum.skipped += m.skipped;
      sum.flaky += m.flaky;
      sum.duration += m.duration;
      sum.runs += m.runs;
      sum.declaredOnly += m.declaredOnly;
      for (const note of m.failedNotes) addNote(sum.failedNotes, note);
      for (const note of m.testsNotes) addNote(sum.testsNotes, note);
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
  /** Where declarations outweigh the elements, so a failing check's reason says why. */
  notes(m): Record<string, string> {
    const notes: Record<string, string> = {};
    if (m.failedNotes.length > 0) {
      const why = m.failedNotes.join('; ');
      notes.failed = notes.failures = notes.errors = notes.tests = why;
    }
    if (m.testsNotes.length > 0) notes.tests = [notes.tests, m.testsNotes.join('; ')].filter(Boolean).join('; ');
    return notes;
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
