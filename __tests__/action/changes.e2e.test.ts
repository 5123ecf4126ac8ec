/**
 * What the change touches, in the action (issue 14), end to end: the built action (dist/index.js)
 * in a child process against the local GitHub, which validates every REST request against
 * GitHub's OpenAPI description. The change comes from a real git checkout made here (a merge
 * commit like refs/pull/N/merge, a shallow clone of it) or from GitHub's APIs (the pull request
 * files over several pages, with a patch left out, past the 3,000 files GitHub lists; compare for
 * merge groups and pushes). Asserted: where the change was read (and which requests were made),
 * the exact patch figures, not applicable and missing as the change allows, and the warning
 * annotations at uncovered changed lines.
 */
import { readFileSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startFakeGitHub, type DiffFile, type FakeGitHub } from '../github/fake-github.js';
import { commit, git, initRepo, tempDir } from '../changes/repo.js';
import { JUNIT, POLICY_PATH, runAction, TOKEN, type ActionRun } from './run-action.js';

const POLICY = `version: 1
name: release-gate
criteria:
  - id: unit-tests
    evidence: { artifact: test-results, path: "**/*.xml", format: junit }
    expect: { failed: "== 0" }
  - id: patch
    title: Changed lines are tested
    evidence: { artifact: coverage, path: lcov.info, format: lcov }
    expect: { patch.lines: ">= 50%" }
  - id: api-tests
    title: API tests
    paths: ["src/**"]
    evidence: { artifact: test-results, path: "**/*.xml", format: junit }
    expect: { failed: "== 0" }
`;

const lines = (n: number, prefix: string) => Array.from({ length: n }, (_, i) => `${prefix} ${i + 1}`).join('\n') + '\n';
/** src/a.ts gains lines 5–7; src/b.ts is new (4 lines). */
const A_BASE = lines(20, 'a');
const A_HEAD = A_BASE.split('\n').toSpliced(4, 0, 'new 1', 'new 2', 'new 3').join('\n');
const B_HEAD = lines(4, 'b');
/** The coverage: of the changed lines a.ts 5 (ran), 6, 7 and b.ts 1, 2 (ran), 3 are instrumented: 3 of 6. */
const LCOV = `TN:
SF:/home/runner/work/shop/shop/src/a.ts
DA:1,1
DA:5,1
DA:6,0
DA:7,0
DA:20,1
end_of_record
SF:/home/runner/work/shop/shop/src/b.ts
DA:1,1
DA:2,1
DA:3,0
end_of_record
`;
/** What GitHub's files API says of that change. */
const PR_FILES: DiffFile[] = [
  { filename: 'src/a.ts', status: 'modified', additions: 3, deletions: 0, patch: '@@ -4,0 +5,3 @@ a 4\n+new 1\n+new 2\n+new 3' },
  { filename: 'src/b.ts', status: 'added', additions: 4, deletions: 0, patch: '@@ -0,0 +1,4 @@\n+b 1\n+b 2\n+b 3\n+b 4' },
];

let fake: FakeGitHub;
beforeEach(async () => {
  fake = await startFakeGitHub({ owner: 'acme', repo: 'shop' });
});
afterEach(async () => {
  expect(fake.invalidRequests()).toEqual([]);
  expect(fake.unhandledRequests().map((r) => `${r.method} ${r.url}`)).toEqual([]);
  await fake.close();
});

interface Report {
  decision: string;
  criteria: Array<{ id: string; status: string; reason: string; metrics: Record<string, number> }>;
}
const report = (r: ActionRun) => JSON.parse(readFileSync(r.outputs.report!, 'utf8')) as Report;
const criterion = (r: ActionRun, id: string) => report(r).criteria.find((c) => c.id === id)!;
const operations = (from: number) => fake.requests.slice(from).map((q) => q.operationId ?? '');
const changeLine = (r: ActionRun) => r.stdout.split('\n').find((l) => /change: \d+ changed files? from /.test(l) || l.includes('the change is not known'));

/** Pull request #7 from `head` into main at `base`, its evidence uploaded, the policy on the base. */
function pullRequest(head: string, base: string, files: DiffFile[], lcov = LCOV, policy = POLICY): number {
  fake.setContent(POLICY_PATH, policy, base);
  fake.addPull({ number: 7, head: { ref: 'feature', sha: head }, base: { ref: 'main', sha: base }, files });
  const run = fake.addRun({ headSha: head, headBranch: 'feature', event: 'pull_request', pullRequests: [7] });
  fake.addArtifact({ runId: run.id, name: 'test-results', files: { 'junit.xml': JUNIT } });
  fake.addArtifact({ runId: run.id, name: 'coverage', files: { 'lcov.info': lcov } });
  return run.id;
}

/** A repository like the one actions/checkout gives a pull_request run: HEAD the merge commit refs/pull/7/merge. */
function mergeCheckout(): { dir: string; base: string; head: string; merge: string } {
  const dir = initRepo({ 'src/a.ts': A_BASE, 'docs/guide.md': 'guide\n' }, 'pr');
  const base = git(dir, 'rev-parse', 'main').trim();
  const head = commit(dir, { 'src/a.ts': A_HEAD, 'src/b.ts': B_HEAD }, 'the change');
  // main moves on (docs only) before GitHub makes the merge commit: its first parent is that
  git(dir, 'checkout', '-q', 'main');
  commit(dir, { 'docs/guide.md': 'guide, edited\n' }, 'main moves on');
  git(dir, 'checkout', '-q', '--detach', 'main');
  git(dir, 'merge', '-q', '--no-ff', '-m', 'Merge feature into main', 'change');
  const merge = git(dir, 'rev-parse', 'HEAD').trim();
  git(dir, 'branch', 'pull-7-merge', merge);
  return { dir, base, head, merge };
}

const common = { baseline: 'false' };
const COMPARE = ['repos/compare-commits-with-basehead', 'repos/compare-commits'];

describe('pull requests', () => {
  it('reads the change from the merge commit of a git checkout: exact patch figures, no files API, uncovered lines annotated as warnings', async () => {
    const repo = mergeCheckout();
    const runId = pullRequest(repo.head, repo.base, PR_FILES);
    const before = fake.requests.length;
    const r = await runAction(fake, { runId, inputs: common, env: { GITHUB_WORKSPACE: repo.dir } });
    expect(r.code, r.all).toBe(0);
    expect(r.all).not.toContain(TOKEN);
    expect(operations(before)).not.toContain('pulls/list-files');
    expect(changeLine(r)).toMatch(new RegExp(`^change: 2 changed files from git diff [0-9a-f]{7}\\.\\.${repo.merge.slice(0, 7)} \\(the merge commit of #7 and its first parent\\)$`));
    expect(criterion(r, 'patch')).toMatchObject({ status: 'passed', metrics: { 'patch.lines': 50, 'patch.lines.covered': 3, 'patch.lines.total': 6 } });
    expect(criterion(r, 'api-tests').status).toBe('passed');
    const check = fake.state.checkRuns.at(-1)!;
    const warnings = check.output.annotations.filter((a) => a.annotation_level === 'warning').map((a) => [a.path, a.start_line, a.end_line, a.title]);
    expect(warnings).toEqual([
      ['src/a.ts', 6, 7, 'Changed lines not covered'],
      ['src/b.ts', 3, 3, 'Changed line not covered'],
    ]);
    expect(check.output.annotations.find((a) => a.path === 'src/a.ts')!.message).toBe(
      'Lines 6–7 are changed and not run by the tests (Changed lines are tested, patch: 2 of 3 instrumented changed lines of this file not covered)',
    );
  });

  it('falls back to the files API in a shallow clone, and reads git again when asked to fetch history', async () => {
    const repo = mergeCheckout();
    const dir = tempDir('shallow');
    git(dir, 'clone', '-q', '--depth', '1', '--branch', 'pull-7-merge', `file://${repo.dir}`, 'ws');
    const ws = `${dir}/ws`;
    expect(git(ws, 'rev-parse', '--is-shallow-repository').trim()).toBe('true');
    const runId = pullRequest(repo.head, repo.base, PR_FILES);
    let before = fake.requests.length;
    const shallow = await runAction(fake, { runId, inputs: common, env: { GITHUB_WORKSPACE: ws } });
    expect(shallow.code, shallow.all).toBe(0);
    expect(operations(before).filter((o) => o.startsWith('pulls/'))).toEqual(expect.arrayContaining(['pulls/get', 'pulls/list-files']));
    expect(changeLine(shallow)).toBe("change: 2 changed files from the GitHub API's file list of pull request #7 (2 API requests)");
    expect(shallow.stdout).toContain(`the local checkout: the checkout is the merge commit ${repo.merge.slice(0, 7)} of the pull request, but its first parent`);
    expect(criterion(shallow, 'patch')).toMatchObject({ status: 'passed', metrics: { 'patch.lines': 50, 'patch.lines.covered': 3, 'patch.lines.total': 6 } });

    before = fake.requests.length;
    const fetched = await runAction(fake, { runId, inputs: { ...common, 'fetch-history': 'true' }, env: { GITHUB_WORKSPACE: ws } });
    expect(fetched.code, fetched.all).toBe(0);
    expect(operations(before)).not.toContain('pulls/list-files');
    expect(changeLine(fetched)).toMatch(/from git diff [0-9a-f]{7}\.\.[0-9a-f]{7} \(the merge commit of #7/);
    expect(fetched.stdout).toContain(`fetched 100 commits of history behind ${repo.merge.slice(0, 7)} (input fetch-history)`);
    expect(criterion(fetched, 'patch').metrics).toMatchObject({ 'patch.lines.covered': 3, 'patch.lines.total': 6 });
  });

  it('reads 250 files over three pages of the files API; exact figures; 200 warning annotations and a note of the 50 left out', async () => {
    const files: DiffFile[] = [];
    let lcov = '';
    for (let i = 0; i < 250; i++) {
      const name = `src/f${String(i).padStart(3, '0')}.ts`;
      files.push({ filename: name, status: 'added', additions: 3, deletions: 0, patch: '@@ -0,0 +1,3 @@\n+x\n+y\n+z' });
      lcov += `SF:${name}\nDA:1,1\nDA:2,${i % 2}\nDA:3,0\nend_of_record\n`;
    }
    const runId = pullRequest('a1'.repeat(20), 'b2'.repeat(20), files, lcov);
    const before = fake.requests.length;
    const r = await runAction(fake, { runId, inputs: common });
    expect(r.code, r.all).toBe(0);
    const pages = fake.requests.slice(before).filter((q) => q.operationId === 'pulls/list-files');
    expect(pages.map((q) => [q.query.per_page, q.query.page ?? '1'])).toEqual([
      ['100', '1'],
      ['100', '2'],
      ['100', '3'],
    ]);
    expect(changeLine(r)).toBe("change: 250 changed files from the GitHub API's file list of pull request #7 (4 API requests)");
    // 250 + 125 of 750
    expect(criterion(r, 'patch')).toMatchObject({ status: 'passed', metrics: { 'patch.lines.covered': 375, 'patch.lines.total': 750, 'patch.lines': 50 } });
    const check = fake.state.checkRuns.at(-1)!;
    const warnings = check.output.annotations.filter((a) => a.title?.startsWith('Changed line'));
    expect(warnings).toHaveLength(200);
    // the 125 files with two uncovered lines (2–3) come first, one range each; then line 3 of the others
    expect(warnings[0]).toMatchObject({ path: 'src/f000.ts', start_line: 2, end_line: 3, annotation_level: 'warning' });
    expect(warnings[125]).toMatchObject({ path: 'src/f001.ts', start_line: 3, end_line: 3 });
    expect(check.output.summary).toContain('50 more ranges of uncovered changed lines are not annotated (at most 200 are)');
  });

  it('a file whose patch GitHub left out: the patch criterion is missing with the reason, paths still known', async () => {
    const files: DiffFile[] = [...PR_FILES, { filename: 'src/big.ts', status: 'modified', additions: 4000, deletions: 10 }, { filename: 'img/logo.png', status: 'added', additions: 0, deletions: 0 }];
    const lcov = `${LCOV}SF:src/big.ts\nDA:1,1\nend_of_record\n`;
    const runId = pullRequest('a1'.repeat(20), 'b2'.repeat(20), files, lcov);
    const r = await runAction(fake, { runId, inputs: common });
    expect(r.code, r.all).toBe(1);
    const patch = criterion(r, 'patch');
    expect(patch.status).toBe('missing');
    expect(patch.reason).toContain('the changed lines of src/big.ts are not known (GitHub leaves out the patch of a large file)');
    expect(criterion(r, 'api-tests').status).toBe('passed');
  });

  it('more files than GitHub lists: a paths criterion is missing, never not applicable', async () => {
    const files: DiffFile[] = Array.from({ length: 3_001 }, (_, i) => ({ filename: `docs/page-${i}.md`, status: 'modified' as const, additions: 1, deletions: 1, patch: '@@ -1 +1 @@\n-a\n+b' }));
    const runId = pullRequest('a1'.repeat(20), 'b2'.repeat(20), files);
    const r = await runAction(fake, { runId, inputs: common });
    expect(r.code, r.all).toBe(1);
    const api = criterion(r, 'api-tests');
    expect(api.status).toBe('missing');
    expect(api.reason).toContain('whether the change touches src/** is not known: GitHub lists 3000 of the 3001 files pull request #7 changes (its files API stops at 3,000)');
    expect(api.reason).toContain('fetch-depth: 0');
    expect(r.stdout).toContain('::warning title=release-gate change::the change may lack files');
  });

  it('a docs-only change: the paths criterion is not applicable, folded in the comment, and the gate passes on the rest', async () => {
    const policy = POLICY.replace(/ {2}- id: patch[\s\S]*?(?= {2}- id: api-tests)/, '');
    const runId = pullRequest('a1'.repeat(20), 'b2'.repeat(20), [{ filename: 'docs/guide.md', status: 'modified', additions: 1, deletions: 1, patch: '@@ -1 +1 @@\n-guide\n+guide, edited' }], LCOV, policy);
    const r = await runAction(fake, { runId, inputs: common });
    expect(r.code, r.all).toBe(0);
    expect(r.outputs).toMatchObject({ decision: 'pass', passed: '1', 'not-applicable': '1', missing: '0', failed: '0' });
    const api = criterion(r, 'api-tests');
    expect(api).toMatchObject({ status: 'not-applicable', reason: "the change touches none of its paths (src/**): 1 changed file, read from the GitHub API's file list of pull request #7" });
    const comment = fake.state.comments.at(-1)!.body;
    expect(comment).toMatch(/<details><summary>➖ 1 not applicable to this change<\/summary>[\s\S]*API tests[\s\S]*<\/details>/);
  });
});

describe('merge groups and pushes: the compare API', () => {
  const BASE = 'c0'.repeat(20);
  const GROUP = 'd1'.repeat(20);

  function history(head: string, files: DiffFile[]): void {
    fake.addCommit({ sha: BASE, parents: [], message: 'main' });
    fake.addCommit({ sha: head, parents: [BASE], message: 'the change', files });
  }

  it('merge_group: compares base_sha...head_sha', async () => {
    history(GROUP, PR_FILES);
    fake.setContent(POLICY_PATH, POLICY, BASE);
    const run = fake.addRun({ headSha: GROUP, headBranch: `gh-readonly-queue/main/pr-7-${BASE}`, event: 'merge_group' });
    fake.addArtifact({ runId: run.id, name: 'test-results', files: { 'junit.xml': JUNIT } });
    fake.addArtifact({ runId: run.id, name: 'coverage', files: { 'lcov.info': LCOV } });
    const before = fake.requests.length;
    const r = await runAction(fake, { runId: run.id, inputs: common });
    expect(r.code, r.all).toBe(0);
    const compares = fake.requests.slice(before).filter((q) => COMPARE.includes(q.operationId ?? ''));
    expect(compares.map((q) => q.path.split('/').at(-1))).toEqual([`${BASE}...${GROUP}`]);
    expect(changeLine(r)).toBe('change: 2 changed files from the compare API, c0c0c0c...d1d1d1d: the base commit of the merge group (base_sha) (1 API request)');
    expect(criterion(r, 'patch').metrics).toMatchObject({ 'patch.lines.covered': 3, 'patch.lines.total': 6 });
  });

  it('push: compares before...after; 300 files listed is incomplete', async () => {
    const AFTER = 'e2'.repeat(20);
    history(AFTER, PR_FILES);
    const run = fake.addRun({ headSha: AFTER, headBranch: 'main', event: 'push' });
    fake.addArtifact({ runId: run.id, name: 'test-results', files: { 'junit.xml': JUNIT } });
    fake.addArtifact({ runId: run.id, name: 'coverage', files: { 'lcov.info': LCOV } });
    const payload = { ...fake.eventPayload(run.id), before: BASE };
    const before = fake.requests.length;
    const r = await runAction(fake, { runId: run.id, payload, inputs: common, workspace: { [POLICY_PATH]: POLICY } });
    expect(r.code, r.all).toBe(0);
    expect(fake.requests.slice(before).filter((q) => COMPARE.includes(q.operationId ?? '')).map((q) => q.path.split('/').at(-1))).toEqual([`${BASE}...${AFTER}`]);
    expect(criterion(r, 'patch').metrics).toMatchObject({ 'patch.lines.covered': 3, 'patch.lines.total': 6 });

    const many: DiffFile[] = Array.from({ length: 301 }, (_, i) => ({ filename: `docs/p${i}.md`, status: 'added' as const, additions: 1, deletions: 0, patch: '@@ -0,0 +1 @@\n+x' }));
    fake.state.commits[AFTER]!.files = many;
    const cut = await runAction(fake, { runId: run.id, payload, inputs: common, workspace: { [POLICY_PATH]: POLICY } });
    expect(cut.code, cut.all).toBe(1);
    expect(criterion(cut, 'api-tests')).toMatchObject({ status: 'missing' });
    expect(criterion(cut, 'api-tests').reason).toContain('the compare API lists at most 300 files, and listed 300: there may be more');
  });
});
