import { describe, expect, it } from 'vitest';
import { readContext } from '../../src/github/context.js';

const ENV = {
  GITHUB_REPOSITORY: 'acme/shop',
  GITHUB_SHA: 'merge0000000000000000000000000000000000',
  GITHUB_RUN_ID: '4242',
  GITHUB_RUN_ATTEMPT: '2',
  GITHUB_SERVER_URL: 'https://github.com',
  GITHUB_API_URL: 'https://api.github.com',
};

const PR = {
  number: 17,
  head: { sha: 'head111111111111111111111111111111111111', ref: 'feature', repo: { full_name: 'fork-owner/shop' } },
  base: { sha: 'base222222222222222222222222222222222222', ref: 'release/2.0', repo: { full_name: 'acme/shop' } },
};

describe('readContext', () => {
  it('pull_request: the PR head SHA (not the merge commit), the base branch, fork detection', () => {
    const c = readContext({ ...ENV, GITHUB_EVENT_NAME: 'pull_request' }, { pull_request: PR });
    expect(c).toMatchObject({
      eventName: 'pull_request',
      owner: 'acme',
      repo: 'shop',
      headSha: PR.head.sha,
      branch: 'release/2.0',
      pullRequest: { number: 17, headSha: PR.head.sha, baseRef: 'release/2.0', baseSha: PR.base.sha, fromFork: true },
      runUrl: 'https://github.com/acme/shop/actions/runs/4242/attempts/2',
    });
  });

  it('workflow_run of a fork PR: the run head SHA, no PR and no branch yet (they are looked up)', () => {
    const c = readContext({ ...ENV, GITHUB_EVENT_NAME: 'workflow_run' }, { workflow_run: { id: 99, head_sha: PR.head.sha, head_branch: 'feature', event: 'pull_request', pull_requests: [] } });
    expect(c.headSha).toBe(PR.head.sha);
    expect(c.triggeringRun).toEqual({ id: 99, headSha: PR.head.sha, headBranch: 'feature', event: 'pull_request', pullRequests: [] });
    expect(c.pullRequest).toBeUndefined();
    // the fork's head branch name selects nothing: the PR's base does, once known
    expect(c.branch).toBeUndefined();
  });

  it('workflow_run of a same-repo PR lists every payload PR with the run\'s head, and picks none of them', () => {
    const own = { ...PR, head: { ...PR.head, repo: { full_name: 'acme/shop' } } };
    const second = { ...own, number: 18, base: { ...PR.base, ref: 'dev' } };
    const stale = { ...own, number: 3, head: { ...own.head, sha: 'old3'.repeat(10) } };
    const c = readContext({ ...ENV, GITHUB_EVENT_NAME: 'workflow_run' }, { workflow_run: { id: 99, head_sha: PR.head.sha, event: 'pull_request', pull_requests: [second, stale, own] } });
    expect(c.triggeringRun!.pullRequests.map((p) => [p.number, p.baseRef])).toEqual([
      [18, 'dev'],
      [17, 'release/2.0'],
    ]);
    expect(c.pullRequest).toBeUndefined();
    expect(c.branch).toBeUndefined();
  });

  it('merge_group: the group head SHA, the base branch (not the queue branch) selects the profile', () => {
    const group = {
      head_sha: 'feed'.repeat(10),
      head_ref: 'refs/heads/gh-readonly-queue/release/2.0/pr-17-base222222222222222222222222222222222222',
      base_sha: PR.base.sha,
      base_ref: 'refs/heads/release/2.0',
      head_commit: { id: 'feed'.repeat(10), tree_id: 'ab'.repeat(20), message: 'Merge pull request #17', timestamp: '2026-11-26T10:00:00Z', author: { name: 'a', email: 'a@example.com' }, committer: { name: 'GitHub', email: 'noreply@github.com' } },
    };
    const c = readContext({ ...ENV, GITHUB_EVENT_NAME: 'merge_group', GITHUB_SHA: group.head_sha, GITHUB_REF: group.head_ref }, { action: 'checks_requested', merge_group: group });
    expect(c).toMatchObject({ headSha: group.head_sha, branch: 'release/2.0', mergeGroup: { headSha: group.head_sha, baseSha: PR.base.sha, baseRef: 'release/2.0', headRef: group.head_ref } });
    expect(c.pullRequest).toBeUndefined();
  });

  it('workflow_run of a push uses the pushed branch', () => {
    const c = readContext({ ...ENV, GITHUB_EVENT_NAME: 'workflow_run' }, { workflow_run: { id: 5, head_sha: 'abc', head_branch: 'release/3', event: 'push', pull_requests: [] } });
    expect(c.branch).toBe('release/3');
    expect(c.headSha).toBe('abc');
  });

  it('push: GITHUB_SHA and the pushed branch', () => {
    const c = readContext({ ...ENV, GITHUB_EVENT_NAME: 'push', GITHUB_REF: 'refs/heads/release/1.4', GITHUB_RUN_ATTEMPT: '1' }, {});
    expect(c).toMatchObject({ headSha: ENV.GITHUB_SHA, branch: 'release/1.4', runUrl: 'https://github.com/acme/shop/actions/runs/4242' });
    expect(c.pullRequest).toBeUndefined();
  });

  it('outside Actions it says what to do', () => {
    expect(() => readContext({}, {})).toThrow('GITHUB_REPOSITORY is not set: release-gate runs as a GitHub Action step (locally, use the release-gate CLI)');
  });
});
