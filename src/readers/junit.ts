import { EvidenceError } from '../measure.js';
import type { Metrics } from '../measure.js';
import { own } from './coverage.js';
import { BoundedText, firstFrame, traceText } from './dotnet.js';
import { FailingIdentities, identityOf } from './identity.js';
import { messageLine, stackPlace } from './stack-frames.js';
import { FAILING_TESTS_KEPT, type FailingTest } from './test-results.js';
import type { ByteSource, Failures, Format } from './types.js';
import { parseXml, SavedAttributes, type XmlAttributes, type XmlHandler } from './xml.js';

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
 * Failing tests by name and place: the first FAILING_TESTS_KEPT failed tests, in document order,
 * keep their suite (classname, else the innermost suite's name), name, file and line (the
 * testcase's `file`/`line` attributes, else the first stack frame of the failure text that names
 * a file) and the first line of their message (`message` attribute, else the element's text,
 * else its `type`). A failure outside any testcase is named after its suite; failed tests only a
 * declaration shows have no name and count in the total only.
 *
 * Identities (identity.ts) of every failed test, up to LIMITS.failingIdentities: its suite as above
 * (classname, else the innermost suite's name; unclipped) and its name. A testcase without a name,
 * a failure outside any testcase in an unnamed suite and failed tests only a declaration shows have
 * none (the identities are then incomplete).
 *
 * Bounded: names are decoded only for failed testcases, while fewer than FAILING_TESTS_KEPT are
 * kept or the identities have room (a testcase's tag is copied, not decoded, until it is known to
 * fail; a tag over SAVED_TAG_BYTES is decoded at once), and of a failure's text only the first 16 KB
 * of the kept ones is read; everything else is counters (result messages, stack traces,
 * system-out and names are never accumulated).
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
  /** the first FAILING_TESTS_KEPT failed tests, in document order (failures + errors counts them all) */
  failing: FailingTest[];
  /** the identities of every failed test, up to LIMITS.failingIdentities */
  identities: FailingIdentities;
}

const emptyModel = (identitiesCap?: number): JunitModel => ({
  tests: 0,
  passed: 0,
  failures: 0,
  errors: 0,
  skipped: 0,
  flaky: 0,
  duration: 0,
  runs: 0,
  declaredOnly: 0,
  failedNotes: [],
  testsNotes: [],
  failing: [],
  identities: new FailingIdentities(identitiesCap),
});

/** Longest name, suite or file kept for a failing test (a copy: never a slice of a huge value). */
const TEXT_KEPT = 300;

function clip(text: string | undefined): string | undefined {
  if (text === undefined) return undefined;
  return own(text.length > TEXT_KEPT ? `${text.slice(0, TEXT_KEPT - 1)}…` : text);
}

/**
 * What a failing test may need, read while failing tests are still kept: the testcase's or
 * suite's attributes at its open tag, and the first counted result's message and text.
 */
interface Pending {
  /** a testcase's attributes, copied at its open tag and decoded only if it fails and is kept */
  attributes: SavedAttributes | undefined;
  suite: string | undefined;
  name: string | undefined;
  /** identityOf its unclipped suite and name; null: it has no name (undefined: not read yet) */
  id?: string | null;
  file: string | undefined;
  /** the `line` attribute, -1 when absent or not plain digits */
  line: number;
  /** the first counted failure/error element's message attribute, its text, its type */
  message: string | undefined;
  text: BoundedText | undefined;
  type: string | undefined;
}

/** Longest testcase tag copied for later; a longer one has its names decoded (and clipped) at once. */
const SAVED_TAG_BYTES = 64 * 1024;

/** Names, identity and place of a testcase, from attributes saved at its open tag or read there. */
function readNames(p: Pending, attributes: SavedAttributes | XmlAttributes, suiteName: () => string | undefined): void {
  const classname = attributes.get('classname');
  const name = attributes.get('name');
  p.id = name === undefined || name.trim() === '' ? null : identityOf([classname || suiteName() || '', name]);
  p.suite = clip(classname) || suiteName();
  p.name = clip(name);
  p.file = clip(attributes.get('file'));
  p.line = attributes.digits('line');
}

/** Where a failing test broke: its attributes, else the first frame of its failure text that names a file. */
function place(p: Pending): { file?: string; line?: number } {
  const text = p.text?.text;
  if (p.file !== undefined && p.file !== '') {
    if (p.line > 0) return { file: p.file, line: p.line };
    const frame = stackPlace(text, p.file);
    return frame.line === undefined ? { file: p.file } : frame;
  }
  if (text === undefined || text === '') return {};
  // a JVM frame of the test's own class (`at demo.SampleTest.fails(SampleTest.java:24)`) beats
  // the assertion library's frames above it
  if (p.suite !== undefined && p.suite !== '') {
    for (const line of text.split('\n')) {
      const at = line.indexOf(`at ${p.suite}`);
      if (at === -1) continue;
      const next = line.charAt(at + 3 + p.suite.length);
      if (next !== '.' && next !== '$') continue;
      const frame = stackPlace(line.slice(at));
      if (frame.file !== undefined) return frame;
    }
  }
  // .NET (`in C:\src\A.cs:line 42`), then any other frame outside the runtime
  return firstFrame(text) ?? stackPlace(text);
}

function failingTest(p: Pending, fallbackName: string): FailingTest {
  const failing: FailingTest = { name: clip(p.name) ?? fallbackName };
  const suite = clip(p.suite);
  if (suite !== undefined && suite !== '') failing.suite = suite;
  const where = place(p);
  if (where.file !== undefined) failing.file = clip(where.file);
  if (where.line !== undefined && Number.isSafeInteger(where.line) && where.line > 0) failing.line = where.line;
  const message = messageLine(p.message) ?? messageLine(p.text?.text) ?? messageLine(p.type);
  if (message !== undefined) failing.message = clip(message);
  return failing;
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

/** The `time` attribute in seconds ("1.5", "1,234.5"), or undefined when absent or not a plain duration. */
function timeOf(attributes: XmlAttributes): number | undefined {
  // the usual "0.123" without making a string; anything else as parseTime reads it
  const fast = attributes.decimal('time');
  if (fast >= 0) return fast;
  return fast === -2 ? undefined : parseTime(attributes.get('time'));
}

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

async function read(input: ByteSource, file: string, maxDepth: number, identitiesCap: number): Promise<JunitModel> {
  const model = emptyModel(identitiesCap);
  const failing = model.failing;
  const identities = model.identities;

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
  // what the open testcases' failing tests would need (undefined once enough are kept)
  const casePending: (Pending | undefined)[] = [];
  // the saved tags of the open testcases, by nesting level among them (reused)
  const savedTags: SavedAttributes[] = [];
  // failures outside a testcase being read (kept when they close, with their text)
  const loosePending: Pending[] = [];
  const looseDepths: number[] = [];
  // the text of the result element being read for a kept failing test (first 16 KB); the
  // tokenizer decodes text only while the handler has a `text` (never for the other elements)
  let capture: BoundedText | undefined;
  let captureDepth = -1;
  const onText = (text: string): void => {
    const before = capture!.text.length;
    capture!.add(text);
    // full: the rest of a huge failure text is scanned, never decoded
    if (text !== '' && capture!.text.length === before) handler.text = undefined;
  };

  /** The innermost suite's name (decoded only while failing tests are kept). */
  const suiteName = (from = suites.length - 1): string | undefined => {
    for (let i = from; i >= 0; i--) if (suites[i]!.name) return suites[i]!.name;
    return undefined;
  };

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
      identities.miss();
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

  const handler: XmlHandler = {
      open(name, attributes, depth) {
        if (depth === 1) {
          if (name !== 'testsuite' && name !== 'testsuites') {
            throw new EvidenceError(`not a JUnit XML file: the root element is <${name}>, expected <testsuites> or <testsuite>`);
          }
          rootIsTestsuites = name === 'testsuites';
          rootTime = timeOf(attributes);
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
          let pending: Pending | undefined;
          if (caseDepth === container) {
            caseBits[caseBits.length - 1]! |= bits;
            if (bits & (ERROR | FAILURE)) {
              pending = casePending[casePending.length - 1];
              // the first failure or error of a kept testcase tells its message and place
              if (pending !== undefined && (pending.text !== undefined || failing.length >= FAILING_TESTS_KEPT)) pending = undefined;
            }
          } else if (bits & (ERROR | FAILURE)) {
            // outside any testcase: an error or failure is a failed test of its own, named after its suite
            count(bits);
            if (identities.full) identities.miss();
            else {
              const name = suiteName();
              identities.add(name === undefined ? null : [suiteName(suites.length - 2) ?? '', name]);
            }
            if (failing.length < FAILING_TESTS_KEPT) {
              pending = { attributes: undefined, suite: suiteName(suites.length - 2), name: suiteName(), file: undefined, line: -1, message: undefined, text: undefined, type: undefined };
              loosePending.push(pending);
              looseDepths.push(depth);
            }
          }
          if (pending !== undefined) {
            pending.message = attributes.get('message');
            pending.type = attributes.get('type');
            pending.text = traceText();
            if (capture === undefined) {
              capture = pending.text;
              captureDepth = depth;
              handler.text = onText;
            }
          }
          return;
        }
        if (kind === K_TESTCASE) {
          caseDepths.push(depth);
          const bits = statusBits(attributes);
          caseBits.push(bits);
          // names are decoded only for a testcase that may fail: one with children, or a failing
          // status (an empty <testcase/>, or <testcase></testcase>, without one passed or skipped)
          let pending: Pending | undefined;
          if ((failing.length < FAILING_TESTS_KEPT || !identities.full) && ((bits & (ERROR | FAILURE)) !== 0 || !attributes.empty())) {
            // the tag is copied, not decoded: most testcases pass and their names are never needed
            const level = casePending.length;
            const saved = (savedTags[level] ??= new SavedAttributes());
            pending = { attributes: saved, suite: undefined, name: undefined, file: undefined, line: -1, message: undefined, text: undefined, type: undefined };
            if (!attributes.save(saved, SAVED_TAG_BYTES)) {
              pending.attributes = undefined;
              readNames(pending, attributes, suiteName);
            }
          }
          casePending.push(pending);
          const time = timeOf(attributes);
          if (time !== undefined) {
            caseTime += time;
            sawCaseTime = true;
          }
          return;
        }
        // a suite
        if (depth === 2 && rootIsTestsuites) {
          const time = timeOf(attributes);
          if (time !== undefined) {
            topSuitesTime += time;
            sawTopSuiteTime = true;
          }
        }
        const declaredFailures = declaredCount(attributes, 'failures');
        const declaredErrors = declaredCount(attributes, 'errors');
        const declaredTests = declaredCount(attributes, 'tests');
        // the name matters for a note, or to name failing tests: read it only when it may
        const label = declaredFailures > 0 || declaredErrors > 0 || declaredTests > 0 || failing.length < FAILING_TESTS_KEPT || !identities.full ? attributes.get('name') : undefined;
        suites.push({ depth, name: label, declaredTests, declaredFailures, declaredErrors, tests: 0, failures: 0, errors: 0 });
      },
      text: undefined,
      close(name, depth) {
        if (depth === captureDepth) {
          capture = undefined;
          captureDepth = -1;
          handler.text = undefined;
        }
        if (resultDepths.length > 0 && resultDepths[resultDepths.length - 1] === depth) {
          resultDepths.pop();
          if (looseDepths.length > 0 && looseDepths[looseDepths.length - 1] === depth) {
            looseDepths.pop();
            const pending = loosePending.pop()!;
            if (failing.length < FAILING_TESTS_KEPT) failing.push(failingTest(pending, '(unnamed suite)'));
          }
          return;
        }
        const suite = suites[suites.length - 1];
        if (caseDepths.length > 0 && caseDepths[caseDepths.length - 1] === depth) {
          caseDepths.pop();
          const bits = caseBits.pop()!;
          const pending = casePending.pop();
          model.runs++;
          count(bits);
          if (bits & (ERROR | FAILURE)) {
            if (pending === undefined) identities.miss();
            else {
              if (pending.attributes !== undefined) readNames(pending, pending.attributes, suiteName);
              if (pending.id === null || pending.id === undefined) identities.miss();
              else identities.addIdentity(pending.id);
              if (failing.length < FAILING_TESTS_KEPT) failing.push(failingTest(pending, '(unnamed test case)'));
            }
          }
        } else if (suite !== undefined && suite.depth === depth) {
          suites.pop();
          closeSuite(suite);
        }
      },
  };
  await parseXml(input, handler, maxDepth);

  // to the microsecond: summing decimal fractions leaves float noise (4500.00000000489)
  model.duration = Math.round((sawCaseTime ? caseTime : (rootTime ?? (sawTopSuiteTime ? topSuitesTime : 0))) * 1e6) / 1e6;
  return model;
}

export const junit: Format<JunitModel> = {
  name: 'junit',
  testResults: true,
  read: (input, ctx) => read(input, ctx.name, ctx.limits.nestingDepth, ctx.limits.failingIdentities),
  merge(models) {
    const sum = emptyModel();
    sum.identities = FailingIdentities.union(models.map((m) => m.identities));
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
      for (const f of m.failing) if (sum.failing.length < FAILING_TESTS_KEPT) sum.failing.push(f);
    }
    return sum;
  },
  /** The failing tests a PR reader sees: the first ones kept, how many failed in all (declared-only ones included), and who they are. */
  failures(m): Failures {
    return { kept: m.failing, total: m.failures + m.errors, identities: m.identities.list(), identitiesComplete: m.identities.complete };
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
