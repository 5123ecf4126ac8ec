/**
 * GitHub faults, end to end: the built action against the fake GitHub with one fault injected per
 * case. Transient faults are retried within a bounded time and change nothing; permanent ones
 * degrade with a clear warning. In every case the job summary, the outputs, the JSON report and the
 * exit code carry the true verdict, no criterion turns passed that should not, and the token
 * appears nowhere but in the `::add-mask::` line.
 *
 * The hung-request case lowers the action's per-request timeout (30 s) to 2 s through
 * RELEASE_GATE_REQUEST_TIMEOUT_MS, read only in src/github/octokit.ts.
 */
import { readFileSync } from 'node:fs';
import { zipSync } from 'fflate';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { faults, startFakeGitHub, type FakeGitHub, type Fault, type RecordedRequest } from '../github/fake-github.js';
import { BASIC_POLICY as POLICY, JUNIT, LCOV, POLICY_PATH, runAction, TOKEN, type ActionRun, warnings } from './run-action.js';

const HEAD = 'a1'.repeat(20);

let fake: FakeGitHub;
beforeEach(async () => {
  fake = await startFakeGitHub({ owner: 'acme', repo: 'shop' });
});
afterEach(async () => {
  expect(fake.invalidRequests()).toEqual([]);
  await fake.close();
});

interface Gate {
  r: ActionRun;
  report: { decision: string; criteria: Array<{ id: string; status: string; reason: string }> };
  ms: number;
}

/** A PR run with the basic evidence (unit-tests and coverage pass; the optional load-test is missing). */
async function gate(fault: (req: RecordedRequest, attempt: number) => Fault | undefined, options: { env?: Record<string, string>; coverageZip?: Uint8Array } = {}): Promise<Gate> {
  fake.setContent(POLICY_PATH, POLICY, 'main');
  const pull = fake.addPull({ number: 7, head: { ref: 'feature', sha: HEAD }, base: { ref: 'main' } });
  const run = fake.addRun({ headSha: HEAD, headBranch: 'feature', event: 'pull_request', pullRequests: [pull.number] });
  fake.addArtifact({ runId: run.id, name: 'test-results', files: { 'junit.xml': JUNIT } });
  fake.addArtifact({ runId: run.id, name: 'coverage', files: { 'lcov.info': LCOV }, ...(options.coverageZip && { zip: options.coverageZip }) });
  fake.setFault(fault);
  const started = Date.now();
  const r = await runAction(fake, { runId: run.id, workspace: { [POLICY_PATH]: POLICY }, ...(options.env && { env: options.env }) });
  const ms = Date.now() - started;
  expect(r.outputs.report, r.all).toBeDefined();
  const report = JSON.parse(readFileSync(r.outputs.report!, 'utf8')) as Gate['report'];
  expectNoToken(r);
  return { r, report, ms };
}

/** The token appears in no output of the step, the report, or anything published. */
function expectNoToken(r: ActionRun): void {
  expect(r.all).not.toContain(TOKEN);
  expect(r.stdout.split('\n').filter((l) => l.includes(TOKEN))).toEqual([`::add-mask::${TOKEN}`]);
  if (r.outputs.report) expect(readFileSync(r.outputs.report, 'utf8')).not.toContain(TOKEN);
  expect(JSON.stringify(fake.state.checkRuns)).not.toContain(TOKEN);
  expect(JSON.stringify(fake.state.comments)).not.toContain(TOKEN);
}

/** The true verdict of the basic evidence: pass, 2 of 3, load-test missing. */
function expectTrueVerdict({ r, report }: Gate): void {
  expect(r.code, r.all).toBe(0);
  expect(report.decision).toBe('pass');
  expect(Object.fromEntries(report.criteria.map((c) => [c.id, c.status]))).toEqual({ 'load-test': 'missing', 'unit-tests': 'passed', coverage: 'passed' });
  expect(r.outputs).toMatchObject({ decision: 'pass', score: '83.33', passed: '2', failed: '0', missing: '1' });
  expect(r.summary).toContain('### ✅ release-gate: passed · score 83.33% (needs 75%)');
}

const on = (operationId: string, fault: Fault, attempts = Infinity) => (req: RecordedRequest, attempt: number) =>
  req.operationId === operationId && attempt <= attempts ? fault : undefined;

describe('transient faults are retried, and change nothing', () => {
  it.each([
    ['500', faults.serverError(500)],
    ['502', faults.serverError(502)],
    ['503', faults.serverError(503)],
  ])('%s on creating the check run, twice', async (_name, fault) => {
    const g = await gate(on('checks/create', fault, 2));
    expectTrueVerdict(g);
    const status = (fault as { status: number }).status;
    expect(fake.restRequests('checks/create').map((q) => q.status)).toEqual([status, status, 201]);
    expect(fake.state.checkRuns).toHaveLength(1);
    expect(fake.state.checkRuns[0]!.conclusion).toBe('success');
    expect(g.ms).toBeLessThan(20_000);
  });

  it('429 with retry-after on creating the comment', async () => {
    const g = await gate(on('issues/create-comment', faults.tooManyRequests(1), 1));
    expectTrueVerdict(g);
    expect(fake.state.comments).toHaveLength(1);
    expect(fake.restRequests('issues/create-comment')).toHaveLength(2);
  });

  it('403 secondary rate limit with retry-after on reading the base policy', async () => {
    const g = await gate(on('repos/get-content', faults.secondaryRateLimit(1), 1));
    expectTrueVerdict(g);
    expect(fake.restRequests('repos/get-content')).toHaveLength(2);
    expect(warnings(g.r).join('\n')).toMatch(/secondary rate limit on GET .*: retrying in 1s/);
  });

  it('a connection reset on creating the check run', async () => {
    const g = await gate(on('checks/create', faults.reset, 1));
    expectTrueVerdict(g);
    expect(fake.state.checkRuns).toHaveLength(1);
  });

  it('a response that never ends is timed out and retried', async () => {
    const g = await gate(on('checks/create', faults.hang, 1), { env: { RELEASE_GATE_REQUEST_TIMEOUT_MS: '2000' } });
    expectTrueVerdict(g);
    expect(fake.state.checkRuns).toHaveLength(1);
    expect(fake.restRequests('checks/create')).toHaveLength(2);
    expect(g.ms).toBeLessThan(20_000);
  }, 60_000);

  it('a 503 from the artifact service (Twirp) on listing the artifacts', async () => {
    const g = await gate((req, attempt) => (req.kind === 'twirp' && req.operationId === 'ListArtifacts' && attempt === 1 ? faults.serverError(503) : undefined));
    expectTrueVerdict(g);
  }, 60_000);
});

describe('permanent faults degrade with a warning, and the verdict stands', () => {
  it('a 503 on every check-run request: warned, summary, outputs and exit code by the verdict', async () => {
    const g = await gate(on('checks/create', faults.serverError(503)));
    expectTrueVerdict(g);
    expect(fake.state.checkRuns).toHaveLength(0);
    expect(warnings(g.r).join('\n')).toMatch(/could not create the check run/);
    expect(g.r.outputs['check-run-id'] ?? '').toBe('');
    expect(g.ms).toBeLessThan(45_000);
  }, 60_000);

  it('403 "Resource not accessible by integration" on the check run: one warning naming the fix, not retried', async () => {
    const g = await gate(on('checks/create', faults.status(403, { message: 'Resource not accessible by integration', documentation_url: 'https://docs.github.com/rest/checks/runs#create-a-check-run', status: '403' })));
    expectTrueVerdict(g);
    expect(fake.restRequests('checks/create')).toHaveLength(1);
    expect(warnings(g.r).filter((w) => w.includes('Resource not accessible by integration'))).toHaveLength(1);
    expect(warnings(g.r).join('\n')).toContain('workflow_run');
  });

  it('a failing gate stays failed when publishing fails', async () => {
    const failing = JUNIT.replace(/(<testcase [^>]*>)\s*<\/testcase>/, '$1<failure message="boom"/></testcase>');
    expect(failing).not.toBe(JUNIT);
    fake.setContent(POLICY_PATH, POLICY, 'main');
    const run = fake.addRun({ headSha: HEAD, headBranch: 'main', event: 'push' });
    fake.addArtifact({ runId: run.id, name: 'test-results', files: { 'junit.xml': failing } });
    fake.addArtifact({ runId: run.id, name: 'coverage', files: { 'lcov.info': LCOV } });
    fake.setFault((req) => (req.kind === 'rest' && req.method !== 'GET' ? faults.serverError(500) : undefined));
    const r = await runAction(fake, { runId: run.id, workspace: { [POLICY_PATH]: POLICY } });
    expectNoToken(r);
    expect(r.code).toBe(1);
    expect(r.outputs).toMatchObject({ decision: 'fail', failed: '1' });
    expect(r.summary).toContain('release-gate: failed');
  }, 60_000);

  it('a 302 to a dead artifact URL: that criterion is missing with the reason, the gate fails', async () => {
    const g = await gate((req) => (req.kind === 'blob' && req.path.includes('/coverage.zip') ? faults.redirect(fake.deadUrl) : undefined));
    expect(g.r.code).toBe(1);
    const coverage = g.report.criteria.find((c) => c.id === 'coverage')!;
    expect(coverage.status).toBe('missing');
    expect(coverage.reason).toMatch(/^artifact "coverage" could not be downloaded: /);
    expect(g.report.criteria.find((c) => c.id === 'unit-tests')!.status).toBe('passed');
    expect(g.r.outputs).toMatchObject({ decision: 'fail', passed: '1', missing: '2' });
    expect(g.r.summary).toContain('release-gate: failed');
    expect(warnings(g.r).join('\n')).toContain('artifact "coverage" could not be downloaded');
    expect(fake.state.checkRuns[0]!.conclusion).toBe('failure');
    expect(g.ms).toBeLessThan(50_000);
  }, 90_000);

  it('a corrupted artifact zip: that criterion is missing with the reason, the gate fails', async () => {
    const zip = zipSync({ 'lcov.info': new TextEncoder().encode(LCOV) });
    const g = await gate(() => undefined, { coverageZip: zip.subarray(0, zip.length - 40) });
    expect(g.r.code).toBe(1);
    const coverage = g.report.criteria.find((c) => c.id === 'coverage')!;
    expect(coverage.status).toBe('missing');
    expect(coverage.reason).toMatch(/^artifact "coverage" could not be unpacked: not a readable zip/);
    expect(g.r.outputs).toMatchObject({ decision: 'fail', passed: '1', missing: '2' });
  });
});
