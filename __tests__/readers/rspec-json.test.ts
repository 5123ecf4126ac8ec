import { readFile } from 'node:fs/promises';
import path from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { rspecJson } from '../../src/readers/rspec-json.js';
import { FORMATS } from '../../src/readers/index.js';
import { RESULTS_METRICS } from '../../src/readers/test-results.js';
import { FIXTURES, evidenceError, manifest } from '../helpers/evidence.js';
import { expectOracle, oracleEntries, readConformance, readFixture, readText, runGate } from '../helpers/results.js';

function rspecDoc(examples: Record<string, unknown>[], summary: Record<string, unknown> = {}, messages: string[] = []): string {
  return JSON.stringify({
    version: '3.13.0',
    messages,
    examples: examples.map((e, i) => ({ id: `./spec/a_spec.rb[1:${i + 1}]`, description: `does ${i}`, full_description: `A does ${i}`, file_path: './spec/a_spec.rb', line_number: i + 2, run_time: 0.001, pending_message: null, ...e })),
    summary: { duration: 0.5, example_count: examples.length, failure_count: examples.filter((e) => e.status === 'failed').length, pending_count: 0, errors_outside_of_examples_count: 0, ...summary },
  });
}

const EXPECTATION = { class: 'RSpec::Expectations::ExpectationNotMetError', message: '\nexpected: 2\n     got: 1\n', backtrace: ['./spec/a_spec.rb:9:in `block (2 levels)`'] };

describe('rspec-json: conformance corpus (dorny/test-reporter)', () => {
  it('covers every rspec-json file of the manifest', () => {
    expect(manifest().filter((e) => e.format === 'rspec-json').map((e) => e.path).sort()).toEqual(['rspec-json/dorny/empty/rspec-json.json', 'rspec-json/dorny/rspec-json.json']);
  });
  for (const entry of oracleEntries('rspec-json')) {
    it(`${entry.path} equals its oracle (${JSON.stringify(entry.expected)})`, async () => {
      // the empty run reads as 0 tests: the verdict makes that "no evidence" (testResults formats)
      expectOracle(await readConformance(rspecJson, entry.path), entry.expected!);
    });
  }
  it('dorny/rspec-json.json: the failing example by name and place (a shared example, a mock expectation)', async () => {
    const m = await readConformance(rspecJson, 'rspec-json/dorny/rspec-json.json');
    expect(m.failing).toEqual([
      {
        suite: 'CheckEnvVars#call when all env vars are defined behaves like success load',
        name: 'fails in assertion',
        file: './spec/config/check_env_vars_spec.rb',
        // line_number is 17 (the shared example's own line); the backtrace frame in the spec file
        // is line 7, where the shared example is included
        line: 7,
        message: '(#ActiveSupport::BroadcastLogger:0x00007f1007fedf58).debug("All config env vars exist")',
      },
    ]);
  });
});

describe('rspec-json: real RSpec 3.12 output (fixtures/rspec-json/README.md)', () => {
  it('passed, failed, raised, skipped, pending and a pending example that passed', async () => {
    const m = await readFixture(rspecJson, 'rspec-json/rspec-mixed.json');
    // RSpec's summary: "7 examples, 3 failures, 2 pending"
    expect(m).toMatchObject({ tests: 7, passed: 2, failures: 1, errors: 2, skipped: 2, notes: [] });
    expect(m.failing).toEqual([
      { suite: 'math', name: 'adds wrongly', file: './spec/math_spec.rb', line: 7, message: 'expected: 4' },
      { suite: 'math', name: 'raises', file: './spec/math_spec.rb', line: 11, message: 'not an expectation' },
      { suite: 'math', name: 'is pending but passes', file: './spec/math_spec.rb', line: 23, message: 'Expected example to fail since it is pending, but it passed.' },
    ]);
  });
  it('a spec file that fails to load: no example ran, one error outside of examples', async () => {
    const m = await readFixture(rspecJson, 'rspec-json/rspec-load-error.json');
    expect(m).toMatchObject({ tests: 1, errors: 1 });
    expect(m.failing).toEqual([{ name: 'error outside of examples', file: './spec/broken_spec.rb', message: 'An error occurred while loading ./spec/broken_spec.rb. - Did you mean?' }]);
  });
  it('a green run', async () => {
    expect(await readFixture(rspecJson, 'rspec-json/rspec-green.json')).toMatchObject({ tests: 1, passed: 1, failures: 0, errors: 0 });
  });
  it('is registered under the name the policy uses', () => {
    expect(FORMATS['rspec-json']).toBe(rspecJson);
    expect(rspecJson.testResults).toBe(true);
    expect(rspecJson.knownMetrics).toEqual(RESULTS_METRICS);
  });
});

describe('rspec-json: counting', () => {
  it('every status, and any other word, maps without hiding a failure; declared counts only make it worse', async () => {
    const exceptions = [EXPECTATION, { class: 'RSpec::Mocks::MockExpectationError', message: 'x' }, { class: 'NoMethodError', message: 'undefined method' }, undefined];
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.record({ status: fc.oneof(fc.constantFrom('passed', 'failed', 'pending'), fc.string({ maxLength: 6 })), exception: fc.constantFrom(...exceptions) }), { maxLength: 20 }),
        fc.nat(30),
        fc.nat(3),
        async (examples, failureCount, outside) => {
          const m = await readText(rspecJson, rspecDoc(examples, { failure_count: failureCount, errors_outside_of_examples_count: outside }), 64);
          const failed = examples.filter((e) => e.status === 'failed' && e.exception !== undefined && /^RSpec::(Expectations|Mocks)::/.test(e.exception.class)).length;
          const notRun = examples.filter((e) => e.status === 'pending').length;
          const passed = examples.filter((e) => e.status === 'passed').length;
          const errors = examples.length - failed - notRun - passed;
          const declaredExtra = Math.max(0, failureCount - (failed + errors));
          expect(m).toMatchObject({ passed, skipped: notRun, failures: failed, errors: errors + outside + declaredExtra, tests: examples.length + outside + declaredExtra });
        },
      ),
      { numRuns: 150 },
    );
  });

  it('a declared example count above the examples listed counts the difference as errors, with a note', async () => {
    const m = await readText(rspecJson, rspecDoc([{ status: 'passed' }], { example_count: 4 }));
    expect(m).toMatchObject({ tests: 4, passed: 1, errors: 3 });
    expect(m.notes).toEqual(['evidence.json: summary.example_count declares 4 examples but the file lists 1; the worse figure counts (3 more errors)']);
  });

  it('errors outside of examples are named after their message when RSpec gives one', async () => {
    const m = await readText(rspecJson, rspecDoc([], { errors_outside_of_examples_count: 2 }, ['Run options: include {:focus=>true}', '\nAn error occurred in a `before(:suite)` hook.\nFailure/Error: raise "db down"\n']));
    expect(m.failing.map((f) => f.message)).toEqual(['An error occurred in a `before(:suite)` hook.', 'RSpec counts an error outside of examples (a spec file that failed to load, or a suite-level hook)']);
  });
});

describe('rspec-json: not an RSpec report is an error, never zero tests', () => {
  const cases: [string, string, RegExp][] = [
    ['empty file', '', /not valid JSON/],
    ['an array', '[]', /not an rspec json report/],
    ['no summary', JSON.stringify({ examples: [] }), /with "examples" and "summary"/],
    ['an example that is not an object', JSON.stringify({ examples: [null], summary: {} }), /an entry of "examples" is not an object/],
    ['a key repeated', '{"examples": [{"status": "passed", "status": "failed"}], "summary": {}}', /duplicate key "status"/],
  ];
  for (const [what, text, message] of cases) {
    it(what, async () => {
      expect((await evidenceError(readText(rspecJson, text))).message).toMatch(message);
    });
  }
});

describe('rspec-json: through the built CLI', () => {
  it('a spec file that failed to load fails the gate (it ran no example); the green run passes', async () => {
    const { code, report } = await runGate(
      { 'load-error.json': await readFile(path.join(FIXTURES, 'rspec-json/rspec-load-error.json')), 'green.json': await readFile(path.join(FIXTURES, 'rspec-json/rspec-green.json')) },
      `version: 1
criteria:
  - id: broken
    evidence: { path: "load-error.json", format: rspec-json }
    expect: { failed: "== 0" }
  - id: green
    evidence: { path: "green.json", format: rspec-json }
    expect: { failed: "== 0", tests: ">= 1" }
`,
    );
    const [broken, green] = report.criteria;
    expect(broken).toMatchObject({ id: 'broken', status: 'failed' });
    expect(broken!.metrics).toMatchObject({ tests: 1, errors: 1, failed: 1 });
    expect(green).toMatchObject({ id: 'green', status: 'passed' });
    expect(code).not.toBe(0);
  }, 30_000);
});
