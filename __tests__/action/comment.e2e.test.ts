/**
 * The sticky comment, end to end (the built action against the local GitHub): it adopts only a
 * comment the token's own identity wrote, whoever else pastes the marker and a result stamp; it
 * learns that identity from GraphQL `viewer` (any token) or GET /user (user tokens), and adopts
 * nothing when it cannot; with `comment: on-failure` a passing run brings the earlier ❌ up to date.
 * Request bodies are asserted: which comment was PATCHed, and that a look-alike never was.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { faults, GITHUB_ACTIONS_BOT, startFakeGitHub, type FakeGitHub, type TokenInfo, type UserInfo } from '../github/fake-github.js';
import { BASIC_POLICY, JUNIT, LCOV, POLICY_PATH, runAction, TOKEN, warnings } from './run-action.js';

const HEAD = 'a1'.repeat(20);
const NEXT_HEAD = 'b2'.repeat(20);
const MARKER = '<!-- release-gate:sticky release-gate -->';
const MALLORY: UserInfo = { login: 'mallory', id: 666, type: 'User' };

/** What a PR author pastes: our marker, a stamp from a "later" run on this very commit, a pass. */
function forgedBody(sha = HEAD): string {
  return `${MARKER}\n<!-- release-gate:result sha=${sha} run=999999999 attempt=9 -->\n### ✅ release-gate: passed · score 100% (needs 75%)\n\nAll criteria passed.\n`;
}

let fake: FakeGitHub;
async function start(tokens?: Record<string, TokenInfo>): Promise<FakeGitHub> {
  fake = await startFakeGitHub({ owner: 'acme', repo: 'shop', ...(tokens && { tokens }) });
  fake.setContent(POLICY_PATH, BASIC_POLICY, 'main');
  return fake;
}
afterEach(async () => {
  expect(fake.invalidRequests()).toEqual([]);
  expect(fake.unhandledRequests().map((r) => `${r.method} ${r.url}`)).toEqual([]);
  await fake.close();
});

/** A run on PR 7's head; `evidence: 'all'` passes the basic policy, 'no-coverage' fails it. */
function prRun(evidence: 'all' | 'no-coverage', headSha = HEAD) {
  const pull = fake.state.pulls.find((p) => p.number === 7) ?? fake.addPull({ number: 7, head: { ref: 'feature', sha: headSha }, base: { ref: 'main' } });
  pull.head.sha = headSha;
  const run = fake.addRun({ headSha, headBranch: 'feature', event: 'pull_request', pullRequests: [7] });
  fake.addArtifact({ runId: run.id, name: 'test-results', files: { 'junit.xml': JUNIT } });
  if (evidence === 'all') fake.addArtifact({ runId: run.id, name: 'coverage', files: { 'lcov.info': LCOV } });
  return run;
}

const gate = (runId: number, inputs: Record<string, string> = {}) => runAction(fake, { runId, inputs, workspace: { [POLICY_PATH]: BASIC_POLICY } });

function patchedIds(): number[] {
  return fake.restRequests('issues/update-comment').map((r) => Number(/\/comments\/(\d+)$/.exec(r.path)![1]));
}

describe('the sticky comment cannot be hijacked', () => {
  const impostors: Array<[string, UserInfo]> = [
    ['the PR author', MALLORY],
    ['another app’s bot', { login: 'evil-helper[bot]', id: 777, type: 'Bot' }],
    ['a user named like the bot', { login: 'github-actions', id: 888, type: 'User' }],
  ];

  it.each(impostors)('a forged ✅ by %s neither stops the update nor is adopted; the real ❌ is posted and names the imitation', async (_, impostor) => {
    await start();
    const forged = fake.addComment({ issue_number: 7, user: impostor, body: forgedBody() });
    const run = prRun('no-coverage');
    const r = await gate(run.id);
    expect(r.code).toBe(1);

    // the forgery is untouched and was never PATCHed
    expect(fake.state.comments.find((c) => c.id === forged.id)!.body).toBe(forgedBody());
    expect(patchedIds()).toEqual([]);
    // our own comment was created, by the token's identity, with the real verdict
    const created = fake.restRequests('issues/create-comment');
    expect(created).toHaveLength(1);
    const ours = fake.state.comments.filter((c) => c.id !== forged.id);
    expect(ours).toHaveLength(1);
    expect(ours[0]!.user).toEqual(GITHUB_ACTIONS_BOT);
    expect((created[0]!.body as { body: string }).body).toBe(ours[0]!.body);
    expect(ours[0]!.body).toMatch(new RegExp(`^${MARKER}\\n<!-- release-gate:result sha=${HEAD} run=${run.id} attempt=1 -->\\n> \\[!CAUTION\\]\\n> Another comment on this pull request carries this report's hidden marker but was written by `));
    expect(ours[0]!.body).toContain('not by github&#45;actions[bot]'.replace('[', '&#91;').replace(']', '&#93;').replace('&#45;', '-'));
    expect(ours[0]!.body).toContain('### ❌ release-gate: failed');
    expect(r.outputs['comment-url']).toContain(`#issuecomment-${ours[0]!.id}`);
    // it asked GitHub who it is
    expect(fake.requests.filter((q) => q.kind === 'graphql').map((q) => (q.body as { query: string }).query)).toEqual(['query { viewer { login databaseId } }']);
    expect(warnings(r).join('\n')).toContain(`carry release-gate's marker but were written by ${impostor.login}, not by github-actions[bot]`);

    // the next run updates our comment, still never the forgery
    const next = prRun('all');
    const again = await gate(next.id);
    expect(again.code).toBe(0);
    expect(patchedIds()).toEqual([ours[0]!.id]);
    expect(fake.state.comments.find((c) => c.id === forged.id)!.body).toBe(forgedBody());
    expect(fake.state.comments.find((c) => c.id === ours[0]!.id)!.body).toContain('### ✅ release-gate: passed');
  });

  it('a personal access token adopts its own user’s comment, and a github-actions[bot] look-alike is not its own', async () => {
    const releaseBot: UserInfo = { login: 'release-bot', id: 4242, type: 'User' };
    await start({ [TOKEN]: { user: releaseBot } });
    const mine = fake.addComment({ issue_number: 7, user: releaseBot, body: `${MARKER}\n<!-- release-gate:result sha=${HEAD} run=1 attempt=1 -->\nearlier result` });
    const other = fake.addComment({ issue_number: 7, user: GITHUB_ACTIONS_BOT, body: forgedBody() });
    const r = await gate(prRun('all').id);
    expect(r.code).toBe(0);
    expect(patchedIds()).toEqual([mine.id]);
    expect(fake.restRequests('issues/create-comment')).toEqual([]);
    expect(fake.state.comments.find((c) => c.id === other.id)!.body).toBe(forgedBody());
    expect(fake.state.comments.find((c) => c.id === mine.id)!.body).toContain('written by github&#45;actions&#91;bot&#93;, not by release&#45;bot'.replace(/&#45;/g, '-'));
  });

  it('when GraphQL is unavailable a user token is known from GET /user', async () => {
    const releaseBot: UserInfo = { login: 'release-bot', id: 4242, type: 'User' };
    await start({ [TOKEN]: { user: releaseBot } });
    fake.setFault((req) => (req.kind === 'graphql' ? faults.status(404, { message: 'Not Found' }) : undefined));
    const mine = fake.addComment({ issue_number: 7, user: releaseBot, body: `${MARKER}\n<!-- release-gate:result sha=${HEAD} run=1 attempt=1 -->\nearlier result` });
    const r = await gate(prRun('all').id);
    expect(r.code).toBe(0);
    expect(fake.restRequests('users/get-authenticated')).toHaveLength(1);
    expect(patchedIds()).toEqual([mine.id]);
  });

  it('when the identity cannot be learnt it adopts nothing: a new comment says why, and a warning', async () => {
    // an installation token: GET /user answers 403; and GraphQL is down
    await start();
    fake.setFault((req) => (req.kind === 'graphql' ? faults.status(404, { message: 'Not Found' }) : undefined));
    const earlier = fake.addComment({ issue_number: 7, user: GITHUB_ACTIONS_BOT, body: `${MARKER}\n<!-- release-gate:result sha=${HEAD} run=1 attempt=1 -->\nearlier result` });
    const forged = fake.addComment({ issue_number: 7, user: MALLORY, body: forgedBody() });
    const r = await gate(prRun('no-coverage').id);
    expect(r.code).toBe(1);
    expect(fake.restRequests('users/get-authenticated').map((q) => q.status)).toEqual([403]);
    expect(patchedIds()).toEqual([]);
    expect(fake.state.comments.find((c) => c.id === earlier.id)!.body).toContain('earlier result');
    expect(fake.state.comments.find((c) => c.id === forged.id)!.body).toBe(forgedBody());
    const created = fake.state.comments.filter((c) => c.id !== earlier.id && c.id !== forged.id);
    expect(created).toHaveLength(1);
    expect(created[0]!.body).toContain('> [!WARNING]\n> release-gate could not learn which account its token acts as');
    expect(created[0]!.body).toContain('### ❌ release-gate: failed');
    expect(warnings(r).join('\n')).toContain('release-gate cannot tell which earlier comment on #7 is its own (GraphQL viewer: ');
    expect(warnings(r).join('\n')).toContain('GET /user: Resource not accessible by integration');
  });
});

describe('comment: on-failure', () => {
  it('a later passing run brings the earlier ❌ comment up to date (the same comment, PATCHed)', async () => {
    await start();
    const first = await gate(prRun('no-coverage').id, { comment: 'on-failure' });
    expect(first.code).toBe(1);
    expect(fake.state.comments).toHaveLength(1);
    const failed = fake.state.comments[0]!;
    expect(failed.body).toContain('### ❌ release-gate: failed');

    const fixed = prRun('all', NEXT_HEAD);
    const second = await gate(fixed.id, { comment: 'on-failure' });
    expect(second.code).toBe(0);
    expect(patchedIds()).toEqual([failed.id]);
    expect(fake.restRequests('issues/create-comment')).toHaveLength(1);
    expect(fake.state.comments).toHaveLength(1);
    expect(fake.state.comments[0]!.body).toMatch(new RegExp(`^${MARKER}\\n<!-- release-gate:result sha=${NEXT_HEAD} run=${fixed.id} attempt=1 -->\\n### ✅ release-gate: passed`));
    expect(fake.state.comments[0]!.body).not.toContain('❌ release-gate: failed');
    expect(second.outputs['comment-url']).toBe(first.outputs['comment-url']);
  });

  it('a passing run with no earlier comment of its own stays silent, and never adopts a look-alike ❌', async () => {
    await start();
    const lookAlike = fake.addComment({ issue_number: 7, user: MALLORY, body: `${MARKER}\n<!-- release-gate:result sha=${HEAD} run=1 attempt=1 -->\n### ❌ release-gate: failed` });
    const r = await gate(prRun('all').id, { comment: 'on-failure' });
    expect(r.code).toBe(0);
    expect(patchedIds()).toEqual([]);
    expect(fake.restRequests('issues/create-comment')).toEqual([]);
    expect(fake.state.comments.map((c) => c.id)).toEqual([lookAlike.id]);
    expect(r.stdout).toContain('comment not updated: no earlier release-gate comment to bring up to date (comment: on-failure, and this run passed)');
  });
});
