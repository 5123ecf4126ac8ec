/**
 * The action's sources run in-process against the local GitHub, so that coverage measures them
 * (the end-to-end tests run the bundle in a child process, which coverage cannot see). The
 * scenarios mirror action.e2e.test.ts; bodies are asserted here too. (Reading another run's
 * artifacts cannot run in-process: @actions/artifact's findBy client takes GITHUB_API_URL from the
 * environment once, at import; the end-to-end tests cover it.)
 */
import { mkdir, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { faults, startFakeGitHub, type FakeGitHub } from '../github/fake-github.js';
import { BASIC_POLICY, JUNIT, LCOV, LOOSENED_POLICY, POLICY_PATH, PRODUCTION_POLICY, TOKEN } from './run-action.js';

const HEAD = 'd4'.repeat(20);

let fake: FakeGitHub;
let savedEnv: NodeJS.ProcessEnv;
let printed: string;

beforeEach(async () => {
  fake = await startFakeGitHub({ owner: 'acme', repo: 'shop' });
  savedEnv = { ...process.env };
  printed = '';
  vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    printed += chunk.toString();
    return true;
  });
});

afterEach(async () => {
  vi.restoreAllMocks();
  process.env = savedEnv;
  process.exitCode = undefined;
  expect(fake.invalidRequests()).toEqual([]);
  await fake.close();
});

interface InProcessRun {
  exitCode: number;
  outputs: string;
  summary: string;
}

async function run(runId: number, options: { inputs?: Record<string, string>; workspace?: Record<string, string>; payload?: Record<string, unknown>; env?: Record<string, string> } = {}): Promise<InProcessRun> {
  const dir = await mkdtemp(path.join(tmpdir(), 'release-gate-inproc-'));
  const workspace = path.join(dir, 'ws');
  await mkdir(workspace);
  for (const [file, content] of Object.entries(options.workspace ?? { [POLICY_PATH]: BASIC_POLICY })) {
    await mkdir(path.dirname(path.join(workspace, file)), { recursive: true });
    await writeFile(path.join(workspace, file), content);
  }
  const files = { event: path.join(dir, 'event.json'), output: path.join(dir, 'out'), summary: path.join(dir, 'summary.md') };
  await writeFile(files.event, JSON.stringify(options.payload ?? fake.eventPayload(runId)));
  await writeFile(files.output, '');
  await writeFile(files.summary, '');
  for (const key of Object.keys(process.env)) if (key.startsWith('INPUT_') || key.startsWith('GITHUB_')) delete process.env[key];
  Object.assign(process.env, fake.env({ runId, token: TOKEN }), {
    GITHUB_EVENT_PATH: files.event,
    GITHUB_WORKSPACE: workspace,
    RUNNER_TEMP: path.join(dir, 'tmp'),
    GITHUB_OUTPUT: files.output,
    GITHUB_STEP_SUMMARY: files.summary,
    INPUT_TOKEN: TOKEN,
    ...Object.fromEntries(Object.entries(options.inputs ?? {}).map(([k, v]) => [`INPUT_${k.toUpperCase()}`, v])),
    ...options.env,
  });
  process.exitCode = undefined;
  // the toolkit's summary remembers the first GITHUB_STEP_SUMMARY it saw; a runner process runs one
  // step, these tests run several in one process
  const core = await import('@actions/core');
  (core.summary as unknown as { _filePath?: string })._filePath = undefined;
  core.summary.emptyBuffer();
  const { runAction } = await import('../../src/action/index.js');
  await runAction();
  const exitCode = Number(process.exitCode ?? 0);
  process.exitCode = undefined;
  return { exitCode, outputs: await readFile(files.output, 'utf8'), summary: await readFile(files.summary, 'utf8') };
}

function pullRequest(policy = BASIC_POLICY) {
  fake.setContent(POLICY_PATH, policy, 'main');
  const pull = fake.addPull({ number: 5, head: { ref: 'topic', sha: HEAD }, base: { ref: 'main' } });
  const r = fake.addRun({ headSha: HEAD, headBranch: 'topic', event: 'pull_request', pullRequests: [pull.number] });
  fake.addArtifact({ runId: r.id, name: 'test-results', files: { 'junit.xml': JUNIT } });
  fake.addArtifact({ runId: r.id, name: 'coverage', files: { 'lcov.info': LCOV } });
  return r;
}

describe('runAction in-process', () => {
  it('passes a PR: check run, comment, outputs', async () => {
    const r = await run(pullRequest().id, { inputs: { 'check-name': 'gate / release' } });
    expect(r.exitCode).toBe(0);
    expect(fake.state.checkRuns).toEqual([expect.objectContaining({ name: 'gate / release', head_sha: HEAD, conclusion: 'success' })]);
    expect(fake.state.comments[0]!.body).toMatch(/^<!-- release-gate:sticky gate%20%2F%20release -->/);
    expect(fake.state.comments[0]!.body).toContain('<sub>gate / release · commit');
    expect(r.outputs).toContain('decision<<');
    expect(r.summary).toContain('### ✅ release-gate: passed');
    expect(printed).not.toMatch(new RegExp(`^(?!::add-mask::).*${TOKEN}`, 'm'));
  });

  it('fail: false keeps the step green on a failed gate but says so', async () => {
    const policy = BASIC_POLICY.replace('tests: ">= 10"', 'tests: ">= 1000"');
    const r = await run(pullRequest(policy).id, { inputs: { fail: 'false', comment: 'never' }, workspace: { [POLICY_PATH]: policy } });
    expect(r.exitCode).toBe(0);
    expect(printed).toMatch(/^::warning::release-gate failed: required criteria not passed — failed: unit-tests; .*\(input fail is false: the step passes\)$/m);
    expect(fake.state.checkRuns[0]!.conclusion).toBe('failure');
    expect(fake.state.comments).toEqual([]);
  });

  it('comment on-failure stays silent on a pass; always comments; an explicit profile is used', async () => {
    const policy = BASIC_POLICY.replace('min-score: 75\n', 'min-score: 75\nprofiles:\n  staging: { min-score: 50 }\n');
    const id = pullRequest(policy).id;
    const quiet = await run(id, { inputs: { comment: 'on-failure', profile: 'staging' }, workspace: { [POLICY_PATH]: policy } });
    expect(quiet.exitCode).toBe(0);
    expect(fake.state.comments).toEqual([]);
    expect(fake.state.checkRuns[0]!.output.summary).toContain('profile `staging`');
    const loud = await run(id, { inputs: { comment: 'always' }, workspace: { [POLICY_PATH]: policy } });
    expect(loud.exitCode).toBe(0);
    expect(fake.state.comments).toHaveLength(1);
  });

  it('a read-only token: warns once, writes summary and outputs, fails by the verdict', async () => {
    fake.setReadOnly(true);
    const policy = BASIC_POLICY.replace('tests: ">= 10"', 'tests: ">= 1000"');
    const r = await run(pullRequest(policy).id, { workspace: { [POLICY_PATH]: policy } });
    expect(r.exitCode).toBe(1);
    expect(printed.split('\n').filter((l) => l.startsWith('::warning::') && l.includes('workflow_run'))).toHaveLength(1);
    expect(r.summary).toContain('### ❌ release-gate: failed');
    expect(r.outputs).toContain('check-run-id<<');
  });

  it('a policy error and an invalid input fail with the reason', async () => {
    const id = pullRequest().id;
    const broken = await run(id, { workspace: { [POLICY_PATH]: 'version: 2\n' }, inputs: { 'policy-ref': 'head' } });
    expect(broken.exitCode).toBe(1);
    expect(fake.state.checkRuns[0]!.output.title).toBe('Failed: the policy has 2 errors');
    const bad = await run(id, { inputs: { comment: 'sometimes' } });
    expect(bad.exitCode).toBe(1);
    expect(printed).toContain('::error::release-gate: input comment must be auto, always, on-failure or never (got "sometimes")');
    expect(bad.summary).toContain('internal error');
    const missing = await run(id, { inputs: { 'policy-ref': 'head', policy: 'nope.yml' } });
    expect(missing.exitCode).toBe(1);
    expect(printed).toContain('policy file nope.yml not found in the workspace');
  });
  it('merge_group: the policy at base_sha, the profile of base_ref, the check run on head_sha, no comment', async () => {
    const [base, group] = ['ba'.repeat(20), '9e'.repeat(20)];
    fake.setContent(POLICY_PATH, PRODUCTION_POLICY, base);
    const queued = fake.addRun({ headSha: group, headBranch: `gh-readonly-queue/main/pr-5-${base}`, event: 'merge_group' });
    fake.addArtifact({ runId: queued.id, name: 'test-results', files: { 'junit.xml': JUNIT } });
    fake.addArtifact({ runId: queued.id, name: 'coverage', files: { 'lcov.info': LCOV } });
    const r = await run(queued.id, { inputs: { comment: 'always' }, workspace: { [POLICY_PATH]: LOOSENED_POLICY } });
    expect(r.exitCode).toBe(1);
    expect(fake.restRequests('repos/get-content').map((q) => q.query.ref)).toEqual([base]);
    expect(fake.state.checkRuns).toEqual([expect.objectContaining({ head_sha: group, conclusion: 'failure' })]);
    expect(fake.state.checkRuns[0]!.output.summary).toContain('This merge group changes');
    expect(fake.restRequests().filter((q) => q.operationId?.startsWith('issues/'))).toEqual([]);
    expect(printed).toContain('no pull request for this run: no comment');
  });

  it('a push of a PR head: judged as the PR and as the branch, the strictest published and logged', async () => {
    fake.setContent(POLICY_PATH, PRODUCTION_POLICY, 'main');
    const pull = fake.addPull({ number: 5, head: { ref: 'topic', sha: HEAD }, base: { ref: 'main' } });
    const push = fake.addRun({ headSha: HEAD, headBranch: 'topic', event: 'push' });
    fake.addArtifact({ runId: push.id, name: 'test-results', files: { 'junit.xml': JUNIT } });
    fake.addArtifact({ runId: push.id, name: 'coverage', files: { 'lcov.info': LCOV } });
    const r = await run(push.id, { workspace: { [POLICY_PATH]: LOOSENED_POLICY } });
    expect(r.exitCode).toBe(1);
    expect(fake.restRequests('repos/get-content').map((q) => q.query.ref)).toEqual([pull.base.sha]);
    expect(fake.state.checkRuns).toEqual([expect.objectContaining({ head_sha: HEAD, conclusion: 'failure' })]);
    expect(printed).toContain('pull request #5 into main: fail 71.42% (profile production) ← published');
    expect(printed).toContain('branch topic: pass 83.33%');
    expect(fake.state.comments).toEqual([]);
  });

  it('workflow_run whose PR lookup fails: fails closed, nothing downloaded', async () => {
    const fork = 'f0'.repeat(20);
    fake.addPull({ number: 9, head: { ref: 'patch', sha: fork, repo: 'someone/shop' }, base: { ref: 'main' } });
    const ci = fake.addRun({ headSha: fork, headBranch: 'patch', event: 'pull_request', pullRequests: [] });
    const gate = fake.addRun({ headSha: fake.state.branches.main, headBranch: 'main', event: 'workflow_run' });
    // GitHub answers 422 for a commit it cannot find (e.g. a fork's commit it has not indexed)
    fake.setFault((req) =>
      req.operationId === 'repos/list-pull-requests-associated-with-commit'
        ? faults.status(422, { message: `No commit found for SHA: ${fork}`, documentation_url: 'https://docs.github.com/rest/commits/commits#list-pull-requests-associated-with-a-commit', status: '422' })
        : undefined,
    );
    const payload = { action: 'completed', workflow_run: fake.render.run(ci), repository: fake.render.repository() };
    const r = await run(gate.id, { payload, workspace: { [POLICY_PATH]: PRODUCTION_POLICY } });
    expect(r.exitCode).toBe(1);
    expect(fake.state.checkRuns).toEqual([expect.objectContaining({ head_sha: fork, conclusion: 'failure' })]);
    expect(printed).toMatch(/^::error title=release-gate::could not look up the open pull requests of f0f0f0f \(/m);
    expect(printed).toContain(`No commit found for SHA: ${fork}`);
    expect(fake.requests.filter((q) => q.kind === 'twirp' || q.kind === 'blob')).toEqual([]);
  });
  describe('every event is judged by the branch it merges into (evidence-dir, so workflow_run runs in-process)', () => {
    const evidence = { 'evidence/test-results/junit.xml': JUNIT, 'evidence/coverage/lcov.info': LCOV };
    const base = 'ba'.repeat(20);
    const queue = `gh-readonly-queue/main/pr-5-${base}`;
    function workflowRun(ci: ReturnType<FakeGitHub['addRun']>) {
      const gate = fake.addRun({ headSha: fake.state.branches.main, headBranch: 'main', event: 'workflow_run' });
      return { id: gate.id, payload: { action: 'completed', workflow_run: fake.render.run(ci), repository: fake.render.repository() } };
    }

    it.each([
      ['workflow_run of a fork head with PRs into main and dev', () => {
        const fork = 'f0'.repeat(20);
        for (const [number, into] of [[9, 'main'], [10, 'dev']] as const) fake.addPull({ number, head: { ref: 'patch', sha: fork, repo: 'someone/shop' }, base: { ref: into } });
        return { sha: fork, ...workflowRun(fake.addRun({ headSha: fork, headBranch: 'patch', event: 'pull_request', pullRequests: [] })), comments: [9, 10] };
      }],
      ['workflow_run of the merge queue\'s CI run', () => ({ sha: '9e'.repeat(20), ...workflowRun(fake.addRun({ headSha: '9e'.repeat(20), headBranch: queue, event: 'merge_group' })), comments: [] })],
      ['workflow_run of a push of a PR head', () => {
        fake.addPull({ number: 5, head: { ref: 'topic', sha: HEAD }, base: { ref: 'main' } });
        return { sha: HEAD, ...workflowRun(fake.addRun({ headSha: HEAD, headBranch: 'topic', event: 'push' })), comments: [] };
      }],
      ['the merge queue\'s push of its branch', () => {
        fake.setContent(POLICY_PATH, PRODUCTION_POLICY, 'main');
        const push = fake.addRun({ headSha: '9e'.repeat(20), headBranch: queue, event: 'push' });
        return { sha: '9e'.repeat(20), id: push.id, payload: fake.eventPayload(push.id), comments: [] };
      }],
    ])('%s: main\'s production profile fails the evidence without a soak', async (_name, setup) => {
      const { sha, id, payload, comments } = setup();
      const r = await run(id, { payload, inputs: { 'evidence-dir': 'evidence' }, workspace: { [POLICY_PATH]: PRODUCTION_POLICY, ...evidence } });
      expect(r.exitCode).toBe(1);
      expect(fake.state.checkRuns).toEqual([expect.objectContaining({ head_sha: sha, conclusion: 'failure' })]);
      expect(fake.state.checkRuns[0]!.output.summary).toContain('profile `production`');
      expect(fake.state.comments.map((c) => c.issue_number).sort((a, b) => a - b)).toEqual(comments);
    });

    it('workflow_run of a merge-queue run whose branch names no base: fails closed', async () => {
      const { id, payload } = workflowRun(fake.addRun({ headSha: '9e'.repeat(20), headBranch: 'not-a-queue-branch', event: 'merge_group' }));
      const r = await run(id, { payload, inputs: { 'evidence-dir': 'evidence' }, workspace: { [POLICY_PATH]: BASIC_POLICY, ...evidence } });
      expect(r.exitCode).toBe(1);
      expect(fake.state.checkRuns).toEqual([expect.objectContaining({ head_sha: '9e'.repeat(20), conclusion: 'failure' })]);
      expect(printed).toContain('the merge group branch "not-a-queue-branch" does not name the branch it merges into');
    });
  });
});
