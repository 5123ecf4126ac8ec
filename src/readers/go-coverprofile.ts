import { EvidenceError } from '../measure.js';
import { BranchSetBuilder, LineSet, LineSetBuilder, MAX_LINE, clip, normalizeSourcePath, own, type FileCoverage } from './coverage.js';
import { forEachLine } from './input.js';
import { STATEMENT_METRICS, mergeStatementCoverage, statementCoverageMetrics, statementCoverageNotes, type StatementCoverage } from './statements.js';
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
 *   MAX_BLOCK_LINES lines are errors naming the line.
 */

/** No basic block of real Go code spans more lines than this. */
const MAX_BLOCK_LINES = 100_000;
/** A file's line builder is folded into its set after this many lines (memory stays flat on repeats). */
const FLUSH_LINES = 1 << 20;

class GoFile {
  readonly lines = new LineSetBuilder();
  readonly statements = new BranchSetBuilder();
  pending = 0;
  folded: LineSet | undefined;

  addLines(from: number, to: number, hit: boolean): void {
    for (let l = from; l <= to; l++) this.lines.add(l, hit);
    this.pending += to - from + 1;
    if (this.pending >= FLUSH_LINES) this.fold();
  }

  fold(): LineSet {
    const built = this.lines.build();
    this.folded = this.folded ? this.folded.union(built) : built;
    this.pending = 0;
    return this.folded;
  }
}

const MODES = new Set(['set', 'count', 'atomic']);

export const goCoverprofile: Format<StatementCoverage> = {
  name: 'go-coverprofile',
  knownMetrics: STATEMENT_METRICS,
  merge: mergeStatementCoverage,
  metrics: statementCoverageMetrics,
  notes: statementCoverageNotes,

  async read(input) {
    const files = new Map<string, GoFile>();
    let lineNo = 0;
    let mode: string | undefined;
    let lastName = '';
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
      const name = text.slice(start, colon);
      let file = name === lastName ? last : undefined;
      if (file === undefined) {
        const key = normalizeSourcePath(name);
        file = files.get(key);
        if (!file) {
          file = new GoFile();
          files.set(own(key), file);
        }
        lastName = own(name);
        last = file;
      }
      const hit = count > 0;
      file.addLines(startLine, endLine, hit);
      // statement k of the block starting at startLine.startCol: repeats of the block are one block
      for (let k = 0; k < numStmts; k++) file.statements.add(startLine, startCol, k, 0, hit);
    });

    if (mode === undefined) throw new EvidenceError('not a Go coverage profile: empty (no "mode:" line)');
    const lines = new Map<string, FileCoverage>();
    const statements = new Map<string, FileCoverage>();
    for (const [path, file] of files) {
      lines.set(path, { lines: file.fold() });
      statements.set(path, { branches: file.statements.build() });
    }
    const why = 'a Go coverage profile records statement blocks only';
    const notes: Record<string, string> = { branches: `${why}: it has no branches`, functions: `${why}: functions need the Go sources (go tool cover -func)` };
    // nothing instrumented is no evidence, not 0% or 100%
    if (files.size === 0) notes.statements = notes.lines = 'the profile lists no block with statements';
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
