import { createHash, type Hash } from 'node:crypto';
import { EvidenceError } from '../measure.js';
import {
  BranchSetBuilder,
  COVERAGE_METRICS,
  LineSetBuilder,
  MAX_LINE,
  type BranchSet,
  type LineSet,
  clip,
  combineFile,
  compactId,
  countOf,
  nonNegative,
  normalizeSourcePath,
  own,
  type Count,
  type FileCoverage,
  type ItemMap,
  type StatedTotals,
} from './coverage.js';
import { addDeclaredGap, addNote, mergeStatementCoverage, statementCoverageMetrics, statementCoverageNotes, type StatementCoverage } from './statements.js';
import type { Format } from './types.js';
import { parseXml, type XmlAttributes } from './xml.js';

/**
 * OpenCover XML (OpenCover, and the OpenCover output of coverlet and AltCover):
 * `<CoverageSession><Summary/><Modules><Module><Files><File uid fullPath/></Files><Classes><Class>
 * <Methods><Method><Name/><FileRef uid/><SequencePoints><SequencePoint vc sl el fileid/>…
 * <BranchPoints><BranchPoint vc sl offset path fileid/>…<MethodPoint vc/>`.
 *
 * - A Module, Class or Method with `skippedDueTo` (filtered, no PDB…) is left out with all it holds.
 * - Lines: every line from sl to el of each sequence point, in the file of its `fileid` (else its
 *   method's FileRef); a line is covered if any sequence point on it was visited (vc > 0), as
 *   ReportGenerator reads them. Sequence points on the PDB's hidden line (0xFEEFEE) or line 0 are
 *   not lines.
 * - Branches: each BranchPoint, taken when vc > 0, keyed by file, its own line (`sl`), its method's
 *   start column and its order among the method's points on that line (IL order, as OpenCover
 *   writes them), so each branch is placed on its line (patch coverage). Where that is no identity
 *   (a point without `sl`, a method without a sequence point, or two methods starting at the same
 *   column with points on one line) the method's points are keyed by the method's name and their
 *   order instead, and name no line.
 * - Functions: methods with at least one sequence point (as OpenCover's numMethods counts them),
 *   covered when one of its sequence points or its MethodPoint was visited, or visited="true";
 *   keyed by module and method name.
 * - Declared numbers: the session's `<Summary>` declares sequence points, branch points and
 *   methods. Each is compared with what the elements hold; where they disagree the worse
 *   percentage wins (ties: the elements), with a note. Sequence points are not lines: when the
 *   declared sequence points read worse than the elements' ones, the lines metric is the declared
 *   sequence points (covered of total). Where the declared reading holds more covered and more in
 *   all than the elements, the difference is kept as a pseudo-file of the report (addDeclaredGap),
 *   so merged reports keep it; otherwise it counts for the report alone (merged reports are then
 *   combined from their elements), with its note either way.
 */

/** The line number PDBs give hidden sequence points. */
const HIDDEN_LINE = 0xfeefee;
/** No sequence point of real code spans more lines than this. */
const MAX_SPAN_LINES = 100_000;
/**
 * Lines all sequence points may span together: 4,000,000 and 16 a point (real ones span a line or
 * a few), so that one element cannot make the reader do unbounded work.
 */
const SPANNED_LINES_BASE = 4_000_000;
const SPANNED_LINES_PER_POINT = 16;
/** A method name longer than this is hashed as it is read. */
const LONG_NAME = 1024;

/** Items a file collects before they are folded into its compact sets, at the least. */
const MIN_FOLD = 64;

/**
 * One source file. Its lines and branches are collected in builders and folded into compact sets
 * (coverage.ts) when the report moves on to another file with enough collected (at least a
 * quarter of what is folded: each item is copied a bounded number of times on average), and at
 * the end: memory holds the compact sets and the builders of the files being read, not every
 * point of the report.
 */
class SourceFile {
  readonly functions: ItemMap = new Map();
  /** where the methods with branch points start (line * 1024 + column), to tell them apart */
  readonly starts = new Set<number>();
  /** branch lines and the start columns of the methods with points on them (line * 1024 + column): one method's each */
  readonly places = new Set<number>();
  private lineBuilder: LineSetBuilder | undefined;
  private branchBuilder: BranchSetBuilder | undefined;
  private pending = 0;
  private lineSet: LineSet | undefined;
  private branchSet: BranchSet | undefined;

  addLines(from: number, to: number, hit: boolean): void {
    const b = (this.lineBuilder ??= new LineSetBuilder());
    for (let line = from; line <= to; line++) b.add(line, hit);
    this.grew(to - from + 1);
  }

  addBranch(line: number, col: number, k: number, taken: boolean): void {
    (this.branchBuilder ??= new BranchSetBuilder()).add(line, col, k, 0, taken);
    this.grew(1);
  }

  addBranchId(id: string, taken: boolean): void {
    (this.branchBuilder ??= new BranchSetBuilder()).addId(id, taken ? 1 : 0);
    this.grew(1);
  }

  /** The report moves on to another file: fold what was collected if it is enough. */
  leave(): void {
    if (this.pending >= Math.max(MIN_FOLD, ((this.lineSet?.size ?? 0) + (this.branchSet?.size ?? 0)) / 4)) this.fold();
  }

  result(): FileCoverage {
    this.fold();
    const entry: FileCoverage = { branches: this.branchSet ?? new BranchSetBuilder().build(), functions: this.functions };
    if (this.lineSet && this.lineSet.size > 0) entry.lines = this.lineSet;
    return entry;
  }

  private grew(n: number): void {
    this.pending += n;
    if (this.pending >= 1 << 18) this.fold();
  }

  private fold(): void {
    if (this.lineBuilder) {
      const built = this.lineBuilder.build();
      this.lineSet = this.lineSet ? this.lineSet.union(built) : built;
    }
    if (this.branchBuilder) {
      const built = this.branchBuilder.build();
      this.branchSet = this.branchSet ? this.branchSet.union(built) : built;
    }
    this.lineBuilder = undefined;
    this.branchBuilder = undefined;
    this.pending = 0;
  }
}

interface MethodState {
  fileUid: string | undefined;
  /** the <Name> text, or its running SHA-256 once longer than LONG_NAME (compactId's form) */
  name: string;
  hash: Hash | undefined;
  points: number;
  visited: boolean;
  /** where its first sequence point starts (line, column): the method's place in its file */
  startLine: number;
  startCol: number;
  /** its branch points in order (file, own line or -1, taken), added when the method closes */
  branches: { file: SourceFile; line: number; taken: boolean }[];
}

interface Declared {
  sequencePoints?: Count;
  branches?: Count;
  functions?: Count;
}

export const opencover: Format<StatementCoverage> = {
  name: 'opencover',
  lineCoverage: (m) => m.coverage,
  branchLines: true,
  knownMetrics: COVERAGE_METRICS,
  merge: mergeStatementCoverage,
  metrics: statementCoverageMetrics,
  notes: statementCoverageNotes,

  async read(input, ctx) {
    const files = new Map<string, SourceFile>();
    /** the current module's File uid → source path key */
    let fileByUid = new Map<string, string>();
    let moduleName = '';
    let moduleIndex = 0;
    let declared: Declared | undefined;
    let sawRoot = false;
    /** the depth of the skipped element being passed over (0: none) */
    let skipping = 0;
    let method: MethodState | undefined;
    let inName = false;
    let inModuleName = false;
    const sequencePoints: Count = { covered: 0, total: 0 };
    let lastFile: SourceFile | undefined;
    let spanned = 0;

    const fileOf = (uid: string | undefined, what: string): SourceFile => {
      const key = uid === undefined ? undefined : fileByUid.get(uid);
      if (uid !== undefined && key === undefined) throw new EvidenceError(`${what} refers to file uid ${JSON.stringify(clip(uid, 40))}, which no <File> of its <Module> defines`);
      // methods without a source file (generated code) are kept under their module
      const path = key ?? `\0module ${moduleName}`;
      let file = files.get(path);
      if (!file) {
        file = new SourceFile();
        files.set(path, file);
      }
      if (file !== lastFile) {
        lastFile?.leave();
        lastFile = file;
      }
      return file;
    };

    await parseXml(
      input,
      {
        open(name, attrs, depth) {
          if (skipping > 0) return;
          if (depth === 1) {
            if (name !== 'CoverageSession') throw new EvidenceError(`not an OpenCover report: the root element is <${clip(name, 40)}>, expected <CoverageSession>`);
            sawRoot = true;
            return;
          }
          if ((name === 'Module' || name === 'Class' || name === 'Method') && attrs.get('skippedDueTo') !== undefined) {
            skipping = depth;
            return;
          }
          switch (name) {
            case 'Summary':
              if (depth === 2) declared = summary(attrs);
              break;
            case 'Module':
              moduleIndex++;
              moduleName = `#${moduleIndex}`;
              fileByUid = new Map();
              break;
            case 'File': {
              const uid = attrs.get('uid');
              const path = attrs.get('fullPath');
              if (uid === undefined || path === undefined || path.trim() === '') throw new EvidenceError('<File> without uid or fullPath: not an OpenCover report');
              fileByUid.set(own(uid), own(normalizeSourcePath(path)));
              break;
            }
            case 'Method':
              method = { fileUid: undefined, name: '', hash: undefined, points: 0, visited: attrs.is('visited', 'true'), startLine: -1, startCol: 0, branches: [] };
              break;
            case 'Name':
              if (method) inName = true;
              break;
            case 'ModuleName':
              inModuleName = true;
              moduleName = '';
              break;
            case 'FileRef':
              if (method) method.fileUid = attrs.get('uid');
              break;
            case 'SequencePoint': {
              if (!method) throw new EvidenceError('<SequencePoint> outside a <Method>: not an OpenCover report');
              const vc = count(attrs, 'vc', '<SequencePoint>');
              const sl = count(attrs, 'sl', '<SequencePoint>');
              const el = attrs.digits('el') === -2 ? sl : count(attrs, 'el', '<SequencePoint>');
              const hit = vc > 0;
              if (method.points === 0) {
                method.startLine = sl;
                method.startCol = attrs.digits('sc') >= 0 ? attrs.digits('sc') : 0;
              }
              method.points++;
              if (hit) method.visited = true;
              sequencePoints.total++;
              if (hit) sequencePoints.covered++;
              if (sl === 0 || sl === HIDDEN_LINE) break;
              if (sl > MAX_LINE || el > MAX_LINE) throw new EvidenceError(`<SequencePoint sl="${sl}" el="${el}">: line number out of range`);
              if (el - sl >= MAX_SPAN_LINES) throw new EvidenceError(`<SequencePoint sl="${sl}" el="${el}"> spans more than ${MAX_SPAN_LINES} lines`);
              spanned += Math.max(sl, el) - sl + 1;
              if (spanned > SPANNED_LINES_BASE + SPANNED_LINES_PER_POINT * sequencePoints.total) {
                throw new EvidenceError(`the sequence points span more than ${SPANNED_LINES_BASE} + ${SPANNED_LINES_PER_POINT} lines a point: not a real report`);
              }
              const file = fileOf(attrs.get('fileid') ?? method.fileUid, '<SequencePoint>');
              file.addLines(sl, Math.max(sl, el), hit);
              break;
            }
            case 'BranchPoint': {
              if (!method) throw new EvidenceError('<BranchPoint> outside a <Method>: not an OpenCover report');
              const vc = count(attrs, 'vc', '<BranchPoint>');
              if (method.branches.length >= 1_000_000) throw new EvidenceError('more than 1,000,000 <BranchPoint> elements in one <Method>');
              const sl = attrs.digits('sl');
              const line = sl > 0 && sl !== HIDDEN_LINE && sl <= MAX_LINE ? sl : -1;
              method.branches.push({ file: fileOf(attrs.get('fileid') ?? method.fileUid, '<BranchPoint>'), line, taken: vc > 0 });
              break;
            }
            case 'MethodPoint':
              if (method && attrs.digits('vc') > 0) method.visited = true;
              break;
          }
        },
        text(text) {
          if (inName && method) {
            if (method.hash) method.hash.update(text);
            else if (method.name.length + text.length <= LONG_NAME) method.name += text;
            else {
              method.hash = createHash('sha256').update(method.name).update(text);
              method.name = '';
            }
          } else if (inModuleName && moduleName.length < LONG_NAME) {
            moduleName = own(clip(moduleName + text, LONG_NAME));
          }
        },
        close(name, depth) {
          if (skipping > 0) {
            if (depth === skipping) skipping = 0;
            return;
          }
          if (name === 'Name') inName = false;
          else if (name === 'ModuleName') inModuleName = false;
          else if (name === 'Method' && method) {
            // the same text gives the same id whether hashed here or by compactId
            const key = method.hash ? `\0${method.hash.digest('base64')}` : compactId(method.name.trim());
            // a branch point is the k-th of its method's points on its line, the method told apart from
            // others by its start column (two lambdas on one line are two methods); or, where that is
            // no identity, the k-th of its method known by name
            const { startLine, startCol } = method;
            const start = startLine * 1024 + startCol;
            const placeOf = (b: { line: number }) => b.line * 1024 + startCol;
            // a place another method has (no columns, or a hostile file) is no identity: then the name is
            const byPlace =
              startLine > 0 &&
              startLine <= MAX_LINE &&
              startCol < 1024 &&
              method.branches.every((b) => b.line > 0 && !b.file.starts.has(start) && !b.file.places.has(placeOf(b)));
            // the method's points so far per file and place
            const seen = new Map<SourceFile, Map<number, number>>();
            method.branches.forEach((b, k) => {
              if (!byPlace) {
                b.file.addBranchId(`${k} ${key}`, b.taken);
                return;
              }
              const place = placeOf(b);
              let onLine = seen.get(b.file);
              if (!onLine) seen.set(b.file, (onLine = new Map()));
              const index = onLine.get(place) ?? 0;
              onLine.set(place, index + 1);
              b.file.places.add(place);
              b.file.starts.add(start);
              b.file.addBranch(b.line, startCol, index, b.taken);
            });
            // a method without sequence points (abstract, compiler-generated) is no function here, as in OpenCover's numMethods
            if (method.points > 0) {
              const functions = fileOf(method.fileUid, '<Method> <FileRef>').functions;
              if (method.visited || !functions.has(key)) functions.set(key, method.visited ? 1 : 0);
            }
            method = undefined;
          }
        },
      },
      ctx.limits.nestingDepth,
    );
    if (!sawRoot) throw new EvidenceError('no <CoverageSession> element');

    const out = new Map<string, FileCoverage>();
    for (const [path, file] of files) {
      combineFile(out, path, file.result(), true);
    }
    const model: StatementCoverage = { coverage: { files: out }, statements: { files: new Map() }, notes: {} };
    const elements = { lines: { covered: 0, total: 0 }, branches: { covered: 0, total: 0 }, functions: { covered: 0, total: 0 } };
    for (const entry of out.values()) {
      for (const kind of ['lines', 'branches', 'functions'] as const) {
        const data = entry[kind];
        if (!data) continue;
        const c = countOf(data);
        elements[kind].covered += c.covered;
        elements[kind].total += c.total;
      }
    }
    if (!declared) return model;

    const stated: StatedTotals = { source: ctx.name, mergeableByDetail: true, ...elements };
    /** a declared reading won that no pseudo-file can stand for (see addDeclaredGap) */
    let needStated = false;
    const compare = (metric: 'lines' | 'branches' | 'functions', what: string, fromElements: Count, fromSummary: Count | undefined, current: Count): void => {
      if (!fromSummary || (fromSummary.covered === fromElements.covered && fromSummary.total === fromElements.total)) return;
      const summaryWorse = rate(fromSummary) < rate(current);
      if (summaryWorse) {
        stated[metric] = fromSummary;
        if (!addDeclaredGap(out, ctx.name, metric, fromSummary, current)) needStated = true;
      }
      addNote(model.notes, metric, `${ctx.name}: its <Summary> declares ${fromSummary.covered} of ${fromSummary.total} ${what}, its elements hold ${fromElements.covered} of ${fromElements.total}; the ${summaryWorse ? 'declared' : "elements'"} reading counts`);
    };
    compare('lines', 'sequence points', sequencePoints, declared.sequencePoints, elements.lines);
    compare('branches', 'branch points', elements.branches, declared.branches, elements.branches);
    compare('functions', 'methods', elements.functions, declared.functions, elements.functions);
    if (needStated) model.coverage.stated = stated;
    return model;
  },
};

/** covered / total, a total of 0 ranking as the best (it decides nothing) */
function rate(c: Count): number {
  return c.total > 0 ? c.covered / c.total : Infinity;
}

function count(attrs: XmlAttributes, name: string, element: string): number {
  const n = attrs.digits(name);
  if (n >= 0) return n;
  const value = nonNegative(attrs.get(name), `${element} ${name}`);
  if (!Number.isInteger(value)) throw new EvidenceError(`${element} ${name} is not an integer: ${value}`);
  return value;
}

function summary(attrs: XmlAttributes): Declared {
  const out: Declared = {};
  const pairs: [keyof Declared, string, string][] = [
    ['sequencePoints', 'numSequencePoints', 'visitedSequencePoints'],
    ['branches', 'numBranchPoints', 'visitedBranchPoints'],
    ['functions', 'numMethods', 'visitedMethods'],
  ];
  for (const [kind, totalAttr, coveredAttr] of pairs) {
    if (attrs.digits(totalAttr) === -2 || attrs.digits(coveredAttr) === -2) continue;
    const total = count(attrs, totalAttr, '<Summary>');
    const covered = count(attrs, coveredAttr, '<Summary>');
    if (covered > total) throw new EvidenceError(`<Summary ${coveredAttr}="${covered}"> is above ${totalAttr}="${total}"`);
    out[kind] = { covered, total };
  }
  return out;
}
