import type { GateOutcome } from '../run.js';

/**
 * Of the outcomes of one commit's readings, the one to publish: the worst, so that no way of
 * reaching the commit gets a looser check than another. An unusable policy is worst, then a
 * failure, then a pass; between equals the lower score; between ties the first.
 */
export function strictest<T extends { outcome: GateOutcome }>(judged: readonly T[]): T {
  if (judged.length === 0) throw new Error('no reading to choose from');
  const rank = (o: GateOutcome): [number, number] => (o.kind !== 'verdict' ? [0, 0] : [o.verdict.decision === 'fail' ? 1 : 2, o.verdict.score]);
  return judged.reduce((worst, j) => {
    const [a, b] = [rank(j.outcome), rank(worst.outcome)];
    return a[0] < b[0] || (a[0] === b[0] && a[1] < b[1]) ? j : worst;
  });
}
