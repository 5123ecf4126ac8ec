import type { Metrics, Unit } from '../measure.js';
import { COVERAGE_METRICS, coverageMetrics, mergeCoverage, type CoverageModel } from './coverage.js';

/**
 * Coverage with a `statements` counter beside lines/branches/functions (clover, go-coverprofile):
 * what Jest's coverageThreshold and `go test -cover` gate on.
 *
 * Statements are kept as a second CoverageModel in the line-level store, in its `branches` slot
 * (a BranchSet of statement ids, or a file's Count where the report has no statement identity),
 * so that several reports merge statement by statement with the same rules as branches.
 */
export interface StatementCoverage {
  coverage: CoverageModel;
  statements: CoverageModel;
  /** metric → why its reading is what it is (declared numbers that disagreed, absent kinds) */
  notes: Record<string, string>;
}

export const STATEMENT_METRICS: Record<string, Unit | null> = {
  ...COVERAGE_METRICS,
  statements: '%',
  'statements.covered': null,
  'statements.total': null,
};

/** At most this many notes per metric are kept (then "and N more"). */
const MAX_NOTES = 3;

export function addNote(notes: Record<string, string>, metric: string, note: string): void {
  const prev = notes[metric];
  if (prev === undefined) {
    notes[metric] = note;
    return;
  }
  const parts = prev.split('; ');
  const more = /^and (\d+) more$/.exec(parts[parts.length - 1] ?? '');
  if (more) parts[parts.length - 1] = `and ${Number(more[1]) + 1} more`;
  else if (parts.length >= MAX_NOTES) parts.push('and 1 more');
  else parts.push(note);
  notes[metric] = parts.join('; ');
}

export function mergeStatementCoverage(models: StatementCoverage[]): StatementCoverage {
  if (models.length === 1) return models[0]!;
  const notes: Record<string, string> = {};
  for (const m of models) for (const [metric, note] of Object.entries(m.notes)) addNote(notes, metric, note);
  return {
    coverage: mergeCoverage(models.map((m) => m.coverage)),
    statements: mergeCoverage(models.map((m) => m.statements)),
    notes,
  };
}

/** The notes by metric, each also for its `.covered` and `.total` counts. */
export function statementCoverageNotes(model: StatementCoverage): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [metric, note] of Object.entries(model.notes)) {
    out[metric] = note;
    out[`${metric}.covered`] = note;
    out[`${metric}.total`] = note;
  }
  return out;
}

export function statementCoverageMetrics(model: StatementCoverage): Metrics {
  const out = coverageMetrics(model.coverage);
  const s = coverageMetrics(model.statements);
  if (s.branches) out.statements = s.branches;
  if (s['branches.covered']) out['statements.covered'] = s['branches.covered'];
  if (s['branches.total']) out['statements.total'] = s['branches.total'];
  return out;
}
