/**
 * The change between two commits of a local clone (shell: runs git), for the action: unlike
 * `changesFromGit` (the CLI's --diff-base, which diffs to the working tree), both ends are
 * commits, so files a build step rewrote in the workspace are not taken for the change. And what
 * the action needs to choose those commits in a clone that may be shallow: a commit's parents as
 * its object names them (present or not), whether a commit is present, a merge base, and fetching
 * more history when the workflow asks.
 */
import { execFile } from 'node:child_process';
import { DiffError, parseUnifiedDiff, type ChangeInput } from './diff.js';

/** Largest diff read from git (bytes). */
const DIFF_BYTES = 256 * 1024 * 1024;
const SHA = /^[0-9a-f]{40}(?:[0-9a-f]{24})?$/;

export type GitResult = { ok: true; out: string } | { ok: false; message: string };

export function git(cwd: string, args: string[], maxBuffer = 64 * 1024 * 1024): Promise<GitResult> {
  return new Promise((resolve) => {
    execFile(
      'git',
      args,
      { cwd, maxBuffer, encoding: 'utf8', env: { ...process.env, GIT_OPTIONAL_LOCKS: '0', LC_ALL: 'C', GIT_TERMINAL_PROMPT: '0' } },
      (err, stdout, stderr) => {
        if (err) resolve({ ok: false, message: (String(stderr).trim().split('\n')[0] ?? '') || err.message });
        else resolve({ ok: true, out: stdout });
      },
    );
  });
}

/** The commit HEAD names, or undefined outside a git work tree (or with an unborn HEAD). */
export async function headCommit(cwd: string): Promise<string | undefined> {
  const head = await git(cwd, ['rev-parse', '--verify', '--quiet', 'HEAD^{commit}']);
  return head.ok ? head.out.trim() : undefined;
}

/** Whether the commit object is in the clone. */
export async function hasCommit(cwd: string, sha: string): Promise<boolean> {
  if (!SHA.test(sha)) return false;
  return (await git(cwd, ['cat-file', '-e', `${sha}^{commit}`])).ok;
}

/**
 * The parents a commit object names, first parent first — read from the object itself, so a
 * shallow clone's boundary commit still says them (though they are not in the clone).
 */
export async function parentsNamed(cwd: string, sha: string): Promise<string[] | undefined> {
  if (!SHA.test(sha)) return undefined;
  const object = await git(cwd, ['cat-file', 'commit', sha]);
  if (!object.ok) return undefined;
  const parents: string[] = [];
  for (const line of object.out.split('\n')) {
    if (line === '') break;
    if (line.startsWith('parent ')) parents.push(line.slice('parent '.length).trim());
  }
  return parents;
}

export async function isShallow(cwd: string): Promise<boolean> {
  const shallow = await git(cwd, ['rev-parse', '--is-shallow-repository']);
  return shallow.ok && shallow.out.trim() === 'true';
}

/** The merge base of two commits, or undefined when the clone's history does not connect them. */
export async function mergeBase(cwd: string, a: string, b: string): Promise<string | undefined> {
  if (!SHA.test(a) || !SHA.test(b)) return undefined;
  const found = await git(cwd, ['merge-base', a, b]);
  return found.ok && SHA.test(found.out.trim()) ? found.out.trim() : undefined;
}

/**
 * Fetches the commits from origin with `depth` commits of history behind each (0: all of it, for
 * a clone that is not shallow), no tags, no submodules: what a checkout needs to reach a base.
 * GitHub serves any commit of the repository by its sha.
 */
export async function fetchCommits(cwd: string, shas: string[], depth: number): Promise<GitResult> {
  const wanted = shas.filter((s) => SHA.test(s));
  if (wanted.length === 0) return { ok: false, message: 'no commit to fetch' };
  const deepen = depth > 0 ? [`--depth=${depth}`] : [];
  return git(cwd, ['-c', 'protocol.version=2', 'fetch', '--no-tags', '--no-recurse-submodules', '--quiet', ...deepen, 'origin', ...wanted], 16 * 1024 * 1024);
}

/** The change from commit `from` to commit `to` (both in the clone), read as `source` says. */
export async function changesBetween(cwd: string, from: string, to: string, source: string): Promise<ChangeInput> {
  if (!SHA.test(from) || !SHA.test(to)) return { reason: `${source}: not commit names` };
  return readDiff(cwd, [from, to], source);
}

/**
 * `git diff` of the revisions (two commits; or one, to the working tree), read into the change;
 * a failure or a diff that cannot be read is the reason, never an empty change.
 */
export async function readDiff(cwd: string, revisions: string[], source: string): Promise<ChangeInput> {
  const diff = await git(cwd, ['-c', 'core.quotePath=true', 'diff', '--no-color', '--no-ext-diff', '--no-textconv', '-M', '--unified=0', '--src-prefix=a/', '--dst-prefix=b/', ...revisions, '--'], DIFF_BYTES);
  if (!diff.ok) return { reason: `${source} failed: ${diff.message}` };
  try {
    return { changes: parseUnifiedDiff(diff.out, source) };
  } catch (err) {
    return { reason: `${source}: ${err instanceof DiffError ? `line ${err.line}: ${err.message}` : (err as Error).message}` };
  }
}
