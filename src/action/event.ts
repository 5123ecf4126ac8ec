/**
 * Which rules judge the commit, per event. Branch protection sees one check name per commit, so
 * every way the commit is reached must be judged by the rules of the branch it would merge into:
 *
 * - pull_request: the PR's base branch (its policy and profile), and the base of every other open
 *   PR whose head is the same commit (their checks are one check run on one commit).
 * - merge_group: the group's base (`base_ref` picks the profile, `base_sha` holds the policy), not
 *   the queue's temporary branch. The queue also pushes that branch (`gh-readonly-queue/<base>/…`):
 *   a push run there is judged as the group (the policy of the base branch's head).
 * - push: the pushed branch, and every open PR whose head is this commit. A same-repo PR head gets
 *   the PR run's check and this push run's check under one name; the push run must not be the
 *   looser one, so it judges the commit as each of those PRs does (base policy, base profile) and
 *   as its own branch, and publishes the strictest.
 * - workflow_run: the triggering run's PRs: those in the payload and every open PR whose head is
 *   the run's commit (GitHub lists none for forks, and which of several PRs triggered the run is
 *   not in the payload); for a merge_group run, the group's base; for a push run, as push. The
 *   policy is the workspace's, the default branch's checkout.
 *
 * Several readings: each is evaluated and the strictest verdict is published (src/action/index.ts).
 * When the PRs cannot be determined (the lookup fails, or a PR run has no open PR), the plan is
 * `undetermined`: the gate fails closed with the reason, and no production rule is dropped.
 */
import { pullRequestFrom, type GateContext, type PullRequestRef } from '../github/context.js';
import { httpStatus, type Octokit } from '../github/octokit.js';
import { codeSpan } from '../render/escape.js';

export interface Reading {
  /** what is judged: PRs (by number) into a branch, a merge group into a branch, a branch, a commit */
  what: { kind: 'pull'; numbers: number[]; ref: string; /** the PRs' base commit, when known (the base verdict is looked for from its merge base) */ baseSha?: string } | { kind: 'merge-group'; ref: string } | { kind: 'branch'; ref: string } | { kind: 'commit'; sha: string };
  /** the branch whose profile applies (none: no profile, unless the input names one) */
  branch?: string;
  /** read the policy from this base (else from the workspace) */
  base?: PolicyBase;
}

export interface PolicyBase {
  /** the base branch, for messages */
  ref: string;
  /** the base commit whose policy judges (the branch's head when unknown) */
  sha?: string;
  /** how notes name what is judged: "This pull request", "This merge group" */
  subject: string;
}

export interface Plan {
  /** at least one; base-policy readings first, so the check name comes from a base policy */
  readings: Reading[];
  /** the PRs whose sticky comment shows the verdict */
  pullRequests: PullRequestRef[];
  /** the base could not be determined: the gate fails closed with this reason */
  undetermined?: string;
}

/** The merge queue's temporary branch; GitHub reserves the prefix (nobody else can push there). */
const QUEUE_BRANCH = /^gh-readonly-queue\/(.+)\/pr-\d+-[0-9a-f]{40}$/;

export async function planReadings(octokit: Octokit, context: GateContext): Promise<Plan> {
  const { pullRequest: pr, mergeGroup: group, triggeringRun: run } = context;
  if (pr) {
    // other open PRs may share this head (one branch, PRs into two bases): the check run on the
    // head is the same for all of them, so each base's rules judge it, this PR's first
    let prs: PullRequestRef[];
    try {
      prs = distinct([pr, ...(await pullsWithHead(octokit, context))]);
    } catch (err) {
      return { ...undetermined(context, lookupFailure(context, err)), pullRequests: [pr] };
    }
    const bases = byBase(prs).sort((a, b) => Number(b.baseRef === pr.baseRef) - Number(a.baseRef === pr.baseRef));
    const readings = bases.map(({ baseRef, baseSha, numbers }): Reading => {
      const sha = baseRef === pr.baseRef ? (pr.baseSha ?? baseSha) : baseSha;
      return { what: { kind: 'pull', numbers, ref: baseRef, ...(sha && { baseSha: sha }) }, branch: baseRef, base: { ref: baseRef, ...(sha && { sha }), subject: 'This pull request' } };
    });
    return { readings, pullRequests: [pr] };
  }
  if (group) {
    return { readings: [{ what: { kind: 'merge-group', ref: group.baseRef }, branch: group.baseRef, base: { ref: group.baseRef, sha: group.baseSha, subject: 'This merge group' } }], pullRequests: [] };
  }
  if (run?.event.startsWith('pull_request')) {
    let prs: PullRequestRef[];
    try {
      prs = distinct([...run.pullRequests, ...(await pullsWithHead(octokit, context))]);
    } catch (err) {
      return undetermined(context, lookupFailure(context, err));
    }
    if (prs.length === 0) {
      return undetermined(context, `no open pull request has head ${short(context.headSha)}, so the branch whose rules apply is unknown: the gate fails closed`);
    }
    // under workflow_run the policy is the workspace's (the default branch's checkout), never the PR's
    return { readings: byBase(prs).map(({ numbers, baseRef, baseSha }) => ({ what: { kind: 'pull', numbers, ref: baseRef, ...(baseSha && { baseSha }) }, branch: baseRef })), pullRequests: prs };
  }
  if (run?.event === 'merge_group') {
    // the triggering run tested a merge group: its head branch is the queue's, which names the base
    const queue = QUEUE_BRANCH.exec(run.headBranch ?? '');
    if (!queue) return undetermined(context, `the merge group branch "${run.headBranch ?? ''}" does not name the branch it merges into, so the rules that apply are unknown: the gate fails closed`);
    return { readings: [{ what: { kind: 'merge-group', ref: queue[1]! }, branch: queue[1]! }], pullRequests: [] };
  }
  const pushed = context.eventName === 'push' || run?.event === 'push';
  if (pushed && context.branch !== undefined) {
    const branch = context.branch;
    const queue = QUEUE_BRANCH.exec(branch);
    if (queue) {
      // the merge queue pushes its group to gh-readonly-queue/<base>/pr-<n>-<sha>: judged as the group is
      const base = queue[1]!;
      return { readings: [{ what: { kind: 'merge-group', ref: base }, branch: base, ...(run === undefined && { base: { ref: base, subject: 'This merge group' } }) }], pullRequests: [] };
    }
    let prs: PullRequestRef[];
    try {
      prs = distinct([...(run?.pullRequests ?? []), ...(await pullsOfBranch(octokit, context, branch))]);
    } catch (err) {
      return undetermined(context, lookupFailure(context, err));
    }
    const own: Reading = { what: { kind: 'branch', ref: branch }, branch };
    const asPulls = byBase(prs).map(({ baseRef, baseSha, numbers }): Reading => ({
      what: { kind: 'pull', numbers, ref: baseRef, ...(baseSha && { baseSha }) },
      branch: baseRef,
      // a push run reads the base's policy, as the PR's own run does; workflow_run keeps the workspace's
      ...(run === undefined && { base: { ref: baseRef, ...(baseSha && { sha: baseSha }), subject: `This commit (the head of pull request ${numbers.map((n) => `#${n}`).join(', ')})` } }),
    }));
    return { readings: [...asPulls, own], pullRequests: [] };
  }
  const branch = context.branch;
  return { readings: [branch !== undefined ? { what: { kind: 'branch', ref: branch }, branch } : { what: { kind: 'commit', sha: context.headSha } }], pullRequests: [] };
}

function undetermined(context: GateContext, reason: string): Plan {
  return { readings: [{ what: { kind: 'commit', sha: context.headSha } }], pullRequests: [], undetermined: reason };
}

function lookupFailure(context: GateContext, err: unknown): string {
  const message = err instanceof Error ? err.message : String(err);
  const fix = httpStatus(err) === 403 ? ' Grant "permissions: pull-requests: read" to the job.' : '';
  return `could not look up the open pull requests of ${short(context.headSha)} (${message}), so the branch whose rules apply is unknown: the gate fails closed.${fix}`;
}

/** Open PRs whose head is the commit, from any repository (forks included). */
async function pullsWithHead(octokit: Octokit, context: GateContext): Promise<PullRequestRef[]> {
  const { owner, repo, headSha } = context;
  const associated = await octokit.paginate(octokit.rest.repos.listPullRequestsAssociatedWithCommit, { owner, repo, commit_sha: headSha, per_page: 100 });
  let heads: unknown[] = associated.filter((p) => p.state === 'open' && p.head.sha === headSha);
  if (heads.length === 0) {
    // GitHub lists only the merged PR of a commit that is on the default branch: look at every open PR
    const open = await octokit.paginate(octokit.rest.pulls.list, { owner, repo, state: 'open', per_page: 100 });
    heads = open.filter((p) => p.head.sha === headSha);
  }
  return heads.map((p) => pullRequestFrom(p as Record<string, unknown>, `${owner}/${repo}`));
}

/** Open PRs from this repository's branch whose head is still the commit. */
async function pullsOfBranch(octokit: Octokit, context: GateContext, branch: string): Promise<PullRequestRef[]> {
  const { owner, repo, headSha } = context;
  const open = await octokit.paginate(octokit.rest.pulls.list, { owner, repo, state: 'open', head: `${owner}:${branch}`, per_page: 100 });
  return open.filter((p) => p.head.sha === headSha).map((p) => pullRequestFrom(p as unknown as Record<string, unknown>, `${owner}/${repo}`));
}

function distinct(prs: PullRequestRef[]): PullRequestRef[] {
  const seen = new Map<number, PullRequestRef>();
  for (const p of prs) if (!seen.has(p.number) || (p.baseSha && !seen.get(p.number)!.baseSha)) seen.set(p.number, p);
  return [...seen.values()].sort((a, b) => a.number - b.number);
}

/** One reading per base branch: PRs into the same base are judged alike. */
function byBase(prs: PullRequestRef[]): Array<{ baseRef: string; baseSha?: string; numbers: number[] }> {
  const groups = new Map<string, PullRequestRef[]>();
  for (const p of prs) groups.set(p.baseRef, [...(groups.get(p.baseRef) ?? []), p]);
  return [...groups.entries()].map(([baseRef, group]) => {
    const baseSha = group.find((p) => p.baseSha)?.baseSha;
    return { baseRef, numbers: group.map((p) => p.number), ...(baseSha && { baseSha }) };
  });
}

/** "pull request #7 into main", as plain text (the log) or Markdown (refs in code spans). */
export function describeReading(reading: Reading, style: 'text' | 'markdown'): string {
  const ref = (r: string) => (style === 'markdown' ? codeSpan(r, 100) : r);
  const { what } = reading;
  switch (what.kind) {
    case 'pull':
      return `pull request${what.numbers.length > 1 ? 's' : ''} ${what.numbers.map((n) => `#${n}`).join(', ')} into ${ref(what.ref)}`;
    case 'merge-group':
      return `merge group into ${ref(what.ref)}`;
    case 'branch':
      return `branch ${ref(what.ref)}`;
    case 'commit':
      return `commit ${ref(short(what.sha))}`;
  }
}

function short(sha: string): string {
  return sha.slice(0, 7);
}
