import { EvidenceError } from '../measure.js';
import { own } from './coverage.js';
import { compileShape, readJsonDocument, streamItems } from './json.js';
import { messageLine, stackPlace } from './stack-frames.js';
import { FAILING_TESTS_KEPT, TestTally, type FailingRecord, type Outcome, type TestResults, TEST_RESULTS_FORMAT } from './test-results.js';
import type { Format } from './types.js';

/**
 * `rspec --format json` (`--out <file>`): `examples[]` with `status`, `file_path`, `line_number`,
 * `exception`, and a `summary`.
 *
 * - `status`: passed; pending is skipped (RSpec's `skip`, `xit` and `pending` examples that failed
 *   as expected; a `pending` example that passed is written as failed by RSpec itself); failed is
 *   an assertion failure when the exception is RSpec's (`RSpec::Expectations::…`,
 *   `RSpec::Mocks::…`), else an error; any other status is an error.
 * - `summary.errors_outside_of_examples_count` (a spec file that failed to load, an error in a
 *   `before(:suite)` or `after(:context)` hook): each counts as one errored test, with the first
 *   line of its `messages` entry and the file it names.
 * - `summary.failure_count` and `summary.example_count` can only make the reading worse: where
 *   they declare more than the examples show, the difference counts as errors, with a note.
 * - Place: `file_path`; `line` is the first backtrace frame in that file (where it broke), else
 *   `line_number` (where the example is declared).
 * - Duration: `summary.duration` (seconds).
 * - Bounded: examples are streamed (json.ts streamItems).
 */

type Json = Record<string, unknown>;

const EXAMPLE = { description: true, full_description: true, status: true, file_path: true, line_number: true, exception: { class: true, message: true, backtrace: true } };
const ASSERTION = /^RSpec::(?:Expectations|Mocks)::/;
const LOADING = /An error occurred (?:while loading|in)\s+(\S+?)\.?(?:\s|$)/;

export const rspecJson: Format<TestResults> = {
  name: 'rspec-json',
  ...TEST_RESULTS_FORMAT,

  async read(input, ctx) {
    const tally = new TestTally(ctx.limits.failingIdentities);
    let failed = 0;
    let examples = 0;
    /** messages that describe an error outside of examples (the first ones) */
    const errorMessages: string[] = [];

    const shape = compileShape({
      summary: true,
      messages: streamItems(true, (item) => {
        if (typeof item === 'string' && /error occurred/i.test(item) && errorMessages.length < FAILING_TESTS_KEPT) errorMessages.push(own(item.slice(0, 4096)));
      }),
      examples: streamItems(EXAMPLE, (item) => {
        if (!isObject(item)) throw new EvidenceError('not an rspec json report: an entry of "examples" is not an object');
        examples++;
        const exception = isObject(item.exception) ? item.exception : {};
        const outcome: Outcome =
          item.status === 'passed' ? 'passed' : item.status === 'pending' ? 'skipped' : item.status === 'failed' && typeof exception.class === 'string' && ASSERTION.test(exception.class) ? 'failed' : 'error';
        if (outcome === 'failed' || outcome === 'error') failed++;
        tally.record(outcome, () => failingOf(item, exception));
      }),
    });
    const doc = await readJsonDocument(input, ctx.limits.wholeDocumentBytes, ctx.limits.nestingDepth, 'rspec json report', shape);
    if (!isObject(doc) || !Array.isArray(doc.examples) || !isObject(doc.summary)) {
      throw new EvidenceError('not an rspec json report: the document is not an object with "examples" and "summary" (write it with rspec --format json --out <file>)');
    }
    const summary = doc.summary;
    const count = (key: string): number | undefined => {
      const value = summary[key];
      return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0 ? value : undefined;
    };
    const outside = count('errors_outside_of_examples_count') ?? 0;
    for (let i = 0; i < outside; i++) {
      const message = errorMessages[i];
      const file = message === undefined ? undefined : LOADING.exec(message)?.[1];
      // told apart by the spec file it names; without one it has no identity
      const identity = file === undefined ? null : [file, 'error outside of examples'];
      tally.record('error', () => ({ name: 'error outside of examples', file, message: messageLine(message) ?? 'RSpec counts an error outside of examples (a spec file that failed to load, or a suite-level hook)', identity }));
    }
    if (typeof summary.duration === 'number') tally.setDuration(summary.duration);
    const missing: [number, string][] = [];
    const failures = count('failure_count');
    if (failures !== undefined && failures > failed) missing.push([failures - failed, `summary.failure_count declares ${failures} failures but the examples show ${failed}`]);
    const declared = count('example_count');
    if (declared !== undefined && declared > examples) missing.push([declared - examples, `summary.example_count declares ${declared} examples but the file lists ${examples}`]);
    if (missing.length > 0) {
      missing.sort((a, b) => b[0] - a[0]);
      const [n, why] = missing[0] as [number, string];
      tally.addDeclaredFailures(n, `${ctx.name}: ${why}; the worse figure counts (${n} more errors)`);
    }
    return tally.finish();
  },
};

function failingOf(item: Json, exception: Json): FailingRecord {
  const description = typeof item.description === 'string' ? item.description : undefined;
  const full = typeof item.full_description === 'string' ? item.full_description : undefined;
  const name = description ?? full ?? '(unnamed example)';
  const suite = full !== undefined && description !== undefined && full.length > description.length && full.endsWith(` ${description}`) ? full.slice(0, full.length - description.length - 1) : undefined;
  const file = typeof item.file_path === 'string' ? item.file_path : undefined;
  const backtrace = Array.isArray(exception.backtrace) ? exception.backtrace.slice(0, 200).filter((l): l is string => typeof l === 'string').join('\n') : undefined;
  const line = (file === undefined ? undefined : stackPlace(backtrace, file).line) ?? (typeof item.line_number === 'number' ? item.line_number : undefined);
  const message =
    item.status !== 'failed'
      ? `the example has status ${JSON.stringify(item.status)}, which is neither passed, failed nor pending`
      : (messageLine(exception.message) ?? (typeof exception.class === 'string' ? exception.class : undefined));
  return { suite, name, file, line, message, ...(description === undefined && full === undefined ? { identity: null } : {}) };
}

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
