/**
 * What the change judged touches, for patch coverage and criteria scoped to `paths:`. The base is
 * the one the base verdict is looked for from (src/action/base.ts); the lines come from:
 *
 * 1. The local checkout (GITHUB_WORKSPACE), when it holds the commits: `git diff FROM TO` of two
 *    commits (files a build step rewrote in the workspace are not the change).
 *    - pull requests: when HEAD is the merge commit actions/checkout makes (refs/pull/N/merge: its
 *      second parent is the PR's head), its diff against its first parent — the PR's change on
 *      the base it would merge into, in the lines the workspace (and so the coverage) has; else
 *      from the merge base of the PR's base commit and its head.
 *    - merge groups and pushes: from the merge base of the base commit (base_sha, before) and
 *      the head, or from the head's first parent.
 *    A shallow clone that does not reach the base is fetched deeper only when the workflow asks
 *    (input fetch-history); otherwise:
 * 2. GitHub's API: a pull request's files (`GET /pulls/{n}/files`, 100 a page; GitHub lists at
 *    most 3,000), or the compare API (`GET /compare/{base}...{head}`, at most 300 files).
 *
 * Never "nothing changed" by accident: a file list GitHub cut short is `incomplete` (criteria
 * scoped to paths go missing, never not applicable), a file whose patch GitHub left out has
 * unknown lines, and any failure is a `reason` naming the fix. The rule for a file without a patch
 * (`fileFromApi`): removed files and files with no added line (a binary file, an empty file, a
 * rename or a mode change without content change, a deletion-only change) have no new-side lines
 * to know; a file with added lines whose patch is absent (GitHub leaves out large diffs) has
 * unknown lines.
 */
import type { ChangedFile, ChangeInput, Changes } from '../changes/diff.js';
import { DiffError, parseUnifiedDiff } from '../changes/diff.js';
import { repositoryFiles } from '../changes/git.js';
import { changesBetween, fetchCommits, hasCommit, headCommit, isShallow, mergeBase, parentsNamed } from '../changes/git-sha.js';
import type { GateContext } from '../github/context.js';
import { httpStatus, type Octokit } from '../github/octokit.js';
import { baseOf, type BaseOf } from './base.js';
import type { Reading } from './event.js';

/** GitHub lists at most this many files of a pull request, and of a comparison. */
export const PULL_FILES_LISTED = 3_000;
export const COMPARE_FILES_LISTED = 300;
/** Commits of history fetched behind each commit compared, with input fetch-history: true. */
export const FETCH_HISTORY_DEPTH = 100;
const PER_PAGE = 100;
/** the fix for a checkout that does not reach the base */
const HISTORY_FIX = 'check out with actions/checkout fetch-depth: 0, or set the input fetch-history: true';

export interface ChangeOptions {
  /** the checkout (GITHUB_WORKSPACE) */
  workspace?: string;
  /** commits of history to fetch behind the commits compared when a shallow checkout does not reach them (0: never) */
  fetchHistory: number;
}

export interface FoundChange {
  change: ChangeInput;
  /** where the change was read: local git, the pull request files API, the compare API; none when unknown */
  via: 'git' | 'pull-files' | 'compare' | 'none';
  /** API requests made */
  apiCalls: number;
  /** what was tried, for the log */
  log: string[];
}

export async function findChanges(octokit: Octokit, context: GateContext, reading: Reading, options: ChangeOptions): Promise<FoundChange> {
  const base = baseOf(context, reading);
  const log: string[] = [];
  const cwd = options.workspace;
  const repository = cwd ? await repositoryFiles(cwd) : undefined;
  const withRepository = (change: ChangeInput): ChangeInput => (repository && change.changes ? { ...change, repository } : change);
  let localWhy = 'no workspace (GITHUB_WORKSPACE is not set)';
  if (cwd) {
    let local = await fromCheckout(cwd, context, reading, base);
    if ('fetch' in local && local.fetch && options.fetchHistory > 0) {
      const shallow = await isShallow(cwd);
      const fetched = await fetchCommits(cwd, local.fetch, shallow ? options.fetchHistory : 0);
      log.push(
        fetched.ok
          ? `fetched ${shallow ? `${options.fetchHistory} commits of history behind ` : ''}${local.fetch.map(short).join(', ')} (input fetch-history)`
          : `fetching ${local.fetch.map(short).join(', ')} failed (input fetch-history): ${fetched.message}`,
      );
      if (fetched.ok) local = await fromCheckout(cwd, context, reading, base);
    }
    if ('change' in local) {
      if (local.change.changes) return { change: withRepository(local.change), via: 'git', apiCalls: 0, log };
      localWhy = local.change.reason ?? 'git diff failed';
    } else localWhy = local.why;
  }
  log.push(`the local checkout: ${localWhy}`);
  const api = new Api(octokit, context);
  let found: { change: ChangeInput; via: FoundChange['via'] };
  try {
    found = reading.what.kind === 'pull' ? await fromPullFiles(api, context, reading.what.numbers[0]!) : await fromCompare(api, context, base);
  } catch (err) {
    const status = httpStatus(err);
    const permission = reading.what.kind === 'pull' ? 'pull-requests: read' : 'contents: read';
    const fix = status === 403 || status === 404 ? `; grant the job permissions: ${permission}, or ${HISTORY_FIX}` : `; ${HISTORY_FIX}`;
    found = { change: { reason: `the change is not known: ${localWhy}, and the API failed (${errorText(err)})${fix}` }, via: 'none' };
  }
  if (found.change.changes?.incomplete !== undefined) {
    found.change.changes.incomplete = `${found.change.changes.incomplete} (the local checkout could not be used: ${localWhy}; ${HISTORY_FIX})`;
  }
  return { change: withRepository(found.change), via: found.via, apiCalls: api.calls, log };
}

type Local = { change: ChangeInput } | { why: string; /** commits whose history would let git answer */ fetch?: string[] };

async function fromCheckout(cwd: string, context: GateContext, reading: Reading, base: BaseOf): Promise<Local> {
  const head = await headCommit(cwd);
  if (head === undefined) return { why: `the workspace is not a git checkout` };
  const judged = context.headSha.toLowerCase();
  const shallow = await isShallow(cwd);
  const cut = shallow ? ' (a shallow clone)' : '';
  if (base.kind === 'merge-base' && head !== judged) {
    // actions/checkout on pull_request: refs/pull/N/merge, whose second parent is the PR's head
    const parents = await parentsNamed(cwd, head);
    if (parents?.length === 2 && parents[1] === judged) {
      const first = parents[0]!;
      if (!(await hasCommit(cwd, first))) return { why: `the checkout is the merge commit ${short(head)} of the pull request, but its first parent ${short(first)} is not in the clone${cut}`, fetch: [head] };
      return { change: await changesBetween(cwd, first, head, `git diff ${short(first)}..${short(head)} (the merge commit of #${prNumber(reading)} and its first parent)`) };
    }
  }
  const to = head === judged ? head : (await hasCommit(cwd, judged)) ? judged : undefined;
  if (to === undefined) return { why: `the checkout (HEAD ${short(head)}) is not ${short(judged)}${base.kind === 'merge-base' ? ' nor its merge commit' : ''}, which is not in the clone${cut}`, fetch: [judged] };
  if (base.kind === 'first-parent') {
    const first = (await parentsNamed(cwd, to))?.[0];
    if (first === undefined) return { why: `${short(to)} has no parent (the first commit of the repository)` };
    if (!(await hasCommit(cwd, first))) return { why: `the first parent ${short(first)} of ${short(to)} is not in the clone${cut}`, fetch: [to] };
    return { change: await changesBetween(cwd, first, to, `git diff ${short(first)}..${short(to)} (${base.how})`) };
  }
  const from = base.kind === 'sha' ? base.sha : base.baseSha;
  if (from === undefined) return { why: `the base commit of the pull request into ${base.kind === 'merge-base' ? base.ref : ''} is not known` };
  if (!(await hasCommit(cwd, from))) return { why: `the base ${short(from)} is not in the clone${cut}`, fetch: [from, to] };
  const mb = await mergeBase(cwd, from, to);
  if (mb === undefined) {
    return shallow
      ? { why: `the clone's history does not reach the merge base of ${short(from)} and ${short(to)} (a shallow clone)`, fetch: [from, to] }
      : { why: `${short(from)} and ${short(to)} have no common ancestor` };
  }
  const what = base.kind === 'sha' ? base.how : `the base of #${prNumber(reading)}`;
  return { change: await changesBetween(cwd, mb, to, `git diff ${short(mb)}..${short(to)} (${mb === from ? what : `the merge base with ${what}`})`) };
}

/** The pull request files API: every file GitHub lists (100 a page, at most 3,000), or why not. */
async function fromPullFiles(api: Api, context: GateContext, number: number): Promise<{ change: ChangeInput; via: FoundChange['via'] }> {
  const { data: pr } = await api.call(() => api.octokit.rest.pulls.get({ ...api.repo, pull_number: number }));
  if (pr.head.sha.toLowerCase() !== context.headSha.toLowerCase()) {
    return { change: { reason: `the change is not known: pull request #${number}'s head is now ${short(pr.head.sha)}, not the commit judged ${short(context.headSha)}, so its files API describes another change; ${HISTORY_FIX}` }, via: 'none' };
  }
  const listed: ApiFile[] = [];
  const pages = api.octokit.paginate.iterator(api.octokit.rest.pulls.listFiles, { ...api.repo, pull_number: number, per_page: PER_PAGE });
  const iterator = pages[Symbol.asyncIterator]();
  for (;;) {
    const page = await iterator.next();
    if (page.done) break;
    api.calls++;
    listed.push(...(page.value.data as ApiFile[]));
    if (listed.length >= PULL_FILES_LISTED) break;
  }
  const changed = pr.changed_files;
  const source = `the GitHub API's file list of pull request #${number}`;
  const changes = changesFromApi(listed.slice(0, PULL_FILES_LISTED), source);
  if (changed > changes.files.size) {
    changes.incomplete = `GitHub lists ${changes.files.size} of the ${changed} files pull request #${number} changes${changed > PULL_FILES_LISTED ? ` (its files API stops at ${PULL_FILES_LISTED.toLocaleString('en-US')})` : ''}`;
  }
  return { change: { changes }, via: 'pull-files' };
}

/** The compare API from the base to the head (three dots: from their merge base), at most 300 files. */
async function fromCompare(api: Api, context: GateContext, base: BaseOf): Promise<{ change: ChangeInput; via: FoundChange['via'] }> {
  let from: string;
  let how: string;
  if (base.kind === 'first-parent') {
    const { data } = await api.call(() => api.octokit.rest.git.getCommit({ ...api.repo, commit_sha: context.headSha }));
    const first = data.parents[0]?.sha;
    if (first === undefined) return { change: { reason: `the change is not known: ${short(context.headSha)} has no parent (the first commit of the repository)` }, via: 'none' };
    from = first;
    how = base.how;
  } else if (base.kind === 'sha') {
    from = base.sha;
    how = base.how;
  } else {
    from = base.baseSha ?? base.ref;
    how = `the base of the pull request`;
  }
  const { data } = await api.call(() => api.octokit.rest.repos.compareCommitsWithBasehead({ ...api.repo, basehead: `${from}...${context.headSha}`, per_page: 1 }));
  const source = `the compare API, ${short(from)}...${short(context.headSha)}: ${how}`;
  if (data.files === undefined) return { change: { reason: `the change is not known: ${source} listed no files; ${HISTORY_FIX}` }, via: 'none' };
  const changes = changesFromApi(data.files as ApiFile[], source);
  if (data.files.length >= COMPARE_FILES_LISTED) changes.incomplete = `the compare API lists at most ${COMPARE_FILES_LISTED} files, and listed ${data.files.length}: there may be more`;
  return { change: { changes }, via: 'compare' };
}

/** A file as the pull request files and compare APIs list it. */
export interface ApiFile {
  filename: string;
  status: string;
  additions?: number;
  deletions?: number;
  changes?: number;
  patch?: string;
  previous_filename?: string;
}

export function changesFromApi(listed: readonly ApiFile[], source: string): Changes {
  const files = new Map<string, ChangedFile>();
  for (const f of listed) {
    const file = fileFromApi(f);
    const earlier = files.get(file.path);
    // one path twice (GitHub should not): what is unknown stays unknown
    if (earlier) {
      earlier.linesKnown &&= file.linesKnown;
      earlier.lines = [...new Set([...earlier.lines, ...file.lines])].sort((a, b) => a - b);
    } else files.set(file.path, file);
  }
  return { files, source };
}

/**
 * One listed file. Its lines: those its patch adds; none for a removed file or one with no added
 * line (binary files, empty files, renames and mode changes without a content change,
 * deletion-only changes: GitHub leaves out the patch of the first and has no hunk for the
 * others); unknown when GitHub left out the patch of a file with added lines (a large diff), or
 * when the patch cannot be read, or the counts are absent.
 */
export function fileFromApi(f: ApiFile): ChangedFile {
  const status: ChangedFile['status'] =
    f.status === 'added' || f.status === 'copied' ? 'added' : f.status === 'removed' ? 'deleted' : f.status === 'renamed' ? 'renamed' : 'modified';
  const file: ChangedFile = { path: f.filename, status, lines: [], linesKnown: true };
  if (f.previous_filename !== undefined && status === 'renamed') file.oldPath = f.previous_filename;
  if (status === 'deleted') return file;
  if (typeof f.patch === 'string' && f.patch !== '') {
    try {
      // the patch is the hunks alone: give it the headers a unified diff has
      const parsed = parseUnifiedDiff(`--- a/f\n+++ b/f\n${f.patch}\n`, 'patch').files.get('f');
      if (parsed) file.lines = parsed.lines;
      else file.linesKnown = false;
    } catch (err) {
      if (!(err instanceof DiffError)) throw err;
      file.linesKnown = false;
    }
    return file;
  }
  if (f.additions === 0) {
    // nothing added: a binary file (GitHub counts no lines of it) or a change without new-side lines
    if (f.deletions === 0 && (status === 'added' || status === 'modified')) file.status = 'binary';
    return file;
  }
  file.linesKnown = false;
  return file;
}

class Api {
  calls = 0;
  readonly repo: { owner: string; repo: string };
  constructor(
    readonly octokit: Octokit,
    context: GateContext,
  ) {
    this.repo = { owner: context.owner, repo: context.repo };
  }
  async call<T>(request: () => Promise<T>): Promise<T> {
    this.calls++;
    return request();
  }
}

function prNumber(reading: Reading): string {
  return reading.what.kind === 'pull' ? reading.what.numbers.join(', #') : '?';
}

function errorText(err: unknown): string {
  const status = httpStatus(err);
  const message = (err instanceof Error ? err.message : String(err)).replace(/\s+/g, ' ').slice(0, 200);
  return status === undefined ? message : `HTTP ${status}: ${message}`;
}

function short(sha: string): string {
  return /^[0-9a-f]{40}/i.test(sha) ? sha.slice(0, 7) : sha;
}
