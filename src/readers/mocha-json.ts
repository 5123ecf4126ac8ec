import { EvidenceError } from '../measure.js';
import { compileShape, readJsonDocument, streamItems } from './json.js';
import { messageLine, stackPlace } from './stack-frames.js';
import { TestTally, type FailingRecord, type Outcome, type TestResults, TEST_RESULTS_FORMAT } from './test-results.js';
import type { Format } from './types.js';

/**
 * mocha's json reporter (`mocha --reporter json --reporter-option output=<file>`): `stats`, and
 * the arrays `tests` (every test that ended), `passes`, `pending` and `failures`.
 *
 * - The outcomes come from `passes` (passed; flaky when `currentRetry` is above 0: it passed on a
 *   retry), `pending` (skipped) and `failures`. `tests` carries no outcome; it only says how many
 *   tests ended: tests it lists beyond those the three arrays account for count as errors.
 * - Hook failures (`"before all" hook…`, `"after each" hook for "…"`) are in `failures` but not in
 *   `tests`: each counts as one errored test under its hook title. The tests a failed `before`
 *   hook kept from running are in no array (mocha does not say how many).
 * - A failure is an assertion failure (`failures`) when its error is an assertion error
 *   (`AssertionError`, `ERR_ASSERTION`, unexpected.js's `UnexpectedError`), else an error
 *   (exceptions, time-outs, hooks). Both are failed tests.
 * - `stats.failures` and `stats.tests` can only make the reading worse: where they declare more
 *   than the arrays show, the difference counts as errors, with a note.
 * - Place: `file` is the test's `file`; `line` is the first frame of `err.stack` in that file.
 * - Duration: `stats.duration` (ms).
 * - A file that fails to load ends the run before the reporter writes anything: no file, no
 *   evidence.
 * - Bounded: the four arrays are streamed (json.ts streamItems).
 */

type Json = Record<string, unknown>;

const TEST = { title: true, fullTitle: true, file: true, currentRetry: true, err: { message: true, stack: true, code: true } };
const HOOK = /^"(?:before|after) (?:all|each)" hook/;
const ASSERTION = /^\s*(?:\w*AssertionError|UnexpectedError)\b/;

export const mochaJson: Format<TestResults> = {
  name: 'mocha-json',
  ...TEST_RESULTS_FORMAT,

  async read(input, ctx) {
    const tally = new TestTally(ctx.limits.failingIdentities);
    let listed = 0;
    let testFailures = 0;
    let failures = 0;

    const entry = (array: string, item: unknown): Json => {
      if (!isObject(item)) throw new EvidenceError(`not a mocha json report: an entry of "${array}" is not an object`);
      return item;
    };
    const shape = compileShape({
      stats: true,
      tests: streamItems({}, () => {
        listed++;
      }),
      passes: streamItems(TEST, (item) => {
        const test = entry('passes', item);
        tally.record('passed', undefined, { flaky: typeof test.currentRetry === 'number' && test.currentRetry > 0 });
      }),
      pending: streamItems({}, () => tally.record('skipped')),
      failures: streamItems(TEST, (item) => {
        const test = entry('failures', item);
        const title = typeof test.title === 'string' ? test.title : '';
        const hook = HOOK.test(title);
        failures++;
        if (!hook) testFailures++;
        const err = isObject(test.err) ? test.err : {};
        const assertion = !hook && ((typeof err.stack === 'string' && ASSERTION.test(err.stack)) || err.code === 'ERR_ASSERTION');
        const outcome: Outcome = assertion ? 'failed' : 'error';
        tally.record(outcome, () => failingOf(test, err));
      }),
    });
    const doc = await readJsonDocument(input, ctx.limits.wholeDocumentBytes, ctx.limits.nestingDepth, 'mocha json report', shape);
    if (!isObject(doc) || !isObject(doc.stats)) {
      throw new EvidenceError('not a mocha json report: the document is not an object with "stats" (write it with mocha --reporter json --reporter-option output=<file>)');
    }
    for (const key of ['tests', 'passes', 'pending', 'failures']) {
      if (!Array.isArray(doc[key])) throw new EvidenceError(`not a mocha json report: "${key}" is ${doc[key] === undefined ? 'missing' : 'not an array'}`);
    }
    const stats = doc.stats;
    if (typeof stats.duration === 'number') tally.setDuration(stats.duration / 1000);
    const shown = tally.results.passed + tally.results.skipped + testFailures;
    const missing: [number, string][] = [];
    if (listed > shown) missing.push([listed - shown, `"tests" lists ${listed} tests but passes, pending and failures account for ${shown}`]);
    const declared = (key: string, elements: number, what: string): void => {
      const value = stats[key];
      if (typeof value === 'number' && Number.isSafeInteger(value) && value > elements) missing.push([value - elements, `stats.${key} declares ${value} ${what} but the file shows ${elements}`]);
    };
    declared('failures', failures, 'failures');
    declared('tests', Math.max(listed, shown), 'tests');
    if (missing.length > 0) {
      missing.sort((a, b) => b[0] - a[0]);
      const [count, why] = missing[0] as [number, string];
      tally.addDeclaredFailures(count, `${ctx.name}: ${why}; the worse figure counts (${count} more errors)`);
    }
    return tally.finish();
  },
};

function failingOf(test: Json, err: Json): FailingRecord {
  const title = typeof test.title === 'string' ? test.title : '(unnamed test)';
  const full = typeof test.fullTitle === 'string' ? test.fullTitle : undefined;
  const suite = full !== undefined && full.length > title.length && full.endsWith(` ${title}`) ? full.slice(0, full.length - title.length - 1) : undefined;
  const file = typeof test.file === 'string' ? test.file : undefined;
  const place = file === undefined ? stackPlace(err.stack) : { file, line: stackPlace(err.stack, file).line };
  return { suite, name: title, file: place.file, line: place.line, message: messageLine(err.message) ?? messageLine(err.stack), ...(typeof test.title === 'string' ? {} : { identity: null }) };
}

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
