/**
 * The shared model of every test-results format (JUnit, NUnit, TRX, xUnit.net, TAP, go test -json,
 * Jest/Mocha/RSpec JSON, CTRF): counters, the first failing tests by name and place, and the
 * identities of every failing test (identity.ts; JUnit has its own streaming model). A format
 * file only maps its producer's outcomes onto `TestTally.record`; counting, the worse-of rules,
 * bounds, merging and the metrics live here, once.
 *
 * Outcomes are ordered by how bad they are (error > failed > skipped > passed) and every mapping
 * picks the reading that never hides a failure: an outcome a producer does not define as passed or
 * skipped (inconclusive, timeout, aborted, cancelled, not runnable…) is a failure.
 */
import { LIMITS } from '../limits.js';
import type { Metrics } from '../measure.js';
import { FailingIdentities } from './identity.js';
import type { FailureItem, Failures, Format } from './types.js';

export type Outcome = 'passed' | 'failed' | 'error' | 'skipped';

/** A failing test as a PR reader wants it: what, where, and why in one line. */
export type FailingTest = Omit<FailureItem, 'level'>;

/** A failing test as a reader tells it to TestTally.record: what is shown, and what identifies it. */
export interface FailingRecord extends FailingTest {
  /**
   * The parts of its identity (identity.ts) when they are not [suite ?? '', name]: e.g. [file,
   * 'Test suite failed to run'] for a file that did not load, named apart by its file. null when it
   * has no identity: the producer does not name it (`name` is then the reader's stand-in, such as
   * "(unnamed test case)"), or it is not a test but the run breaking (a bail-out, a plan mismatch).
   * 'later': the reader adds it to `results.identities` itself once it knows it (TRX: the class is
   * in definitions written after the results).
   */
  identity?: readonly string[] | null | 'later';
}

/** The parts of a failing test's identity: its own, else [suite ?? '', name]; null without a name. */
export function testIdentity(t: FailingRecord): readonly string[] | null | 'later' {
  if (t.identity !== undefined) return t.identity;
  return t.name.trim() === '' ? null : [t.suite ?? '', t.name];
}

export interface TestResults {
  /** always passed + failures + errors + skipped */
  tests: number;
  passed: number;
  /** failed tests whose outcome is an assertion failure */
  failures: number;
  /** failed tests whose outcome is an error (or any outcome that is neither pass nor skip) */
  errors: number;
  skipped: number;
  /** passed tests that failed on an earlier run the producer marks as a rerun */
  flaky: number;
  /** seconds, when the producer gives times */
  duration?: number;
  /** the first FAILING_TESTS_KEPT failing tests (failures + errors counts them all) */
  failing: FailingTest[];
  /** the identities of every failing test, up to LIMITS.failingIdentities (identity.ts) */
  identities: FailingIdentities;
  /** why figures differ from the elements, e.g. declared counts that outweigh them (capped) */
  notes: string[];
}

/** Failing tests kept per criterion; the count is always exact. */
export const FAILING_TESTS_KEPT = 100;
/** Notes kept per model: enough to say where, bounded whatever the input. */
const NOTES_KEPT = 3;
/** Longest name, suite, file or message kept for a failing test. */
const TEXT_KEPT = 300;

export function emptyResults(identitiesCap: number = LIMITS.failingIdentities): TestResults {
  return { tests: 0, passed: 0, failures: 0, errors: 0, skipped: 0, flaky: 0, failing: [], identities: new FailingIdentities(identitiesCap), notes: [] };
}

/** Builds a TestResults test by test, keeping memory flat whatever the file holds. */
export class TestTally {
  readonly results: TestResults;
  private seconds = 0;
  private sawTime = false;

  /** `identitiesCap`: LIMITS.failingIdentities (the reader's ReadContext.limits) */
  constructor(identitiesCap: number = LIMITS.failingIdentities) {
    this.results = emptyResults(identitiesCap);
  }

  /**
   * One test's final outcome. `failing` describes a failed or errored test: it is read (pass a
   * function to build it lazily) only while fewer than FAILING_TESTS_KEPT are kept or while the
   * identities have room, so that names are decoded only for failing tests, and at most that many.
   * A failing test without `failing`, or past both bounds, has no identity (incomplete).
   */
  record(outcome: Outcome, failing?: FailingRecord | (() => FailingRecord), options: { flaky?: boolean; seconds?: number } = {}): void {
    const r = this.results;
    r.tests++;
    if (outcome === 'passed') {
      r.passed++;
      if (options.flaky) r.flaky++;
    } else if (outcome === 'skipped') r.skipped++;
    else {
      if (outcome === 'failed') r.failures++;
      else r.errors++;
      const keep = r.failing.length < FAILING_TESTS_KEPT;
      if (failing === undefined || (!keep && r.identities.full)) r.identities.miss();
      else {
        const t = typeof failing === 'function' ? failing() : failing;
        const identity = testIdentity(t);
        if (identity !== 'later') r.identities.add(identity);
        if (keep) r.failing.push(clipFailing(t));
      }
    }
    if (options.seconds !== undefined && Number.isFinite(options.seconds) && options.seconds >= 0) {
      this.seconds += options.seconds;
      this.sawTime = true;
    }
  }

  /** Failed tests a file declares but does not show (the worse figure wins); counted as errors, with no identity. */
  addDeclaredFailures(count: number, note: string): void {
    if (count <= 0) return;
    this.results.tests += count;
    this.results.errors += count;
    this.results.identities.miss();
    this.note(note);
  }

  note(note: string): void {
    if (this.results.notes.length < NOTES_KEPT) this.results.notes.push(note);
  }

  /** The file's own total time, when it gives one (used instead of the sum of test times). */
  setDuration(seconds: number): void {
    if (Number.isFinite(seconds) && seconds >= 0) {
      this.seconds = seconds;
      this.sawTime = true;
    }
  }

  finish(): TestResults {
    // to the microsecond: summing decimal fractions leaves float noise (4500.00000000489)
    if (this.sawTime) this.results.duration = Math.round(this.seconds * 1e6) / 1e6;
    return this.results;
  }
}

function clip(text: string | undefined): string | undefined {
  if (text === undefined) return undefined;
  return text.length > TEXT_KEPT ? `${text.slice(0, TEXT_KEPT - 1)}…` : text;
}

function clipFailing(t: FailingTest): FailingTest {
  const out: FailingTest = { name: clip(t.name) ?? '' };
  if (t.suite !== undefined) out.suite = clip(t.suite);
  if (t.file !== undefined) out.file = clip(t.file);
  if (t.line !== undefined && Number.isSafeInteger(t.line) && t.line > 0) out.line = t.line;
  if (t.message !== undefined) out.message = clip(t.message.split(/\r?\n/, 1)[0]);
  return out;
}

export function mergeResults(models: TestResults[]): TestResults {
  const sum = emptyResults();
  sum.identities = FailingIdentities.union(models.map((m) => m.identities));
  let duration: number | undefined;
  for (const m of models) {
    sum.tests += m.tests;
    sum.passed += m.passed;
    sum.failures += m.failures;
    sum.errors += m.errors;
    sum.skipped += m.skipped;
    sum.flaky += m.flaky;
    if (m.duration !== undefined) duration = (duration ?? 0) + m.duration;
    for (const f of m.failing) if (sum.failing.length < FAILING_TESTS_KEPT) sum.failing.push(f);
    for (const n of m.notes) if (sum.notes.length < NOTES_KEPT) sum.notes.push(n);
  }
  if (duration !== undefined) sum.duration = Math.round(duration * 1e6) / 1e6;
  return sum;
}

/** The metrics every test-results format gives (`duration` only where the producer has times). */
export function resultsMetrics(m: TestResults): Metrics {
  const metrics: Metrics = {
    tests: { value: m.tests },
    passed: { value: m.passed },
    failed: { value: m.failures + m.errors },
    failures: { value: m.failures },
    errors: { value: m.errors },
    skipped: { value: m.skipped },
    flaky: { value: m.flaky },
  };
  if (m.duration !== undefined) metrics.duration = { value: m.duration, unit: 's' };
  return metrics;
}

/** The failing tests a PR reader sees: the first ones kept, how many failed in all, and who they are. */
export function resultsFailures(m: TestResults): Failures {
  return { kept: m.failing, total: m.failures + m.errors, identities: m.identities.list(), identitiesComplete: m.identities.complete };
}

/** Why the counts are what they are, on the metrics the notes concern. */
export function resultsNotes(m: TestResults): Record<string, string> {
  if (m.notes.length === 0) return {};
  const why = m.notes.join('; ');
  return { failed: why, failures: why, errors: why, tests: why };
}

export const RESULTS_METRICS = {
  tests: null,
  passed: null,
  failed: null,
  failures: null,
  errors: null,
  skipped: null,
  flaky: null,
  duration: 's',
} as const;

/** What every test-results format shares: only its `name` and `read` are its own. */
export const TEST_RESULTS_FORMAT = {
  testResults: true,
  failures: resultsFailures,
  knownMetrics: RESULTS_METRICS,
  merge: mergeResults,
  metrics: resultsMetrics,
  notes: resultsNotes,
} as const satisfies Omit<Format<TestResults>, 'name' | 'read'>;
