import { EvidenceError } from '../measure.js';
import {
  COVERAGE_METRICS,
  clip,
  coverageMetrics,
  mergeCoverage,
  normalizeSourcePath,
  type Count,
  type CoverageModel,
  type FileCoverage,
} from './coverage.js';
import { compileShape, readJsonDocument, streamEntries } from './json.js';
import type { Format } from './types.js';

/**
 * Istanbul `coverage-summary.json` (the json-summary reporter of nyc, Jest, Vitest, c8):
 * `{ "total": {...}, "<file>": { "lines": {total, covered, skipped, pct}, "statements", "functions",
 * "branches" } }`.
 *
 * - The per-file entries are the data: their `covered`/`total` add up. `pct` is never read (it is
 *   rounded, and "Unknown" for a total of 0). `total` is used only when there is no per-file entry.
 * - The summary has no line-level detail, so the same file in several summaries cannot be merged
 *   line by line: per kind, the summary that covers the most of it wins (see bestCount). A
 *   `total`-only summary stands for a pseudo-file named after the evidence file, so several of them
 *   (one per package of a monorepo) add up.
 * - The JSON is read as every JSON format is (json.ts): a key repeated in one object (a file listed
 *   twice, `covered` twice) is refused, not resolved to the last one; so is a file listed under two
 *   spellings of its path (`./a.js` and `a.js`).
 * - Counts may be fractional (some producers write them so); covered above total, negative or
 *   non-numeric counts, and entries without lines/functions/branches are errors: such a file is
 *   not an Istanbul summary (coverage-final.json, for one, is not supported).
 * - Bounded: entries are streamed (json.ts streamEntries): each is built with only its
 *   `covered`/`total` counts, turned into a FileCoverage and dropped, so a summary of 100,000 files
 *   takes memory for its counts, not for its JSON; an entry's other fields are checked and skipped.
 */

const COUNT = { total: true, covered: true };
const ENTRY = { lines: COUNT, branches: COUNT, functions: COUNT };
export const istanbul: Format<CoverageModel> = {
  name: 'istanbul',
  knownMetrics: COVERAGE_METRICS,
  merge: mergeCoverage,
  metrics: coverageMetrics,

  async read(input, ctx) {
    const files = new Map<string, FileCoverage>();
    let total: FileCoverage | undefined;
    const shape = compileShape(
      streamEntries(ENTRY, (key, value) => {
        const entry = summaryEntry(key, value);
        if (key === 'total') {
          total = entry;
          return;
        }
        // "./a.js" and "a.js" (or "a\\b.js" and "a/b.js") are one file: two entries for it would keep one silently
        const file = normalizeSourcePath(key);
        if (files.has(file)) throw new EvidenceError(`entry ${JSON.stringify(clip(key))} names a file already listed under another spelling: which entry counts would be a guess`);
        files.set(file, entry);
      }),
    );
    const doc = await readJsonDocument(input, ctx.limits.wholeDocumentBytes, ctx.limits.nestingDepth, 'coverage summary', shape);
    if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) {
      throw new EvidenceError(`not an Istanbul coverage summary: the document is ${Array.isArray(doc) ? 'an array' : doc === null ? 'null' : `a ${typeof doc}`}, not an object`);
    }
    if (files.size === 0) {
      if (!total) throw new EvidenceError('not an Istanbul coverage summary: no "total" and no per-file entry');
      files.set(`\0total of ${ctx.name}`, total);
    }
    return { files };
  },
};

function summaryEntry(key: string, value: unknown): FileCoverage {
  const name = JSON.stringify(clip(key));
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new EvidenceError(`not an Istanbul coverage summary: entry ${name} is not an object`);
  }
  const entry = value as Record<string, unknown>;
  return {
    lines: count(entry, 'lines', name),
    branches: count(entry, 'branches', name),
    functions: count(entry, 'functions', name),
  };
}

function count(entry: Record<string, unknown>, kind: string, name: string): Count {
  const value = entry[kind];
  if (typeof value !== 'object' || value === null) {
    throw new EvidenceError(`not an Istanbul coverage summary: entry ${name} has no "${kind}" object`);
  }
  const { covered, total } = value as Record<string, unknown>;
  for (const [field, n] of [['total', total], ['covered', covered]] as const) {
    if (typeof n !== 'number' || !Number.isFinite(n) || n < 0) {
      throw new EvidenceError(`entry ${name}: ${kind}.${field} is ${n === undefined ? 'missing' : `not a non-negative number: ${clip(JSON.stringify(n) ?? String(n))}`}`);
    }
  }
  if ((covered as number) > (total as number)) {
    throw new EvidenceError(`entry ${name}: ${kind}.covered ${String(covered)} is above ${kind}.total ${String(total)}`);
  }
  return { covered: covered as number, total: total as number };
}
