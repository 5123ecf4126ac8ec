import { EvidenceError } from '../measure.js';
import { BranchSetBuilder, LineSet, LineSetBuilder, type BranchSet, MAX_LINE, clip, normalizeSourcePath, own, type FileCoverage } from './coverage.js';
import { forEachLine } from './input.js';
import { STATEMENT_METRICS, addNote, mergeStatementCoverage, statementCoverageMetrics, statementCoverageNotes, type StatementCoverage } from './statements.js';
import type { Format } from './types.js';

/**
 * Go coverage profiles (`go test -coverprofile`, `go tool covdata textfmt`): a `mode: set|count|atomic`
 * line, then one line per block `<file>:<startLine>.<startCol>,<endLine>.<endCol> <numStmts> <count>`.
 *
 * - A block is identified by its file and start position. The same block listed again (several
 *   test binaries built with -coverpkg, concatenated profiles, a repeated `mode:` line) is one
 *   block, covered if any listing has count > 0: merged, never added (as golang.org/x/tools/cover
 *   merges them).
 * - `statements`: covered statements / total statements, numStmts of each block, as `go test
 *   -cover` prints it. Blocks with 0 statements count for nothing.
 * - `lines`: every line from startLine to endLine of a block with statements; a line is covered if
 *   any block on it ran (gcov2lcov's rule). Go itself reports statements, not lines: a line is a
 *   reading of the profile without the sources, so it may differ from tools that parse the Go files
 *   (gocover-cobertura).
 * - No branches and no functions: the profile has neither (absent, not 0; `go tool cover -func`
 *   needs the sources).
 * - Malformed lines, an unknown mode, a block ending before it starts or spanning more than
 *   MAX_BLOCK_LINES lines, and blocks spanning more than 4,000,000 lines plus 16 a block in all
 *   (bounded work however the blocks overlap) are errors naming the line.
 */

/** No basic block of real Go code spans more lines than this. */
const MAX_BLOCK_LINES = 100_000;
/**
 * Lines all blocks may span together: 4,000,000 and 16 a block (real blocks span a few lines), so
 * that a line of the profile cannot make the reader do unbounded work.
 */
const SPANNED_LINES_BASE = 4_000_000;
const SPANNED_LINES_PER_BLOCK = 16;
/** Items a file collects before they are folded into its compact sets, at the least. */
const MIN_FOLD = 64;

/**
 * One source file: blocks are collected in builders, then folded into compact sets (coverage.ts)
 * when the profile moves on to another file with enough collected (at least a quarter of what is
 * folded already: each item is copied a bounded number of times on average), and at the end. A
 * profile lists each file's blocks together, once per test binary, so memory holds the compact
 * sets and one file's builders, not every block of the profile.
 */
class GoFile {
  private lines: LineSetBuilder | undefined;
  private statements: BranchSetBuilder | undefined;
  private pending = 0;
  private foldedLines: LineSet | undefined;
  private foldedStatements: BranchSet | undefined;

  add(startLine: number, endLine: number, startCol: number, numStmts: number, hit: boolean): void {
    const lines = (this.lines ??= new LineSetBuilder());
    const statements = (this.statements ??= new BranchSetBuilder());
    for (let l = startLine; l <= endLine; l++) lines.add(l, hit);
    // statement k of the block starting at startLine.startCol: repeats of the block are one block
    for (let k = 0; k < numStmts; k++) statements.add(startLine, startCol, k, 0, hit);
    this.pending += endLine - startLine + 1 + numStmts;
    if (this.pending >= 1 << 18) this.fold();
  }

  /** The profile moves on to another file: fold what was collected if it is enough. */
  leave(): void {
    const folded = (this.foldedLines?.size ?? 0) + (this.foldedStatements?.size ?? 0);
    if (this.pending >= Math.max(MIN_FOLD, folded / 4)) this.fold();
  }

  fold(): void {
    if (this.lines) {
      const built = this.lines.build();
      this.foldedLines = this.foldedLines ? this.foldedLines.union(built) : built;
    }
    if (this.statements) {
      const built = this.statements.build();
      this.foldedStatements = this.foldedStatements ? this.foldedStatements.union(built) : built;
    }
    this.lines = undefined;
    this.statements = undefined;
    this.pending = 0;
  }

  result(): { lines: FileCoverage; statements: FileCoverage } {
    this.fold();
    return { lines: { lines: this.foldedLines! }, statements: { branches: this.foldedStatements! } };
  }
}

const MODES = new Set(['set', 'count', 'atomic']);

export const goCoverprofile: Format<StatementCoverage> = {
  name: 'go-coverprofile',
  lineCoverage: (m) => m.coverage,
  knownMetrics: STATEMENT_METRICS,
  merge: mergeStatementCoverage,
  metrics: statementCoverageMetrics,
  notes: statementCoverageNotes,

  async read(input) {
    const files = new Map<string, GoFile>();
    let lineNo = 0;
    let mode: string | undefined;
    let lastName = '';
    let spanned = 0;
    let blockCount = 0;
    let last: GoFile | undefined;
    const fail = (why: string, text: string): never => {
      throw new EvidenceError(`${why}: ${JSON.stringify(clip(text))}`, { line: lineNo });
    };

    await forEachLine(input, (text, start, end) => {
      lineNo++;
      if (end === start) return;
      if (text.startsWith('mode:', start)) {
        const m = text.slice(start + 5, end).trim();
        if (!MODES.has(m)) fail('unknown coverage mode (expected set, count or atomic)', text.slice(start, end));
        mode = m;
        return;
      }
      if (mode === undefined) fail('not a Go coverage profile: the first line must be "mode: set|count|atomic"', text.slice(start, end));
      // from the end: file names may hold colons and spaces, the numbers never do
      const sp2 = text.lastIndexOf(' ', end - 1);
      const sp1 = sp2 > start ? text.lastIndexOf(' ', sp2 - 1) : -1;
      const colon = sp1 > start ? text.lastIndexOf(':', sp1 - 1) : -1;
      if (sp2 < start || sp1 < start || colon <= start) fail('not a coverage block (expected <file>:<line>.<col>,<line>.<col> <statements> <count>)', text.slice(start, end));
      const dot1 = text.indexOf('.', colon + 1);
      const comma = text.indexOf(',', colon + 1);
      const dot2 = text.indexOf('.', comma + 1);
      const startLine = uint(text, colon + 1, dot1);
      const startCol = uint(text, dot1 + 1, comma);
      const endLine = uint(text, comma + 1, dot2);
      const endCol = uint(text, dot2 + 1, sp1);
      const numStmts = uint(text, sp1 + 1, sp2);
      const count = uint(text, sp2 + 1, end);
      if (dot1 < 0 || comma < dot1 || dot2 < comma || dot2 > sp1 || startLine < 0 || startCol < 0 || endLine < 0 || endCol < 0 || numStmts < 0 || count < 0) {
        fail('not a coverage block (expected <file>:<line>.<col>,<line>.<col> <statements> <count>, all plain integers)', text.slice(start, end));
      }
      if (startLine < 1 || endLine < startLine || endLine > MAX_LINE) fail('the block ends before it starts (or past the largest line number)', text.slice(start, end));
      if (endLine - startLine >= MAX_BLOCK_LINES) fail(`the block spans more than ${MAX_BLOCK_LINES} lines`, text.slice(start, end));
      if (numStmts > 1_000_000) fail('more than 1,000,000 statements in one block', text.slice(start, end));
      if (numStmts === 0) return;
      spanned += endLine - startLine + 1;
      blockCount++;
      if (spanned > SPANNED_LINES_BASE + SPANNED_LINES_PER_BLOCK * blockCount) {
        fail(`the blocks span more than ${SPANNED_LINES_BASE} + ${SPANNED_LINES_PER_BLOCK} lines a block: not a real profile`, text.slice(start, end));
      }
      const name = text.slice(start, colon);
      let file = name === lastName ? last : undefined;
      if (file === undefined) {
        const key = normalizeSourcePath(name);
        file = files.get(key);
        if (!file) {
          file = new GoFile();
          files.set(own(key), file);
        }
        last?.leave();
        lastName = own(name);
        last = file;
      }
      file.add(startLine, endLine, startCol, numStmts, count > 0);
    });

    if (mode === undefined) throw new EvidenceError('not a Go coverage profile: empty (no "mode:" line)');
    const lines = new Map<string, FileCoverage>();
    const statements = new Map<string, FileCoverage>();
    for (const [path, file] of files) {
      const result = file.result();
      lines.set(path, result.lines);
      statements.set(path, result.statements);
    }
    const why = 'a Go coverage profile records statement blocks only';
    const notes: Record<string, string> = {};
    addNote(notes, 'branches', `${why}: it has no branches`);
    addNote(notes, 'functions', `${why}: functions need the Go sources (go tool cover -func)`);
    // nothing instrumented is no evidence, not 0% or 100%
    if (files.size === 0) for (const metric of ['statements', 'lines']) addNote(notes, metric, 'the profile lists no block with statements');
    return { coverage: { files: lines }, statements: { files: statements }, notes };
  },
};

/** s[start, end) as 1-10 plain decimal digits, or -1 */
function uint(s: string, start: number, end: number): number {
  if (start >= end || end - start > 10) return -1;
  let n = 0;
  for (let i = start; i < end; i++) {
    const d = s.charCodeAt(i) - 48;
    if (d < 0 || d > 9) return -1;
    n = n * 10 + d;
  }
  return n;
}
