/**
 * The change from a local git checkout (shell: runs git): the diff from the merge base of a base
 * ref and HEAD to the working tree (what diff-cover compares by default: committed, staged and
 * unstaged changes to tracked files), and the repository's files. A base the clone cannot reach
 * (a shallow clone, an unfetched branch) is said, with the fix, never read as "nothing changed".
 */
import { execFile } from 'node:child_process';
import { DiffError, parseUnifiedDiff, type ChangeInput } from './diff.js';

/** Largest diff read from git (bytes). */
const DIFF_BYTES = 256 * 1024 * 1024;
/** Most repository files listed for path matching. */
const FILES_LISTED = 1_000_000;

function git(cwd: string, args: string[], maxBuffer = 64 * 1024 * 1024): Promise<{ ok: true; out: string } | { ok: false; message: string }> {
  return new Promise((resolve) => {
    execFile('git', args, { cwd, maxBuffer, encoding: 'utf8', env: { ...process.env, GIT_OPTIONAL_LOCKS: '0', LC_ALL: 'C' } }, (err, stdout, stderr) => {
      if (err) resolve({ ok: false, message: (String(stderr).trim().split('\n')[0] ?? '') || err.message });
      else resolve({ ok: true, out: stdout });
    });
  });
}

export async function changesFromGit(baseRef: string, cwd: string): Promise<ChangeInput> {
  if (baseRef.startsWith('-')) return { reason: `--diff-base ${baseRef} is not a ref` };
  const inside = await git(cwd, ['rev-parse', '--is-inside-work-tree']);
  if (!inside.ok) return { reason: `${cwd} is not in a git repository (${inside.message}); pass --diff FILE instead` };
  const base = await git(cwd, ['rev-parse', '--verify', '--quiet', '--end-of-options', `${baseRef}^{commit}`]);
  const shallow = await git(cwd, ['rev-parse', '--is-shallow-repository']);
  const isShallow = shallow.ok && shallow.out.trim() === 'true';
  if (!base.ok) {
    return { reason: `the base ${baseRef} is not in this clone${isShallow ? ' (a shallow clone)' : ''}: fetch it (git fetch origin ${baseRef}; in a workflow, actions/checkout with fetch-depth: 0)` };
  }
  const baseSha = base.out.trim();
  const mergeBase = await git(cwd, ['merge-base', baseSha, 'HEAD']);
  if (!mergeBase.ok || mergeBase.out.trim() === '') {
    return {
      reason: isShallow
        ? `this shallow clone does not reach the merge base of ${baseRef} and HEAD: fetch more history (actions/checkout with fetch-depth: 0, or git fetch --deepen)`
        : `${baseRef} and HEAD have no common ancestor`,
    };
  }
  const from = mergeBase.out.trim();
  const diff = await git(cwd, ['-c', 'core.quotePath=true', 'diff', '--no-color', '--no-ext-diff', '--no-textconv', '-M', '--unified=0', '--src-prefix=a/', '--dst-prefix=b/', from], DIFF_BYTES);
  if (!diff.ok) return { reason: `git diff ${from.slice(0, 7)} failed: ${diff.message}` };
  const source = `git diff ${from.slice(0, 7)} (merge base of ${baseRef} and HEAD) to the working tree`;
  let changes;
  try {
    changes = parseUnifiedDiff(diff.out, source);
  } catch (err) {
    return { reason: `${source}: ${err instanceof DiffError ? `line ${err.line}: ${err.message}` : (err as Error).message}` };
  }
  const repository = await repositoryFiles(cwd);
  return repository ? { changes, repository } : { changes };
}

/** The repository's tracked files (git ls-files), or undefined outside a repository. */
export async function repositoryFiles(cwd: string): Promise<string[] | undefined> {
  const listed = await git(cwd, ['ls-files', '-z'], 512 * 1024 * 1024);
  return listed.ok ? listed.out.split('\0').filter((p) => p !== '').slice(0, FILES_LISTED) : undefined;
}
