/**
 * The change from a local git checkout (shell: runs git): the diff from the merge base of a base
 * ref and HEAD to the working tree (what diff-cover compares by default: committed, staged and
 * unstaged changes to tracked files), and the repository's files. A base the clone cannot reach
 * (a shallow clone, an unfetched branch) is said, with the fix, never read as "nothing changed".
 */
import type { ChangeInput } from './diff.js';
import { git, headCommit, isShallow, mergeBase, readDiff } from './git-sha.js';

/** Most repository files listed for path matching. */
const FILES_LISTED = 1_000_000;

export async function changesFromGit(baseRef: string, cwd: string): Promise<ChangeInput> {
  if (baseRef.startsWith('-')) return { reason: `--diff-base ${baseRef} is not a ref` };
  const inside = await git(cwd, ['rev-parse', '--is-inside-work-tree']);
  if (!inside.ok) return { reason: `${cwd} is not in a git repository (${inside.message}); pass --diff FILE instead` };
  const base = await git(cwd, ['rev-parse', '--verify', '--quiet', '--end-of-options', `${baseRef}^{commit}`]);
  const shallow = await isShallow(cwd);
  if (!base.ok) {
    return { reason: `the base ${baseRef} is not in this clone${shallow ? ' (a shallow clone)' : ''}: fetch it (git fetch origin ${baseRef}; in a workflow, actions/checkout with fetch-depth: 0)` };
  }
  const head = await headCommit(cwd);
  const from = head === undefined ? undefined : await mergeBase(cwd, base.out.trim(), head);
  if (from === undefined) {
    return {
      reason: shallow
        ? `this shallow clone does not reach the merge base of ${baseRef} and HEAD: fetch more history (actions/checkout with fetch-depth: 0, or git fetch --deepen)`
        : `${baseRef} and HEAD have no common ancestor`,
    };
  }
  const read = await readDiff(cwd, [from], `git diff ${from.slice(0, 7)} (merge base of ${baseRef} and HEAD) to the working tree`);
  if (read.changes === undefined) return read;
  const changes = read.changes;
  const repository = await repositoryFiles(cwd);
  return repository ? { changes, repository } : { changes };
}

/** The repository's tracked files (git ls-files), or undefined outside a repository. */
export async function repositoryFiles(cwd: string): Promise<string[] | undefined> {
  const listed = await git(cwd, ['ls-files', '-z'], 512 * 1024 * 1024);
  return listed.ok ? listed.out.split('\0').filter((p) => p !== '').slice(0, FILES_LISTED) : undefined;
}
