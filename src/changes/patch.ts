/**
 * Patch coverage: of the lines a change adds or modifies that a coverage report instruments, how
 * many ran — the figure Codecov's patch status and diff-cover report — and likewise of the branches
 * on those lines, where the format places each branch on a line. Pure.
 *
 * It follows diff-cover's algorithm (diff-cover is on PyPI, not reachable here, so this follows its
 * documented behaviour, not its code): a changed line counts when the report lists it (instrumented);
 * it is covered when its hit count is above 0; lines the report does not list (comments, blank
 * lines, files it does not cover) are left out of both sides. Where diff-cover reports 100% for a
 * change with no instrumented line, this says "not applicable" instead: nothing was measured.
 *
 * Coverage files name sources as their tool saw them: absolute runner paths
 * (/home/runner/work/app/app/src/a.ts), package-relative ones (com/example/A.java under
 * src/main/java), Windows separators. They are matched to repository paths by one rule
 * (`mapCoveragePath`), after the policy's `path-map` rewrites.
 */
import { BranchSet, LineSet, countOf, type CoverageModel, type FileCoverage } from '../readers/coverage.js';
import type { Metrics } from '../measure.js';
import type { Changes } from './diff.js';

export interface PathRewrite {
  /** a prefix of coverage paths (after '\\' → '/') */
  from: string;
  /** what it becomes ('' to drop it) */
  to: string;
}

/** Uncovered changed lines of one file, as ranges of consecutive lines. */
export interface UncoveredFile {
  path: string;
  /** [first, last] line ranges, ascending */
  ranges: Array<[number, number]>;
  /** how many changed lines are not covered */
  uncovered: number;
  /** how many changed lines are instrumented */
  instrumented: number;
}

export interface PatchCoverage {
  /** patch.lines (%), patch.lines.covered, patch.lines.total; empty when nothing was instrumented */
  metrics: Metrics;
  /** files with uncovered changed lines, worst (most uncovered lines) first */
  uncovered: UncoveredFile[];
  /** coverage paths that match no repository path (the first ones), and how many */
  unmatched: { paths: string[]; total: number };
  /** why the figures cannot be known (a changed file's lines are unknown, the change is incomplete) */
  unknown?: string;
  /** the change touches no instrumented line: the patch criterion is not applicable */
  notApplicable?: string;
  /** why patch.branches cannot be known though the lines can (no branch data, ids without lines) */
  branchesUnknown?: string;
  /** the changed lines the report instruments hold no branch: patch.branches is not applicable */
  branchesNotApplicable?: string;
}

const UNMATCHED_KEPT = 20;

/**
 * The repository path a coverage path names, or why none: the policy's rewrites first; then the
 * path itself if it is a repository file; else the longest repository path it ends with (an
 * absolute or prefixed path: /home/runner/work/app/app/src/a.ts → src/a.ts); else the one
 * repository path that ends with it (a package-relative path: com/example/A.java →
 * src/main/java/com/example/A.java). Several such paths: ambiguous, matched to none.
 */
export function mapCoveragePath(raw: string, repository: RepositoryIndex, rewrites: readonly PathRewrite[] = []): { path: string } | { problem: string } {
  let p = raw.replaceAll('\\', '/').replace(/^file:\/\//, '');
  for (const r of rewrites) {
    if (p.startsWith(r.from)) {
      p = r.to + p.slice(r.from.length);
      break;
    }
  }
  while (p.startsWith('./')) p = p.slice(2);
  if (repository.has(p)) return { path: p };
  // the longest repository path that the coverage path ends with, at a '/' boundary
  const segments = p.split('/');
  for (let i = 1; i < segments.length; i++) {
    const tail = segments.slice(i).join('/');
    if (repository.has(tail)) return { path: tail };
  }
  const within = repository.endingWith(p);
  if (within.length === 1) return { path: within[0]! };
  if (within.length > 1) return { problem: `ambiguous: ${within.length} repository files end with ${p} (${within.slice(0, 3).join(', ')}${within.length > 3 ? ', …' : ''}); map it with path-map` };
  return { problem: 'no repository file has this path' };
}

/** Repository paths, for matching coverage paths: exact, and "which paths end with this one". */
export class RepositoryIndex {
  private readonly paths: Set<string>;
  /** last segment → paths with it */
  private readonly byName = new Map<string, string[]>();

  constructor(paths: Iterable<string>) {
    this.paths = new Set(paths);
    for (const p of this.paths) {
      const name = p.slice(p.lastIndexOf('/') + 1);
      const list = this.byName.get(name);
      if (list) list.push(p);
      else this.byName.set(name, [p]);
    }
  }

  has(path: string): boolean {
    return this.paths.has(path);
  }

  endingWith(tail: string): string[] {
    const name = tail.slice(tail.lastIndexOf('/') + 1);
    return (this.byName.get(name) ?? []).filter((p) => p === tail || p.endsWith(`/${tail}`));
  }
}

/**
 * Patch coverage of one criterion's merged coverage model. `repository` lists the repository's
 * files (git ls-files); without it, the changed files stand in (enough to match, not to tell
 * every ambiguity).
 */
export function patchCoverage(model: CoverageModel, changes: Changes, repository: RepositoryIndex, rewrites: readonly PathRewrite[] = [], branchLines = false): PatchCoverage {
  const result: PatchCoverage = { metrics: {}, uncovered: [], unmatched: { paths: [], total: 0 } };
  // coverage of each changed repository path (several coverage paths may name one file: merged)
  const byRepoPath = new Map<string, LineSet[]>();
  const branchesByPath = new Map<string, Array<FileCoverage['branches']>>();
  let statedOnly = 0;
  for (const [raw, file] of model.files) {
    // an entry without lines is no source file to match (JaCoCo keeps a package's functions under "<package>/")
    if (file.lines === undefined) continue;
    const mapped = mapCoveragePath(raw, repository, rewrites);
    if ('problem' in mapped) {
      result.unmatched.total++;
      if (result.unmatched.paths.length < UNMATCHED_KEPT) result.unmatched.paths.push(`${raw.startsWith('\0') ? '(a path over 1,024 characters)' : raw}: ${mapped.problem}`);
      continue;
    }
    if (!changes.files.has(mapped.path)) continue;
    if (!(file.lines instanceof LineSet)) {
      statedOnly++;
      continue;
    }
    const list = byRepoPath.get(mapped.path);
    if (list) list.push(file.lines);
    else byRepoPath.set(mapped.path, [file.lines]);
    const branches = branchesByPath.get(mapped.path);
    if (branches) branches.push(file.branches);
    else branchesByPath.set(mapped.path, [file.branches]);
  }
  if (changes.incomplete !== undefined) {
    result.unknown = changes.incomplete;
    return result;
  }
  const unknownLines = [...changes.files.values()].filter((f) => !f.linesKnown && f.status !== 'deleted' && f.status !== 'binary');
  const unknownCovered = unknownLines.filter((f) => byRepoPath.has(f.path));
  if (unknownCovered.length > 0) {
    result.unknown = `the changed lines of ${unknownCovered.length === 1 ? unknownCovered[0]!.path : `${unknownCovered.length} files (${unknownCovered[0]!.path}, …)`} are not known (GitHub leaves out the patch of a large file)`;
    return result;
  }
  if (statedOnly > 0 && byRepoPath.size === 0) {
    result.unknown = `the coverage report gives only totals for the ${statedOnly} changed file${statedOnly === 1 ? '' : 's'} it covers, not lines`;
    return result;
  }
  let covered = 0;
  let total = 0;
  for (const [path, sets] of byRepoPath) {
    const hit = new Map<number, boolean>();
    for (const set of sets) {
      for (const code of set.codes) {
        const line = code >>> 1;
        hit.set(line, (hit.get(line) ?? false) || (code & 1) === 1);
      }
    }
    const changed = changes.files.get(path)!.lines;
    const missed: number[] = [];
    let instrumented = 0;
    for (const line of changed) {
      const h = hit.get(line);
      if (h === undefined) continue;
      instrumented++;
      if (h) covered++;
      else missed.push(line);
    }
    total += instrumented;
    if (missed.length > 0) result.uncovered.push({ path, ranges: ranges(missed), uncovered: missed.length, instrumented });
  }
  result.uncovered.sort((a, b) => b.uncovered - a.uncovered || a.path.localeCompare(b.path));
  if (total === 0) {
    result.notApplicable = `the change touches no line the coverage report instruments (${changes.files.size} changed file${changes.files.size === 1 ? '' : 's'})`;
    return result;
  }
  result.metrics = {
    'patch.lines': { value: (covered / total) * 100, unit: '%' },
    'patch.lines.covered': { value: covered },
    'patch.lines.total': { value: total },
  };
  if (branchLines) patchBranches(model, changes, branchesByPath, result);
  return result;
}

/**
 * patch.branches: of the branches on changed lines, how many were taken (the branch's own line, as
 * lcov's BRDA, a Cobertura/JaCoCo/Clover line or an Istanbul branch start gives it). Unknown, never
 * 0 of 0, when the report has no branch data or a changed file's branch ids name no line; not
 * applicable when the instrumented changed lines hold no branch.
 */
function patchBranches(model: CoverageModel, changes: Changes, branchesByPath: ReadonlyMap<string, Array<FileCoverage['branches']>>, result: PatchCoverage): void {
  let reportHasBranches = false;
  for (const file of model.files.values()) {
    if (file.branches !== undefined && countOf(file.branches).total > 0) {
      reportHasBranches = true;
      break;
    }
  }
  if (!reportHasBranches) {
    result.branchesUnknown = 'the coverage report has no branch data (e.g. coverage.py without --branch)';
    return;
  }
  let covered = 0;
  let total = 0;
  for (const [path, list] of branchesByPath) {
    let set: BranchSet | undefined;
    for (const branches of list) {
      if (branches === undefined) continue;
      if (!(branches instanceof BranchSet) && !(branches instanceof Map)) {
        if (branches.total === 0) continue;
        result.branchesUnknown = `the coverage report gives only a branch total for ${path}, not branches by line`;
        return;
      }
      const one = branches instanceof Map ? BranchSet.fromMap(branches) : branches;
      set = set ? set.union(one) : one;
    }
    if (!set) continue;
    const changed = new Set(changes.files.get(path)!.lines);
    const unplaced = set.forEachLine((line, taken) => {
      if (!changed.has(line)) return;
      total++;
      if (taken) covered++;
    });
    if (unplaced > 0) {
      result.branchesUnknown = `${unplaced} branch${unplaced === 1 ? '' : 'es'} of ${path} in the coverage report name no line`;
      return;
    }
  }
  if (total === 0) {
    result.branchesNotApplicable = 'the changed lines the coverage report instruments hold no branch';
    return;
  }
  result.metrics['patch.branches'] = { value: (covered / total) * 100, unit: '%' };
  result.metrics['patch.branches.covered'] = { value: covered };
  result.metrics['patch.branches.total'] = { value: total };
}

function ranges(lines: number[]): Array<[number, number]> {
  const out: Array<[number, number]> = [];
  for (const line of lines) {
    const last = out[out.length - 1];
    if (last && line === last[1] + 1) last[1] = line;
    else out.push([line, line]);
  }
  return out;
}
