/**
 * Waivers end to end (issue 15): the built action (dist/index.js) in a child process against the
 * local GitHub, on pull requests whose base branch `main` holds the policy that judges them.
 *
 * The policy is the basic one plus a required soak criterion; the evidence has a soak of 1 hour
 * where 2 are needed, so `soak` fails and with it the gate. A waiver of `soak` on main turns it
 * into **waived** (outside the score and the required check) while it holds; one the pull request
 * adds is not used until merged (a change cannot waive its own failures), and an expired one is
 * ignored. Expiry dates are computed from the day the test runs, as the action counts days from
 * its own clock.
 *
 * Narrow waivers of SARIF findings the same way: a code-scanning criterion on CodeQL's
 * codeql-extensions.sarif (12 results, the 4 errors among the 5 findings of three rules) with a waiver of those rules on main, or added
 * by the pull request.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startFakeGitHub, type FakeGitHub } from '../github/fake-github.js';
import { FIXTURES } from '../helpers/evidence.js';
import { BASIC_POLICY, JUNIT, LCOV, POLICY_PATH, runAction, TOKEN, type ActionRun } from './run-action.js';

const HEAD = 'a1'.repeat(20);
const DAY_MS = 86_400_000;
const LINK = 'https://github.com/acme/shop/issues/812';
const REASON = 'the soak rig is being rebuilt';

/** The basic policy plus a required two-hour soak; the evidence below has one hour. */
const POLICY = `${BASIC_POLICY}
  - id: soak
    title: Two-hour soak, no leaks
    evidence: { artifact: soak, path: summary.json, format: json }
    metrics: { hours: { path: "$.hours", unit: h } }
    expect: { hours: ">= 2h" }
`;

/** The UTC day `offset` days from now, as a waiver's `expires` names it. */
function day(offset: number, now = Date.now()): string {
  return new Date(now + offset * DAY_MS).toISOString().slice(0, 10);
}

/** The days left the action counts at `now` for a waiver that holds through `expires` (UTC), today included. */
function daysLeft(expires: string, now: number): number {
  return Math.ceil((Date.parse(`${expires}T00:00:00Z`) + DAY_MS - now) / DAY_MS);
}

/** POLICY with a waiver of the failing soak criterion until `expires`. */
function withWaiver(expires: string): string {
  return `${POLICY}waivers:
  - criterion: soak
    reason: ${REASON}
    expires: "${expires}"
    link: ${LINK}
    approved-by: "@release-owner"
`;
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

/** The basic policy plus a required code-scanning criterion: no error-level finding. */
const SARIF_POLICY = `${BASIC_POLICY}
  - id: codeql
    title: No error-level alerts
    evidence: { artifact: codeql, path: "*.sarif", format: sarif }
    expect: { error: "== 0" }
`;
const SARIF = readFileSync(path.join(FIXTURES, 'sarif/codeql-extensions.sarif'), 'utf8');
const SARIF_RULES = ['js/sql-injection', 'js/code-injection', 'react/no-danger/1'];

/** SARIF_POLICY with a waiver of the error-level rules' findings until `expires`. */
function withRuleWaiver(expires: string): string {
  return `${SARIF_POLICY}waivers:
  - criterion: codeql
    reason: the sanitiser lands with the next release
    expires: "${expires}"
    rules: [${SARIF_RULES.join(', ')}]
    link: ${LINK}
`;
}

/** Pull request #7 into main, whose policy is `basePolicy`; the PR's checkout carries `headPolicy`. */
async function pullRequest(basePolicy: string, headPolicy = basePolicy): Promise<{ r: ActionRun; comment: string; conclusion: string | null | undefined; window: [number, number] }> {
  fake.setContent(POLICY_PATH, basePolicy, 'main');
  const pull = fake.addPull({ number: 7, head: { ref: 'feature', sha: HEAD }, base: { ref: 'main' } });
  const run = fake.addRun({ headSha: HEAD, headBranch: 'feature', event: 'pull_request', pullRequests: [pull.number] });
  fake.addArtifact({ runId: run.id, name: 'test-results', files: { 'junit.xml': JUNIT } });
  fake.addArtifact({ runId: run.id, name: 'coverage', files: { 'lcov.info': LCOV } });
  fake.addArtifact({ runId: run.id, name: 'soak', files: { 'summary.json': '{"hours": 1}' } });
  fake.addArtifact({ runId: run.id, name: 'codeql', files: { 'js.sarif': SARIF } });
  const start = Date.now();
  const r = await runAction(fake, { runId: run.id, inputs: { comment: 'always' }, workspace: { [POLICY_PATH]: headPolicy } });
  const end = Date.now();
  expect(r.all).not.toContain(TOKEN);
  // the policy that judged is main's, fetched at the pull request's base commit
  expect(fake.restRequests('repos/get-content').map((q) => String(q.query.ref))).toEqual([pull.base.sha]);
  expect(fake.state.checkRuns).toHaveLength(1);
  expect(fake.state.checkRuns[0]).toMatchObject({ head_sha: HEAD, status: 'completed' });
  expect(fake.state.comments).toHaveLength(1);
  return { r, comment: fake.state.comments[0]!.body, conclusion: fake.state.checkRuns[0]!.conclusion, window: [start, end] };
}

interface Report {
  decision: string;
  score: number;
  counts: Record<string, number>;
  criteria: Array<{ id: string; status: string; reason: string }>;
  waivers: Array<{ criterion: string; state: string; expires: string; daysLeft: number; expiringSoon: boolean; note: string }>;
}

function report(r: ActionRun): Report {
  return JSON.parse(readFileSync(r.outputs.report!, 'utf8')) as Report;
}

function statuses(r: ActionRun): Record<string, string> {
  return Object.fromEntries(report(r).criteria.map((c) => [c.id, c.status]));
}

/** The Markdown section that starts with `heading`, up to the next heading. */
function section(body: string, heading: string): string {
  const at = body.indexOf(heading);
  expect(at, `no "${heading}" in:\n${body}`).toBeGreaterThanOrEqual(0);
  const next = body.indexOf('\n#### ', at + heading.length);
  return body.slice(at, next === -1 ? undefined : next);
}

describe('waivers on pull requests', () => {
  it('a PR that adds a waiver of its own failing criterion is judged without it: failure, and the policy note lists the waiver', async () => {
    const expires = day(20);
    const { r, comment, conclusion } = await pullRequest(POLICY, withWaiver(expires));
    expect(r.code, r.all).toBe(1);
    expect(conclusion).toBe('failure');
    expect(statuses(r)).toEqual({ 'unit-tests': 'passed', coverage: 'passed', 'load-test': 'missing', soak: 'failed' });
    expect(report(r)).toMatchObject({ decision: 'fail', waivers: [] });
    expect(r.outputs).toMatchObject({ decision: 'fail', failed: '1' });

    expect(comment).toContain('### ❌ release-gate: failed');
    expect(comment).toContain('> [!WARNING]\n> This pull request changes `.github/release-gate.yml`. It is judged by the policy of the base branch; the change takes effect once merged.');
    // the same note in the check run and the job summary
    const note = `> - waivers added or extended (not used until merged): soak&#58; waiver added, to ${expires} &#40;${REASON}&#41;`;
    expect(comment).toContain(note);
    expect(fake.state.checkRuns[0]!.output.summary).toContain(note);
    expect(r.summary).toContain(note);
    expect(comment).not.toContain('⏳');
  });

  it('the same waiver on main, expiring in 3 days: soak is waived, the check passes, the comment shows it and flags the expiry', async () => {
    const expires = day(3);
    const { r, comment, conclusion, window } = await pullRequest(withWaiver(expires));
    expect(r.code, r.all).toBe(0);
    expect(conclusion).toBe('success');
    expect(statuses(r)).toEqual({ 'unit-tests': 'passed', coverage: 'passed', 'load-test': 'missing', soak: 'waived' });
    // outside the score: 3 + 2 of 3 + 2 + 1 (load-test) = 83.33 %, soak's weight left out
    expect(report(r)).toMatchObject({ decision: 'pass', score: 83.33, counts: { passed: 2, failed: 0, missing: 1, waived: 1 } });
    const [waiver] = report(r).waivers;
    expect(waiver).toMatchObject({ criterion: 'soak', state: 'applied', expires, expiringSoon: true });
    // 4 days left (today included), or 3 if the run straddled midnight UTC
    expect([daysLeft(expires, window[0]), daysLeft(expires, window[1])]).toContain(waiver!.daysLeft);
    const left = `${waiver!.daysLeft} days`;

    expect(comment).toContain('### ✅ release-gate: passed');
    expect(comment).not.toContain('[!WARNING]');
    const waived = section(comment, '#### ⏳ Waived');
    expect(waived).toContain('Two-hour soak, no leaks `soak`');
    expect(waived).toContain(`**waived** until ${expires} (${left} left ⚠️): ${REASON} · [ticket](${LINK}) · approved by &#64;\u200brelease-owner`);
    // what it would have been without the waiver
    expect(waived).toContain('<sub>failed&#58; hours = 1 h, expected ≥ 2 h</sub>');
    const waivers = section(comment, '#### ⏳ Waivers');
    expect(waivers).toContain(`- ⚠️ \`soak\` (policy line ${POLICY.split('\n').length + 1}): the waiver expires in ${left} (${expires}) · [ticket](${LINK})`);
  });

  it('an active waiver with weeks to go is shown with its days left and not flagged', async () => {
    const expires = day(30);
    const { r, comment, conclusion, window } = await pullRequest(withWaiver(expires));
    expect(r.code, r.all).toBe(0);
    expect(conclusion).toBe('success');
    const [waiver] = report(r).waivers;
    expect(waiver).toMatchObject({ criterion: 'soak', state: 'applied', expires, expiringSoon: false });
    expect([daysLeft(expires, window[0]), daysLeft(expires, window[1])]).toContain(waiver!.daysLeft);
    const waived = section(comment, '#### ⏳ Waived');
    expect(waived).toContain(`**waived** until ${expires} (${waiver!.daysLeft} days left): ${REASON} · [ticket](${LINK})`);
    // nothing to act on: no warning sign on it, no waivers section
    expect(waived).not.toContain('⚠️');
    expect(comment).not.toContain('#### ⏳ Waivers');
  });

  it('an expired waiver on main is ignored: soak fails, the check fails, and the comment says when it expired', async () => {
    const expires = day(-2);
    const { r, comment, conclusion } = await pullRequest(withWaiver(expires));
    expect(r.code, r.all).toBe(1);
    expect(conclusion).toBe('failure');
    expect(statuses(r)).toEqual({ 'unit-tests': 'passed', coverage: 'passed', 'load-test': 'missing', soak: 'failed' });
    expect(report(r).waivers).toEqual([expect.objectContaining({ criterion: 'soak', state: 'expired', expires, daysLeft: 0, note: `waiver expired on ${expires}` })]);
    expect(comment).toContain('### ❌ release-gate: failed');
    expect(comment).not.toContain('#### ⏳ Waived');
    expect(section(comment, '#### ⏳ Waivers')).toContain(`- ⌛ \`soak\` (policy line ${POLICY.split('\n').length + 1}): waiver expired on ${expires} — not used`);
  });
});

describe('narrow waivers of SARIF findings on pull requests', () => {
  it('a rule waiver on main takes those findings out of the counts: the criterion passes with results.waived beside results', async () => {
    const expires = day(20);
    const { r, comment, conclusion } = await pullRequest(withRuleWaiver(expires));
    expect(r.code, r.all).toBe(0);
    expect(conclusion).toBe('success');
    expect(statuses(r)).toEqual({ 'unit-tests': 'passed', coverage: 'passed', 'load-test': 'missing', codeql: 'passed' });
    const metrics = (JSON.parse(r.outputs.metrics!) as Record<string, Record<string, number>>).codeql!;
    // codeql-extensions.sarif: 12 results, 4 of them errors, all among the 5 findings of the three waived rules
    expect(metrics).toMatchObject({ error: 0, 'results.waived': 5, results: 7 });
    expect(report(r).waivers).toEqual([expect.objectContaining({ criterion: 'codeql', state: 'applied', expires, note: '5 findings waived' })]);
    expect(comment).toContain('### ✅ release-gate: passed');
  });

  it('the same waiver added by the pull request is not used: the errors fail the check, and the policy note lists the waiver', async () => {
    const expires = day(20);
    const { r, comment, conclusion } = await pullRequest(SARIF_POLICY, withRuleWaiver(expires));
    expect(r.code, r.all).toBe(1);
    expect(conclusion).toBe('failure');
    expect(statuses(r)).toMatchObject({ codeql: 'failed' });
    const metrics = (JSON.parse(r.outputs.metrics!) as Record<string, Record<string, number>>).codeql!;
    expect(metrics).toMatchObject({ error: 4, results: 12 });
    expect(metrics['results.waived']).toBeUndefined();
    expect(report(r).waivers).toEqual([]);
    expect(comment).toContain(`> - waivers added or extended (not used until merged): codeql&#58; waiver of 3 rules added, to ${expires} &#40;the sanitiser lands with the next release&#41;`);
  });
});
