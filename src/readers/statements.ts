import type { Metrics, Unit } from '../measure.js';
import { COVERAGE_METRICS, coverageMetrics, mergeCoverage, type Count, type CoverageModel, type FileCoverage, type Kind } from './coverage.js';

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

/** At most this many distinct notes per metric are kept (then "and N more"). */
const MAX_NOTES = 3;

/** The notes behind each notes record's text (addNote writes both), so that merges count them. */
const noteLists = new WeakMap<Record<string, string>, Map<string, { list: string[]; more: number; text: string }>>();

function render(entry: { list: string[]; more: number }): string {
  return entry.more > 0 ? `${entry.list.join('; ')}; and ${entry.more} more` : entry.list.join('; ');
}

/** Adds a distinct note on `metric` (and `more` that were left out), keeping at most MAX_NOTES. */
export function addNote(notes: Record<string, string>, metric: string, note: string, more = 0): void {
  let byMetric = noteLists.get(notes);
  if (!byMetric) noteLists.set(notes, (byMetric = new Map()));
  let entry = byMetric.get(metric);
  // a text written without addNote is one note
  if (!entry || entry.text !== notes[metric]) {
    const text = notes[metric];
    entry = { list: text === undefined ? [] : [text], more: 0, text: '' };
    byMetric.set(metric, entry);
  }
  entry.more += more;
  if (!entry.list.includes(note)) {
    if (entry.list.length < MAX_NOTES) entry.list.push(note);
    else entry.more++;
  }
  entry.text = render(entry);
  notes[metric] = entry.text;
}

export function mergeStatementCoverage(models: StatementCoverage[]): StatementCoverage {
  if (models.length === 1) return models[0]!;
  const notes: Record<string, string> = {};
  for (const m of models) {
    for (const [metric, text] of Object.entries(m.notes)) {
      const entry = noteLists.get(m.notes)?.get(metric);
      if (entry && entry.text === text) entry.list.forEach((note, i) => addNote(notes, metric, note, i === 0 ? entry.more : 0));
      else addNote(notes, metric, text);
    }
  }
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

/**
 * The part of a report's declared reading that its elements do not hold (covered and total above
 * theirs), kept as a pseudo-file of that report, so that the declaration still counts when the
 * report is merged with others (and a single report reads as declared). False when the
 * declaration claims fewer of either: no count can stand for that, and only a single report can
 * read as declared.
 */
export function addDeclaredGap(files: Map<string, FileCoverage>, source: string, kind: Kind, declared: Count, elements: Count | undefined): boolean {
  const covered = declared.covered - (elements?.covered ?? 0);
  const total = declared.total - (elements?.total ?? 0);
  if (covered < 0 || total < 0 || covered > total) return false;
  const key = `\0declared beyond the elements of ${source}`;
  const entry = files.get(key) ?? {};
  entry[kind] = { covered, total };
  files.set(key, entry);
  return true;
}
