import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { FAILING_TESTS_KEPT, TestTally, mergeResults, resultsMetrics, type Outcome } from '../../src/readers/test-results.js';

const outcome = fc.constantFrom<Outcome>('passed', 'failed', 'error', 'skipped');

describe('the shared test-results model', () => {
  it('counts every outcome exactly and keeps at most FAILING_TESTS_KEPT failing tests, in order', () => {
    fc.assert(
      fc.property(fc.array(outcome, { maxLength: 400 }), (outcomes) => {
        const tally = new TestTally();
        outcomes.forEach((o, i) => tally.record(o, { name: `t${i}` }));
        const r = tally.finish();
        const count = (o: Outcome) => outcomes.filter((x) => x === o).length;
        expect(r).toMatchObject({ tests: outcomes.length, passed: count('passed'), failures: count('failed'), errors: count('error'), skipped: count('skipped') });
        const failingIndexes = outcomes.flatMap((o, i) => (o === 'failed' || o === 'error' ? [`t${i}`] : []));
        expect(r.failing.map((f) => f.name)).toEqual(failingIndexes.slice(0, FAILING_TESTS_KEPT));
        expect(r.duration).toBeUndefined();
      }),
    );
  });

  it('builds a failing test lazily, only while it is kept or its identity has room, and clips long text to one line', () => {
    // room for 120 identities: the first 100 are kept and identified, 20 more only identified
    const tally = new TestTally(120);
    let built = 0;
    for (let i = 0; i < FAILING_TESTS_KEPT + 50; i++) tally.record('failed', () => (built++, { name: `${i}${'n'.repeat(10_000)}`, message: 'first\nsecond', line: 0 }));
    // a passing or skipped test is never built, so its name is never decoded nor hashed
    for (let i = 0; i < 1000; i++) tally.record(i % 2 ? 'passed' : 'skipped', () => (built++, { name: `p${i}` }));
    const r = tally.finish();
    expect(built).toBe(120);
    expect(r.failures).toBe(FAILING_TESTS_KEPT + 50);
    expect(r.failing).toHaveLength(FAILING_TESTS_KEPT);
    expect(r.identities.size).toBe(120);
    expect(r.identities.complete).toBe(false);
    expect(r.failing[0]!.name.length).toBeLessThanOrEqual(300);
    expect(r.failing[0]!.message).toBe('first');
    expect(r.failing[0]!.line).toBeUndefined(); // not a source line
  });

  it('counts declared-only failures as errors with a note, and never fewer', () => {
    const tally = new TestTally();
    tally.record('passed', undefined, { seconds: 0.1 });
    tally.record('passed', undefined, { seconds: 0.2 });
    tally.addDeclaredFailures(1, 'suite "karma" declares errors="1" but shows none');
    const r = tally.finish();
    expect(resultsMetrics(r)).toMatchObject({ tests: { value: 3 }, failed: { value: 1 }, errors: { value: 1 }, duration: { value: 0.3, unit: 's' } });
    expect(r.notes).toEqual(['suite "karma" declares errors="1" but shows none']);
  });

  it('merges files by summing, keeping the failing-test cap', () => {
    const files = [0, 1, 2].map((f) => {
      const t = new TestTally();
      for (let i = 0; i < 60; i++) t.record('failed', { name: `${f}-${i}` }, { seconds: 1 });
      return t.finish();
    });
    const sum = mergeResults(files);
    expect(sum.failures).toBe(180);
    expect(sum.failing).toHaveLength(FAILING_TESTS_KEPT);
    expect(sum.failing[60]!.name).toBe('1-0');
    expect(sum.duration).toBe(180);
  });
});
