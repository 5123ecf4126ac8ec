import { EvidenceError } from '../measure.js';
import {
  BranchSetBuilder,
  LineSetBuilder,
  MAX_LINE,
  clip,
  combineFile,
  compactId,
  countOf,
  nonNegative,
  normalizeSourcePath,
  type Count,
  type FileCoverage,
  type ItemMap,
  type StatedTotals,
} from './coverage.js';
import { STATEMENT_METRICS, addDeclaredGap, addNote, mergeStatementCoverage, statementCoverageMetrics, statementCoverageNotes, type StatementCoverage } from './statements.js';
import type { Format } from './types.js';
import { parseXml, type XmlAttributes } from './xml.js';

/**
 * Clover XML (OpenClover, Atlassian Clover, and the clover reporter of Istanbul: nyc, Jest, c8):
 * `<coverage><project><metrics/><package><file path><metrics/><class/><line num type count
 * truecount falsecount/>`. The DTD is never loaded (see xml.ts).
 *
 * - Only `<project>` is read: `<testproject>` (Clover's coverage of the test sources) is skipped.
 * - Lines: the numbers of `stmt` and `cond` elements of a `<file>`, covered if any element on the
 *   line ran (`count` > 0; a `cond` without `count`, as OpenClover writes it, if it went either way).
 *   `method` elements are functions, not lines. No `<metrics>` counts lines, so lines come from the
 *   elements alone.
 * - Statements (Jest's coverageThreshold key): one per `stmt` element (OpenClover writes one per
 *   statement). Istanbul's clover reporter writes one element per line and its LINE counts as
 *   `<metrics statements>`, so Jest's statements are not in the file: on a report written by
 *   Istanbul the metric is absent, with a note pointing to coverage-summary.json.
 * - Branches from `cond` elements: OpenClover's (no `count`) are a condition with two outcomes,
 *   true taken if truecount > 0 and false if falsecount > 0; Istanbul's (with `count`) give the
 *   line's covered branches as truecount and the others as falsecount.
 * - Functions: `method` elements (covered when count > 0), keyed by line and signature.
 * - Declared numbers: each `<file>` and the `<project>` declare statements, conditionals and methods
 *   in `<metrics>`. Three readings of each are compared: the elements (a file without elements of
 *   a kind counts by its declaration), the files' declarations added up (a file without one counts
 *   by its elements), and the project's. The worst percentage wins (ties: the elements), and a note
 *   says when the readings disagree. Where the winner declares more covered and more in all than
 *   the elements hold, the difference is kept as a pseudo-file of the report (addDeclaredGap), so
 *   merged reports keep it; a declaration of fewer (PHPUnit's stricter covered methods) counts for
 *   the report alone, and merged reports are combined from their elements, with its note.
 * - Bounded: the elements are kept in the compact line-level store; statements are a count per file.
 */

interface Declared {
  statements?: Count;
  branches?: Count;
  functions?: Count;
}
type Counted = keyof Declared;
/** Branches Istanbul cond lines may claim (truecount + falsecount) in all: 1,000,000 and 16 a line (real lines have a few). */
const INDEXED_BRANCHES_BASE = 1_000_000;
const INDEXED_BRANCHES_PER_LINE = 16;
const COUNTED: readonly Counted[] = ['statements', 'branches', 'functions'];

class CloverFile {
  readonly lines = new LineSetBuilder();
  readonly branches = new BranchSetBuilder();
  functions: ItemMap | undefined;
  statements: Count | undefined;
  declared: Declared | undefined;
  /** line → cond elements seen on it (each is its own condition; dropped with the file) */
  readonly conds = new Map<number, number>();
  constructor(
    readonly shown: string,
    /** branch items the report's Istanbul cond lines may still claim (shared by its files) */
    readonly budget: { left: number },
  ) {}
}

export const clover: Format<StatementCoverage> = {
  name: 'clover',
  lineCoverage: (m) => m.coverage,
  branchLines: true,
  knownMetrics: STATEMENT_METRICS,
  merge: mergeStatementCoverage,
  metrics: statementCoverageMetrics,
  notes: statementCoverageNotes,

  async read(input, ctx) {
    const stack: string[] = [];
    const files = new Map<string, FileCoverage>();
    const statementFiles = new Map<string, FileCoverage>();
    const fileDeclared: Record<Counted, Count> = { statements: zero(), branches: zero(), functions: zero() };
    const fileDeclaredKnown: Record<Counted, boolean> = { statements: false, branches: false, functions: false };
    let project: Declared | undefined;
    let sawRoot = false;
    let sawProject = false;
    /** the depth of the `<testproject>` being skipped (0: none) */
    let skipping = 0;
    let file: CloverFile | undefined;
    let fileKey = '';
    const budget = { left: INDEXED_BRANCHES_BASE };
    /** what tells Istanbul's clover reporter from OpenClover and PHPUnit (see below) */
    let cloverVersion: string | undefined;
    let sawClass = false;
    let sawMethod = false;
    let sawCountedCond = false;

    await parseXml(
      input,
      {
        open(name, attrs, depth) {
          if (skipping > 0) return;
          const parent = depth > 1 ? stack[depth - 2] : undefined;
          stack[depth - 1] = name;
          if (depth === 1) {
            if (name !== 'coverage') throw new EvidenceError(`not a Clover report: the root element is <${clip(name, 40)}>, expected <coverage>`);
            sawRoot = true;
            cloverVersion = attrs.get('clover');
            return;
          }
          if (depth === 2) {
            if (name === 'testproject') skipping = depth;
            else if (name === 'project') {
              if (sawProject) throw new EvidenceError('two <project> elements: which one counts would be a guess');
              sawProject = true;
            }
            return;
          }
          switch (name) {
            case 'metrics':
              if (parent === 'project') project = declared(attrs, '<project>');
              else if (parent === 'file' && file) file.declared = declared(attrs, `<file path=${JSON.stringify(file.shown)}>`);
              break;
            case 'file': {
              if (file) throw new EvidenceError(`<file> inside <file path=${JSON.stringify(file.shown)}>: not a Clover report`);
              const where = attrs.get('path') ?? attrs.get('name');
              if (where === undefined || where.trim() === '') throw new EvidenceError('<file> has neither a path nor a name attribute: not a Clover report');
              fileKey = normalizeSourcePath(where);
              file = new CloverFile(clip(where, 200), budget);
              break;
            }
            case 'class':
              sawClass = true;
              break;
            case 'line':
              if (!file) throw new EvidenceError('<line> outside a <file>: not a Clover report');
              if (attrs.is('type', 'method')) sawMethod = true;
              else if (attrs.is('type', 'cond') && attrs.digits('count') !== -2) sawCountedCond = true;
              line(file, attrs);
              break;
          }
        },
        close(name, depth) {
          if (skipping > 0) {
            if (depth === skipping) skipping = 0;
            return;
          }
          if (name !== 'file' || !file) return;
          const done = file;
          file = undefined;
          const statements = done.statements ?? done.declared?.statements;
          const detail: FileCoverage = {};
          if (!done.lines.empty) detail.lines = done.lines.build();
          const branches = done.branches.size > 0 ? done.branches.build() : done.declared?.branches;
          if (branches) detail.branches = branches;
          const functions = done.functions ?? done.declared?.functions;
          if (functions) detail.functions = functions;
          combineFile(files, fileKey, detail, true);
          if (statements) combineFile(statementFiles, fileKey, { branches: { ...statements } }, true);
          // the files' declarations added up (a file without one counts by its elements)
          const elements: Declared = { statements, branches: branches && countOf(branches), functions: functions && countOf(functions) };
          for (const kind of COUNTED) {
            const d = done.declared?.[kind] ?? elements[kind];
            if (!d) continue;
            fileDeclaredKnown[kind] = true;
            fileDeclared[kind].covered += d.covered;
            fileDeclared[kind].total += d.total;
          }
        },
      },
      ctx.limits.nestingDepth,
    );
    if (!sawRoot) throw new EvidenceError('no <coverage> element');
    if (!sawProject) throw new EvidenceError('no <project> element: not a Clover report');

    const model: StatementCoverage = { coverage: { files }, statements: { files: statementFiles }, notes: {} };
    // Istanbul's clover reporter writes its line counts as `statements` (and one <line> per line):
    // Jest's statements number is not in the file, and the lines would stand in for it, higher
    // than the statements Jest's own threshold checks. Istanbul writes no <class> and no method
    // line, and its cond lines carry a count.
    const istanbul = sawCountedCond || (!sawClass && !sawMethod && cloverVersion === '3.2.0');
    if (istanbul) {
      statementFiles.clear();
      fileDeclaredKnown.statements = false;
      if (project) delete project.statements;
      addNote(model.notes, 'statements', `${ctx.name} was written by Istanbul (Jest, nyc, c8), whose clover reporter writes line counts as statements: Jest's statements are in coverage-summary.json (format istanbul)`);
    }
    const elements: Declared = {};
    const sums = sumKinds(files);
    const statementSums = sumKinds(statementFiles);
    if (statementSums.branches) elements.statements = statementSums.branches;
    if (sums.branches) elements.branches = sums.branches;
    if (sums.functions) elements.functions = sums.functions;

    const winners: Declared = {};
    /** a declared reading won that no pseudo-file can stand for (see addDeclaredGap) */
    let needStated = false;
    for (const kind of COUNTED) {
      const readings: [string, Count][] = [];
      if (elements[kind]) readings.push(['its elements', elements[kind]]);
      if (fileDeclaredKnown[kind]) readings.push(["its files' <metrics>", fileDeclared[kind]]);
      if (project?.[kind]) readings.push(["its project's <metrics>", project[kind]]);
      if (readings.length === 0) continue;
      let worst = readings[0]!;
      for (const r of readings) if (rate(r[1]) < rate(worst[1])) worst = r;
      winners[kind] = worst[1];
      if (worst !== readings[0] || !elements[kind]) {
        const gap = kind === 'statements' ? addDeclaredGap(statementFiles, ctx.name, 'branches', worst[1], elements.statements) : addDeclaredGap(files, ctx.name, kind, worst[1], elements[kind]);
        if (!gap) needStated = true;
      }
      if (readings.some((r) => r[1].covered !== worst[1].covered || r[1].total !== worst[1].total)) {
        const all = readings.map(([what, c]) => `${what} ${c.covered} of ${c.total}`).join(', ');
        addNote(model.notes, kind, `${ctx.name} gives ${all}; the worst reading (${worst[0]}) counts`);
      }
    }
    if (needStated) {
      // one report: its worst readings; merged with others: element by element
      const stated: StatedTotals = { source: ctx.name, mergeableByDetail: true };
      if (sums.lines) stated.lines = sums.lines;
      if (winners.branches) stated.branches = winners.branches;
      if (winners.functions) stated.functions = winners.functions;
      model.coverage.stated = stated;
      if (winners.statements) model.statements.stated = { source: ctx.name, branches: winners.statements, mergeableByDetail: true };
    }
    return model;
  },
};

function zero(): Count {
  return { covered: 0, total: 0 };
}

/** covered / total, a total of 0 ranking as the best (it decides nothing) */
function rate(c: Count): number {
  return c.total > 0 ? c.covered / c.total : Infinity;
}

function sumKinds(files: ReadonlyMap<string, FileCoverage>): Partial<Record<'lines' | 'branches' | 'functions', Count>> {
  const out: Partial<Record<'lines' | 'branches' | 'functions', Count>> = {};
  for (const entry of files.values()) {
    for (const kind of ['lines', 'branches', 'functions'] as const) {
      const data = entry[kind];
      if (data === undefined) continue;
      const c = countOf(data);
      const sum = (out[kind] ??= zero());
      sum.covered += c.covered;
      sum.total += c.total;
    }
  }
  return out;
}

/** One `<line>`: a statement, a condition or a method (other types are not counted). */
function line(file: CloverFile, attrs: XmlAttributes): void {
  let num = attrs.digits('num');
  if (num < 0 || num > MAX_LINE) {
    const raw = attrs.get('num');
    num = nonNegative(raw, `<line> in <file path=${JSON.stringify(file.shown)}>: num`);
    if (!Number.isInteger(num) || num > MAX_LINE) throw new EvidenceError(`<line num="${clip(raw ?? '')}"> in <file path=${JSON.stringify(file.shown)}> is not a line number`);
  }
  const where = (): string => `<line num="${num}"> in <file path=${JSON.stringify(file.shown)}>`;
  const hasCount = attrs.digits('count') !== -2;
  const count = hasCount ? integer(attrs, 'count', where) : 0;
  if (attrs.is('type', 'stmt')) {
    file.lines.add(num, count > 0);
    addStatement(file, count > 0);
  } else if (attrs.is('type', 'cond')) {
    const t = integer(attrs, 'truecount', where);
    const f = integer(attrs, 'falsecount', where);
    if (hasCount) {
      // Istanbul: a statement line whose branches are truecount covered and falsecount not
      // a switch of a thousand cases has a thousand branches on its line; more is not a real report
      if (t + f > 1024) throw new EvidenceError(`${where()}: truecount + falsecount is above 1024 branches on one line`);
      // each is an item: bounded work however many lines claim many branches
      file.budget.left += INDEXED_BRANCHES_PER_LINE - (t + f);
      if (file.budget.left < 0) throw new EvidenceError(`${where()}: the cond lines claim more than ${INDEXED_BRANCHES_BASE} + ${INDEXED_BRANCHES_PER_LINE} branches a line: not a real report`);
      file.lines.add(num, count > 0);
      addStatement(file, count > 0);
      file.branches.addIndexed(num, t + f, t);
    } else {
      // OpenClover: one condition, each outcome a branch
      const index = file.conds.get(num) ?? 0;
      file.conds.set(num, index + 1);
      file.lines.add(num, t + f > 0);
      file.branches.addTriple(num, index, 0, t > 0);
      file.branches.addTriple(num, index, 1, f > 0);
    }
  } else if (attrs.is('type', 'method')) {
    const functions = (file.functions ??= new Map());
    const key = compactId(`${num}:${attrs.get('signature') ?? attrs.get('name') ?? ''}`);
    if ((functions.get(key) ?? -1) < count) functions.set(key, count);
  } else if (attrs.get('type') === undefined) {
    throw new EvidenceError(`${where()} has no type (stmt, cond or method): not a Clover report`);
  }
}

function addStatement(file: CloverFile, covered: boolean): void {
  const s = (file.statements ??= zero());
  s.total++;
  if (covered) s.covered++;
}

/** A non-negative integer attribute (required). */
function integer(attrs: XmlAttributes, name: string, where: () => string): number {
  const n = attrs.digits(name);
  if (n >= 0) return n;
  const value = nonNegative(attrs.get(name), `${where()}: ${name}`);
  if (!Number.isInteger(value)) throw new EvidenceError(`${where()}: ${name} is not an integer`);
  return value;
}

/** statements, conditionals and methods of a `<metrics>` element, each when both of its counts are there */
function declared(attrs: XmlAttributes, owner: string): Declared {
  const out: Declared = {};
  const pairs: [Counted, string, string][] = [
    ['statements', 'statements', 'coveredstatements'],
    ['branches', 'conditionals', 'coveredconditionals'],
    ['functions', 'methods', 'coveredmethods'],
  ];
  for (const [kind, totalAttr, coveredAttr] of pairs) {
    const hasTotal = attrs.digits(totalAttr) !== -2;
    const hasCovered = attrs.digits(coveredAttr) !== -2;
    if (!hasTotal && !hasCovered) continue;
    const where = `${owner} <metrics>`;
    if (!hasTotal || !hasCovered) throw new EvidenceError(`${where} has ${hasTotal ? totalAttr : coveredAttr} without ${hasTotal ? coveredAttr : totalAttr}`);
    const total = integer(attrs, totalAttr, () => where);
    const covered = integer(attrs, coveredAttr, () => where);
    if (covered > total) throw new EvidenceError(`${where} declares ${coveredAttr}="${covered}" above ${totalAttr}="${total}"`);
    out[kind] = { covered, total };
  }
  return out;
}
