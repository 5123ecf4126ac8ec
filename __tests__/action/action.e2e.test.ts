/**
 * The built action end to end: dist/index.js in a child process against a local GitHub that
 * validates every REST request against GitHub's OpenAPI description. Bodies are asserted.
 */
import { readFileSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { faults, startFakeGitHub, type FakeGitHub } from '../github/fake-github.js';
import { BASIC_POLICY, JUNIT, LCOV, POLICY_PATH, runAction, TOKEN, warnings } from './run-action.js';

const HEAD = 'a1'.repeat(20);
const FORK_HEAD = 'f0'.repeat(20);

/** The basic policy plus a required soak criterion whose artifact never exists. */
const POLICY_WITH_SOAK = `${BASIC_POLICY}
  - id: soak
    title: Two-hour soak, no leaks
    evidence: { artifact: soak, path: summary.json, format: json }
    metrics: { hours: { path: "$.hours", unit: h } }
    expect: { hours: ">= 2h" }
`;

/** 1-based line of the first line containing `needle`: annotations point at policy lines. */
function lineOf(text: string, needle: string): number {
  const index = text.split('\n').findIndex((l) => l.includes(needle));
  if (index < 0) throw new Error(`"${needle}" is not in the policy`);
  return index + 1;
}

let fake: FakeGitHub;
beforeEach(async () => {
  fake = await startFakeGitHub({ owner: 'acme', repo: 'shop' });
});
afterEach(async () => {
  expect(fake.invalidRequests()).toEqual([]);
  expect(fake.unhandledRequests().map((r) => `${r.method} ${r.url}`)).toEqual([]);
  await fake.close();
});

function uploadBasicEvidence(runId: number) {
  fake.addArtifact({ runId, name: 'test-results', files: { 'junit.xml': JUNIT } });
  fake.addArtifact({ runId, name: 'coverage', files: { 'lcov.info': LCOV } });
}

function pullRequestRun(policy = BASIC_POLICY, options: { headSha?: string; number?: number } = {}) {
  fake.setContent(POLICY_PATH, policy, 'main');
  const pull = fake.addPull({ number: options.number ?? 7, head: { ref: 'feature', sha: options.headSha ?? HEAD }, base: { ref: 'main' } });
  const run = fake.addRun({ headSha: pull.head.sha, headBranch: 'feature', event: 'pull_request', pullRequests: [pull.number] });
  return { pull, run };
}

describe('pull requests', () => {
  it('a PR that passes: success check on the PR head, one sticky comment, summary and outputs', async () => {
    const { run } = pullRequestRun();
    uploadBasicEvidence(run.id);
    const r = await runAction(fake, { runId: run.id, workspace: { [POLICY_PATH]: BASIC_POLICY } });
    expect(r.stderr).not.toMatch(/Error/);
    expect(r.code).toBe(0);
    expect(r.all).not.toContain(TOKEN);

    expect(fake.state.checkRuns).toHaveLength(1);
    const check = fake.state.checkRuns[0]!;
    expect(check).toMatchObject({ name: 'release-gate', head_sha: HEAD, status: 'completed', conclusion: 'success', details_url: `https://github.com/acme/shop/actions/runs/${run.id}` });
    expect(check.output.title).toBe('Passed: 2 passed, 0 failed, 1 without evidence — score 83.33%');
    expect(check.output.summary).toContain('### ✅ release-gate: passed · score 83.33% (needs 75%)');
    // the optional criterion without evidence is annotated as a warning on its policy line
    expect(check.output.annotations).toEqual([
      expect.objectContaining({ path: POLICY_PATH, start_line: lineOf(BASIC_POLICY, 'id: load-test'), end_line: lineOf(BASIC_POLICY, 'id: load-test'), annotation_level: 'warning', title: 'Checkout p95 under 300 ms (load-test): no evidence' }),
    ]);

    expect(fake.state.comments).toHaveLength(1);
    const comment = fake.state.comments[0]!;
    expect(comment.issue_number).toBe(7);
    expect(comment.body).toMatch(/^<!-- release-gate:sticky release-gate -->\n<!-- release-gate:result sha=a1a1[0-9a-f]+ run=\d+ attempt=1 -->\n### ✅ release-gate: passed/);
    expect(comment.body).toContain(`commit \`${HEAD.slice(0, 7)}\``);
    expect(comment.body.length).toBeLessThanOrEqual(65_536);

    expect(r.outputs).toMatchObject({ decision: 'pass', score: '83.33', passed: '2', failed: '0', missing: '1', 'check-run-id': String(check.id), 'comment-url': expect.stringContaining('#issuecomment-') });
    const report = JSON.parse(readFileSync(r.outputs.report!, 'utf8'));
    expect(report.criteria[0].evidence[0]).toMatchObject({ artifact: 'test-results', path: 'junit.xml', artifactId: expect.any(Number), runId: run.id, headSha: HEAD });
    expect(r.summary).toContain('### ✅ release-gate: passed · score 83.33% (needs 75%)');
    // only the artifacts the policy names were downloaded
    expect(fake.requests.filter((q) => q.kind === 'blob')).toHaveLength(2);
  });

  it('a PR with missing required evidence fails: failure check with annotations, comment says no evidence', async () => {
    const { run } = pullRequestRun(POLICY_WITH_SOAK);
    uploadBasicEvidence(run.id);
    const r = await runAction(fake, { runId: run.id, workspace: { [POLICY_PATH]: POLICY_WITH_SOAK } });
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('::error::release-gate failed: required criteria not passed — no evidence: soak');
    const check = fake.state.checkRuns[0]!;
    expect(check.conclusion).toBe('failure');
    expect(check.output.title).toBe('Failed: 2 passed, 0 failed, 2 without evidence — score 71.42%');
    expect(check.output.annotations.map((a) => [a.start_line, a.annotation_level, a.title, a.message])).toEqual([
      [lineOf(POLICY_WITH_SOAK, 'id: load-test'), 'warning', 'Checkout p95 under 300 ms (load-test): no evidence', 'no artifact matches "k6-*" (artifacts: "coverage", "test-results")'],
      [lineOf(POLICY_WITH_SOAK, 'id: soak'), 'failure', 'Two-hour soak, no leaks (soak): no evidence', 'no artifact matches "soak" (artifacts: "coverage", "test-results")'],
    ]);
    const body = fake.state.comments[0]!.body;
    expect(body).toContain('### ❌ release-gate: failed · score 71.42% (needs 75%)');
    expect(body).toContain('#### ⚠️ No evidence');
    expect(body).toContain('**Two-hour soak, no leaks `soak`**');
    expect(r.outputs).toMatchObject({ decision: 'fail', missing: '2', passed: '2' });
  });

  it('a re-run updates the same comment in place, found across pages of comments', async () => {
    const { run } = pullRequestRun();
    uploadBasicEvidence(run.id);
    for (let i = 0; i < 45; i++) fake.addComment({ issue_number: 7, body: `discussion ${i}` });
    const first = await runAction(fake, { runId: run.id, workspace: { [POLICY_PATH]: BASIC_POLICY } });
    expect(first.code).toBe(0);
    const second = await runAction(fake, { runId: run.id, workspace: { [POLICY_PATH]: BASIC_POLICY }, env: { GITHUB_RUN_ATTEMPT: '2' } });
    expect(second.code).toBe(0);
    const ours = fake.state.comments.filter((c) => c.body.includes('release-gate:sticky'));
    expect(ours).toHaveLength(1);
    expect(ours[0]!.body).toContain('attempt=2');
    expect(fake.restRequests('issues/update-comment')).toHaveLength(1);
    expect(first.outputs['comment-url']).toBe(second.outputs['comment-url']);
  });

  it('a run for an older head never overwrites the comment of a newer one', async () => {
    const { run, pull } = pullRequestRun();
    uploadBasicEvidence(run.id);
    fake.addComment({ issue_number: 7, user: { login: 'github-actions[bot]', id: 41898282, type: 'Bot' }, body: '<!-- release-gate:sticky release-gate -->\n<!-- release-gate:result sha=newer run=999999 attempt=1 -->\nnewer result' });
    const payload = fake.eventPayload(run.id);
    pull.head.sha = 'b2'.repeat(20); // the PR moved on while this run was queued
    const r = await runAction(fake, { runId: run.id, payload, workspace: { [POLICY_PATH]: BASIC_POLICY } });
    expect(r.code).toBe(0);
    expect(fake.state.comments.map((c) => c.body)).toEqual([expect.stringContaining('newer result')]);
    expect(r.stdout).toContain(`comment not updated: the pull request's head is now b2b2b2b; this run is for a1a1a1a`);
    // its own commit still gets its check run
    expect(fake.state.checkRuns.map((c) => c.head_sha)).toEqual([HEAD]);
  });

  it('a PR that changes the policy is judged by the base policy, and the comment lists what it loosens', async () => {
    const { run } = pullRequestRun(POLICY_WITH_SOAK);
    uploadBasicEvidence(run.id);
    const weakened = BASIC_POLICY.replace('min-score: 75', 'min-score: 50').replace('tests: ">= 10"', 'tests: ">= 1"');
    const r = await runAction(fake, { runId: run.id, workspace: { [POLICY_PATH]: weakened } });
    expect(r.code).toBe(1); // the base policy still requires the soak
    const body = fake.state.comments[0]!.body;
    expect(body).toContain('> [!WARNING]\n> This pull request changes `.github/release-gate.yml`. It is judged by the policy of the base branch');
    expect(body).toContain('> - criteria removed: soak');
    expect(body).toContain('> - loosened: min&#45;score&#58; 75 → 50; unit&#45;tests&#58; tests "&#62;= 10" → "&#62;= 1"'.replace(/&#45;/g, '-'));
    expect(r.summary).toContain('criteria removed: soak');
    expect(fake.restRequests('repos/get-content')[0]!.url).toContain(`ref=${fake.state.pulls[0]!.base.sha}`);
  });
});

describe('a PR that adds the policy', () => {
  it('is judged by the policy it adds, says so, and does not retry the 404', async () => {
    const pull = fake.addPull({ number: 3, head: { ref: 'add-gate', sha: HEAD }, base: { ref: 'main' } });
    const run = fake.addRun({ headSha: HEAD, headBranch: 'add-gate', event: 'pull_request', pullRequests: [pull.number] });
    uploadBasicEvidence(run.id);
    const r = await runAction(fake, { runId: run.id, workspace: { [POLICY_PATH]: BASIC_POLICY } });
    expect(r.code).toBe(0);
    expect(fake.restRequests('repos/get-content')).toHaveLength(1);
    expect(fake.state.comments[0]!.body).toContain('> [!NOTE]\n> .github/release&#45;gate.yml is not on the base branch main yet&#58; this pull request is judged by the policy it adds.'.replace('&#45;', '-'));
  });
});

describe('push, forks and workflow_run', () => {
  it('a push to a release branch: check run with the production profile, no comment', async () => {
    const policy = `${BASIC_POLICY.replace('min-score: 75\n', 'min-score: 75\nprofiles:\n  production: { min-score: 90, branches: ["release/*"] }\n')}`;
    const run = fake.addRun({ headSha: HEAD, headBranch: 'release/2.0', event: 'push' });
    uploadBasicEvidence(run.id);
    const r = await runAction(fake, { runId: run.id, workspace: { [POLICY_PATH]: policy } });
    expect(r.code).toBe(1); // 83.33% is below production's 90%
    expect(fake.state.checkRuns[0]).toMatchObject({ head_sha: HEAD, conclusion: 'failure' });
    expect(fake.state.checkRuns[0]!.output.summary).toContain('score 83.33% (needs 90%)');
    expect(fake.state.checkRuns[0]!.output.summary).toContain('profile `production`');
    expect(fake.state.comments).toEqual([]);
    expect(fake.restRequests().filter((q) => q.method !== 'GET').map((q) => q.operationId)).toEqual(['checks/create']);
  });

  it('a fork PR with a read-only token: one warning with the workflow_run recipe, summary and outputs, exit by the verdict', async () => {
    fake.setReadOnly(true);
    const { run } = pullRequestRun(POLICY_WITH_SOAK);
    uploadBasicEvidence(run.id);
    const r = await runAction(fake, { runId: run.id, workspace: { [POLICY_PATH]: POLICY_WITH_SOAK } });
    expect(r.code).toBe(1);
    const forkWarnings = warnings(r).filter((w) => w.includes('workflow_run'));
    expect(forkWarnings).toHaveLength(1);
    expect(forkWarnings[0]).toContain('release-gate could not create the check run');
    expect(fake.restRequests('issues/create-comment')).toEqual([]); // not tried again after the first 403
    expect(r.summary).toContain('### ❌ release-gate: failed');
    expect(r.outputs).toMatchObject({ decision: 'fail', 'check-run-id': '', 'comment-url': '' });
    expect(r.all).not.toContain(TOKEN);
  });

  it('workflow_run for a fork PR: finds the PR by head SHA, reads the triggering run\'s artifacts, publishes', async () => {
    fake.setContent(POLICY_PATH, BASIC_POLICY, 'main');
    const pull = fake.addPull({ number: 12, head: { ref: 'patch-1', sha: FORK_HEAD, repo: 'contributor/shop' }, base: { ref: 'main' } });
    const ci = fake.addRun({ headSha: FORK_HEAD, headBranch: 'patch-1', event: 'pull_request', pullRequests: [] });
    uploadBasicEvidence(ci.id);
    const gate = fake.addRun({ headSha: fake.state.branches.main, headBranch: 'main', event: 'workflow_run' });
    const payload = { action: 'completed', workflow_run: fake.render.run(ci), repository: fake.render.repository() };
    const r = await runAction(fake, { runId: gate.id, eventName: 'workflow_run', payload, workspace: { [POLICY_PATH]: BASIC_POLICY } });
    expect(r.code).toBe(0);
    expect(fake.state.checkRuns[0]).toMatchObject({ head_sha: FORK_HEAD, conclusion: 'success' });
    expect(fake.state.comments).toHaveLength(1);
    expect(fake.state.comments[0]!.issue_number).toBe(pull.number);
    expect(fake.restRequests('actions/list-workflow-run-artifacts').length).toBeGreaterThan(0);
    const report = JSON.parse(readFileSync(r.outputs.report!, 'utf8'));
    expect(report.criteria[0].evidence[0]).toMatchObject({ runId: ci.id, headSha: FORK_HEAD });
  });

  it('artifacts of another run for another commit are not evidence', async () => {
    const { run } = pullRequestRun();
    const other = fake.addRun({ headSha: 'c3'.repeat(20), headBranch: 'feature', event: 'push' });
    uploadBasicEvidence(other.id);
    const r = await runAction(fake, { runId: run.id, inputs: { 'run-id': String(other.id) }, workspace: { [POLICY_PATH]: BASIC_POLICY } });
    expect(r.code).toBe(1);
    const check = fake.state.checkRuns[0]!;
    expect(check.conclusion).toBe('failure');
    expect(check.output.annotations[0]!.message).toBe(`run ${other.id} is for commit c3c3c3c, not a1a1a1a: its artifacts are not evidence for this commit`);
    expect(fake.requests.filter((q) => q.kind === 'blob')).toEqual([]);
  });
});

describe('artifacts', () => {
  it('of several artifacts with one name (re-runs) the newest counts, and max-age uses its creation time', async () => {
    const policy = BASIC_POLICY.replace('    weight: 3\n', '    weight: 3\n    max-age: 1d\n');
    const { run } = pullRequestRun(policy);
    const failing = JUNIT.replace('<testcase classname="test/cart.test.js" name="cart &gt; totals items" time="0.001503453">', '<testcase classname="test/cart.test.js" name="cart &gt; totals items" time="0.001503453"><failure message="boom"/>');
    expect(failing).not.toBe(JUNIT);
    fake.addArtifact({ runId: run.id, name: 'test-results', files: { 'junit.xml': failing }, createdAt: new Date(Date.now() - 3_600_000).toISOString() });
    const newest = fake.addArtifact({ runId: run.id, name: 'test-results', files: { 'junit.xml': JUNIT }, createdAt: new Date(Date.now() - 60_000).toISOString() });
    fake.addArtifact({ runId: run.id, name: 'coverage', files: { 'lcov.info': LCOV } });
    const r = await runAction(fake, { runId: run.id, workspace: { [POLICY_PATH]: policy } });
    expect(r.code).toBe(0);
    const report = JSON.parse(readFileSync(r.outputs.report!, 'utf8'));
    expect(report.criteria[0]).toMatchObject({ id: 'unit-tests', status: 'passed', evidence: [expect.objectContaining({ artifactId: newest.id, modified: newest.createdAt })] });

    const stale = fake.addRun({ headSha: HEAD, headBranch: 'feature', event: 'pull_request', pullRequests: [7] });
    fake.addArtifact({ runId: stale.id, name: 'test-results', files: { 'junit.xml': JUNIT }, createdAt: new Date(Date.now() - 3 * 86_400_000).toISOString() });
    fake.addArtifact({ runId: stale.id, name: 'coverage', files: { 'lcov.info': LCOV } });
    const old = await runAction(fake, { runId: stale.id, workspace: { [POLICY_PATH]: policy } });
    expect(old.code).toBe(1);
    expect(JSON.parse(readFileSync(old.outputs.report!, 'utf8')).criteria[0]).toMatchObject({ status: 'missing', reason: expect.stringMatching(/^test-results\/junit\.xml is 3d 0h old; max-age is 1d$/) });
  });

  it('on GitHub Enterprise Server the artifact API is refused with the fix named, and the gate fails', async () => {
    const { run } = pullRequestRun();
    uploadBasicEvidence(run.id);
    const r = await runAction(fake, { runId: run.id, workspace: { [POLICY_PATH]: BASIC_POLICY }, env: { GITHUB_SERVER_URL: 'https://ghes.example.com' } });
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('::error::cannot list the artifacts: the artifact API is not available on GitHub Enterprise Server. Download the artifacts with actions/download-artifact and pass their folder as evidence-dir.');
    expect(fake.state.checkRuns[0]!.conclusion).toBe('failure');
    expect(fake.state.checkRuns[0]!.output.annotations.map((a) => a.message)).toContain(
      'cannot list the artifacts: the artifact API is not available on GitHub Enterprise Server. Download the artifacts with actions/download-artifact and pass their folder as evidence-dir.',
    );
  });

  it('without actions: read on another run the message names the permission', async () => {
    const { run } = pullRequestRun();
    const other = fake.addRun({ headSha: HEAD, headBranch: 'feature', event: 'pull_request', pullRequests: [7] });
    uploadBasicEvidence(other.id);
    fake.setFault((req) => (req.operationId === 'actions/list-workflow-run-artifacts' ? faults.status(403, { message: 'Resource not accessible by integration', documentation_url: 'https://docs.github.com/rest/actions/artifacts#list-workflow-run-artifacts', status: '403' }) : undefined));
    const r = await runAction(fake, { runId: run.id, inputs: { 'run-id': String(other.id) }, workspace: { [POLICY_PATH]: BASIC_POLICY } });
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('::error::cannot list the artifacts: the token may not read artifacts. Grant "permissions: actions: read" to the job (or pass evidence-dir).');
    expect(r.outputs).toMatchObject({ decision: 'fail', missing: '3' });
  });
});

describe('GitHub limits and faults', () => {
  it('more than 50 annotations go out 50 per request', async () => {
    const many = `version: 1\ncriteria:\n${Array.from({ length: 60 }, (_, i) => `  - { id: c${i}, evidence: { artifact: "nope-${i}", path: x.xml, format: junit }, expect: { failed: "== 0" } }`).join('\n')}\n`;
    const { run } = pullRequestRun(many);
    const r = await runAction(fake, { runId: run.id, inputs: { comment: 'never' }, workspace: { [POLICY_PATH]: many } });
    expect(r.code).toBe(1);
    const creates = fake.restRequests('checks/create');
    const updates = fake.restRequests('checks/update');
    expect(creates).toHaveLength(1);
    expect(updates).toHaveLength(1);
    expect((creates[0]!.body as { output: { annotations: unknown[] } }).output.annotations).toHaveLength(50);
    expect((updates[0]!.body as { output: { annotations: unknown[] } }).output.annotations).toHaveLength(10);
    const lines = fake.state.checkRuns[0]!.output.annotations.map((a) => a.start_line);
    expect(lines).toEqual(Array.from({ length: 60 }, (_, i) => i + 3));
    expect(fake.state.comments).toEqual([]);
  });

  it('a report over 65,535 characters is trimmed failures-first with a note, and the job summary keeps it all', async () => {
    const title = 'A long criterion title, repeated to make a big report '.repeat(2);
    const big = `version: 1\ncriteria:\n${Array.from({ length: 400 }, (_, i) => `  - { id: c${i}, title: "${title}${i}", evidence: { artifact: "missing-${i}", path: x.xml, format: junit }, expect: { failed: "== 0" } }`).join('\n')}\n`;
    const { run } = pullRequestRun(big);
    const r = await runAction(fake, { runId: run.id, workspace: { [POLICY_PATH]: big } });
    expect(r.code).toBe(1);
    const summary = fake.state.checkRuns[0]!.output.summary!;
    expect(summary.length).toBeLessThanOrEqual(65_535);
    expect(summary).toMatch(/_… \d+ more lines cut to fit GitHub's size limit; the whole report is in the \[job summary\]\(https:\/\/github\.com\/acme\/shop\/actions\/runs\/\d+\)\._$/);
    expect(summary).toContain(`${title}0`);
    expect(fake.state.comments[0]!.body.length).toBeLessThanOrEqual(65_536);
    expect(r.summary.length).toBeGreaterThan(65_535);
    expect(r.summary).toContain(`${title}399`);
  });

  it('a 502 on creating the check run is retried', async () => {
    const { run } = pullRequestRun();
    uploadBasicEvidence(run.id);
    fake.setFault((req, attempt) => (req.operationId === 'checks/create' && attempt === 1 ? faults.serverError(502) : undefined));
    const r = await runAction(fake, { runId: run.id, workspace: { [POLICY_PATH]: BASIC_POLICY } });
    expect(r.code).toBe(0);
    expect(fake.restRequests('checks/create')).toHaveLength(2);
    expect(fake.state.checkRuns).toHaveLength(1);
    expect(fake.state.checkRuns[0]!.conclusion).toBe('success');
  });

  it('a 429 with retry-after is waited for and retried', async () => {
    const { run } = pullRequestRun();
    uploadBasicEvidence(run.id);
    fake.setFault((req, attempt) => (req.operationId === 'issues/list-comments' && attempt === 1 ? faults.tooManyRequests(1) : undefined));
    const r = await runAction(fake, { runId: run.id, workspace: { [POLICY_PATH]: BASIC_POLICY } });
    expect(r.code).toBe(0);
    expect(fake.restRequests('issues/list-comments')).toHaveLength(2);
    expect(fake.state.comments).toHaveLength(1);
  });

  it('evidence-dir reads a folder instead of artifacts; a policy error fails with annotations on the error lines', async () => {
    const broken = BASIC_POLICY.replace('failed: "== 0"', 'failde: "== 0"');
    const run = fake.addRun({ headSha: HEAD, headBranch: 'main', event: 'push' });
    const r = await runAction(fake, {
      runId: run.id,
      inputs: { 'evidence-dir': 'evidence' },
      workspace: { [POLICY_PATH]: broken, 'evidence/test-results/junit.xml': JUNIT, 'evidence/coverage/lcov.info': LCOV },
    });
    expect(r.code).toBe(1);
    const check = fake.state.checkRuns[0]!;
    expect(check).toMatchObject({ conclusion: 'failure' });
    expect(check.output.title).toBe('Failed: the policy has 1 error');
    expect(check.output.annotations).toEqual([
      expect.objectContaining({ path: POLICY_PATH, start_line: lineOf(broken, 'failde'), annotation_level: 'failure', message: expect.stringContaining('junit evidence has no metric "failde" (did you mean "failed"?)') }),
    ]);
    expect(r.outputs.decision).toBe('fail');
    expect(fake.requests.filter((q) => q.kind === 'twirp' || q.kind === 'blob')).toEqual([]);
  });
});
