/**
 * Where the action runs and what it gates, read from the runner's environment and event payload:
 * the commit to put the check run on, the pull request or merge group and its base, the branch
 * that picks the profile. Pure: takes the environment and the parsed payload; what needs the API
 * (the PRs of a commit) is decided in src/action/event.ts.
 */
export interface PullRequestRef {
  number: number;
  headSha: string;
  baseRef: string;
  baseSha?: string;
  /** true when the PR comes from another repository: its token is read-only */
  fromFork: boolean;
}

export interface MergeGroupRef {
  /** the queue's commit: the check run goes here */
  headSha: string;
  /** refs/heads/gh-readonly-queue/<base>/pr-<n>-<sha> */
  headRef: string;
  /** the commit of the base branch the group is built on: its policy judges the group */
  baseSha: string;
  /** the branch the group merges into (without refs/heads/): it selects the profile */
  baseRef: string;
}

export interface TriggeringRun {
  id: number;
  headSha: string;
  headBranch?: string;
  /** the event of the triggering run (pull_request, push, …) */
  event: string;
  /**
   * PRs GitHub lists for the run whose head is the run's commit. Empty for PRs from forks; and
   * there may be several (one head, PRs into several branches): which one triggered the run is
   * not in the payload.
   */
  pullRequests: PullRequestRef[];
}

export interface GateContext {
  eventName: string;
  owner: string;
  repo: string;
  /** the commit the verdict is about: the PR head (not the merge commit), the run's head, the merge group's head, or GITHUB_SHA */
  headSha: string;
  /** the branch that selects a profile: a PR's or merge group's base branch, else the pushed branch */
  branch?: string;
  /** pull_request events: the PR of the event */
  pullRequest?: PullRequestRef;
  mergeGroup?: MergeGroupRef;
  /** workflow_run: the run whose artifacts are the evidence; its PR is still to be determined */
  triggeringRun?: TriggeringRun;
  /**
   * push: the commit the branch pointed at before the push (the payload's `before`), when it names
   * one; absent for a new branch (GitHub sends forty zeros) and for other events (a workflow_run
   * payload carries the run's `head_commit`, not the push's `before`).
   */
  before?: string;
  runId: number;
  runAttempt: number;
  serverUrl: string;
  apiUrl: string;
  /** link to this workflow run, for the check run's details and the comment */
  runUrl: string;
}

type Env = Record<string, string | undefined>;
type Payload = Record<string, unknown>;

export function readContext(env: Env, payload: Payload): GateContext {
  const [owner, repo] = required(env, 'GITHUB_REPOSITORY').split('/') as [string, string];
  const eventName = env.GITHUB_EVENT_NAME ?? '';
  const serverUrl = (env.GITHUB_SERVER_URL ?? 'https://github.com').replace(/\/$/, '');
  const apiUrl = (env.GITHUB_API_URL ?? 'https://api.github.com').replace(/\/$/, '');
  const runId = Number(env.GITHUB_RUN_ID ?? 0);
  const runAttempt = Number(env.GITHUB_RUN_ATTEMPT ?? 1);
  const context: GateContext = {
    eventName,
    owner,
    repo,
    headSha: env.GITHUB_SHA ?? '',
    runId,
    runAttempt,
    serverUrl,
    apiUrl,
    runUrl: `${serverUrl}/${owner}/${repo}/actions/runs/${runId}${runAttempt > 1 ? `/attempts/${runAttempt}` : ''}`,
  };
  const pr = payload.pull_request as Payload | undefined;
  if (eventName.startsWith('pull_request') && pr) {
    context.pullRequest = pullRequestFrom(pr, `${owner}/${repo}`);
    context.headSha = context.pullRequest.headSha;
    context.branch = context.pullRequest.baseRef;
    return context;
  }
  const group = payload.merge_group as Payload | undefined;
  if (eventName === 'merge_group' && group) {
    // the queue's branch (gh-readonly-queue/main/pr-7-…) is not the branch: the group merges into base_ref
    const baseRef = String(group.base_ref ?? '').replace(/^refs\/heads\//, '');
    context.mergeGroup = { headSha: String(group.head_sha ?? ''), headRef: String(group.head_ref ?? ''), baseSha: String(group.base_sha ?? ''), baseRef };
    context.headSha = context.mergeGroup.headSha;
    context.branch = baseRef;
    return context;
  }
  const run = payload.workflow_run as Payload | undefined;
  if (eventName === 'workflow_run' && run) {
    const headSha = String(run.head_sha ?? '');
    context.headSha = headSha;
    const prs = ((run.pull_requests as Payload[] | undefined) ?? []).map((p) => pullRequestFrom(p, `${owner}/${repo}`));
    const event = String(run.event ?? '');
    context.triggeringRun = { id: Number(run.id), headSha, event, pullRequests: prs.filter((p) => p.headSha === headSha) };
    if (typeof run.head_branch === 'string') context.triggeringRun.headBranch = run.head_branch;
    // a pushed branch selects its profile; a PR's base branch is decided once its PRs are known
    if (typeof run.head_branch === 'string' && !event.startsWith('pull_request')) context.branch = run.head_branch;
    return context;
  }
  if (eventName === 'push' && typeof payload.before === 'string' && /^[0-9a-f]{40}(?:[0-9a-f]{24})?$/.test(payload.before) && !/^0+$/.test(payload.before)) context.before = payload.before;
  const ref = env.GITHUB_REF ?? '';
  if (ref.startsWith('refs/heads/')) context.branch = ref.slice('refs/heads/'.length);
  else if (env.GITHUB_REF_NAME && env.GITHUB_REF_TYPE === 'branch') context.branch = env.GITHUB_REF_NAME;
  return context;
}

/** A PR object from an event payload, a workflow_run's pull_requests, or the REST API. */
export function pullRequestFrom(pr: Payload, fullName: string): PullRequestRef {
  const head = (pr.head ?? {}) as Payload;
  const base = (pr.base ?? {}) as Payload;
  const headRepo = (head.repo ?? {}) as Payload;
  const ref: PullRequestRef = {
    number: Number(pr.number),
    headSha: String(head.sha ?? ''),
    baseRef: String(base.ref ?? ''),
    fromFork: typeof headRepo.full_name === 'string' && headRepo.full_name !== fullName,
  };
  if (typeof base.sha === 'string') ref.baseSha = base.sha;
  return ref;
}

function required(env: Env, name: string): string {
  const value = env[name];
  if (!value) throw new Error(`${name} is not set: release-gate runs as a GitHub Action step (locally, use the release-gate CLI)`);
  return value;
}
