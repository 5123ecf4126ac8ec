/**
 * What a change touches: the files and the new-side line numbers a unified diff adds or modifies.
 * Pure: text in, model out. Produced from `git diff` (the CLI's --diff-base, the action's local
 * checkout), a diff file (--diff), or GitHub's pull request files API; consumed by patch coverage
 * and by criteria scoped to paths.
 *
 * Never "nothing changed" by accident: a file whose lines cannot be known (GitHub omits large
 * patches) is listed with `linesKnown: false`, and a model that may be missing files carries why
 * in `incomplete`; criteria that need what is unknown are missing, with that reason.
 */

export interface ChangedFile {
  /** repository path on the new side ('/'-separated, no a/ b/ prefix) */
  path: string;
  /** the path before a rename */
  oldPath?: string;
  status: 'added' | 'modified' | 'deleted' | 'renamed' | 'binary';
  /** new-side line numbers added or modified, ascending */
  lines: number[];
  /** false when the lines of a changed text file are not known (a patch GitHub left out) */
  linesKnown: boolean;
}

export interface Changes {
  /** by new-side path (a deleted file by its old path) */
  files: Map<string, ChangedFile>;
  /** where the change was read from, for reports: "git diff 1a2b3c4...HEAD", "--diff change.diff" */
  source: string;
  /** why the model may lack files or lines (a truncated file list, an unreachable base) */
  incomplete?: string;
}

/** Bounds on a diff: the pull request files API stops at 3,000 files, and so does this. */
export const DIFF_LIMITS = { files: 3_000, lines: 2_000_000 } as const;

export class DiffError extends Error {
  constructor(
    message: string,
    readonly line: number,
  ) {
    super(message);
    this.name = 'DiffError';
  }
}

const HUNK = /^@@+ (?:-\d+(?:,\d+)? )+\+(\d+)(?:,(\d+))? @@+/;

/**
 * Parses `git diff` output (or any unified diff): renames, new and deleted files, binary files,
 * quoted paths, CRLF files, "\ No newline at end of file". Throws DiffError (with the line) on
 * text that is not a unified diff, rather than reading it as no change.
 */
export function parseUnifiedDiff(text: string, source: string): Changes {
  const files = new Map<string, ChangedFile>();
  /** files with more than one section, whose lines are sorted and made unique at the end */
  const repeated = new Set<ChangedFile>();
  const lines = text.split('\n');
  let current: ChangedFile | undefined;
  let oldSide: string | undefined;
  let newLine = 0;
  let remainingNew = 0;
  let remainingOld = 0;
  let total = 0;
  // what the current file section has said: a section cut short is refused, not read as a change without lines
  let gitSection = false;
  let sawIndex = false;
  let sawOld = false;
  let sawNew = false;
  let sawRenameTo = false;
  /** "similarity index 100%": a rename or copy without a content change, which has no hunk */
  let sawSame = false;
  let sawNewMode = false;
  /** an index line to the empty blob (SHA-1 or SHA-256): a new empty file, which has no hunk */
  let sawEmptyBlob = false;
  let hunks = 0;
  const finish = (at: number) => {
    if (!current) return;
    if (current.path === '') throw new DiffError('a file section names no path', 1);
    if (!sectionComplete()) throw new DiffError(`the section of ${current.path} ends before it says what changed (cut short?)`, at);
    const key = current.path;
    const earlier = files.get(key);
    if (earlier) {
      // the same file twice (a concatenated diff): lines add up (sorted once, at the end: merging
      // here would cost the square of the sections a hostile diff repeats)
      for (const line of current.lines) earlier.lines.push(line);
      repeated.add(earlier);
    } else {
      files.set(key, current);
      if (files.size > DIFF_LIMITS.files) throw new DiffError(`more than ${DIFF_LIMITS.files} changed files (DIFF_LIMITS.files)`, 1);
    }
    current = undefined;
  };
  /**
   * Whether a file section said all it has to: its hunks; or, in git's header alone, a deletion,
   * a binary change, an empty file added (its index line names the empty blob), a rename or copy
   * at 100% similarity or a mode change (without an index line). (A mode change cut before the
   * index line of a content change cannot be told from a mode change alone.) A "---" without "+++", "+++" without a hunk, or a bare "diff --git" line is a
   * section cut short.
   */
  const sectionComplete = (): boolean => {
    if (!current) return true;
    // a deleted file has no new-side lines to lose
    if (hunks > 0 || current.status === 'deleted') return true;
    if (sawOld || sawNew) return false;
    if (current.status === 'binary') return true;
    if (!gitSection) return false;
    if (current.status === 'added') return sawEmptyBlob;
    return !sawIndex && ((sawRenameTo && sawSame) || sawNewMode);
  };
  const start = (path: string, at: number) => {
    finish(at);
    current = { path, status: 'modified', lines: [], linesKnown: true };
    oldSide = undefined;
    gitSection = sawIndex = sawOld = sawNew = sawRenameTo = sawSame = sawNewMode = sawEmptyBlob = false;
    hunks = 0;
  };
  for (let i = 0; i < lines.length; i++) {
    let line = lines[i]!;
    if (line.endsWith('\r') && (remainingNew === 0 && remainingOld === 0)) line = line.slice(0, -1);
    const at = i + 1;
    if (remainingNew > 0 || remainingOld > 0) {
      // inside a hunk: count lines by their first character
      const mark = line[0];
      if (mark === '+') {
        current!.lines.push(newLine++);
        remainingNew--;
        if (++total > DIFF_LIMITS.lines) throw new DiffError(`more than ${DIFF_LIMITS.lines} changed lines (DIFF_LIMITS.lines)`, at);
      } else if (mark === '-') remainingOld--;
      else if (mark === ' ' || (line === '' && i < lines.length - 1)) {
        newLine++;
        remainingNew--;
        remainingOld--;
      } else if (mark === '\\') continue;
      else throw new DiffError(`a hunk ends early: expected ${remainingOld} more old and ${remainingNew} more new lines`, at);
      continue;
    }
    if (line.startsWith('diff --git ')) {
      start(gitHeaderPath(line.slice('diff --git '.length), at), at);
      gitSection = true;
      continue;
    }
    if (line.startsWith('--- ')) {
      const header = lines[i + 1]?.startsWith('+++ ') === true;
      // a "--- " line of a preamble (a mail's text) is no file header
      if (!current && !header) continue;
      // a plain diff -u of several files (no git header): each ---/+++ pair starts a file section
      if (header && (!current || sawNew)) start('', at);
      sawOld = true;
      oldSide = stripPrefix(unquote(line.slice(4).split('\t')[0]!, at), 'a/');
      continue;
    }
    if (line.startsWith('+++ ')) {
      const newSide = stripPrefix(unquote(line.slice(4).split('\t')[0]!, at), 'b/');
      if (!current) start(newSide === '/dev/null' ? (oldSide ?? '') : newSide, at);
      sawNew = true;
      if (newSide === '/dev/null') {
        current!.status = 'deleted';
        if (oldSide !== undefined) current!.path = oldSide;
      } else {
        current!.path = newSide;
        if (oldSide === '/dev/null') current!.status = 'added';
      }
      continue;
    }
    if (line.startsWith('@@')) {
      const hunk = HUNK.exec(line);
      if (!hunk || !current) throw new DiffError(`cannot read the hunk header "${line.slice(0, 80)}"`, at);
      hunks++;
      newLine = Number(hunk[1]);
      remainingNew = hunk[2] === undefined ? 1 : Number(hunk[2]);
      const old = /^@@+ -\d+(?:,(\d+))?/.exec(line);
      remainingOld = old?.[1] === undefined ? 1 : Number(old[1]);
      continue;
    }
    // a preamble before the first file (a mail header, a commit message) says nothing of files
    if (!current) continue;
    if (line.startsWith('index ')) {
      sawIndex = true;
      sawEmptyBlob = /^index 0+\.\.(?:e69de29|473a0f4)/.test(line);
    }
    else if (line.startsWith('new mode ')) sawNewMode = true;
    else if (line === 'similarity index 100%') sawSame = true;
    else if (line.startsWith('new file mode')) current.status = 'added';
    else if (line.startsWith('deleted file mode')) current.status = 'deleted';
    else if (line.startsWith('rename from ')) {
      current.oldPath = unquote(line.slice('rename from '.length), at);
      current.status = 'renamed';
    } else if (line.startsWith('rename to ')) {
      current.path = unquote(line.slice('rename to '.length), at);
      sawRenameTo = true;
    } else if (line.startsWith('copy to ')) {
      sawRenameTo = true;
      current.path = unquote(line.slice('copy to '.length), at);
      current.status = 'added';
    } else if (/^Binary files .* differ$/.test(line) || line === 'GIT binary patch') current.status = 'binary';
  }
  if (remainingNew > 0 || remainingOld > 0) throw new DiffError('the diff ends inside a hunk (cut short?)', lines.length);
  finish(lines.length);
  for (const f of repeated) f.lines = [...new Set(f.lines)].sort((a, b) => a - b);
  return { files, source };
}

/** `a/x b/y` of a `diff --git` line: the new side (quoted or not). */
function gitHeaderPath(rest: string, at: number): string {
  if (rest.startsWith('"')) {
    const end = closingQuote(rest, 0);
    const second = rest.slice(end + 2);
    return stripPrefix(unquote(second, at), 'b/');
  }
  // unquoted: "a/p b/p" with the same p on both sides when not renamed; split in the middle
  const half = (rest.length - 1) / 2;
  if (Number.isInteger(half) && rest[half] === ' ' && rest.slice(2, half) === rest.slice(half + 3)) return rest.slice(half + 3);
  const b = rest.lastIndexOf(' b/');
  return b === -1 ? rest : rest.slice(b + 3);
}

function closingQuote(text: string, open: number): number {
  for (let i = open + 1; i < text.length; i++) {
    if (text[i] === '\\') i++;
    else if (text[i] === '"') return i;
  }
  return text.length;
}

function stripPrefix(path: string, prefix: string): string {
  return path.startsWith(prefix) ? path.slice(prefix.length) : path;
}

/** git's C-style quoting: "t\303\251st \"x\".txt" → tést "x".txt (octal escapes are UTF-8 bytes). */
export function unquote(text: string, at: number): string {
  if (!text.startsWith('"')) return text;
  const bytes: number[] = [];
  const escapes: Record<string, number> = { n: 10, t: 9, r: 13, '"': 34, '\\': 92, a: 7, b: 8, f: 12, v: 11 };
  for (let i = 1; i < text.length; i++) {
    const c = text[i]!;
    if (c === '"') return new TextDecoder('utf-8', { fatal: false }).decode(new Uint8Array(bytes));
    if (c !== '\\') {
      for (const b of new TextEncoder().encode(c)) bytes.push(b);
      continue;
    }
    const next = text[++i];
    if (next !== undefined && /[0-7]/.test(next)) {
      const octal = text.slice(i, i + 3);
      if (!/^[0-7]{3}$/.test(octal)) throw new DiffError(`bad escape in the quoted path ${text.slice(0, 80)}`, at);
      bytes.push(parseInt(octal, 8));
      i += 2;
    } else if (next !== undefined && next in escapes) bytes.push(escapes[next]!);
    else throw new DiffError(`bad escape in the quoted path ${text.slice(0, 80)}`, at);
  }
  throw new DiffError(`unterminated quoted path ${text.slice(0, 80)}`, at);
}

/**
 * What the gate knows of the change it judges: the changed files and lines, or why they are not
 * known (no diff given, a shallow clone, a failed lookup), and the repository's files for
 * matching coverage paths.
 */
export interface ChangeInput {
  changes?: Changes;
  /** why `changes` is absent */
  reason?: string;
  /** the repository's files (git ls-files); without them the changed files stand in */
  repository?: readonly string[];
}
