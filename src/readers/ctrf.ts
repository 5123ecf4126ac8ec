import { EvidenceError } from '../measure.js';
import { compileShape, readJsonDocument, streamItems } from './json.js';
import { messageLine, stackPlace } from './stack-frames.js';
import { TestTally, type FailingRecord, type Outcome, type TestResults, TEST_RESULTS_FORMAT } from './test-results.js';
import type { Format } from './types.js';

/**
 * Common Test Report Format (CTRF) JSON, 1.0 and the earlier unversioned reports:
 * `results.tests[]` with `status`, and `results.summary`.
 *
 * - `status`: passed; failed; skipped and pending are skipped; `other` is a failure (an error)
 *   unless the test's `rawStatus` says it was not run (`todo`, `skipped`, `pending`, `disabled`:
 *   jest-ctrf-json-reporter writes Jest's todo tests as `other` with `rawStatus: "todo"`); any
 *   other status is an error.
 * - Retries: only the final `status` counts (the failed `retryAttempts` of a test that then
 *   passed are not failures); a passed test marked `flaky`, or with `retries` above 0, is flaky.
 * - `summary.failed`, `summary.other` and `summary.tests` can only make the reading worse: where
 *   they declare more than the tests show, the difference counts as errors, with a note.
 * - Place: `filePath`, and `line`, else the first frame of `trace` in that file. Suite: `suite`
 *   (an array in CTRF 1.0, a string in earlier reports).
 * - Duration: `summary.duration`, else `summary.stop - summary.start` (ms).
 * - Bounded: tests are streamed (json.ts streamItems).
 */

type Json = Record<string, unknown>;

const TEST = { name: true, status: true, rawStatus: true, suite: true, filePath: true, line: true, message: true, trace: true, flaky: true, retries: true };
const NOT_RUN = new Set(['todo', 'skipped', 'pending', 'disabled']);

export const ctrf: Format<TestResults> = {
  name: 'ctrf',
  ...TEST_RESULTS_FORMAT,

  async read(input, ctx) {
    const tally = new TestTally(ctx.limits.failingIdentities);
    let listed = 0;
    let failed = 0;
    let other = 0;
    const shape = compileShape({
      reportFormat: true,
      results: {
        summary: true,
        tests: streamItems(TEST, (item) => {
          if (!isObject(item)) throw new EvidenceError('not a CTRF report: an entry of results.tests is not an object');
          listed++;
          const status = item.status;
          if (status === 'failed') failed++;
          if (status === 'other') other++;
          const outcome: Outcome =
            status === 'passed'
              ? 'passed'
              : status === 'failed'
                ? 'failed'
                : status === 'skipped' || status === 'pending' || (status === 'other' && typeof item.rawStatus === 'string' && NOT_RUN.has(item.rawStatus))
                  ? 'skipped'
                  : 'error';
          const flaky = item.flaky === true || (typeof item.retries === 'number' && item.retries > 0);
          tally.record(outcome, () => failingOf(item, outcome), { flaky });
        }),
      },
    });
    const doc = await readJsonDocument(input, ctx.limits.wholeDocumentBytes, ctx.limits.nestingDepth, 'CTRF report', shape);
    if (!isObject(doc) || !isObject(doc.results) || !Array.isArray(doc.results.tests)) {
      throw new EvidenceError('not a CTRF report: the document is not an object with a "results" object holding a "tests" array');
    }
    if (doc.reportFormat !== undefined && doc.reportFormat !== 'CTRF') {
      throw new EvidenceError(`not a CTRF report: reportFormat is ${JSON.stringify(doc.reportFormat)}, not "CTRF"`);
    }
    const summary = isObject(doc.results.summary) ? doc.results.summary : {};
    const count = (key: string): number | undefined => {
      const value = summary[key];
      return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0 ? value : undefined;
    };
    const missing: [number, string][] = [];
    const declared = (key: string, elements: number, what: string): void => {
      const value = count(key);
      if (value !== undefined && value > elements) missing.push([value - elements, `summary.${key} declares ${value} ${what} but the file shows ${elements}`]);
    };
    declared('failed', failed, 'failed tests');
    declared('other', other, 'tests of status other');
    declared('tests', listed, 'tests');
    if (missing.length > 0) {
      missing.sort((a, b) => b[0] - a[0]);
      const [n, why] = missing[0] as [number, string];
      tally.addDeclaredFailures(n, `${ctx.name}: ${why}; the worse figure counts (${n} more errors)`);
    }
    const start = summary.start;
    const stop = summary.stop;
    if (typeof summary.duration === 'number') tally.setDuration(summary.duration / 1000);
    else if (typeof start === 'number' && typeof stop === 'number' && stop >= start) tally.setDuration((stop - start) / 1000);
    return tally.finish();
  },
};

function failingOf(item: Json, outcome: Outcome): FailingRecord {
  const name = typeof item.name === 'string' ? item.name : '(unnamed test)';
  const suites = Array.isArray(item.suite) ? item.suite.filter((s): s is string => typeof s === 'string') : typeof item.suite === 'string' ? [item.suite] : [];
  const file = typeof item.filePath === 'string' ? item.filePath : undefined;
  const line = typeof item.line === 'number' ? item.line : file === undefined ? undefined : stackPlace(item.trace, file).line;
  const message =
    outcome === 'error' && item.status !== 'other'
      ? `the test has status ${JSON.stringify(item.status)}, which CTRF does not define`
      : (messageLine(item.message) ?? (item.status === 'other' ? `the test has status "other"${typeof item.rawStatus === 'string' ? ` (${item.rawStatus})` : ''}: how it ended is unknown` : undefined));
  return { suite: suites.length > 0 ? suites.join(' > ') : undefined, name, file, line, message, ...(typeof item.name === 'string' ? {} : { identity: null }) };
}

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
