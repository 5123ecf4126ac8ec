/**
 * The gate remembers (issue 13), end to end: the built action (dist/index.js) in a child process
 * against the local GitHub, which validates every REST request against GitHub's OpenAPI
 * description. Each case plays the real sequence: the action runs on the base commit first (a push
 * to main), so its check run with its real digest is in the fake, then on the change, whose run
 * finds that verdict by the base commit of its event (a PR's merge base, a merge group's base_sha,
 * a push's before or first parent), walking first parents when the base has none.
 *
 * Asserted: which requests the lookup makes (and that it counts them), the walk and the outcome in
 * the log, the `baseline` output, the digest written on every verdict's check run (decodable, of
 * its own commit), and that no digest is trusted that is refused, of another app, or absent.
 */
import { readFile } from 'node:fs/promises';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { faults, startFakeGitHub, type FakeGitHub, type TokenInfo } from '../github/fake-github.js';
import { readFileSync } from 'node:fs';
import { findBaseline } from '../../src/action/history.js';
import type { Reading } from '../../src/action/event.js';
import type { GateContext } from '../../src/github/context.js';
import { createOctokit } from '../../src/github/octokit.js';
import { decodeDigest, encodeDigest, sha256, type Digest } from '../../src/history/digest.js';
import { BASIC_POLICY, JUNIT, LCOV, POLICY_PATH, runAction, TOKEN, warnings, type ActionRun } from './run-action.js';

/** The n-th commit of the test's history: 40 hex characters, told apart by their first two. */
const C = (n: number) => `${n.toString(16).padStart(2, '0')}c0ffee00`.repeat(4);
const HEAD = 'a1'.repeat(20);
const short = (sha: string) => sha.slice(0, 7);
/** The basic policy with a relative expectation: line coverage at most half a point below the base's. */
const RELATIVE_POLICY = BASIC_POLICY.replace('lines: ">= 90%"', 'lines: [">= 90%", ">= base - 0.5 points"]');
const LOOKUP_OPERATIONS = ['repos/compare-commits-with-basehead', 'repos/compare-commits', 'checks/list-for-ref', 'git/get-commit'];

let fake: FakeGitHub;
/** the token's identity, changed between runs to play a check run written by another app */
let tokens: Record<string, TokenInfo>;
beforeEach(async () => {
  tokens = { [TOKEN]: {} };
  fake = await startFakeGitHub({ owner: 'acme', repo: 'shop', tokens });
});
afterEach(async () => {
  expect(fake.invalidRequests()).toEqual([]);
  expect(fake.unhandledRequests().map((r) => `${r.method} ${r.url}`)).toEqual([]);
  await fake.close();
});

/** main's history C(0) ← C(1) ← … ← C(n-1), the branch at its last commit. */
function mainHistory(n: number): string[] {
  const shas: string[] = [];
  for (let i = 0; i < n; i++) shas.push(fake.addCommit({ sha: C(i), parents: i === 0 ? [] : [C(i - 1)], message: `main ${i}` }).sha);
  fake.state.branches.main = shas.at(-1)!;
  return shas;
}

function uploadEvidence(runId: number): void {
  fake.addArtifact({ runId, name: 'test-results', files: { 'junit.xml': JUNIT } });
  fake.addArtifact({ runId, name: 'coverage', files: { 'lcov.info': LCOV } });
}

/** The action on a push of `sha` to `branch` (the payload's before as given: GitHub sends forty zeros for a new branch). */
async function push(sha: string, options: { before: string; branch?: string; policy?: string; inputs?: Record<string, string> }): Promise<ActionRun> {
  const run = fake.addRun({ headSha: sha, headBranch: options.branch ?? 'main', event: 'push' });
  uploadEvidence(run.id);
  const payload = { ...fake.eventPayload(run.id), before: options.before };
  return runAction(fake, { runId: run.id, payload, workspace: { [POLICY_PATH]: options.policy ?? BASIC_POLICY }, ...(options.inputs && { inputs: options.inputs }) });
}

/** The action on pull request #7: HEAD (a commit on `forkPoint`) into main at `baseSha`. */
async function pullRequest(options: { forkPoint: string; baseSha: string; policy?: string; inputs?: Record<string, string> }): Promise<ActionRun> {
  fake.addCommit({ sha: HEAD, parents: [options.forkPoint], message: 'the change' });
  fake.setContent(POLICY_PATH, options.policy ?? BASIC_POLICY, options.baseSha);
  fake.addPull({ number: 7, head: { ref: 'feature', sha: HEAD }, base: { ref: 'main', sha: options.baseSha } });
  const run = fake.addRun({ headSha: HEAD, headBranch: 'feature', event: 'pull_request', pullRequests: [7] });
  uploadEvidence(run.id);
  return runAction(fake, { runId: run.id, workspace: { [POLICY_PATH]: options.policy ?? BASIC_POLICY }, ...(options.inputs && { inputs: options.inputs }) });
}

interface Report {
  decision: string;
  criteria: Array<{ id: string; status: string; reason: string; checks: Array<Record<string, unknown>> }>;
}

function report(r: ActionRun): Report {
  return JSON.parse(readFileSync(r.outputs.report!, 'utf8')) as Report;
}

function coverageOf(r: ActionRun): Report['criteria'][number] {
  return report(r).criteria.find((c) => c.id === 'coverage')!;
}

/** What a run did to find its base: one line per request (run with the number of requests made before it). */
async function lookupOf(run: () => Promise<ActionRun>): Promise<{ r: ActionRun; requests: string[] }> {
  const before = fake.requests.length;
  const r = await run();
  expect(r.all).not.toContain(TOKEN);
  const requests = fake.requests
    .slice(before)
    .filter((q) => LOOKUP_OPERATIONS.includes(q.operationId ?? ''))
    .map((q) => {
      if (q.operationId === 'checks/list-for-ref') {
        expect(q.query).toMatchObject({ check_name: 'release-gate', filter: 'latest' });
        return `check runs of ${short(q.path.split('/')[5]!)}${q.query.page && q.query.page !== '1' ? ` page ${String(q.query.page)}` : ''}`;
      }
      if (q.operationId === 'git/get-commit') return `parent of ${short(q.path.split('/').at(-1)!)}`;
      const [base, head] = q.path.split('/').at(-1)!.split('...');
      return `compare ${short(base!)}...${short(head!)}`;
    });
  return { r, requests };
}

/** The lookup's lines in the log: the outcome, then the walk. */
function logged(r: ActionRun): string[] {
  const lines = r.stdout.split('\n');
  const at = lines.findIndex((l) => l.startsWith('compared with ') || l.startsWith('no baseline: '));
  expect(at, r.all).toBeGreaterThanOrEqual(0);
  const walk: string[] = [];
  for (let i = at + 1; i < lines.length && lines[i]!.startsWith('  '); i++) walk.push(lines[i]!.trim());
  return [lines[at]!, ...walk];
}

/** The digest the run wrote on its check run (the latest on that commit). */
function digestOn(sha: string): Digest {
  const check = fake.state.checkRuns.filter((c) => c.head_sha === sha).at(-1);
  expect(check, `a check run on ${short(sha)}`).toBeDefined();
  const decoded = decodeDigest(check!.output.text);
  if (!decoded || 'error' in decoded) throw new Error(`no usable digest on ${short(sha)}: ${JSON.stringify(decoded)}`);
  return decoded.digest;
}

function checkRunOn(sha: string) {
  return fake.state.checkRuns.filter((c) => c.head_sha === sha).at(-1)!;
}

describe('pull requests: the merge base', () => {
  it('finds the verdict recorded by the push of the merge base; the PR verdict carries its own digest, continuing the trend', async () => {
    const [c0, c1, c2] = mainHistory(3);
    // main's CI ran on C(1); C(2) came after the PR branched off C(1)
    const base = await push(c1!, { before: c0! });
    expect(base.code, base.all).toBe(0);
    const recorded = digestOn(c1!);
    expect(recorded).toMatchObject({ version: 1, commit: c1, branch: 'main', decision: 'pass', policy: { name: 'release-gate', sha256: sha256(BASIC_POLICY) } });
    expect(recorded.criteria['unit-tests']).toMatchObject({ status: 'passed', metrics: { failed: 0 } });

    const { r, requests } = await lookupOf(() => pullRequest({ forkPoint: c1!, baseSha: c2!, policy: RELATIVE_POLICY }));
    expect(r.code, r.all).toBe(0);
    // the merge base comes with its parents: no request for them
    expect(requests).toEqual([`compare ${short(c2!)}...${short(HEAD)}`, `check runs of ${short(c1!)}`]);
    expect(logged(r)).toEqual([
      `compared with main @ ${short(c1!)}: the merge base of the pull request (compare API), on that commit, 0 min old (2 API requests)`,
      `${short(c1!)}: verdict found (check run ${checkRunOn(c1!).id})`,
    ]);
    expect(r.outputs.baseline).toBe(c1);
    expect(warnings(r)).toEqual([]);
    // the relative expectation is checked against the base's figure, and every report names the base
    expect(coverageOf(r)).toMatchObject({ status: 'passed' });
    expect(coverageOf(r).checks).toContainEqual({ metric: 'lines', op: '>=', relative: true, base: 100, expected: 99.5, actual: 100, unit: '%', ok: true });
    const compared = `📐 Compared with \`main @ ${short(c1!)}\` — the merge base of the pull request &#40;compare API&#41;, on that commit, 0 min old.`;
    expect(checkRunOn(HEAD).output.summary).toContain(compared);
    expect(fake.state.comments[0]!.body).toContain(compared);
    expect(r.summary).toContain(compared);
    expect(r.summary).toContain(`- ${short(c1!)}&#58; verdict found &#40;check run ${checkRunOn(c1!).id}&#41;`);

    // the PR's check run (on its head) holds its own digest; the trend goes on from the base's
    const own = digestOn(HEAD);
    expect(own).toMatchObject({ commit: HEAD, branch: 'main', decision: 'pass' });
    expect(own.trend.map((p) => p.commit)).toEqual([c1, HEAD]);
    expect(checkRunOn(HEAD).output.text).toMatch(/^<!-- release-gate-digest v1 \d+ [0-9a-f]{16} [A-Za-z0-9+/=]+ -->$/);
    // the job summary draws the trend of the base branch and this verdict; the comment only when the policy asks
    expect(r.summary).toContain('#### 📈 Trend over the last 2 verdicts');
    expect(r.summary).toContain(`x-axis ["${short(c1!)}", "this"]`);
    expect(fake.state.comments[0]!.body).not.toContain('📈 Trend');
    // the JSON report carries the same digest, for --baseline in a later CLI run
    const report = JSON.parse(await readFile(r.outputs.report!, 'utf8')) as { digest: { commit: string; trend: unknown[] } };
    expect(report.digest).toMatchObject({ commit: HEAD, trend: own.trend });
  });

  it('walks first parents: a verdict two commits behind the merge base is found, and the walk is shown', async () => {
    const [c0, c1, c2, c3] = mainHistory(4);
    await push(c1!, { before: c0! });
    // C(2) and C(3) were pushed without a gate run (CI skipped)
    const { r, requests } = await lookupOf(() => pullRequest({ forkPoint: c3!, baseSha: c3! }));
    expect(r.code, r.all).toBe(0);
    expect(requests).toEqual([`compare ${short(c3!)}...${short(HEAD)}`, `check runs of ${short(c3!)}`, `check runs of ${short(c2!)}`, `parent of ${short(c2!)}`, `check runs of ${short(c1!)}`]);
    expect(logged(r)).toEqual([
      `compared with main @ ${short(c1!)}: the merge base of the pull request (compare API), found 2 commits back, 0 min old (5 API requests)`,
      `${short(c3!)}: no release-gate check run`,
      `${short(c2!)}: no release-gate check run`,
      `${short(c1!)}: verdict found (check run ${checkRunOn(c1!).id})`,
    ]);
    expect(r.outputs.baseline).toBe(c1);
  });

  it('no verdict within baseline-depth: the reason names the merge base, the depth and where verdicts must be recorded', async () => {
    const shas = mainHistory(6);
    const { r, requests } = await lookupOf(() => pullRequest({ forkPoint: shas[5]!, baseSha: shas[5]!, policy: RELATIVE_POLICY, inputs: { 'baseline-depth': '2' } }));
    // no base is not a pass: the required coverage criterion goes missing with the reason, and the gate fails
    expect(r.code, r.all).toBe(1);
    expect(coverageOf(r)).toMatchObject({
      status: 'missing',
      reason: expect.stringContaining(`lines >= base - 0.5 points: no baseline: no release-gate verdict on ${short(shas[5]!)} or its 2 ancestors; verdicts are recorded on every push to main`),
    });
    expect(report(r).decision).toBe('fail');
    expect(requests).toEqual([
      `compare ${short(shas[5]!)}...${short(HEAD)}`,
      `check runs of ${short(shas[5]!)}`,
      `check runs of ${short(shas[4]!)}`,
      `parent of ${short(shas[4]!)}`,
      `check runs of ${short(shas[3]!)}`,
    ]);
    expect(logged(r)).toEqual([
      `no baseline: no release-gate verdict on ${short(shas[5]!)} or its 2 ancestors; verdicts are recorded on every push to main (5 API requests)`,
      `${short(shas[5]!)}: no release-gate check run`,
      `${short(shas[4]!)}: no release-gate check run`,
      `${short(shas[3]!)}: no release-gate check run`,
    ]);
    expect(r.outputs.baseline).toBe('');
    // a verdict without a base still records its digest, with a trend of one
    expect(digestOn(HEAD).trend.map((p) => p.commit)).toEqual([HEAD]);
  });

  it('a history shorter than the depth: the walk ends at the first commit and says so', async () => {
    const [c0, c1] = mainHistory(2);
    const { r } = await lookupOf(() => pullRequest({ forkPoint: c1!, baseSha: c1! }));
    expect(logged(r)).toEqual([
      `no baseline: no release-gate verdict on ${short(c1!)} or its 1 ancestor (the history begins at ${short(c0!)}); verdicts are recorded on every push to main (4 API requests)`,
      `${short(c1!)}: no release-gate check run`,
      `${short(c0!)}: no release-gate check run`,
    ]);
  });

  it('a check run whose policy had errors holds no digest and is no base: the walk goes on to the verdict before it', async () => {
    const [c0, c1, c2] = mainHistory(3);
    await push(c1!, { before: c0! });
    const broken = await push(c2!, { before: c1!, policy: 'version: 1\nname: release-gate\ncriteria: nope\n' });
    expect(broken.code).toBe(1);
    expect(checkRunOn(c2!)).toMatchObject({ conclusion: 'failure', output: { text: null } });

    const { r } = await lookupOf(() => pullRequest({ forkPoint: c2!, baseSha: c2! }));
    expect(logged(r)).toEqual([
      `compared with main @ ${short(c1!)}: the merge base of the pull request (compare API), found 1 commit back, 0 min old (3 API requests)`,
      `${short(c2!)}: check run ${checkRunOn(c2!).id} holds no verdict digest (its policy had errors, or an older release-gate wrote it), not a base`,
      `${short(c1!)}: verdict found (check run ${checkRunOn(c1!).id})`,
    ]);
    expect(r.outputs.baseline).toBe(c1);
    expect(warnings(r)).toEqual([]);
  });

  it('compare fails: the PR’s base.sha is the base, and the log says why', async () => {
    const [c0, c1] = mainHistory(2);
    await push(c1!, { before: c0! });
    fake.setFault((q) => (q.operationId?.startsWith('repos/compare-commits') ? faults.status(404, { message: 'Not Found' }) : undefined));
    const { r, requests } = await lookupOf(() => pullRequest({ forkPoint: c1!, baseSha: c1! }));
    expect(requests).toEqual([`compare ${short(c1!)}...${short(HEAD)}`, `check runs of ${short(c1!)}`]);
    expect(logged(r)[0]).toBe(`compared with main @ ${short(c1!)}: the base commit of the pull request (the compare API failed: HTTP 404: Not Found), on that commit, 0 min old (2 API requests)`);
    expect(r.outputs.baseline).toBe(c1);
  });

  it('the check runs cannot be read: no baseline, with the API error and the permission it needs — never a pass on a base', async () => {
    const [c0, c1] = mainHistory(2);
    await push(c1!, { before: c0! });
    fake.setFault((q) => (q.operationId === 'checks/list-for-ref' ? faults.status(403, { message: 'Resource not accessible by integration' }) : undefined));
    const { r } = await lookupOf(() => pullRequest({ forkPoint: c1!, baseSha: c1! }));
    expect(logged(r)).toEqual([
      `no baseline: the check runs of ${short(c1!)} could not be read (HTTP 403: Resource not accessible by integration) after 2 API requests; the token needs checks: read and contents: read (2 API requests)`,
      `${short(c1!)}: the check runs could not be read`,
    ]);
    expect(r.outputs.baseline).toBe('');
  });

  it('input baseline: false makes no lookup request; the verdict still records its digest', async () => {
    const [c0, c1] = mainHistory(2);
    await push(c1!, { before: c0! });
    const { r, requests } = await lookupOf(() => pullRequest({ forkPoint: c1!, baseSha: c1!, inputs: { baseline: 'false' } }));
    expect(r.code, r.all).toBe(0);
    expect(requests).toEqual([]);
    expect(logged(r)).toEqual(['no baseline: the lookup is turned off (input baseline: false)']);
    expect(r.outputs.baseline).toBe('');
    expect(digestOn(HEAD).commit).toBe(HEAD);
  });
});

describe('refused digests: a warning, never trusted, and the walk goes on', () => {
  const cases: Array<[string, (text: string) => string, RegExp]> = [
    ['of an older digest version', (t) => t.replace('release-gate-digest v1 ', 'release-gate-digest v0 '), /the verdict digest is version 0, written by an older release-gate; this one reads version 1/],
    ['altered (one character of the payload changed)', (t) => t.replace(/ ([A-Za-z0-9+/=]{20})([A-Za-z0-9+/])/, (_, a: string, b: string) => ` ${a}${b === 'A' ? 'B' : 'A'}`), /the verdict digest does not match its checksum \(it was altered\)/],
    ['truncated', (t) => t.slice(0, Math.floor(t.length / 2)), /the verdict digest is cut off or malformed/],
  ];
  it.each(cases)('a digest %s on the merge base is refused with a warning; the verdict one commit back is the base', async (_, spoil, error) => {
    const [c0, c1] = mainHistory(2);
    await push(c0!, { before: '0'.repeat(40) });
    await push(c1!, { before: c0! });
    const spoilt = checkRunOn(c1!);
    spoilt.output.text = spoil(spoilt.output.text!);
    expect(spoilt.output.text).not.toBe(checkRunOn(c0!).output.text);

    const { r } = await lookupOf(() => pullRequest({ forkPoint: c1!, baseSha: c1! }));
    expect(r.code, r.all).toBe(0);
    const lines = logged(r);
    expect(lines[0]).toBe(`compared with main @ ${short(c0!)}: the merge base of the pull request (compare API), found 1 commit back, 0 min old (3 API requests)`);
    expect(lines[1]).toMatch(new RegExp(`^${short(c1!)}: check run ${spoilt.id}: digest refused: ${error.source}`));
    expect(lines[2]).toBe(`${short(c0!)}: verdict found (check run ${checkRunOn(c0!).id})`);
    expect(warnings(r)).toEqual([expect.stringMatching(new RegExp(`^the release-gate check run ${spoilt.id} on ${short(c1!)} is not used as the base: ${error.source}`))]);
    expect(r.outputs.baseline).toBe(c0);
  });

  it('the only verdict is altered: no baseline, a warning, and the digest written for this run is its own', async () => {
    const [c0, c1] = mainHistory(2);
    await push(c1!, { before: c0! });
    const spoilt = checkRunOn(c1!);
    spoilt.output.text = spoilt.output.text!.replace(/ ([A-Za-z0-9+/=]{20})([A-Za-z0-9+/])/, (_, a: string, b: string) => ` ${a}${b === 'A' ? 'B' : 'A'}`);
    const { r } = await lookupOf(() => pullRequest({ forkPoint: c1!, baseSha: c1!, policy: RELATIVE_POLICY }));
    expect(logged(r)[0]).toBe(`no baseline: no release-gate verdict on ${short(c1!)} or its 1 ancestor (the history begins at ${short(c0!)}); verdicts are recorded on every push to main (4 API requests)`);
    // the altered figures are never trusted into a pass: the relative expectation is missing, the gate fails
    expect(r.code).toBe(1);
    expect(coverageOf(r)).toMatchObject({ status: 'missing', reason: expect.stringContaining('lines >= base - 0.5 points: no baseline: ') });
    expect(checkRunOn(HEAD)).toMatchObject({ conclusion: 'failure' });
    expect(checkRunOn(HEAD).output.summary).toContain('> [!WARNING]\n> the release-gate check run');
    expect(warnings(r)).toEqual([`the release-gate check run ${spoilt.id} on ${short(c1!)} is not used as the base: the verdict digest does not match its checksum (it was altered)`]);
    expect(r.outputs.baseline).toBe('');
    expect(digestOn(HEAD).trend.map((p) => p.commit)).toEqual([HEAD]);
  });

  it('a digest copied onto another commit is refused: it names the commit it was made for', async () => {
    const [c0, c1] = mainHistory(2);
    await push(c0!, { before: '0'.repeat(40) });
    // someone with checks: write pastes C(0)'s verdict onto C(1) through the trusted app
    fake.addCheckRun({ name: 'release-gate', head_sha: c1!, conclusion: 'success', output: { ...checkRunOn(c0!).output, annotations: [], images: [] } });
    const copied = checkRunOn(c1!);
    const { r } = await lookupOf(() => pullRequest({ forkPoint: c1!, baseSha: c1! }));
    expect(logged(r).slice(1)).toEqual([
      `${short(c1!)}: check run ${copied.id}: digest refused: its verdict digest is of commit ${short(c0!)}, not of ${short(c1!)}`,
      `${short(c0!)}: verdict found (check run ${checkRunOn(c0!).id})`,
    ]);
    expect(warnings(r)).toHaveLength(1);
    expect(r.outputs.baseline).toBe(c0);
  });
});

describe('who wrote the base verdict', () => {
  it('only the trusted apps count: github-actions by default; input baseline-apps replaces the list', async () => {
    const [c0, c1] = mainHistory(2);
    await push(c0!, { before: '0'.repeat(40) });
    // then main's gate moved to the token of the GitHub App acme-ci
    tokens[TOKEN] = { app: 'acme-ci' };
    await push(c1!, { before: c0! });
    expect([checkRunOn(c0!).app, checkRunOn(c1!).app]).toEqual(['github-actions', 'acme-ci']);

    tokens[TOKEN] = {};
    const byDefault = await lookupOf(() => pullRequest({ forkPoint: c1!, baseSha: c1! }));
    expect(logged(byDefault.r)).toEqual([
      `compared with main @ ${short(c0!)}: the merge base of the pull request (compare API), found 1 commit back, 0 min old (3 API requests)`,
      `${short(c1!)}: check run ${checkRunOn(c1!).id} is by the app acme-ci, not a trusted app (input baseline-apps), ignored`,
      `${short(c0!)}: verdict found (check run ${checkRunOn(c0!).id})`,
    ]);
    expect(byDefault.r.outputs.baseline).toBe(c0);

    // the same PR run again, trusting acme-ci alone: C(1) is the base
    const prRun = fake.state.runs.at(-1)!.id;
    const appOnly = await lookupOf(() => runAction(fake, { runId: prRun, workspace: { [POLICY_PATH]: BASIC_POLICY }, inputs: { 'baseline-apps': 'acme-ci' } }));
    expect(logged(appOnly.r)[1]).toBe(`${short(c1!)}: verdict found (check run ${checkRunOn(c1!).id})`);
    expect(appOnly.r.outputs.baseline).toBe(c1);
    // had C(1)'s verdict been written with GITHUB_TOKEN, nothing would be trusted
    fake.state.checkRuns.find((c) => c.head_sha === c1)!.app = 'github-actions';
    const untrusted = await lookupOf(() => runAction(fake, { runId: prRun, workspace: { [POLICY_PATH]: BASIC_POLICY }, inputs: { 'baseline-apps': 'acme-ci' } }));
    expect(logged(untrusted.r).slice(1)).toEqual([
      `${short(c1!)}: check run ${checkRunOn(c1!).id} is by the app github-actions, not a trusted app (input baseline-apps), ignored`,
      `${short(c0!)}: check run ${checkRunOn(c0!).id} is by the app github-actions, not a trusted app (input baseline-apps), ignored`,
    ]);
    expect(untrusted.r.outputs.baseline).toBe('');
  });
});

describe('merge groups and pushes', () => {
  it('merge_group: the verdict on base_sha, with no compare', async () => {
    const [c0, c1] = mainHistory(2);
    await push(c1!, { before: c0! });
    const group = fake.addCommit({ sha: '9e'.repeat(20), parents: [c1!], message: 'Merge pull request #7' });
    fake.setContent(POLICY_PATH, BASIC_POLICY, c1!);
    fake.addPull({ number: 7, head: { ref: 'feature', sha: HEAD }, base: { ref: 'main', sha: c1! } });
    const run = fake.addRun({ headSha: group.sha, headBranch: `gh-readonly-queue/main/pr-7-${c1}`, event: 'merge_group' });
    uploadEvidence(run.id);
    expect(fake.eventPayload(run.id)).toMatchObject({ merge_group: { base_sha: c1, head_sha: group.sha } });

    const { r, requests } = await lookupOf(() => runAction(fake, { runId: run.id, workspace: { [POLICY_PATH]: BASIC_POLICY } }));
    expect(r.code, r.all).toBe(0);
    expect(requests).toEqual([`check runs of ${short(c1!)}`]);
    expect(logged(r)).toEqual([
      `compared with main @ ${short(c1!)}: the base commit of the merge group (base_sha), on that commit, 0 min old (1 API request)`,
      `${short(c1!)}: verdict found (check run ${checkRunOn(c1!).id})`,
    ]);
    expect(r.outputs.baseline).toBe(c1);
    expect(digestOn(group.sha)).toMatchObject({ commit: group.sha, branch: 'main' });
  });

  it('push: the verdict on the push’s before', async () => {
    const [c0, c1, c2] = mainHistory(3);
    await push(c0!, { before: '0'.repeat(40) });
    const { r, requests } = await lookupOf(() => push(c2!, { before: c0! }));
    expect(requests).toEqual([`check runs of ${short(c0!)}`]);
    expect(logged(r)).toEqual([
      `compared with main @ ${short(c0!)}: the commit before the push (before), on that commit, 0 min old (1 API request)`,
      `${short(c0!)}: verdict found (check run ${checkRunOn(c0!).id})`,
    ]);
    expect(r.outputs.baseline).toBe(c0);
    // the branch's trend grows by one point per verdict
    expect(digestOn(c2!).trend.map((p) => p.commit)).toEqual([c0, c2]);
    expect(c1).toBeDefined();
  });

  it('push of a new branch (before is forty zeros): the first parent of the pushed commit', async () => {
    const [c0, c1] = mainHistory(2);
    await push(c1!, { before: c0! });
    const feature = fake.addCommit({ sha: 'fe'.repeat(20), parents: [c1!], message: 'a new branch' });
    const { r, requests } = await lookupOf(() => push(feature.sha, { before: '0'.repeat(40), branch: 'feature' }));
    expect(requests).toEqual([`parent of ${short(feature.sha)}`, `check runs of ${short(c1!)}`]);
    expect(logged(r)).toEqual([
      `compared with main @ ${short(c1!)}: the first parent of the pushed commit, on that commit, 0 min old (2 API requests)`,
      `${short(c1!)}: verdict found (check run ${checkRunOn(c1!).id})`,
    ]);
    expect(r.outputs.baseline).toBe(c1);
    expect(digestOn(feature.sha)).toMatchObject({ commit: feature.sha, branch: 'feature' });
  });
});

describe('inputs', () => {
  it.each([
    [{ 'baseline-depth': '51' }, 'input baseline-depth must be a number of commits from 0 to 50 (got "51")'],
    [{ 'baseline-depth': 'ten' }, 'input baseline-depth must be a number of commits from 0 to 50 (got "ten")'],
    [{ baseline: 'maybe' }, 'input baseline must be true or false (got "maybe")'],
    [{ 'baseline-apps': 'acme-ci, evil[bot]' }, 'input baseline-apps must list GitHub App slugs'],
  ])('%o is refused before anything is published', async (inputs, message) => {
    const [c0] = mainHistory(1);
    const run = fake.addRun({ headSha: c0!, headBranch: 'main', event: 'push' });
    const r = await runAction(fake, { runId: run.id, inputs, workspace: { [POLICY_PATH]: BASIC_POLICY } });
    expect(r.code).toBe(1);
    expect(r.stdout).toContain(message);
    expect(fake.state.checkRuns).toEqual([]);
  });
});

/**
 * findBaseline in-process against the same local GitHub (coverage sees it; the cases above run the
 * bundle): the corners a realistic sequence rarely reaches.
 */
describe('findBaseline in-process', () => {
  const context = (over: Partial<GateContext> = {}): GateContext => ({
    eventName: 'pull_request',
    owner: 'acme',
    repo: 'shop',
    headSha: HEAD,
    runId: 1,
    runAttempt: 1,
    serverUrl: 'https://github.com',
    apiUrl: fake.apiUrl,
    runUrl: 'https://github.com/acme/shop/actions/runs/1',
    ...over,
  });
  const pull = (baseSha?: string): Reading => ({ what: { kind: 'pull', numbers: [7], ref: 'main', ...(baseSha && { baseSha }) }, branch: 'main' });
  const octokit = () => createOctokit(TOKEN, fake.apiUrl, { warning: () => undefined });
  /** A verdict digest as the action writes it, for commit `sha`. */
  const digestText = (sha: string) => {
    const encoded = encodeDigest({ version: 1, commit: sha, branch: 'main', time: '2026-01-01T00:00:00Z', policy: { name: 'release-gate', sha256: sha256('p') }, decision: 'pass', score: 100, criteria: {}, trend: [] });
    if ('error' in encoded) throw new Error(encoded.error);
    return encoded.text;
  };
  const verdictOn = (sha: string, over: Partial<Parameters<FakeGitHub['addCheckRun']>[0]> = {}) =>
    fake.addCheckRun({ name: 'release-gate', head_sha: sha, conclusion: 'success', output: { title: 't', summary: 's', text: digestText(sha), annotations: [], images: [] }, ...over });

  it('reads a second page of check runs, and no third', async () => {
    const [c0] = mainHistory(1);
    fake.addCommit({ sha: HEAD, parents: [c0!] });
    verdictOn(c0!);
    // 150 newer runs of the same name by other apps (filter=latest keeps one per app)
    for (let i = 0; i < 150; i++) verdictOn(c0!, { app: `other-${i}` });
    const lookup = await findBaseline(octokit(), context(), pull(c0), 'release-gate', { depth: 0, trustedApps: ['github-actions'] });
    expect(lookup.baseline?.label).toBe(`main @ ${short(c0!)}`);
    expect(fake.restRequests('checks/list-for-ref').map((q) => q.query.page)).toEqual(['1', '2']);
    expect(lookup.apiCalls).toBe(3);
    expect(lookup.walk[0]).toMatch(/is by the app other-149, not a trusted app .*verdict found/);
  });

  it('a check run still in progress, or on another commit, is no base', async () => {
    const [c0, c1] = mainHistory(2);
    fake.addCommit({ sha: HEAD, parents: [c1!] });
    const running = verdictOn(c1!, { status: 'in_progress', conclusion: null });
    const lookup = await findBaseline(octokit(), context(), pull(c1), 'release-gate', { depth: 0, trustedApps: ['github-actions'] });
    expect(lookup.walk).toEqual([`${short(c1!)}: check run ${running.id} is not completed, ignored`]);
    expect(lookup.reason).toBe(`no baseline: no release-gate verdict on ${short(c1!)} (input baseline-depth is 0: no ancestor is looked at); verdicts are recorded on every push to main`);
    expect(c0).toBeDefined();
  });

  it('the request cap ends the walk with the reason', async () => {
    const shas = mainHistory(5);
    fake.addCommit({ sha: HEAD, parents: [shas[4]!] });
    const lookup = await findBaseline(octokit(), context(), pull(shas[4]), 'release-gate', { depth: 4, trustedApps: ['github-actions'], maxRequests: 4 });
    expect(lookup).toMatchObject({ reason: 'no baseline: the lookup stopped at its cap of 4 API requests', apiCalls: 4 });
    expect(fake.restRequests().filter((q) => LOOKUP_OPERATIONS.includes(q.operationId ?? ''))).toHaveLength(4);
  });

  it('a parent that cannot be read is a reason naming the commit', async () => {
    const [c0, c1] = mainHistory(2);
    fake.addCommit({ sha: HEAD, parents: [c1!] });
    fake.setFault((q) => (q.operationId === 'git/get-commit' ? faults.status(404, { message: 'Not Found' }) : undefined));
    // compare finds no common ancestor either: the PR's base.sha is the start, whose parent is then needed
    fake.state.commits[HEAD]!.parents = [];
    const lookup = await findBaseline(octokit(), context(), pull(c1), 'release-gate', { depth: 3, trustedApps: ['github-actions'] });
    expect(lookup.reason).toMatch(new RegExp(`^no baseline: the parent of ${short(c1!)} could not be read \\(HTTP 404: Not Found\\) after 3 API requests$`));
    expect(c0).toBeDefined();
  });

  it('a bare commit (the plan could not be determined) starts from its first parent; a root commit has none', async () => {
    const [c0, c1] = mainHistory(2);
    verdictOn(c0!);
    const commit: Reading = { what: { kind: 'commit', sha: c1! } };
    const found = await findBaseline(octokit(), context({ headSha: c1! }), commit, 'release-gate', { depth: 2, trustedApps: ['github-actions'] });
    expect(found.baseline).toMatchObject({ label: `main @ ${short(c0!)}`, how: 'the first parent of the commit, on that commit' });
    const root = await findBaseline(octokit(), context({ headSha: c0! }), { what: { kind: 'commit', sha: c0! } }, 'release-gate', { depth: 2, trustedApps: ['github-actions'] });
    expect(root.reason).toBe(`no baseline: ${short(c0!)} has no parent (the first commit of the repository)`);
  });

  it('workflow_run of a PR without its base sha: compare with the base branch by name', async () => {
    const [c0, c1] = mainHistory(2);
    fake.addCommit({ sha: HEAD, parents: [c0!] });
    verdictOn(c0!);
    const lookup = await findBaseline(octokit(), context({ eventName: 'workflow_run' }), pull(), 'release-gate', { depth: 2, trustedApps: ['github-actions'] });
    expect(fake.restRequests().filter((q) => q.operationId?.startsWith('repos/compare-commits')).map((q) => q.path)).toEqual([`/repos/acme/shop/compare/main...${HEAD}`]);
    expect(lookup.baseline?.how).toBe('the merge base of the pull request (compare API), on that commit');
    expect(c1).toBeDefined();
  });
});
