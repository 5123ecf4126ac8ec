import type { Octokit } from './octokit.js';

/** GitHub's limit on an issue comment body. */
export const COMMENT_LIMIT = 65_536;

export interface StickyComment {
  owner: string;
  repo: string;
  pullNumber: number;
  /** one sticky comment per PR and check name */
  checkName: string;
  headSha: string;
  runId: number;
  runAttempt: number;
  body: string;
}

export type CommentOutcome =
  | { action: 'created' | 'updated'; url: string; id: number }
  | { action: 'skipped'; reason: string; url?: string };

/** The hidden marker that finds our comment again; the name is encoded so it cannot close the HTML comment. */
export function commentMarker(checkName: string): string {
  return `<!-- release-gate:sticky ${encodeURIComponent(checkName)} -->`;
}

function stamp(c: Pick<StickyComment, 'headSha' | 'runId' | 'runAttempt'>): string {
  return `<!-- release-gate:result sha=${c.headSha} run=${c.runId} attempt=${c.runAttempt} -->`;
}

const STAMP = /<!-- release-gate:result sha=([0-9a-f]+) run=(\d+) attempt=(\d+) -->/;

/**
 * Creates or updates the one comment of this check name on the PR. Every page of comments is
 * searched for the marker. A run never overwrites the result for a newer head commit (the PR's
 * head moved on) nor a later run's result for the same commit.
 */
export async function upsertStickyComment(octokit: Octokit, c: StickyComment, currentHeadSha: string | undefined): Promise<CommentOutcome> {
  const marker = commentMarker(c.checkName);
  const body = `${marker}\n${stamp(c)}\n${c.body}`;
  if (body.length > COMMENT_LIMIT) throw new Error(`comment body is ${body.length} characters, over GitHub's ${COMMENT_LIMIT}`);
  const comments = await octokit.paginate(octokit.rest.issues.listComments, { owner: c.owner, repo: c.repo, issue_number: c.pullNumber, per_page: 100 });
  const ours = comments.filter((x) => x.body?.includes(marker));
  // prefer a comment written by a bot (the token's app) over a look-alike someone pasted
  const existing = ours.find((x) => x.user?.type === 'Bot') ?? ours[0];
  if (currentHeadSha !== undefined && currentHeadSha !== c.headSha) {
    return { action: 'skipped', reason: `the pull request's head is now ${currentHeadSha.slice(0, 7)}; this run is for ${c.headSha.slice(0, 7)}`, ...(existing && { url: existing.html_url }) };
  }
  if (existing) {
    const previous = STAMP.exec(existing.body ?? '');
    if (previous && previous[1] === c.headSha) {
      const [prevRun, prevAttempt] = [Number(previous[2]), Number(previous[3])];
      if (prevRun > c.runId || (prevRun === c.runId && prevAttempt > c.runAttempt)) {
        return { action: 'skipped', reason: `a later run (${prevRun}, attempt ${prevAttempt}) already reported on ${c.headSha.slice(0, 7)}`, url: existing.html_url };
      }
    }
    const updated = await octokit.rest.issues.updateComment({ owner: c.owner, repo: c.repo, comment_id: existing.id, body });
    return { action: 'updated', url: updated.data.html_url, id: updated.data.id };
  }
  const created = await octokit.rest.issues.createComment({ owner: c.owner, repo: c.repo, issue_number: c.pullNumber, body });
  return { action: 'created', url: created.data.html_url, id: created.data.id };
}
