/**
 * The verdict's fail-closed rules (issue 10): zero tests is no evidence, a file time in the future
 * is of unknown age, a gate passes only when some criterion passed, and the score is exact.
 */
import { copyFile, mkdtemp, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { collectEvidence, newBudget, type CriterionEvidence } from '../../src/evidence/collect.js';
import { directorySource } from '../../src/evidence/directory.js';
import { formatPolicyError, loadPolicy, type Policy } from '../../src/policy/load.js';
import { exactDecimal, reaches, shownScore } from '../../src/verdict/score.js';
import { CLOCK_SKEW_MS, evaluate } from '../../src/verdict/evaluate.js';
import { CONFORMANCE } from '../helpers/evidence.js';

const NOW = new Date('2026-11-24T12:00:00Z');

function policy(text: string): Policy {
  const result = loadPolicy(text, 'gate.yml');
  if (!result.ok) throw new Error(result.errors.map(formatPolicyError).join('\n'));
  return result.policy;
}

function policyErrors(text: string): string[] {
  const result = loadPolicy(text, 'gate.yml');
  if (result.ok) throw new Error('expected the policy to be rejected');
  return result.errors.map(formatPolicyError);
}

async function verdictOn(dir: string, p: Policy, now = NOW) {
  const found = new Map<string, CriterionEvidence>();
  const budget = newBudget();
  for (const c of p.criteria) found.set(c.id, await collectEvidence(c, directorySource(dir), budget));
  return evaluate(p, undefined, found, now);
}

describe('zero tests is no evidence', () => {
  // real files in which no test ran: jest-junit with no suite, jest-junit with an empty suite,
  // a Surefire suite with tests="0", go-junit-report on a package with no tests
  const EMPTY = [
    'junit/dorny/empty/jest-junit.xml',
    'junit/dorny/empty/jest-junit-empty-testsuite.xml',
    'junit/dorny/empty/java-junit.xml',
    'junit/go-junit-report/015-report.xml',
  ];

  it.each(EMPTY)('%s: failed == 0 does not pass on it; the criterion is missing and says no test ran', async (fixture) => {
    const dir = await mkdtemp(path.join(tmpdir(), 'rg-zero-'));
    await copyFile(path.join(CONFORMANCE, fixture), path.join(dir, 'junit.xml'));
    const p = policy('version: 1\ncriteria:\n  - id: t\n    evidence: { path: "*.xml", format: junit }\n    expect: { failed: "== 0", skipped: "== 0" }\n');
    const v = await verdictOn(dir, p);
    expect(v.criteria[0]).toMatchObject({ status: 'missing' });
    expect(v.criteria[0]!.reason).toBe(
      'no test ran: junit.xml holds zero tests (a suite that failed to load looks like this); to accept zero tests, state an expectation on "tests"',
    );
    expect(v.decision).toBe('fail');
  });

  it('several files that together hold no test are missing too; one file with a test is evidence', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'rg-zero-'));
    await copyFile(path.join(CONFORMANCE, EMPTY[0]!), path.join(dir, 'a.xml'));
    await copyFile(path.join(CONFORMANCE, EMPTY[2]!), path.join(dir, 'b.xml'));
    const p = policy('version: 1\ncriteria:\n  - id: t\n    evidence: { path: "*.xml", format: junit }\n    expect: { failed: "== 0" }\n');
    expect((await verdictOn(dir, p)).criteria[0]!.reason).toMatch(/^no test ran: the 2 files hold zero tests/);
    await writeFile(path.join(dir, 'c.xml'), '<testsuite name="s" tests="1"><testcase classname="k" name="ok"/></testsuite>');
    expect((await verdictOn(dir, p)).criteria[0]).toMatchObject({ status: 'passed', reason: 'failed = 0' });
  });

  it('a policy that states an expectation on tests takes zero as a measurement', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'rg-zero-'));
    await copyFile(path.join(CONFORMANCE, EMPTY[1]!), path.join(dir, 'junit.xml'));
    const accepts = policy('version: 1\ncriteria:\n  - id: t\n    evidence: { path: "*.xml", format: junit }\n    expect: { tests: "== 0" }\n');
    expect((await verdictOn(dir, accepts)).criteria[0]).toMatchObject({ status: 'passed', reason: 'tests = 0' });
    const wants = policy('version: 1\ncriteria:\n  - id: t\n    evidence: { path: "*.xml", format: junit }\n    expect: { tests: ">= 1", failed: "== 0" }\n');
    expect((await verdictOn(dir, wants)).criteria[0]).toMatchObject({ status: 'failed', reason: 'tests = 0, expected >= 1' });
  });

  it('formats that are not test results keep their zeros (a SARIF log with no result is clean)', () => {
    const p = policy('version: 1\ncriteria:\n  - id: s\n    evidence: { path: "*.sarif", format: sarif }\n    expect: { error: "== 0" }\n');
    const v = evaluate(p, undefined, new Map([['s', { files: [{ path: 'a.sarif', bytes: 1, modified: NOW.toISOString() }], metrics: { error: { value: 0 } } }]]), NOW);
    expect(v.criteria[0]).toMatchObject({ status: 'passed' });
  });
});

describe('max-age: a time in the future is of unknown age', () => {
  const p = policy(
    'version: 1\ncriteria:\n  - id: t\n    max-age: 1d\n    evidence: { path: "*.xml", format: junit }\n    expect: { failed: "== 0" }\n',
  );
  const JUNIT = '<testsuite name="s" tests="1"><testcase classname="k" name="ok"/></testsuite>';

  it('a real file dated in the future beyond the clock skew is missing, at any distance', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'rg-future-'));
    await writeFile(path.join(dir, 'junit.xml'), JUNIT);
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: CLOCK_SKEW_MS + 1000, max: 50 * 365 * 86_400_000 }), async (ahead) => {
        const when = new Date(NOW.getTime() + ahead);
        await utimes(path.join(dir, 'junit.xml'), when, when);
        const c = (await verdictOn(dir, p)).criteria[0]!;
        expect(c.status).toBe('missing');
        expect(c.reason).toMatch(/^junit\.xml is of unknown age: its time \S+ lies .* in the future \(more than the 5m allowed for clock skew\); max-age is 1d$/);
      }),
      { numRuns: 25 },
    );
  });

  it('a time within the clock skew, or in the past within max-age, is fresh', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'rg-future-'));
    await writeFile(path.join(dir, 'junit.xml'), JUNIT);
    for (const offset of [CLOCK_SKEW_MS - 1000, 0, -3_600_000]) {
      const when = new Date(NOW.getTime() + offset);
      await utimes(path.join(dir, 'junit.xml'), when, when);
      expect((await verdictOn(dir, p)).criteria[0]).toMatchObject({ status: 'passed' });
    }
  });

  it('one future file among fresh ones makes the criterion missing, naming it', () => {
    const file = (name: string, modified: string) => ({ path: name, bytes: 1, modified });
    const found = new Map([
      ['t', { files: [file('a.xml', '2026-11-24T11:00:00.000Z'), file('b.xml', '2027-01-01T00:00:00.000Z')], metrics: { tests: { value: 1 }, failed: { value: 0 } } }],
    ]);
    expect(evaluate(p, undefined, found, NOW).criteria[0]!.reason).toBe(
      'b.xml is of unknown age: its time 2027-01-01T00:00:00.000Z lies 37d 12h in the future (more than the 5m allowed for clock skew); max-age is 1d',
    );
  });
});

describe('a gate passes only if some evaluated criterion passed', () => {
  const optional = policy(`version: 1
criteria:
  - { id: a, required: false, evidence: { path: a.xml, format: junit }, expect: { failed: "== 0" } }
  - { id: b, required: false, evidence: { path: b.info, format: lcov }, expect: { lines: ">= 80%" } }
`);

  it('only optional criteria, no evidence at all, no min-score: FAIL, not PASS at 0%', async () => {
    const v = await verdictOn(await mkdtemp(path.join(tmpdir(), 'rg-none-')), optional);
    expect(v.counts).toEqual({ passed: 0, failed: 0, missing: 2, 'not-applicable': 0, waived: 0 });
    expect(v.score).toBe(0);
    expect(v.decision).toBe('fail');
    expect(v.summary).toBe('no criterion passed');
  });

  it('for every mix of statuses, the gate passes only when a criterion passed', () => {
    const statuses = fc.constantFrom('passed', 'failed', 'missing');
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.boolean(), statuses), { minLength: 1, maxLength: 8 }), (spec) => {
        const p = policy(
          `version: 1\ncriteria:\n${spec.map(([required], i) => `  - { id: c${i}, required: ${required}, evidence: { path: a, format: junit }, expect: { failed: "== 0" } }`).join('\n')}\n`,
        );
        const found = new Map(
          spec.map(([, status], i): [string, CriterionEvidence] => [
            `c${i}`,
            status === 'missing'
              ? { files: [], problem: 'none' }
              : { files: [{ path: 'a', bytes: 1, modified: NOW.toISOString() }], metrics: { tests: { value: 1 }, failed: { value: status === 'passed' ? 0 : 1 } } },
          ]),
        );
        const v = evaluate(p, undefined, found, NOW);
        const anyPassed = spec.some(([, s]) => s === 'passed');
        const requiredOk = spec.every(([required, s]) => !required || s === 'passed');
        expect(v.decision).toBe(anyPassed && requiredOk ? 'pass' : 'fail');
      }),
    );
  });
});

describe('weights and the exact score', () => {
  const twoCriteria = (a: string, b: string, minScore?: string) => `version: 1
${minScore === undefined ? '' : `min-score: ${minScore}\n`}criteria:
  - { id: a, required: false, weight: ${a}, evidence: { path: a, format: junit }, expect: { failed: "== 0" } }
  - { id: b, required: false, weight: ${b}, evidence: { path: b, format: junit }, expect: { failed: "== 0" } }
`;

  it('refuses weights that overflow, underflow or carry more than 3 decimals, with the rule', () => {
    expect(policyErrors(twoCriteria('1e308', '1'))).toEqual(['gate.yml:3:39: criteria[0].weight: weight must be at most 1000000']);
    expect(policyErrors(twoCriteria('79999999999995', '20000000000005'))).toEqual([
      'gate.yml:3:39: criteria[0].weight: weight must be at most 1000000',
      'gate.yml:4:39: criteria[1].weight: weight must be at most 1000000',
    ]);
    expect(policyErrors(twoCriteria('0.0001', '1.2345'))).toEqual([
      'gate.yml:3:39: criteria[0].weight: weight has at most 3 decimal places (e.g. 0.5, 2.125)',
      'gate.yml:4:39: criteria[1].weight: weight has at most 3 decimal places (e.g. 0.5, 2.125)',
    ]);
    expect(policyErrors(twoCriteria('.inf', '-1'))[0]).toMatch(/weight must be/);
    expect(policy(twoCriteria('0.001', '1000000')).criteria.map((c) => c.weight)).toEqual([0.001, 1000000]);
  });

  it('79.9999% of the weight is shown as 79.99% and does not reach min-score 80', () => {
    const p = policy(twoCriteria('799999.999', '200000.001', '80'));
    const ok = { files: [{ path: 'a', bytes: 1, modified: NOW.toISOString() }], metrics: { tests: { value: 1 }, failed: { value: 0 } } };
    const v = evaluate(p, undefined, new Map<string, CriterionEvidence>([['a', ok], ['b', { files: [], problem: 'none' }]]), NOW);
    expect(v.score).toBe(79.99);
    expect(v.decision).toBe('fail');
    expect(v.summary).toBe('score 79.99% is below the minimum 80%');
  });

  const weight = fc.integer({ min: 1, max: 1_000_000_000 }).map((thousandths) => thousandths / 1000);

  it('for any weights: the shown score never exceeds the exact one, and the decision compares exactly', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(weight, fc.boolean()), { minLength: 1, maxLength: 12 }),
        fc.integer({ min: -3, max: 3 }),
        (spec, nudge) => {
          // exact score as a fraction of integers (thousandths of weight)
          const total = spec.reduce((s, [w]) => s + BigInt(Math.round(w * 1000)), 0n);
          const passed = spec.reduce((s, [w, ok]) => s + (ok ? BigInt(Math.round(w * 1000)) : 0n), 0n);
          if (passed === 0n) return; // covered by the "some criterion passed" rule
          // a minimum right at, just below or just above the exact score (in 1/1000 of a point)
          const exactMilli = (100_000n * passed) / total; // floor of score × 1000
          const minScore = Math.min(100, Math.max(0, (Number(exactMilli) + nudge) / 1000));
          const p = policy(
            `version: 1\nmin-score: ${minScore}\ncriteria:\n${spec.map(([w], i) => `  - { id: c${i}, required: false, weight: ${w}, evidence: { path: a, format: junit }, expect: { failed: "== 0" } }`).join('\n')}\n`,
          );
          const ok = { files: [{ path: 'a', bytes: 1, modified: NOW.toISOString() }], metrics: { tests: { value: 1 }, failed: { value: 0 } } };
          const found = new Map<string, CriterionEvidence>(spec.map(([, pass], i) => [`c${i}`, pass ? ok : { files: [], problem: 'none' }]));
          const v = evaluate(p, undefined, found, NOW);
          // shown ≤ exact, and less than 0.01 below it: score/100 ≤ passed/total < (score + 0.01)/100
          const shown = exactDecimal(v.score);
          expect(shown.numerator * total <= passed * 100n * shown.denominator).toBe(true);
          expect((100n * shown.numerator + shown.denominator) * total > passed * 100n * 100n * shown.denominator).toBe(true);
          // decision: exact 100 × passed / total >= minScore
          const min = exactDecimal(minScore);
          expect(v.decision).toBe(100n * passed * min.denominator >= min.numerator * total ? 'pass' : 'fail');
        },
      ),
      { numRuns: 500 },
    );
  });

  it('reaches() and shownScore() on shares that binary floats get wrong', () => {
    // 79999999999995 / 100000000000000 = 79.999999999995%: floats with +1e-9 said 80
    const share = { passed: 79_999_999_999_995n, total: 100_000_000_000_000n };
    expect(shownScore(share)).toBe(79.99);
    expect(reaches(share, 80)).toBe(false);
    expect(reaches(share, 79.999999999995)).toBe(true);
    expect(reaches(share, 79.999999999996)).toBe(false);
    // 7 of 10 is exactly 70: 100 × 7 / 10 in floats is 70.00000000000001
    expect(shownScore({ passed: 7n, total: 10n })).toBe(70);
    expect(reaches({ passed: 7n, total: 10n }, 70)).toBe(true);
    expect(reaches({ passed: 1n, total: 3n }, 33.34)).toBe(false);
    expect(exactDecimal(1e-7)).toEqual({ numerator: 1n, denominator: 10_000_000n });
    expect(exactDecimal(66.67)).toEqual({ numerator: 6667n, denominator: 100n });
  });
});
