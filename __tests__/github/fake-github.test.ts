/**
 * Tests of the fake GitHub harness itself, through the real clients the action uses:
 * `@actions/github`'s Octokit (with the retry / throttling plugins) and `@actions/artifact`.
 *
 * `@actions/github` reads GITHUB_API_URL once, when the module is first loaded (and
 * `@actions/artifact` uses those defaults for `findBy`), so this file sets the env of a shared fake
 * before importing either dynamically. Other tests start their own fake and pass `baseUrl`.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { faults, runtimeToken, parseRuntimeToken, startFakeGitHub, type FakeGitHub } from './fake-github.js';
import { validateResponse } from './openapi.js';

type GitHubModule = typeof import('@actions/github');
type ArtifactModule = typeof import('@actions/artifact');

const ENV_KEYS = ['GITHUB_API_URL', 'GITHUB_SERVER_URL', 'ACTIONS_RESULTS_URL', 'ACTIONS_RUNTIME_TOKEN', 'GITHUB_WORKSPACE'] as const;
const savedEnv = Object.fromEntries(ENV_KEYS.map((k) => [k, process.env[k]]));

let shared: FakeGitHub;
let github: GitHubModule;
let artifact: ArtifactModule;
const tmpDirs: string[] = [];

async function tmp(): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), 'fake-github-'));
  tmpDirs.push(dir);
  return dir;
}

/** Every 2xx REST response the fake sent, checked against GitHub's documented response schema. */
function responseProblems(fake: FakeGitHub): string[] {
  return fake
    .restRequests()
    .filter((r) => r.operationId && r.status && r.status < 300 && r.responseBody !== undefined)
    .flatMap((r) => validateResponse(r.operationId!, r.status!, r.responseBody).map((e) => `${r.method} ${r.url}: ${e}`));
}

beforeAll(async () => {
  shared = await startFakeGitHub({ owner: 'acme', repo: 'widgets' });
  process.env.GITHUB_API_URL = shared.apiUrl;
  process.env.GITHUB_SERVER_URL = 'https://github.com';
  github = await import('@actions/github');
  artifact = await import('@actions/artifact');
});

afterAll(async () => {
  await shared?.close();
  for (const k of ENV_KEYS) {
    if (savedEnv[k] === undefined) delete process.env[k];
    else process.env[k] = savedEnv[k];
  }
  await Promise.all(tmpDirs.map((d) => rm(d, { recursive: true, force: true })));
});

describe('REST through @actions/github', () => {
  it('creates and updates a check run; state, validation and response shapes match GitHub', async () => {
    const fake = await startFakeGitHub({ owner: 'acme', repo: 'widgets' });
    try {
      const octokit = github.getOctokit('ghs_write', { baseUrl: fake.apiUrl });
      const sha = 'a'.repeat(40);
      const created = await octokit.rest.checks.create({
        owner: 'acme',
        repo: 'widgets',
        name: 'release-gate',
        head_sha: sha,
        status: 'in_progress',
        output: { title: 'Evaluating', summary: 'Reading evidence…' },
      });
      expect(created.status).toBe(201);
      expect(created.data).toMatchObject({ name: 'release-gate', head_sha: sha, status: 'in_progress', conclusion: null });
      expect(created.headers['x-ratelimit-remaining']).toBe('4999');
      expect(created.headers['x-ratelimit-limit']).toBe('5000');

      const updated = await octokit.rest.checks.update({
        owner: 'acme',
        repo: 'widgets',
        check_run_id: created.data.id,
        conclusion: 'failure',
        output: {
          title: '1 criterion failed',
          summary: 'coverage below 80%',
          annotations: [{ path: 'src/a.ts', start_line: 3, end_line: 3, annotation_level: 'failure', message: 'uncovered' }],
        },
      });
      expect(updated.data).toMatchObject({ status: 'completed', conclusion: 'failure', output: { annotations_count: 1 } });
      expect(updated.data.completed_at).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);

      // annotations accumulate across updates, as on GitHub
      await octokit.rest.checks.update({
        owner: 'acme',
        repo: 'widgets',
        check_run_id: created.data.id,
        output: {
          title: '1 criterion failed',
          summary: 'coverage below 80%',
          annotations: [{ path: 'src/b.ts', start_line: 1, end_line: 2, annotation_level: 'warning', message: 'flaky' }],
        },
      });
      const listed = await octokit.rest.checks.listForRef({ owner: 'acme', repo: 'widgets', ref: sha, check_name: 'release-gate' });
      expect(listed.data.total_count).toBe(1);
      expect(listed.data.check_runs[0]!.output.annotations_count).toBe(2);
      const annotations = await octokit.rest.checks.listAnnotations({ owner: 'acme', repo: 'widgets', check_run_id: created.data.id });
      expect(annotations.data.map((a) => a.path)).toEqual(['src/a.ts', 'src/b.ts']);

      expect(fake.state.checkRuns).toHaveLength(1);
      expect(fake.state.checkRuns[0]).toMatchObject({
        name: 'release-gate',
        status: 'completed',
        conclusion: 'failure',
        updates: 2,
        output: { title: '1 criterion failed', summary: 'coverage below 80%' },
      });
      expect(fake.restRequests('checks/create')[0]!.authorization).toBe('token ghs_write');
      expect(fake.invalidRequests()).toEqual([]);
      expect(fake.unhandledRequests()).toEqual([]);
      expect(responseProblems(fake)).toEqual([]);
    } finally {
      await fake.close();
    }
  });

  it('paginates issue comments like GitHub (per_page, page, Link rel=next/last) through octokit.paginate', async () => {
    const fake = await startFakeGitHub({ owner: 'acme', repo: 'widgets' });
    try {
      fake.addPull({ number: 7, title: 'Add feature' });
      for (let i = 1; i <= 65; i++) fake.addComment({ issue_number: 7, body: `comment ${i}`, user: { login: 'octocat', id: 583231, type: 'User' } });
      const octokit = github.getOctokit('ghs_x', { baseUrl: fake.apiUrl });

      const first = await octokit.rest.issues.listComments({ owner: 'acme', repo: 'widgets', issue_number: 7 });
      expect(first.data).toHaveLength(30); // GitHub's default page size
      expect(first.headers.link).toBe(
        `<${fake.apiUrl}/repos/acme/widgets/issues/7/comments?page=2>; rel="next", <${fake.apiUrl}/repos/acme/widgets/issues/7/comments?page=3>; rel="last"`,
      );

      const before = fake.restRequests('issues/list-comments').length;
      const all = await octokit.paginate(octokit.rest.issues.listComments, { owner: 'acme', repo: 'widgets', issue_number: 7, per_page: 30 });
      expect(all.map((c) => c.body)).toEqual(Array.from({ length: 65 }, (_, i) => `comment ${i + 1}`));
      const pages = fake.restRequests('issues/list-comments').slice(before);
      expect(pages.map((r) => r.query.page ?? '1')).toEqual(['1', '2', '3']);
      expect(pages[2]!.responseHeaders!.link).toContain('rel="prev"');
      expect(pages[2]!.responseHeaders!.link).not.toContain('rel="next"');

      const big = await octokit.rest.issues.listComments({ owner: 'acme', repo: 'widgets', issue_number: 7, per_page: 500 });
      expect(big.data).toHaveLength(65); // per_page is capped at 100

      const mine = await octokit.rest.issues.createComment({ owner: 'acme', repo: 'widgets', issue_number: 7, body: '<!-- gate -->\nhello' });
      expect(mine.data.user?.login).toBe('github-actions[bot]');
      expect(mine.data.html_url).toBe(`https://github.com/acme/widgets/pull/7#issuecomment-${mine.data.id}`);
      const edited = await octokit.rest.issues.updateComment({ owner: 'acme', repo: 'widgets', comment_id: mine.data.id, body: '<!-- gate -->\nbye' });
      expect(edited.data.body).toBe('<!-- gate -->\nbye');
      expect(fake.state.comments.find((c) => c.id === mine.data.id)?.body).toBe('<!-- gate -->\nbye');

      await expect(
        octokit.rest.issues.createComment({ owner: 'acme', repo: 'widgets', issue_number: 7, body: 'x'.repeat(65537) }),
      ).rejects.toMatchObject({ status: 422 });
      await expect(octokit.rest.issues.listComments({ owner: 'acme', repo: 'widgets', issue_number: 999 })).rejects.toMatchObject({ status: 404 });

      expect(fake.invalidRequests()).toEqual([]);
      expect(responseProblems(fake)).toEqual([]);
    } finally {
      await fake.close();
    }
  });

  it('reports a body that violates the schema, and answers it with GitHub’s 422', async () => {
    const fake = await startFakeGitHub({ owner: 'acme', repo: 'widgets' });
    try {
      const octokit = github.getOctokit('ghs_x', { baseUrl: fake.apiUrl });
      const error = await octokit.rest.checks
        .create({ owner: 'acme', repo: 'widgets', name: 'gate', head_sha: 'b'.repeat(40), conclusion: 'passed' as 'success' })
        .then(() => undefined, (e: unknown) => e);
      expect(error).toMatchObject({ status: 422 });
      expect(fake.state.checkRuns).toEqual([]);

      // an annotation without annotation_level
      await octokit.rest.checks
        .create({
          owner: 'acme',
          repo: 'widgets',
          name: 'gate',
          head_sha: 'b'.repeat(40),
          output: { title: 't', summary: 's', annotations: [{ path: 'a', start_line: 1, end_line: 1, message: 'm' } as never] },
        })
        .catch(() => undefined);

      // an unknown property: GitHub accepts it silently, the fake serves it but flags it
      const created = await octokit.request('POST /repos/{owner}/{repo}/check-runs', {
        owner: 'acme',
        repo: 'widgets',
        name: 'gate',
        head_sha: 'b'.repeat(40),
        summary: 'misplaced: belongs in output',
      });
      expect(created.status).toBe(201);

      const invalid = fake.invalidRequests();
      expect(invalid).toHaveLength(3);
      expect(invalid[0]!.errors.join('\n')).toMatch(/body\/conclusion must be equal to one of the allowed values/);
      expect(invalid[1]!.errors.join('\n')).toMatch(/body\/output\/annotations\/0 must have required property 'annotation_level'/);
      expect(invalid[2]!.errors.join('\n')).toMatch(/body unknown property 'summary'/);
      expect(fake.requests.at(-1)!.validation).toMatchObject({ operationId: 'checks/create', strictOnly: true });
    } finally {
      await fake.close();
    }
  });

  it('gives a read-only token GitHub’s 403 on writes and still serves reads', async () => {
    const fake = await startFakeGitHub({ owner: 'acme', repo: 'widgets', tokens: { ghs_ro: { readOnly: true }, ghs_rw: {} } });
    try {
      fake.addPull({ number: 3 });
      const ro = github.getOctokit('ghs_ro', { baseUrl: fake.apiUrl });
      const err = await ro.rest.checks
        .create({ owner: 'acme', repo: 'widgets', name: 'gate', head_sha: 'c'.repeat(40) })
        .then(() => undefined, (e: { status: number; response: { data: unknown; headers: Record<string, string> } }) => e);
      expect(err?.status).toBe(403);
      expect(err?.response.data).toEqual({
        message: 'Resource not accessible by integration',
        documentation_url: 'https://docs.github.com/rest/reference/checks#create-a-check-run',
        status: '403',
      });
      expect(err?.response.headers['x-accepted-github-permissions']).toBe('checks=write');
      await expect(ro.rest.issues.createComment({ owner: 'acme', repo: 'widgets', issue_number: 3, body: 'hi' })).rejects.toMatchObject({ status: 403 });
      expect((await ro.rest.pulls.get({ owner: 'acme', repo: 'widgets', pull_number: 3 })).data.number).toBe(3);
      expect(fake.state.checkRuns).toEqual([]);
      expect(fake.state.comments).toEqual([]);

      const bad = github.getOctokit('ghs_unknown', { baseUrl: fake.apiUrl });
      await expect(bad.rest.pulls.get({ owner: 'acme', repo: 'widgets', pull_number: 3 })).rejects.toMatchObject({
        status: 401,
        response: { data: { message: 'Bad credentials' } },
      });
      const rw = github.getOctokit('ghs_rw', { baseUrl: fake.apiUrl });
      await rw.rest.issues.createComment({ owner: 'acme', repo: 'widgets', issue_number: 3, body: 'hi' });
      expect(fake.state.comments).toHaveLength(1);
      fake.setReadOnly(true);
      await expect(rw.rest.issues.createComment({ owner: 'acme', repo: 'widgets', issue_number: 3, body: 'hi' })).rejects.toMatchObject({ status: 403 });
    } finally {
      await fake.close();
    }
  });

  it('says who a token is like GitHub: GraphQL viewer for every token, GET /user only for user tokens', async () => {
    const fake = await startFakeGitHub({ owner: 'acme', repo: 'widgets', tokens: { ghs_app: {}, ghp_user: { user: { login: 'release-bot', id: 4242, type: 'User' } } } });
    try {
      const app = github.getOctokit('ghs_app', { baseUrl: fake.apiUrl });
      const user = github.getOctokit('ghp_user', { baseUrl: fake.apiUrl });
      // Octokit puts GraphQL beside /api/v3, at /api/graphql, as on GitHub Enterprise Server
      expect(await app.graphql('query { viewer { login databaseId } }')).toEqual({ viewer: { login: 'github-actions[bot]', databaseId: 41898282 } });
      expect(await user.graphql('{ viewer { login } }')).toEqual({ viewer: { login: 'release-bot' } });
      expect(fake.requests.filter((r) => r.kind === 'graphql').map((r) => r.path)).toEqual(['/api/graphql', '/api/graphql']);
      await expect(app.rest.users.getAuthenticated()).rejects.toMatchObject({ status: 403, response: { data: { message: 'Resource not accessible by integration' } } });
      expect((await user.rest.users.getAuthenticated()).data).toMatchObject({ login: 'release-bot', id: 4242, type: 'User' });
      // any other query is not served, and is listed as unhandled
      await expect(app.graphql('{ repository(owner: "acme", name: "widgets") { id } }')).rejects.toThrow(/fake-github serves only/);
      expect(fake.unhandledRequests().map((r) => r.kind)).toEqual(['graphql']);
      expect(fake.invalidRequests()).toEqual([]);
    } finally {
      await fake.close();
    }
  });

  it('serves pulls, files, contents and workflow runs in GitHub’s shapes', async () => {
    const fake = await startFakeGitHub({ owner: 'acme', repo: 'widgets' });
    try {
      const sha = 'd'.repeat(40);
      const pull = fake.addPull({
        number: 12,
        head: { ref: 'feature', sha },
        base: { ref: 'main' },
        labels: ['release'],
        files: Array.from({ length: 120 }, (_, i) => ({ filename: `src/f${i}.ts`, additions: 1, deletions: 0, status: 'added' as const })),
      });
      const run = fake.addRun({ headSha: sha, headBranch: 'feature', event: 'pull_request', pullRequests: [12] });
      fake.setContent('.github/release-gate.yml', 'version: 1\n', 'main');
      fake.setContent('docs/a.md', '# a', 'main');
      const octokit = github.getOctokit('ghs_x', { baseUrl: fake.apiUrl });

      const pr = await octokit.rest.pulls.get({ owner: 'acme', repo: 'widgets', pull_number: 12 });
      expect(pr.data).toMatchObject({ number: 12, head: { sha, ref: 'feature' }, base: { ref: 'main' }, merged: false, changed_files: 120 });
      const byCommit = await octokit.rest.repos.listPullRequestsAssociatedWithCommit({ owner: 'acme', repo: 'widgets', commit_sha: sha });
      expect(byCommit.data.map((p) => p.number)).toEqual([12]);
      const open = await octokit.rest.pulls.list({ owner: 'acme', repo: 'widgets', state: 'open', head: 'acme:feature' });
      expect(open.data.map((p) => p.number)).toEqual([12]);
      const files = await octokit.paginate(octokit.rest.pulls.listFiles, { owner: 'acme', repo: 'widgets', pull_number: pull.number, per_page: 100 });
      expect(files).toHaveLength(120);

      const content = await octokit.rest.repos.getContent({ owner: 'acme', repo: 'widgets', path: '.github/release-gate.yml', ref: 'main' });
      expect(Buffer.from((content.data as { content: string }).content, 'base64').toString()).toBe('version: 1\n');
      const rawContent = await octokit.rest.repos.getContent({ owner: 'acme', repo: 'widgets', path: 'docs/a.md', mediaType: { format: 'raw' } });
      expect(rawContent.data).toBe('# a');
      const dir = await octokit.rest.repos.getContent({ owner: 'acme', repo: 'widgets', path: 'docs' });
      expect((dir.data as Array<{ name: string; type: string }>).map((e) => [e.name, e.type])).toEqual([['a.md', 'file']]);
      await expect(octokit.rest.repos.getContent({ owner: 'acme', repo: 'widgets', path: 'missing.yml' })).rejects.toMatchObject({ status: 404 });

      const wr = await octokit.rest.actions.getWorkflowRun({ owner: 'acme', repo: 'widgets', run_id: run.id });
      expect(wr.data).toMatchObject({ id: run.id, head_sha: sha, head_branch: 'feature', event: 'pull_request' });
      expect(wr.data.pull_requests?.map((p) => p.number)).toEqual([12]);
      await octokit.rest.repos.get({ owner: 'acme', repo: 'widgets' });

      expect(fake.invalidRequests()).toEqual([]);
      expect(responseProblems(fake)).toEqual([]);
      expect(fake.eventPayload(run.id)).toMatchObject({ number: 12, pull_request: { head: { sha } } });
      expect(fake.env({ runId: run.id })).toMatchObject({ GITHUB_REF: 'refs/pull/12/merge', GITHUB_HEAD_REF: 'feature', GITHUB_EVENT_NAME: 'pull_request' });
    } finally {
      await fake.close();
    }
  });

  it('serves the history: compare with the merge base, GET commit and Git commit with parents; unknown commits as GitHub answers them', async () => {
    const fake = await startFakeGitHub({ owner: 'acme', repo: 'widgets' });
    try {
      // main: root ← m1 ← m2 ← m3; feature branches off m1: m1 ← f1 ← f2
      const root = fake.addCommit({ message: 'root' });
      const m1 = fake.addCommit({ message: 'm1', parents: [root.sha] });
      const m2 = fake.addCommit({ message: 'm2', parents: [m1.sha] });
      const f1 = fake.addCommit({ message: 'f1', parents: [m1.sha] });
      const f2 = fake.addCommit({ message: 'f2', parents: [f1.sha] });
      const m3 = fake.addCommit({ message: 'merge', parents: [m2.sha, f1.sha] });
      fake.state.branches.main = m3.sha;
      const octokit = github.getOctokit('ghs_x', { baseUrl: fake.apiUrl });

      const compared = await octokit.rest.repos.compareCommitsWithBasehead({ owner: 'acme', repo: 'widgets', basehead: `main...${f2.sha}`, per_page: 1 });
      expect(compared.data).toMatchObject({ status: 'diverged', ahead_by: 1, behind_by: 2, total_commits: 1, base_commit: { sha: m3.sha }, merge_base_commit: { sha: f1.sha } });
      expect(compared.data.merge_base_commit.parents.map((p) => p.sha)).toEqual([m1.sha]);
      expect(compared.data.commits.map((c) => c.sha)).toEqual([f2.sha]);
      const ahead = await octokit.rest.repos.compareCommitsWithBasehead({ owner: 'acme', repo: 'widgets', basehead: `${m1.sha}...${f2.sha}` });
      expect(ahead.data).toMatchObject({ status: 'ahead', ahead_by: 2, behind_by: 0, merge_base_commit: { sha: m1.sha } });
      expect(ahead.data.commits.map((c) => c.sha)).toEqual([f1.sha, f2.sha]);

      const commit = await octokit.rest.repos.getCommit({ owner: 'acme', repo: 'widgets', ref: m3.sha });
      expect(commit.data.parents.map((p) => p.sha)).toEqual([m2.sha, f1.sha]);
      expect(commit.data.commit.message).toBe('merge');
      const git = await octokit.rest.git.getCommit({ owner: 'acme', repo: 'widgets', commit_sha: m2.sha });
      expect(git.data).toMatchObject({ sha: m2.sha, message: 'm2', parents: [{ sha: m1.sha }] });
      expect((await octokit.rest.git.getCommit({ owner: 'acme', repo: 'widgets', commit_sha: root.sha })).data.parents).toEqual([]);

      const unknown = 'e'.repeat(40);
      await expect(octokit.rest.git.getCommit({ owner: 'acme', repo: 'widgets', commit_sha: unknown })).rejects.toMatchObject({ status: 404 });
      await expect(octokit.rest.repos.getCommit({ owner: 'acme', repo: 'widgets', ref: unknown })).rejects.toMatchObject({ status: 422 });
      await expect(octokit.rest.repos.compareCommitsWithBasehead({ owner: 'acme', repo: 'widgets', basehead: `${unknown}...${f2.sha}` })).rejects.toMatchObject({ status: 404 });
      const island = fake.addCommit({ message: 'unrelated history' });
      await expect(octokit.rest.repos.compareCommitsWithBasehead({ owner: 'acme', repo: 'widgets', basehead: `${island.sha}...${f2.sha}` })).rejects.toMatchObject({
        status: 404,
        message: expect.stringContaining('No common ancestor'),
      });

      expect(fake.invalidRequests()).toEqual([]);
      expect(responseProblems(fake)).toEqual([]);
    } finally {
      await fake.close();
    }
  });

  it('serves what a change touches: pull request files 100 a page with Link headers (patch present or left out, previous_filename, at most 3,000 of changed_files), compare files on the first page (at most 300)', async () => {
    const fake = await startFakeGitHub({ owner: 'acme', repo: 'widgets' });
    try {
      const files = [
        { filename: 'src/new.ts', previous_filename: 'src/old.ts', status: 'renamed' as const, additions: 1, deletions: 1, patch: '@@ -1 +1 @@\n-a\n+b' },
        { filename: 'src/big.ts', status: 'modified' as const, additions: 5000, deletions: 0 },
        ...Array.from({ length: 3_000 }, (_, i) => ({ filename: `docs/p${i}.md`, status: 'added' as const, additions: 1, deletions: 0, patch: '@@ -0,0 +1 @@\n+x' })),
      ];
      fake.addPull({ number: 3, files });
      const octokit = github.getOctokit('ghs_x', { baseUrl: fake.apiUrl });
      const pull = await octokit.rest.pulls.get({ owner: 'acme', repo: 'widgets', pull_number: 3 });
      expect(pull.data.changed_files).toBe(3_002);
      const first = await octokit.rest.pulls.listFiles({ owner: 'acme', repo: 'widgets', pull_number: 3, per_page: 100 });
      expect(first.headers.link).toBe(
        `<${fake.apiUrl}/repos/acme/widgets/pulls/3/files?per_page=100&page=2>; rel="next", <${fake.apiUrl}/repos/acme/widgets/pulls/3/files?per_page=100&page=30>; rel="last"`,
      );
      expect(first.data[0]).toMatchObject({ filename: 'src/new.ts', previous_filename: 'src/old.ts', status: 'renamed', patch: '@@ -1 +1 @@\n-a\n+b', changes: 2 });
      expect(first.data[1]).toMatchObject({ filename: 'src/big.ts', additions: 5000 });
      expect(first.data[1]).not.toHaveProperty('patch');
      const all = await octokit.paginate(octokit.rest.pulls.listFiles, { owner: 'acme', repo: 'widgets', pull_number: 3, per_page: 100 });
      expect(all).toHaveLength(3_000);

      const base = fake.addCommit({ message: 'base' });
      const one = fake.addCommit({ message: 'one', parents: [base.sha], files: [{ filename: 'a.ts', status: 'added', additions: 2, patch: '@@ -0,0 +1,2 @@\n+a\n+b' }] });
      const two = fake.addCommit({
        message: 'two',
        parents: [one.sha],
        files: [{ filename: 'a.ts', status: 'modified', additions: 1, deletions: 1, patch: '@@ -1 +1 @@\n-a\n+c' }, ...Array.from({ length: 300 }, (_, i) => ({ filename: `d${i}.md`, status: 'added' as const, additions: 1 }))],
      });
      const compared = await octokit.rest.repos.compareCommitsWithBasehead({ owner: 'acme', repo: 'widgets', basehead: `${base.sha}...${two.sha}`, per_page: 1 });
      expect(compared.data.files).toHaveLength(300);
      expect(compared.data.files![0]).toMatchObject({ filename: 'a.ts', status: 'modified', patch: '@@ -1 +1 @@\n-a\n+c' });
      const second = await octokit.rest.repos.compareCommitsWithBasehead({ owner: 'acme', repo: 'widgets', basehead: `${base.sha}...${two.sha}`, per_page: 1, page: 2 });
      expect(second.data.files).toBeUndefined();

      expect(fake.invalidRequests()).toEqual([]);
      expect(responseProblems(fake)).toEqual([]);
    } finally {
      await fake.close();
    }
  });

  it('check runs carry the app that wrote them and their output.text; filter=latest keeps the newest of each name per app', async () => {
    const fake = await startFakeGitHub({ owner: 'acme', repo: 'widgets', tokens: { ghs_actions: {}, ghs_app: { app: 'acme-ci' } } });
    try {
      const sha = 'c'.repeat(40);
      const asActions = github.getOctokit('ghs_actions', { baseUrl: fake.apiUrl });
      const asApp = github.getOctokit('ghs_app', { baseUrl: fake.apiUrl });
      const create = (octokit: typeof asActions, text: string) =>
        octokit.rest.checks.create({ owner: 'acme', repo: 'widgets', name: 'release-gate', head_sha: sha, status: 'completed', conclusion: 'success', output: { title: 't', summary: 's', text } });
      const older = await create(asActions, 'first');
      const newer = await create(asActions, '<!-- hidden --> second');
      const other = await create(asApp, 'by the app');
      expect(newer.data.app).toMatchObject({ slug: 'github-actions' });
      expect(other.data.app).toMatchObject({ slug: 'acme-ci' });

      const latest = await asActions.rest.checks.listForRef({ owner: 'acme', repo: 'widgets', ref: sha, check_name: 'release-gate', filter: 'latest' });
      expect(latest.data.check_runs.map((c) => [c.id, c.app?.slug, c.output.text])).toEqual([
        [other.data.id, 'acme-ci', 'by the app'],
        [newer.data.id, 'github-actions', '<!-- hidden --> second'],
      ]);
      const all = await asActions.rest.checks.listForRef({ owner: 'acme', repo: 'widgets', ref: sha, filter: 'all' });
      expect(all.data.check_runs.map((c) => c.id)).toEqual([other.data.id, newer.data.id, older.data.id]);
      expect(fake.state.checkRuns.map((c) => c.app)).toEqual(['github-actions', 'github-actions', 'acme-ci']);

      expect(fake.invalidRequests()).toEqual([]);
      expect(responseProblems(fake)).toEqual([]);
    } finally {
      await fake.close();
    }
  });
});

describe('faults', () => {
  it('a 503 once is observable, and plugin-retry gets through on the second attempt', async () => {
    const fake = await startFakeGitHub({ owner: 'acme', repo: 'widgets' });
    try {
      fake.addPull({ number: 1 });
      fake.setFault((req, attempt) => (req.operationId === 'pulls/get' && attempt === 1 ? faults.serverError(503) : undefined));
      const plain = github.getOctokit('ghs_x', { baseUrl: fake.apiUrl });
      await expect(plain.rest.pulls.get({ owner: 'acme', repo: 'widgets', pull_number: 1 })).rejects.toMatchObject({ status: 503 });
      expect((await plain.rest.pulls.get({ owner: 'acme', repo: 'widgets', pull_number: 1 })).status).toBe(200);
      expect(fake.restRequests('pulls/get').map((r) => [r.attempt, r.status])).toEqual([
        [1, 503],
        [2, 200],
      ]);

      const { retry } = await import('@octokit/plugin-retry');
      fake.setFault((req, attempt) => (req.operationId === 'issues/list-comments' && attempt === 1 ? faults.serverError(503) : undefined));
      const retrying = github.getOctokit('ghs_x', { baseUrl: fake.apiUrl, retry: { retryAfterBaseValue: 1 } }, retry);
      const res = await retrying.rest.issues.listComments({ owner: 'acme', repo: 'widgets', issue_number: 1 });
      expect(res.status).toBe(200);
      expect(fake.restRequests('issues/list-comments').map((r) => [r.attempt, r.status, r.fault ? 'fault' : 'ok'])).toEqual([
        [1, 503, 'fault'],
        [2, 200, 'ok'],
      ]);
    } finally {
      await fake.close();
    }
  });

  it('secondary rate limits carry retry-after and GitHub’s message (plugin-throttling waits and retries)', async () => {
    const fake = await startFakeGitHub({ owner: 'acme', repo: 'widgets' });
    try {
      fake.addPull({ number: 1 });
      // a GET: plugin-throttling spaces writes 1 s apart (3 s for comment writes), which would slow the test
      fake.setFault((req, attempt) => (req.operationId === 'pulls/get' && attempt === 1 ? faults.secondaryRateLimit(1) : undefined));
      const { throttling } = await import('@octokit/plugin-throttling');
      const seen: number[] = [];
      const octokit = github.getOctokit(
        'ghs_x',
        {
          baseUrl: fake.apiUrl,
          throttle: {
            retryAfterBaseValue: 1,
            onRateLimit: () => false,
            onSecondaryRateLimit: (retryAfter: number) => {
              seen.push(retryAfter);
              return true;
            },
          },
        },
        throttling,
      );
      const res = await octokit.rest.pulls.get({ owner: 'acme', repo: 'widgets', pull_number: 1 });
      expect(res.status).toBe(200);
      expect(seen).toEqual([1]);
      const first = fake.restRequests('pulls/get')[0]!;
      expect(first.responseBody).toMatchObject({ message: expect.stringMatching(/secondary rate limit/) });
      expect(first.status).toBe(403);
      expect(first.responseHeaders!['retry-after']).toBe('1');
    } finally {
      await fake.close();
    }
  });

  it('reset, hang and a redirect to a dead URL fail the client, and close() still ends', async () => {
    const fake = await startFakeGitHub({ owner: 'acme', repo: 'widgets' });
    fake.addPull({ number: 1 });
    fake.setFault((req) => (req.path.endsWith('/pulls/1') ? 'reset' : req.path.endsWith('/pulls') ? 'hang' : undefined));
    await expect(fetch(`${fake.apiUrl}/repos/acme/widgets/pulls/1`)).rejects.toThrow();
    await expect(fetch(`${fake.apiUrl}/repos/acme/widgets/pulls`, { signal: AbortSignal.timeout(200) })).rejects.toThrow();
    fake.setFault(() => faults.redirect(fake.deadUrl));
    await expect(fetch(`${fake.apiUrl}/repos/acme/widgets`)).rejects.toThrow();
    const started = Date.now();
    await fake.close();
    expect(Date.now() - started).toBeLessThan(2000);
  });
});

describe('@actions/artifact against the fake', () => {
  it('builds runtime tokens the client can parse', () => {
    const token = runtimeToken({ runBackendId: 'run-1', jobBackendId: 'job-1' });
    expect(parseRuntimeToken(token)).toEqual({ runBackendId: 'run-1', jobBackendId: 'job-1' });
    const payload = JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString()) as { scp: string };
    expect(payload.scp).toBe('Actions.ExampleScope Actions.Results:run-1:job-1');
    expect(parseRuntimeToken(token.slice(0, -2) + 'xx')).toBeUndefined();
  });

  it('lists and downloads artifacts of the current run (Twirp + signed blob URL)', async () => {
    const run = shared.addRun({ headSha: 'e'.repeat(40), headBranch: 'main' });
    const other = shared.addRun({ headSha: 'f'.repeat(40) });
    const cov = shared.addArtifact({
      runId: run.id,
      name: 'coverage',
      files: { 'coverage/coverage-summary.json': '{"total":{"lines":{"pct":91.5}}}', 'junit.xml': '<testsuites/>' },
    });
    shared.addArtifact({ runId: run.id, name: 'sbom', files: { 'sbom.json': '{}' } });
    shared.addArtifact({ runId: other.id, name: 'elsewhere', files: { 'x.txt': 'x' } });
    process.env.ACTIONS_RUNTIME_TOKEN = shared.runtimeTokenFor(run.id);
    process.env.ACTIONS_RESULTS_URL = shared.resultsUrl;
    process.env.GITHUB_WORKSPACE = await tmp();

    const client = new artifact.DefaultArtifactClient();
    const { artifacts } = await client.listArtifacts();
    expect(artifacts.map((a) => a.name).sort()).toEqual(['coverage', 'sbom']);
    const listed = artifacts.find((a) => a.name === 'coverage')!;
    expect(listed).toMatchObject({ id: cov.id, size: shared.artifactZip(cov).length });
    expect(listed.createdAt).toBeInstanceOf(Date);

    const { artifact: got } = await client.getArtifact('coverage');
    expect(got.id).toBe(cov.id);

    const dest = await tmp();
    const res = await client.downloadArtifact(cov.id, { path: dest, expectedHash: listed.digest! });
    expect(res).toMatchObject({ downloadPath: dest, digestMismatch: false });
    expect(await readFile(path.join(dest, 'coverage/coverage-summary.json'), 'utf8')).toBe('{"total":{"lines":{"pct":91.5}}}');
    expect(await readFile(path.join(dest, 'junit.xml'), 'utf8')).toBe('<testsuites/>');

    const twirp = shared.requests.filter((r) => r.kind === 'twirp').map((r) => r.operationId);
    expect(twirp).toEqual(['ListArtifacts', 'ListArtifacts', 'ListArtifacts', 'GetSignedArtifactURL']);
    const blob = shared.requests.filter((r) => r.kind === 'blob');
    expect(blob).toHaveLength(1);
    expect(blob[0]!.status).toBe(200);
    expect(blob[0]!.authorization).toBeUndefined();
  });

  it('lists and downloads artifacts of another run with findBy (REST + 302 to blob)', async () => {
    const run = shared.addRun({ headSha: '1'.repeat(40), headBranch: 'main', event: 'push' });
    const a1 = shared.addArtifact({ runId: run.id, name: 'evidence', files: { 'results/summary.json': '{"ok":true}' } });
    const a2 = shared.addArtifact({ runId: run.id, name: 'evidence', files: { 'results/summary.json': '{"ok":false}' } });
    for (let i = 0; i < 3; i++) shared.addArtifact({ runId: run.id, name: `extra-${i}`, files: { 'x.txt': String(i) } });
    const findBy = { token: 'ghs_reader', workflowRunId: run.id, repositoryOwner: 'acme', repositoryName: 'widgets' };
    const before = shared.requests.length;

    const client = new artifact.DefaultArtifactClient();
    const all = await client.listArtifacts({ findBy });
    expect(all.artifacts).toHaveLength(5);
    const latest = await client.listArtifacts({ findBy, latest: true });
    expect(latest.artifacts.filter((a) => a.name === 'evidence').map((a) => a.id)).toEqual([a2.id]);

    const { artifact: found } = await client.getArtifact('evidence', { findBy });
    expect(found.id).toBe(a2.id);

    const dest = await tmp();
    await client.downloadArtifact(a1.id, { path: dest, findBy });
    expect(await readFile(path.join(dest, 'results/summary.json'), 'utf8')).toBe('{"ok":true}');

    const mine = shared.requests.slice(before);
    expect(mine.filter((r) => r.kind === 'rest').map((r) => r.operationId)).toEqual([
      'actions/list-workflow-run-artifacts',
      'actions/list-workflow-run-artifacts',
      'actions/list-workflow-run-artifacts',
      'actions/download-artifact',
    ]);
    expect(mine.find((r) => r.operationId === 'actions/download-artifact')!.status).toBe(302);
    expect(mine.filter((r) => r.kind === 'rest').every((r) => r.token === 'ghs_reader')).toBe(true);
    expect(mine.filter((r) => r.kind === 'blob').map((r) => r.status)).toEqual([200]);
    expect(shared.invalidRequests()).toEqual([]);
    expect(responseProblems(shared)).toEqual([]);
  });

  it('expired artifacts answer 410 on REST and are not listed by the results service', async () => {
    const run = shared.addRun({ headSha: '2'.repeat(40) });
    const gone = shared.addArtifact({ runId: run.id, name: 'old', files: { 'a.txt': 'a' }, expired: true });
    const octokit = github.getOctokit('ghs_x', { baseUrl: shared.apiUrl });
    await expect(
      octokit.rest.actions.downloadArtifact({ owner: 'acme', repo: 'widgets', artifact_id: gone.id, archive_format: 'zip' }),
    ).rejects.toMatchObject({ status: 410 });
    process.env.ACTIONS_RUNTIME_TOKEN = shared.runtimeTokenFor(run.id);
    process.env.ACTIONS_RESULTS_URL = shared.resultsUrl;
    const { artifacts } = await new artifact.DefaultArtifactClient().listArtifacts();
    expect(artifacts).toEqual([]);
  });

  it('a Twirp request that is reset fails the client at once (NetworkError, no retry)', async () => {
    const run = shared.addRun({ headSha: '3'.repeat(40) });
    shared.addArtifact({ runId: run.id, name: 'a', files: { 'a.txt': 'a' } });
    process.env.ACTIONS_RUNTIME_TOKEN = shared.runtimeTokenFor(run.id);
    process.env.ACTIONS_RESULTS_URL = shared.resultsUrl;
    shared.setFault((req) => (req.kind === 'twirp' ? 'reset' : undefined));
    try {
      await expect(new artifact.DefaultArtifactClient().listArtifacts()).rejects.toThrow();
      expect(shared.requests.at(-1)).toMatchObject({ kind: 'twirp', operationId: 'ListArtifacts', fault: 'reset' });
    } finally {
      shared.setFault(undefined);
    }
  });

  it('a truncated blob download is cut short on the wire', async () => {
    const run = shared.addRun({ headSha: '4'.repeat(40) });
    const a = shared.addArtifact({ runId: run.id, name: 'big', files: { 'big.txt': 'x'.repeat(100_000) + Math.random() } });
    const octokit = github.getOctokit('ghs_x', { baseUrl: shared.apiUrl });
    const redirect = await octokit.rest.actions.downloadArtifact({
      owner: 'acme',
      repo: 'widgets',
      artifact_id: a.id,
      archive_format: 'zip',
      request: { redirect: 'manual' },
    });
    const location = String(redirect.headers.location);
    expect(location.startsWith(shared.blobUrl)).toBe(true);
    const whole = new Uint8Array(await (await fetch(location)).arrayBuffer());
    expect(whole).toEqual(shared.artifactZip(a));
    shared.setFault((req) => (req.kind === 'blob' ? 'truncate' : undefined));
    try {
      await expect(fetch(location).then((r) => r.arrayBuffer())).rejects.toThrow();
    } finally {
      shared.setFault(undefined);
    }
  });
});

describe('a child process configured only by fake.env()', () => {
  it('finds the fake for REST, the results service and blobs', async () => {
    const fake = await startFakeGitHub({ owner: 'acme', repo: 'widgets' });
    try {
      const run = fake.addRun({ headSha: '5'.repeat(40), headBranch: 'main' });
      fake.addArtifact({ runId: run.id, name: 'evidence', files: { 'report.txt': 'all good' } });
      const workspace = await tmp();
      const script = fileURLToPath(new URL('./fixtures/child-client.ts', import.meta.url));
      const { stdout } = await promisify(execFile)(process.execPath, [script], {
        env: { ...fake.env({ runId: run.id, token: 'ghs_child' }), GITHUB_WORKSPACE: workspace, PATH: process.env.PATH ?? '' },
        cwd: workspace,
      });
      const result = JSON.parse(stdout.trim().split('\n').at(-1)!) as Record<string, unknown>;
      expect(result).toMatchObject({
        repo: { owner: 'acme', repo: 'widgets' },
        runId: run.id,
        artifacts: ['evidence'],
        content: 'all good',
      });
      expect(fake.state.checkRuns).toMatchObject([{ id: result.checkRunId, head_sha: run.head_sha, conclusion: 'success' }]);
      expect(fake.requests.map((r) => r.kind)).toEqual(['twirp', 'twirp', 'twirp', 'blob', 'rest']);
      expect(fake.restRequests()[0]!.token).toBe('ghs_child');
      expect(fake.invalidRequests()).toEqual([]);
    } finally {
      await fake.close();
    }
  });
});
