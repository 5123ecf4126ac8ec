/**
 * The choice among a commit's readings (src/action/strictest.ts), as a property: whatever the
 * readings and their order, the published outcome is never looser than any of them — a pass only
 * when every reading passes, never a higher score than the worst of its kind.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { strictest } from '../../src/action/strictest.js';
import type { GateOutcome } from '../../src/run.js';

const outcome: fc.Arbitrary<GateOutcome> = fc.oneof(
  fc.constant({ kind: 'policy-error', errors: [] } as GateOutcome),
  fc.record({ decision: fc.constantFrom('pass' as const, 'fail' as const), score: fc.integer({ min: 0, max: 10_000 }).map((n) => n / 100) }).map(
    ({ decision, score }) => ({ kind: 'verdict', verdict: { decision, score } }) as unknown as GateOutcome,
  ),
);
const readings = fc.array(fc.record({ label: fc.string(), outcome }), { minLength: 1, maxLength: 8 });

const decision = (o: GateOutcome) => (o.kind === 'verdict' ? o.verdict.decision : 'unusable');
const score = (o: GateOutcome) => (o.kind === 'verdict' ? o.verdict.score : -1);

describe('strictest', () => {
  it('passes only when every reading passes, and is never above the worst of its kind', () => {
    fc.assert(
      fc.property(readings, (judged) => {
        const chosen = strictest(judged);
        expect(judged).toContain(chosen);
        const decisions = judged.map((j) => decision(j.outcome));
        if (decisions.includes('unusable')) expect(decision(chosen.outcome)).toBe('unusable');
        else if (decisions.includes('fail')) expect(decision(chosen.outcome)).toBe('fail');
        else expect(decision(chosen.outcome)).toBe('pass');
        const sameKind = judged.filter((j) => decision(j.outcome) === decision(chosen.outcome));
        expect(score(chosen.outcome)).toBe(Math.min(...sameKind.map((j) => score(j.outcome))));
      }),
      { numRuns: 500 },
    );
  });

  it('does not depend on the order of the readings (the lookup\'s order is no choice)', () => {
    fc.assert(
      fc.property(readings, fc.infiniteStream(fc.nat()), (judged, seeds) => {
        const shuffled = [...judged].sort(() => (seeds.next().value % 3) - 1);
        const [a, b] = [strictest(judged).outcome, strictest(shuffled).outcome];
        expect([decision(b), score(b)]).toEqual([decision(a), score(a)]);
      }),
      { numRuns: 300 },
    );
  });

  it('refuses an empty list', () => {
    expect(() => strictest([])).toThrow('no reading to choose from');
  });
});
