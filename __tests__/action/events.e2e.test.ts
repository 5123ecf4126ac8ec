/**
 * The required check holds in every event a repository uses (issue 11): the built action
 * (dist/index.js) in a child process against the local GitHub, which validates every REST request
 * against GitHub's OpenAPI description. Each case is a way the gate used to publish a looser
 * verdict than the protected branch's rules give, and asserts what goes over the wire: the commit
 * the check run is on, its conclusion, which commit's policy was fetched, and that no comment is
 * posted where none belongs.
 *
 * The protected branch `main` has a production profile that requires a soak test; the change
 * under judgement (a PR, a merge group, a pushed branch) carries a loosened copy of the policy
 * without it. The evidence has no soak: judged by main's rules the gate fails, by the loosened
 * copy (or with no profile) it passes.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { faults, startFakeGitHub, type FakeGitHub } from '../github/fake-github.js';
import { JUNIT, LCOV, LOOSENED_POLICY, POLICY_PATH, PRODUCTION_POLICY, runAction, TOKEN, type ActionRun } from './run-action.js';

/** main's policy: releases from main need the soak (production profile). */
const STRICT = PRODUCTION_POLICY;
/** the copy a change carries: no profile, no soak, a lower bar */
const LOOSE = LOOSENED_POLICY;

const HEAD = 'a1'.repeat(20);
const FORK_HEAD = 'f0'.repeat(20);
const GROUP_HEAD = '9e'.repeat(20);

let fake: FakeGitHub;
beforeEach(async () => {
  fake = await startFakeGitHub({ owner: 'acme', repo: 'shop' });
});
afterEach(async () => {
  expect(fake.invalidRequests()).toEqual([]);
  expect(fake.unhandledRequests().map((r) => `${r.method} ${r.url}`)).toEqual([]);
  await fake.close();
});

function uploadEvidence(runId: number, options: { soak?: boolean } = {}) {
  fake.addArtifact({ runId, name: 'test-results', files: { 'junit.xml': JUNIT } });
  fake.addArtifact({ runId, name: 'coverage', files: { 'lcov.info': LCOV } });
  if (options.soak) fake.addArtifact({ runId, name: 'soak', files: { 'summary.json': '{"hours": 3}' } });
}

/** The `ref` of every policy read from GitHub (the commit whose policy judged). */
function policyRefs(): string[] {
  return fake.restRequests('repos/get-content').map((q) => String(q.query.ref));
}

/** Requests about comments or PR threads: none may be made where no comment belongs. */
function commentRequests(): string[] {
  return fake.restRequests().filter((q) => q.operationId?.startsWith('issues/')).map((q) => `${q.method} ${q.path}`);
}

function report(r: ActionRun): { decision: string; profile: string | null; criteria: Array<{ id: string; status: string; reason: string }> } {
  return JSON.parse(readFileSync(r.outputs.report!, 'utf8'));
}

function statuses(r: ActionRun): Record<string, string> {
  return Object.fromEntries(report(r).criteria.map((c) => [c.id, c.status]));
}

describe('merge queue (merge_group)', () => {
  const BASE_SHA = 'ba'.repeat(20);
  const QUEUE = `gh-readonly-queue/main/pr-7-${BASE_SHA}`;

  /** main at BASE_SHA holds the strict policy; PR #7 is in the queue, its group carries LOOSE. */
  function queuedGroup(options: { soak?: boolean } = {}) {
    fake.setContent(POLICY_PATH, STRICT, BASE_SHA);
    fake.addPull({ number: 7, head: { ref: 'feature', sha: HEAD }, base: { ref: 'main' } });
    const run = fake.addRun({ headSha: GROUP_HEAD, headBranch: QUEUE, event: 'merge_group' });
    uploadEvidence(run.id, options);
    return run;
  }

  it('the payload the fake sends is what GitHub\'s webhook schema requires of merge_group checks_requested', () => {
    const { components } = JSON.parse(readFileSync(createRequire(import.meta.url).resolve('@octokit/openapi/generated/api.github.com.json'), 'utf8')) as {
      components: { schemas: Record<string, { required?: string[]; properties?: Record<string, { enum?: string[] }> }> };
    };
    const run = queuedGroup();
    const payload = fake.eventPayload(run.id) as { action: string; merge_group: Record<string, unknown> & { head_commit: Record<string, unknown> } };
    const required = (name: string) => components.schemas[name]!.required!;
    expect(Object.keys(payload)).toEqual(expect.arrayContaining(required('webhook-merge-group-checks-requested')));
    expect(components.schemas['webhook-merge-group-checks-requested']!.properties!.action!.enum).toEqual([payload.action]);
    expect(Object.keys(payload.merge_group).sort()).toEqual([...required('merge-group')].sort());
    expect(Object.keys(payload.merge_group.head_commit)).toEqual(expect.arrayContaining(required('simple-commit')));
  });

  it('the group is judged by the policy at base_sha under the profile of base_ref; the check run goes on head_sha; no comment', async () => {
    const run = queuedGroup();
    const payload = fake.eventPayload(run.id);
    expect(payload).toMatchObject({ action: 'checks_requested', merge_group: { head_sha: GROUP_HEAD, head_ref: `refs/heads/${QUEUE}`, base_sha: BASE_SHA, base_ref: 'refs/heads/main' } });
    const r = await runAction(fake, { runId: run.id, workspace: { [POLICY_PATH]: LOOSE } });
    expect(r.code, r.all).toBe(1);
    expect(r.all).not.toContain(TOKEN);

    expect(policyRefs()).toEqual([BASE_SHA]);
    expect(fake.restRequests('checks/create').map((q) => q.body)).toEqual([
      expect.objectContaining({ name: 'release-gate', head_sha: GROUP_HEAD, status: 'completed', conclusion: 'failure' }),
    ]);
    const check = fake.state.checkRuns[0]!;
    expect(check.output.title).toBe('Failed: 2 passed, 0 failed, 2 without evidence — score 71.42%');
    expect(check.output.summary).toContain('profile `production`');
    // the group's own copy is shown against main's, as on a pull request
    expect(check.output.summary).toContain('> [!WARNING]\n> This merge group changes `.github/release-gate.yml`. It is judged by the policy of the base branch');
    expect(check.output.summary).toContain('> - criteria removed: soak');
    expect(report(r)).toMatchObject({ decision: 'fail', profile: 'production' });
    expect(statuses(r)).toEqual({ 'unit-tests': 'passed', coverage: 'passed', 'load-test': 'missing', soak: 'missing' });
    expect(r.outputs).toMatchObject({ decision: 'fail', passed: '2', missing: '2', 'check-run-id': String(check.id), 'comment-url': '' });
    expect(r.summary).toContain('criteria removed: soak');

    expect(commentRequests()).toEqual([]);
    expect(fake.state.comments).toEqual([]);
  });

  it('a group that meets main\'s rules passes; comment: always still posts nothing (a group has no PR thread)', async () => {
    const run = queuedGroup({ soak: true });
    const r = await runAction(fake, { runId: run.id, inputs: { comment: 'always' }, workspace: { [POLICY_PATH]: STRICT } });
    expect(r.code, r.all).toBe(0);
    expect(fake.restRequests('checks/create').map((q) => q.body)).toEqual([expect.objectContaining({ head_sha: GROUP_HEAD, conclusion: 'success' })]);
    expect(report(r)).toMatchObject({ decision: 'pass', profile: 'production' });
    expect(statuses(r)).toMatchObject({ soak: 'passed' });
    expect(r.stdout).toContain('no pull request for this run: no comment');
    expect(commentRequests()).toEqual([]);
    expect(policyRefs()).toEqual([BASE_SHA]);
  });

  it('the queue\'s push of its gh-readonly-queue branch is judged as the group: main\'s policy and profile', async () => {
    fake.setContent(POLICY_PATH, STRICT, 'main');
    const run = fake.addRun({ headSha: GROUP_HEAD, headBranch: QUEUE, event: 'push' });
    uploadEvidence(run.id);
    const r = await runAction(fake, { runId: run.id, workspace: { [POLICY_PATH]: LOOSE } });
    expect(r.code, r.all).toBe(1);
    expect(policyRefs()).toEqual(['main']);
    expect(fake.restRequests('checks/create').map((q) => q.body)).toEqual([expect.objectContaining({ head_sha: GROUP_HEAD, conclusion: 'failure' })]);
    expect(report(r)).toMatchObject({ decision: 'fail', profile: 'production' });
    expect(commentRequests()).toEqual([]);
  });

  it('a workflow_run after the queue\'s CI run is judged by the group\'s base profile, on the group\'s commit', async () => {
    const ci = fake.addRun({ headSha: GROUP_HEAD, headBranch: QUEUE, event: 'merge_group' });
    uploadEvidence(ci.id);
    const gate = fake.addRun({ headSha: fake.state.branches.main, headBranch: 'main', event: 'workflow_run' });
    const payload = { action: 'completed', workflow_run: fake.render.run(ci), repository: fake.render.repository() };
    const r = await runAction(fake, { runId: gate.id, eventName: 'workflow_run', payload, workspace: { [POLICY_PATH]: STRICT } });
    expect(r.code, r.all).toBe(1);
    expect(fake.restRequests('checks/create').map((q) => q.body)).toEqual([expect.objectContaining({ head_sha: GROUP_HEAD, conclusion: 'failure' })]);
    expect(report(r)).toMatchObject({ decision: 'fail', profile: 'production' });
    expect(commentRequests()).toEqual([]);
  });
});

describe('workflow_run: the PR and its base must be known, or the gate fails closed', () => {
  /** A fork PR's CI run (GitHub lists no PRs for forks) and the gate's workflow_run on main. */
  function forkRun(pulls: Array<{ number: number; base: string; state?: 'open' | 'closed' }>) {
    for (const p of pulls) fake.addPull({ number: p.number, head: { ref: 'patch-1', sha: FORK_HEAD, repo: 'contributor/shop' }, base: { ref: p.base }, state: p.state ?? 'open' });
    const ci = fake.addRun({ headSha: FORK_HEAD, headBranch: 'patch-1', event: 'pull_request', pullRequests: [] });
    uploadEvidence(ci.id);
    const gate = fake.addRun({ headSha: fake.state.branches.main, headBranch: 'main', event: 'workflow_run' });
    const payload = { action: 'completed', workflow_run: fake.render.run(ci), repository: fake.render.repository() };
    return { ci, gate, payload };
  }

  it('the PR lookup answers 403: every criterion is missing with the reason, failure on the fork head, nothing downloaded', async () => {
    const { gate, payload } = forkRun([{ number: 12, base: 'main' }]);
    fake.setFault((req) =>
      req.operationId === 'repos/list-pull-requests-associated-with-commit'
        ? faults.status(403, { message: 'Resource not accessible by integration', documentation_url: 'https://docs.github.com/rest/commits/commits#list-pull-requests-associated-with-a-commit', status: '403' })
        : undefined,
    );
    const r = await runAction(fake, { runId: gate.id, eventName: 'workflow_run', payload, workspace: { [POLICY_PATH]: STRICT } });
    expect(r.code, r.all).toBe(1);
    expect(fake.restRequests('checks/create').map((q) => q.body)).toEqual([expect.objectContaining({ head_sha: FORK_HEAD, conclusion: 'failure' })]);
    const reason = 'could not look up the open pull requests of f0f0f0f (Resource not accessible by integration';
    expect(r.stdout).toMatch(/^::error title=release-gate::could not look up the open pull requests of f0f0f0f .*Grant "permissions: pull-requests: read" to the job\.$/m);
    expect(Object.values(statuses(r))).toEqual(['missing', 'missing', 'missing']);
    expect(report(r).criteria.every((c) => c.reason.includes(reason))).toBe(true);
    expect(fake.state.checkRuns[0]!.output.summary).toContain('> [!CAUTION]');
    expect(r.outputs).toMatchObject({ decision: 'fail', passed: '0' });
    expect(fake.requests.filter((q) => q.kind === 'blob' || q.kind === 'twirp')).toEqual([]);
    expect(commentRequests()).toEqual([]);
  });

  it('a second PR from the same fork head into another branch: both bases are judged, the strictest is published, both PRs see it', async () => {
    // #13 is newer and targets dev, which has no profile: picking "the newest" passed the gate
    const { gate, payload } = forkRun([
      { number: 12, base: 'main' },
      { number: 13, base: 'dev' },
    ]);
    const r = await runAction(fake, { runId: gate.id, eventName: 'workflow_run', payload, workspace: { [POLICY_PATH]: STRICT } });
    expect(r.code, r.all).toBe(1);
    expect(fake.restRequests('checks/create').map((q) => q.body)).toEqual([expect.objectContaining({ head_sha: FORK_HEAD, conclusion: 'failure' })]);
    expect(report(r)).toMatchObject({ decision: 'fail', profile: 'production' });
    const summary = fake.state.checkRuns[0]!.output.summary!;
    expect(summary).toContain('> This commit is judged 2 ways, and the strictest verdict is the one published:');
    expect(summary).toContain('> - pull request #12 into `main` (the workspace policy): ❌ failed, score 71.42%, profile `production` ← published');
    expect(summary).toContain('> - pull request #13 into `dev` (the workspace policy): ✅ passed, score 83.33%, no profile');
    expect(r.stdout).toContain('pull request #13 into dev: pass 83.33%');
    // under workflow_run the policy is the default branch's checkout, never fetched per PR
    expect(policyRefs()).toEqual([]);
    // the check run shows on both PRs; so does the comment
    expect(fake.restRequests('issues/create-comment').map((q) => q.path).sort()).toEqual(['/repos/acme/shop/issues/12/comments', '/repos/acme/shop/issues/13/comments']);
    expect(fake.state.comments.every((c) => c.body.includes('### ❌ release-gate: failed'))).toBe(true);
  });

  it('one fork PR into main that meets main\'s rules passes under the production profile', async () => {
    fake.addPull({ number: 12, head: { ref: 'patch-1', sha: FORK_HEAD, repo: 'contributor/shop' }, base: { ref: 'main' } });
    const ci = fake.addRun({ headSha: FORK_HEAD, headBranch: 'patch-1', event: 'pull_request', pullRequests: [] });
    uploadEvidence(ci.id, { soak: true });
    const gate = fake.addRun({ headSha: fake.state.branches.main, headBranch: 'main', event: 'workflow_run' });
    const payload = { action: 'completed', workflow_run: fake.render.run(ci), repository: fake.render.repository() };
    const r = await runAction(fake, { runId: gate.id, eventName: 'workflow_run', payload, workspace: { [POLICY_PATH]: STRICT } });
    expect(r.code, r.all).toBe(0);
    expect(fake.restRequests('checks/create').map((q) => q.body)).toEqual([expect.objectContaining({ head_sha: FORK_HEAD, conclusion: 'success' })]);
    expect(report(r)).toMatchObject({ decision: 'pass', profile: 'production' });
    expect(fake.state.checkRuns[0]!.output.summary).not.toContain('judged 2 ways');
    expect(fake.state.comments.map((c) => c.issue_number)).toEqual([12]);
  });

  it('no open PR has the head (closed meanwhile): fails closed with the reason', async () => {
    const { gate, payload } = forkRun([{ number: 12, base: 'main', state: 'closed' }]);
    const r = await runAction(fake, { runId: gate.id, eventName: 'workflow_run', payload, workspace: { [POLICY_PATH]: STRICT } });
    expect(r.code, r.all).toBe(1);
    expect(fake.restRequests('checks/create').map((q) => q.body)).toEqual([expect.objectContaining({ head_sha: FORK_HEAD, conclusion: 'failure' })]);
    expect(report(r).criteria[0]!.reason).toContain('no open pull request has head f0f0f0f');
    expect(commentRequests()).toEqual([]);
  });
});

describe('push and pull_request on one commit: the push run is not the looser check', () => {
  /** Branch `feature` (a PR into main) pushed with the loosened policy. */
  function pushedPullHead() {
    fake.setContent(POLICY_PATH, STRICT, 'main');
    const pull = fake.addPull({ number: 7, head: { ref: 'feature', sha: HEAD }, base: { ref: 'main' } });
    const push = fake.addRun({ headSha: HEAD, headBranch: 'feature', event: 'push' });
    uploadEvidence(push.id);
    return { pull, push };
  }

  it('a push of a PR head is judged as the PR (base policy, base profile) and as its branch; the strictest is published; both check runs agree', async () => {
    const { pull, push } = pushedPullHead();
    expect(fake.eventPayload(push.id)).toMatchObject({ ref: 'refs/heads/feature', after: HEAD });
    const r = await runAction(fake, { runId: push.id, workspace: { [POLICY_PATH]: LOOSE } });
    expect(r.code, r.all).toBe(1);
    expect(fake.restRequests('pulls/list').map((q) => q.query)).toEqual([expect.objectContaining({ state: 'open', head: 'acme:feature' })]);
    expect(policyRefs()).toEqual([pull.base.sha]);
    expect(fake.restRequests('checks/create').map((q) => q.body)).toEqual([expect.objectContaining({ name: 'release-gate', head_sha: HEAD, conclusion: 'failure' })]);
    expect(report(r)).toMatchObject({ decision: 'fail', profile: 'production' });
    const summary = fake.state.checkRuns[0]!.output.summary!;
    expect(summary).toContain('> - pull request #7 into `main` (policy of `main`): ❌ failed, score 71.42%, profile `production` ← published');
    expect(summary).toContain('> - branch `feature` (the workspace policy): ✅ passed, score 83.33%, no profile');
    expect(summary).toContain('This commit (the head of pull request #7) changes `.github/release-gate.yml`');
    expect(commentRequests()).toEqual([]);

    // the pull_request run of the same commit: the second check run of that name agrees
    const prRun = fake.addRun({ headSha: HEAD, headBranch: 'feature', event: 'pull_request', pullRequests: [pull.number] });
    uploadEvidence(prRun.id);
    const pr = await runAction(fake, { runId: prRun.id, workspace: { [POLICY_PATH]: LOOSE } });
    expect(pr.code, pr.all).toBe(1);
    expect(fake.state.checkRuns.map((c) => [c.name, c.head_sha, c.conclusion])).toEqual([
      ['release-gate', HEAD, 'failure'],
      ['release-gate', HEAD, 'failure'],
    ]);
  });

  it('one branch with PRs into main and dev: the dev PR\'s run is judged by main\'s rules too, and comments on its own PR only', async () => {
    fake.setContent(POLICY_PATH, STRICT, 'main');
    fake.setContent(POLICY_PATH, LOOSE, 'dev');
    const intoMain = fake.addPull({ number: 7, head: { ref: 'feature', sha: HEAD }, base: { ref: 'main' } });
    const intoDev = fake.addPull({ number: 8, head: { ref: 'feature', sha: HEAD }, base: { ref: 'dev' } });
    const run = fake.addRun({ headSha: HEAD, headBranch: 'feature', event: 'pull_request', pullRequests: [intoDev.number] });
    uploadEvidence(run.id);
    expect(fake.eventPayload(run.id)).toMatchObject({ number: 8, pull_request: { base: { ref: 'dev' } } });
    const r = await runAction(fake, { runId: run.id, workspace: { [POLICY_PATH]: LOOSE } });
    expect(r.code, r.all).toBe(1);
    // the event's own base first, then main's
    expect(policyRefs()).toEqual([intoDev.base.sha, intoMain.base.sha]);
    expect(fake.restRequests('checks/create').map((q) => q.body)).toEqual([expect.objectContaining({ head_sha: HEAD, conclusion: 'failure' })]);
    expect(report(r)).toMatchObject({ decision: 'fail', profile: 'production' });
    const summary = fake.state.checkRuns[0]!.output.summary!;
    expect(summary).toContain('> - pull request #8 into `dev` (policy of `dev`): ✅ passed, score 83.33%, no profile');
    expect(summary).toContain('> - pull request #7 into `main` (policy of `main`): ❌ failed, score 71.42%, profile `production` ← published');
    expect(fake.restRequests('issues/create-comment').map((q) => q.path)).toEqual(['/repos/acme/shop/issues/8/comments']);
  });

  it('a PR whose head moved on is not applied to the older commit pushed before', async () => {
    fake.setContent(POLICY_PATH, STRICT, 'main');
    fake.addPull({ number: 7, head: { ref: 'feature', sha: 'b2'.repeat(20) }, base: { ref: 'main' } });
    const push = fake.addRun({ headSha: HEAD, headBranch: 'feature', event: 'push' });
    uploadEvidence(push.id);
    const r = await runAction(fake, { runId: push.id, workspace: { [POLICY_PATH]: LOOSE } });
    expect(r.code, r.all).toBe(0);
    expect(policyRefs()).toEqual([]);
    expect(report(r)).toMatchObject({ decision: 'pass', profile: null });
  });

  it('the PR lookup of a push fails: fails closed, naming the permission', async () => {
    pushedPullHead();
    fake.setFault((req) => (req.operationId === 'pulls/list' ? faults.status(403, { message: 'Resource not accessible by integration', documentation_url: 'https://docs.github.com/rest/pulls/pulls#list-pull-requests', status: '403' }) : undefined));
    const push = fake.state.runs[0]!;
    const r = await runAction(fake, { runId: push.id, workspace: { [POLICY_PATH]: LOOSE } });
    expect(r.code, r.all).toBe(1);
    expect(fake.restRequests('checks/create').map((q) => q.body)).toEqual([expect.objectContaining({ head_sha: HEAD, conclusion: 'failure' })]);
    expect(r.stdout).toContain('Grant "permissions: pull-requests: read" to the job.');
    expect(Object.values(statuses(r)).every((s) => s === 'missing')).toBe(true);
  });
});
