import { EvidenceError, type Metrics, type Unit } from '../measure.js';

/**
 * The coverage model shared by the lcov, Cobertura, Istanbul-summary and JaCoCo readers, with the
 * one merge and the one metrics function they all use.
 *
 * Each source file holds, per kind (lines, branches, functions), either the detail (lines, branch
 * ids, function ids, each with whether it was covered, so that several reports of the same file
 * merge item by item: covered if any report covers it) or, where a format gives nothing finer,
 * the file's totals. A kind that is absent for a
 * file means the report says nothing about it; a kind absent from every file yields no metric at
 * all, so a criterion that expects it reports "no evidence" instead of 0% or 100% for nothing.
 */

export type Kind = 'lines' | 'branches' | 'functions';
export const KINDS: readonly Kind[] = ['lines', 'branches', 'functions'];

/** covered out of total; fractional where a format writes fractions (Istanbul, Cobertura floats) */
export interface Count {
  covered: number;
  total: number;
}

/** A bare percentage (0-100) a report states without any count (Cobertura line-rate alone). */
export interface Percent {
  percent: number;
}

/** item → hit count (0 = not covered); items are format-specific ids, unique within a file */
export type ItemMap = Map<string, number>;

/** The largest line number a LineSet holds (a 32-bit code keeps one bit for "hit"). */
export const MAX_LINE = 0x7fffffff;

/**
 * The instrumented lines of one source file, compact (4 bytes a line, no per-line object): sorted
 * unique codes `line * 2 + hit`. Only whether a line was hit matters for the metrics and for the
 * union of several reports, so hit counts are not kept.
 */
export class LineSet {
  private constructor(
    /** sorted ascending, one code per line */
    readonly codes: Uint32Array,
    readonly covered: number,
  ) {}

  get size(): number {
    return this.codes.length;
  }

  /** from [line, hits] pairs, in any order, repeats allowed (tests and small readers) */
  static of(entries: Iterable<readonly [number, number]>): LineSet {
    const b = new LineSetBuilder();
    for (const [line, hits] of entries) b.add(line, hits > 0);
    return b.build();
  }

  /** The union: a line is in it if either set has it, hit if either set hit it. */
  union(other: LineSet): LineSet {
    const a = this.codes;
    const b = other.codes;
    const out = new Uint32Array(a.length + b.length);
    let i = 0;
    let j = 0;
    let n = 0;
    let covered = 0;
    while (i < a.length || j < b.length) {
      let code: number;
      if (j >= b.length || (i < a.length && a[i]! >>> 1 < b[j]! >>> 1)) code = a[i++]!;
      else if (i >= a.length || b[j]! >>> 1 < a[i]! >>> 1) code = b[j++]!;
      else code = (a[i++]! | b[j++]!) >>> 0;
      out[n++] = code;
      covered += code & 1;
    }
    return new LineSet(out.slice(0, n), covered);
  }

  /** @internal for LineSetBuilder */
  static fromSortedUnique(codes: Uint32Array, covered: number): LineSet {
    return new LineSet(codes, covered);
  }
}

/** Collects the lines of one file in reading order; `build` sorts and removes repeats. */
export class LineSetBuilder {
  private buf = new Uint32Array(64);
  private n = 0;
  private last = 0;
  private sorted = true;

  get empty(): boolean {
    return this.n === 0;
  }

  /** `line` must be an integer in 0..MAX_LINE (readers check) */
  add(line: number, hit: boolean): void {
    const code = line * 2 + (hit ? 1 : 0);
    if (this.n === this.buf.length) {
      const grown = new Uint32Array(this.buf.length * 2);
      grown.set(this.buf);
      this.buf = grown;
    }
    this.buf[this.n++] = code;
    if (code < this.last) this.sorted = false;
    this.last = code;
  }

  build(): LineSet {
    const codes = this.buf.slice(0, this.n);
    if (!this.sorted) codes.sort();
    // a line's "hit" code sorts right after its "not hit" code: keep the last of each line
    let n = 0;
    let covered = 0;
    for (let i = 0; i < codes.length; i++) {
      const code = codes[i]!;
      if (n > 0 && codes[n - 1]! >>> 1 === code >>> 1) {
        covered += (code & 1) - (codes[n - 1]! & 1);
        codes[n - 1] = code;
      } else {
        codes[n++] = code;
        covered += code & 1;
      }
    }
    return LineSet.fromSortedUnique(n === codes.length ? codes : codes.slice(0, n), covered);
  }
}

export interface FileCoverage {
  lines?: LineSet | Count;
  /** branch id → times taken */
  branches?: ItemMap | Count;
  /** function id → calls */
  functions?: ItemMap | Count;
}

/**
 * Whole-report numbers that stand for a single report: JaCoCo's report-level counters, or the
 * root rates of a Cobertura file that lists no line at all. When present, metrics come from here
 * only (a kind missing here yields no metric).
 */
export interface StatedTotals {
  /** the evidence file, for messages */
  source: string;
  lines?: Count | Percent;
  branches?: Count | Percent;
  functions?: Count | Percent;
  /**
   * true: `files` hold the same data line by line and replace these numbers when reports are
   * merged (JaCoCo). false: these are the only numbers, so the report cannot be merged.
   */
  mergeableByDetail: boolean;
}

export interface CoverageModel {
  /** keyed by normalized source path (see normalizeSourcePath) */
  files: Map<string, FileCoverage>;
  stated?: StatedTotals;
}

/** The metrics every coverage format knows: percentages and their plain counts. */
export const COVERAGE_METRICS: Record<string, Unit | null> = {
  lines: '%',
  branches: '%',
  functions: '%',
  'lines.covered': null,
  'lines.total': null,
  'branches.covered': null,
  'branches.total': null,
  'functions.covered': null,
  'functions.total': null,
};

/** Light normalization for matching the same file across reports: '\' → '/', no leading './'. */
export function normalizeSourcePath(path: string): string {
  let p = path.includes('\\') ? path.replaceAll('\\', '/') : path;
  while (p.startsWith('./')) p = p.slice(2);
  return p;
}

export function isCount(data: Count | Percent): data is Count {
  return 'total' in data;
}

/** Totals of one kind of one file. */
export function countOf(data: LineSet | ItemMap | Count): Count {
  if (data instanceof LineSet) return { covered: data.covered, total: data.size };
  if (!(data instanceof Map)) return data;
  let covered = 0;
  for (const hits of data.values()) if (hits > 0) covered++;
  return { covered, total: data.size };
}

/**
 * Where either side only has totals, item-level merging is impossible: the side with the most
 * covered wins (ties: the larger total, the more conservative percentage).
 */
function bestCount(a: LineSet | ItemMap | Count, b: LineSet | ItemMap | Count): Count {
  const x = countOf(a);
  const y = countOf(b);
  return y.covered > x.covered || (y.covered === x.covered && y.total > x.total) ? { ...y } : { ...x };
}

/** Lines of the same file from two reports: the union (covered if either covers it). */
export function combineLines(into: LineSet | Count | undefined, add: LineSet | Count): LineSet | Count {
  if (into === undefined) return add instanceof LineSet ? add : { ...add };
  if (into instanceof LineSet && add instanceof LineSet) return into.union(add);
  return bestCount(into, add);
}

/**
 * Branches or functions of the same file: combines `add` into `into` (which the caller owns and
 * may be mutated), item by item, keeping each item's highest count (covered if either covers
 * it). `add` is copied unless `give` hands it over (a reader's fresh per-record maps).
 */
export function combineItems(into: ItemMap | Count | undefined, add: ItemMap | Count, give = false): ItemMap | Count {
  if (into === undefined) return give ? add : add instanceof Map ? new Map(add) : { ...add };
  if (into instanceof Map && add instanceof Map) {
    for (const [item, hits] of add) {
      const prev = into.get(item);
      if (prev === undefined || hits > prev) into.set(item, hits);
    }
    return into;
  }
  return bestCount(into, add);
}

/** Combines one file's coverage into an owned entry of `files` (LineSets are immutable, shared). */
export function combineFile(files: Map<string, FileCoverage>, path: string, add: FileCoverage, give = false): void {
  let entry = files.get(path);
  if (!entry) {
    entry = {};
    files.set(path, entry);
  }
  if (add.lines) entry.lines = combineLines(entry.lines, add.lines);
  if (add.branches) entry.branches = combineItems(entry.branches, add.branches, give);
  if (add.functions) entry.functions = combineItems(entry.functions, add.functions, give);
}

/**
 * Several files matched one criterion: the same source file is merged line by line, branch by
 * branch and function by function (covered if any report covers it); different source files add
 * up. Files known only by their totals (Istanbul summaries) take the entry with the most covered.
 * Reports that state only percentages cannot be combined with anything: that is an error.
 */
export function mergeCoverage(models: CoverageModel[]): CoverageModel {
  if (models.length === 1) return models[0]!;
  const files = new Map<string, FileCoverage>();
  for (const model of models) {
    if (model.stated && !model.stated.mergeableByDetail) {
      throw new EvidenceError(
        `cannot merge ${model.stated.source} with other coverage reports: it states only percentages ` +
          '(line-rate/branch-rate) and lists no <line>, so there is nothing to add up',
      );
    }
    for (const [path, file] of model.files) combineFile(files, path, file);
  }
  return { files };
}

/**
 * lines/branches/functions as percentages (only when the total is above 0) and their
 * `.covered`/`.total` counts (whenever the report knows the kind, even with a total of 0).
 */
export function coverageMetrics(model: CoverageModel): Metrics {
  const out: Metrics = {};
  for (const kind of KINDS) {
    let known: Count | Percent | undefined;
    if (model.stated) {
      known = model.stated[kind];
    } else {
      let covered = 0;
      let total = 0;
      let any = false;
      for (const file of model.files.values()) {
        const data = file[kind];
        if (data === undefined) continue;
        any = true;
        const c = countOf(data);
        covered += c.covered;
        total += c.total;
      }
      if (any) known = { covered, total };
    }
    if (known === undefined) continue;
    if (isCount(known)) {
      out[`${kind}.covered`] = { value: known.covered };
      out[`${kind}.total`] = { value: known.total };
      if (known.total > 0) out[kind] = { value: (known.covered / known.total) * 100, unit: '%' };
    } else {
      out[kind] = { value: known.percent, unit: '%' };
    }
  }
  return out;
}

/** A number attribute or field that must be finite and >= 0 (counts may be fractional). */
export function nonNegative(raw: string | undefined, what: string, position?: { line: number; column?: number }): number {
  const value = raw === undefined || raw.trim() === '' ? NaN : Number(raw);
  if (!Number.isFinite(value) || value < 0) {
    throw new EvidenceError(`${what} is ${raw === undefined ? 'missing' : `not a non-negative number: ${JSON.stringify(clip(raw))}`}`, position);
  }
  return value;
}

/** Shortens untrusted text quoted in a message. */
export function clip(text: string, max = 80): string {
  return text.length > max ? `${text.slice(0, max)}…` : text;
}
