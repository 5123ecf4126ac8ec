import { EvidenceError } from '../measure.js';
import {
  BranchSetBuilder,
  FunctionSetBuilder,
  LineSetBuilder,
  MAX_LINE,
  NameTable,
  clip,
  normalizeSourcePath,
  type BranchSet,
  type Count,
  type FileCoverage,
} from './coverage.js';
import { compileShape, readJsonDocument, streamEntries, type Shape } from './json.js';
import { STATEMENT_METRICS, addNote, mergeStatementCoverage, statementCoverageMetrics, statementCoverageNotes, type StatementCoverage } from './statements.js';
import type { Format } from './types.js';

/**
 * Istanbul's JSON reports (nyc, Jest, Vitest, c8), in both shapes, told apart entry by entry:
 *
 * (a) `coverage-summary.json` (json-summary reporter): `{ "total": {...}, "<file>": { "lines":
 *     {total, covered, skipped, pct}, "statements", "functions", "branches" } }`.
 *     - The per-file entries are the data: their `covered`/`total` add up. `pct` is never read (it
 *       is rounded, and "Unknown" for a total of 0). `total` is used only when there is no per-file
 *       entry: it then stands for a pseudo-file named after the evidence file, so several of them
 *       (one per package of a monorepo) add up.
 *     - The summary has no line-level detail, so the same file in several summaries cannot be
 *       merged line by line: per kind, the summary that covers the most of it wins.
 *     - Counts may be fractional (some producers write them so); covered above total, negative or
 *       non-numeric counts, and entries without lines/functions/branches are errors.
 * (b) `coverage-final.json` (json reporter; Jest's `coverageMap`): `{ "<file>": { path,
 *     statementMap, s, fnMap, f, branchMap, b } }` (an entry wrapped in `{ "data": … }` as well).
 *     - statements: the keys of `s`, covered when their count is above 0 (Istanbul's own rule);
 *     - lines: derived from the statement map, as Istanbul's `getLineCoverage` (and so its text
 *       and json-summary reporters) does: every line a statement starts on, covered if a
 *       statement starting on it ran;
 *     - functions: the keys of `f`; branches: every count of every array of `b`, with the ids
 *       Istanbul's lcov reporter writes (`<line>,<key>,<index>`, the line the branch starts on),
 *       so a branch's line is known for patch coverage.
 *     - The maps and their counts must agree (a statement counted in `s` that `statementMap` does
 *       not define, or the reverse, is refused), so are line numbers and counts checked.
 *     - Detail is kept by statement, branch and function id, so several final reports of the same
 *       files (one per test shard) merge item by item: covered if any report covers it.
 *
 * `statements` (Jest's coverageThreshold key) is read from both shapes. A document that mixes
 * summary and final entries is refused, as is a file listed under two spellings of its path
 * (`./a.js` and `a.js`) and, as everywhere in JSON (json.ts), a key repeated in one object.
 *
 * Bounded: entries are streamed (json.ts streamEntries), and within a final entry its maps are
 * streamed too: each entry is turned into the compact line-level store and dropped.
 */

const COUNT = { total: true, covered: true };
type Json = Record<string, unknown>;

/**
 * One map of a coverage-final entry. Istanbul writes the keys "0", "1", … in order: while they
 * come so (json.ts tells their index) the values are kept in an array, with no Map and no key
 * strings; the first other key moves them into a Map in the same order, so the checks read the
 * same keys in the same order either way.
 */
class IdMap<T> {
  dense: T[] = [];
  map: Map<string, T> | undefined;

  set(key: string, index: number, value: T): void {
    if (this.map === undefined && index === this.dense.length) this.dense.push(value);
    else this.asMap().set(key, value);
  }

  asMap(): Map<string, T> {
    this.map ??= new Map(this.dense.map((value, k) => [String(k), value]));
    return this.map;
  }

  clear(): void {
    this.dense = [];
    this.map = undefined;
  }
}

/** the file of a coverage-final entry being read (its maps arrive member by member; reused) */
class FinalFile {
  statementLines = new IdMap<number>();
  statements = new IdMap<number>();
  /** fnMap: only its keys matter */
  functionIds = new IdMap<true>();
  functions = new IdMap<number>();
  /** branch id → the line it starts on (-1: its map entry gives none) */
  branchLines = new IdMap<number>();
  branches = new IdMap<number[]>();
  empty = true;

  clear(): this {
    for (const map of [this.statementLines, this.statements, this.functionIds, this.functions, this.branchLines, this.branches]) map.clear();
    this.empty = true;
    return this;
  }
}

export const istanbul: Format<StatementCoverage> = {
  name: 'istanbul',
  lineCoverage: (m) => m.coverage,
  branchLines: true,
  knownMetrics: STATEMENT_METRICS,
  merge: mergeStatementCoverage,
  metrics: statementCoverageMetrics,
  notes: statementCoverageNotes,

  async read(input, ctx) {
    const files = new Map<string, FileCoverage>();
    const statementFiles = new Map<string, FileCoverage>();
    const names = new NameTable();
    const lines = new LineSetBuilder();
    const statementSet = new BranchSetBuilder();
    const branchSet = new BranchSetBuilder();
    const functionSet = new FunctionSetBuilder(names);
    let total: Summary | undefined;
    const shapes = { summary: 0, final: 0 };
    let current = new FinalFile();
    let spare = new FinalFile();

    const hits = (what: string) => (key: string, value: unknown, index: number) => {
      current.empty = false;
      if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) throw new EvidenceError(`${what} count of ${JSON.stringify(clip(key))} is ${clip(JSON.stringify(value) ?? String(value))}, not a non-negative number`);
      (what === 's' ? current.statements : current.functions).set(key, index, value);
    };
    const FINAL: Record<string, Shape> = {
      statementMap: streamEntries({ start: { line: true } }, (key, value, index) => {
        current.empty = false;
        const start = isObject(value) && isObject(value.start) ? value.start.line : undefined;
        if (typeof start !== 'number' || !Number.isInteger(start) || start < 0 || start > MAX_LINE) {
          throw new EvidenceError(`statementMap entry ${JSON.stringify(clip(key))} has no start line (start.line is ${clip(JSON.stringify(start) ?? 'missing')})`);
        }
        current.statementLines.set(key, index, start);
      }),
      s: streamEntries(true, hits('s')),
      fnMap: streamEntries({}, (key, _value, index) => {
        current.empty = false;
        current.functionIds.set(key, index, true);
      }),
      f: streamEntries(true, hits('f')),
      branchMap: streamEntries({ loc: { start: { line: true } }, line: true }, (key, value, index) => {
        current.empty = false;
        // the line Istanbul's lcov reporter writes in BRDA: loc.start.line (older reports: line)
        const loc = isObject(value) && isObject(value.loc) && isObject(value.loc.start) ? value.loc.start.line : undefined;
        const line = loc ?? (isObject(value) ? value.line : undefined);
        current.branchLines.set(key, index, typeof line === 'number' && Number.isInteger(line) && line > 0 && line <= MAX_LINE ? line : -1);
      }),
      b: streamEntries(true, (key, value, index) => {
        current.empty = false;
        if (!Array.isArray(value) || !value.every((n) => typeof n === 'number' && Number.isFinite(n) && n >= 0)) {
          throw new EvidenceError(`b entry ${JSON.stringify(clip(key))} is not an array of non-negative counts`);
        }
        current.branches.set(key, index, value as number[]);
      }),
    };
    const shape = compileShape(
      streamEntries({ lines: COUNT, branches: COUNT, functions: COUNT, statements: COUNT, ...FINAL, data: FINAL }, (key, value) => {
        const file = current;
        // the previous entry's, emptied for the next one
        current = spare.clear();
        spare = file;
        const name = JSON.stringify(clip(key));
        if (!isObject(value)) throw new EvidenceError(`not an Istanbul coverage report: entry ${name} is not an object`);
        const final = !file.empty || 'statementMap' in value || 's' in value || isObject(value.data);
        if (final && 'lines' in value) throw new EvidenceError(`entry ${name} is both a summary entry (lines) and a coverage-final entry (statementMap): which one counts would be a guess`);
        if (final) shapes.final++;
        else if (key !== 'total') shapes.summary++;
        if (shapes.final > 0 && shapes.summary > 0) {
          throw new EvidenceError(`entry ${name}: the document mixes coverage-summary entries (lines, statements…) and coverage-final entries (statementMap, s…): write one report per file`);
        }
        if (!final && key === 'total') {
          total = summaryEntry(key, value);
          return;
        }
        // "./a.js" and "a.js" (or "a\\b.js" and "a/b.js") are one file: two entries for it would keep one silently
        const path = normalizeSourcePath(key);
        if (files.has(path)) throw new EvidenceError(`entry ${JSON.stringify(clip(key))} names a file already listed under another spelling: which entry counts would be a guess`);
        if (final) {
          const built = finalEntry(file, name, { lines, statementSet, branchSet, functionSet });
          files.set(path, built.coverage);
          statementFiles.set(path, { branches: built.statements });
        } else {
          const summary = summaryEntry(key, value);
          files.set(path, summary.coverage);
          if (summary.statements) statementFiles.set(path, { branches: summary.statements });
        }
      }),
    );
    const doc = await readJsonDocument(input, ctx.limits.wholeDocumentBytes, ctx.limits.nestingDepth, 'Istanbul coverage report', shape);
    if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) {
      throw new EvidenceError(`not an Istanbul coverage report: the document is ${Array.isArray(doc) ? 'an array' : doc === null ? 'null' : `a ${typeof doc}`}, not an object`);
    }
    const notes: StatementCoverage['notes'] = {};
    if (files.size === 0) {
      if (!total) throw new EvidenceError('not an Istanbul coverage report: no "total" and no per-file entry (coverage-summary.json or coverage-final.json)');
      const pseudo = `\0total of ${ctx.name}`;
      files.set(pseudo, total.coverage);
      if (total.statements) statementFiles.set(pseudo, { branches: total.statements });
    }
    if (statementFiles.size === 0) addNote(notes, 'statements', `${ctx.name} has no statements counts`);
    return { coverage: { files }, statements: { files: statementFiles }, notes };
  },
};

interface Summary {
  coverage: FileCoverage;
  statements: Count | undefined;
}

function summaryEntry(key: string, value: unknown): Summary {
  const name = JSON.stringify(clip(key));
  if (!isObject(value)) throw new EvidenceError(`not an Istanbul coverage summary: entry ${name} is not an object`);
  return {
    coverage: { lines: count(value, 'lines', name), branches: count(value, 'branches', name), functions: count(value, 'functions', name) },
    statements: value.statements === undefined ? undefined : count(value, 'statements', name),
  };
}

function count(entry: Json, kind: string, name: string): Count {
  const value = entry[kind];
  if (typeof value !== 'object' || value === null) {
    throw new EvidenceError(`not an Istanbul coverage summary: entry ${name} has no "${kind}" object`);
  }
  const { covered, total } = value as Json;
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

interface Builders {
  lines: LineSetBuilder;
  statementSet: BranchSetBuilder;
  branchSet: BranchSetBuilder;
  functionSet: FunctionSetBuilder;
}

function finalEntry(file: FinalFile, name: string, b: Builders): { coverage: FileCoverage; statements: BranchSet } {
  const disagree = (what: string, key: string, where: string): never => {
    throw new EvidenceError(`entry ${name}: ${what} ${JSON.stringify(clip(key))} ${where}: the report contradicts itself`);
  };
  // Each kind twice: keys "0", "1", … (what Istanbul writes) as arrays, the same checks on their
  // lengths and the same ids without making strings; any other keys as Maps.
  if (file.statementLines.map === undefined && file.statements.map === undefined) {
    const lines = file.statementLines.dense;
    const counts = file.statements.dense;
    if (lines.length > counts.length) disagree('statement', String(counts.length), 'is in statementMap but has no count in s');
    for (let k = 0; k < counts.length; k++) {
      if (k === lines.length) disagree('statement', String(k), 'is counted in s but statementMap does not define it');
      const n = counts[k]!;
      b.lines.add(lines[k]!, n > 0);
      b.statementSet.addIndexed(k, 1, n > 0 ? 1 : 0); // the id `${k}#0`, as addId reads it
    }
  } else {
    const statementLines = file.statementLines.asMap();
    const statements = file.statements.asMap();
    if (statementLines.size !== statements.size) {
      for (const key of statementLines.keys()) if (!statements.has(key)) disagree('statement', key, 'is in statementMap but has no count in s');
    }
    for (const [key, n] of statements) {
      const line = statementLines.get(key);
      if (line === undefined) disagree('statement', key, 'is counted in s but statementMap does not define it');
      b.lines.add(line as number, n > 0);
      b.statementSet.addId(`${key}#0`, n);
    }
  }
  if (file.functionIds.map === undefined && file.functions.map === undefined) {
    const declared = file.functionIds.dense.length;
    const counts = file.functions.dense;
    if (declared > counts.length) disagree('function', String(counts.length), 'is in fnMap but has no count in f');
    for (let k = 0; k < counts.length; k++) {
      if (k === declared) disagree('function', String(k), 'is counted in f but fnMap does not define it');
      b.functionSet.add(String(k), counts[k]! > 0);
    }
  } else {
    const functionIds = file.functionIds.asMap();
    const functions = file.functions.asMap();
    if (functionIds.size !== functions.size) {
      for (const key of functionIds.keys()) if (!functions.has(key)) disagree('function', key, 'is in fnMap but has no count in f');
    }
    for (const [key, n] of functions) {
      if (!functionIds.has(key)) disagree('function', key, 'is counted in f but fnMap does not define it');
      b.functionSet.add(key, n > 0);
    }
  }
  // ids as Istanbul's lcov reporter writes them (BRDA:<line>,<key>,<index>), so they carry the
  // branch's line for patch coverage; an entry without a line gets an id that names none
  if (file.branchLines.map === undefined && file.branches.map === undefined) {
    const lines = file.branchLines.dense;
    const all = file.branches.dense;
    if (lines.length > all.length) disagree('branch', String(all.length), 'is in branchMap but has no counts in b');
    for (let k = 0; k < all.length; k++) {
      if (k === lines.length) disagree('branch', String(k), 'is counted in b but branchMap does not define it');
      const line = lines[k]!;
      const counts = all[k]!;
      // addTriple is what addId makes of `${line},${k},${i}`
      if (line > 0) for (let i = 0; i < counts.length; i++) b.branchSet.addTriple(line, k, i, counts[i]! > 0);
      else counts.forEach((n, i) => b.branchSet.addId(`?${k}#${i}`, n));
    }
  } else {
    const branchLines = file.branchLines.asMap();
    const branches = file.branches.asMap();
    if (branchLines.size !== branches.size) {
      for (const key of branchLines.keys()) if (!branches.has(key)) disagree('branch', key, 'is in branchMap but has no counts in b');
    }
    for (const [key, counts] of branches) {
      const line = branchLines.get(key);
      if (line === undefined) disagree('branch', key, 'is counted in b but branchMap does not define it');
      const prefix = line! > 0 ? `${line},${key},` : `?${key}#`;
      counts.forEach((n, i) => b.branchSet.addId(`${prefix}${i}`, n));
    }
  }
  return { coverage: { lines: b.lines.build(), branches: b.branchSet.build(), functions: b.functionSet.build() }, statements: b.statementSet.build() };
}

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
