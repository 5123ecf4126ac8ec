import * as core from '@actions/core';
import { escapeMarkdown } from '../render/escape.js';
import { logLine } from '../render/log.js';
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
  /**
   * Only bring an earlier comment of ours up to date, never start one: `comment: on-failure` on a
   * passing run, so that the ❌ of an earlier run does not stay as the last word.
   */
  updateOnly?: boolean;
}

export type CommentOutcome =
  | { action: 'created' | 'updated'; url: string; id: number }
  | { action: 'skipped'; reason: string; url?: string };

/** Who the token acts as; a comment is ours only when this identity wrote it. */
export interface TokenIdentity {
  login: string;
  /** the account's database id (REST `user.id`), when GitHub said it */
  id?: number;
}

/** The hidden marker that finds our comment again; the name is encoded so it cannot close the HTML comment. */
export function commentMarker(checkName: string): string {
  return `<!-- release-gate:sticky ${encodeURIComponent(checkName)} -->`;
}

function stamp(c: Pick<StickyComment, 'headSha' | 'runId' | 'runAttempt'>): string {
  return `<!-- release-gate:result sha=${c.headSha} run=${c.runId} attempt=${c.runAttempt} -->`;
}

const STAMP = /<!-- release-gate:result sha=([0-9a-f]+) run=(\d+) attempt=(\d+) -->/;

type Comment = Awaited<ReturnType<Octokit['rest']['issues']['listComments']>>['data'][number];

/**
 * Creates or updates the one comment of this check name on the PR. Every page of comments is
 * searched for the marker, but only a comment the token's own identity wrote is ever adopted:
 * anyone can paste the marker and a result stamp into a comment of their own. Look-alikes are never
 * trusted (neither updated nor allowed to stop an update) and our comment says they exist. When
 * the identity cannot be learnt, no earlier comment is adopted: a new one is posted and says why.
 * A run never overwrites the result for a newer head commit (the PR's head moved on) nor a later
 * run's result for the same commit.
 */
export async function upsertStickyComment(octokit: Octokit, c: StickyComment, currentHeadSha: string | undefined): Promise<CommentOutcome> {
  const marker = commentMarker(c.checkName);
  const comments = await octokit.paginate(octokit.rest.issues.listComments, { owner: c.owner, repo: c.repo, issue_number: c.pullNumber, per_page: 100 });
  const marked = comments.filter((x) => x.body?.includes(marker));
  const who = marked.length > 0 ? await tokenIdentity(octokit) : undefined;
  const ours = who?.identity ? marked.filter((x) => wroteIt(who.identity!, x)) : [];
  const existing = ours[0];
  if (currentHeadSha !== undefined && currentHeadSha !== c.headSha) {
    return { action: 'skipped', reason: `the pull request's head is now ${currentHeadSha.slice(0, 7)}; this run is for ${c.headSha.slice(0, 7)}`, ...(existing && { url: existing.html_url }) };
  }
  const notes: string[] = [];
  if (who && !who.identity) {
    core.warning(logLine(`release-gate cannot tell which earlier comment on #${c.pullNumber} is its own (${who.why}): it posts a new one and adopts none`));
    notes.push(
      `> [!WARNING]\n> release-gate could not learn which account its token acts as, so it cannot tell whether the earlier comments with this report's marker are its own: it adopted none of them and posted this one. Only a comment by the account that runs the gate is its report.`,
    );
  } else if (who?.identity) {
    const imitations = marked.filter((x) => !ours.includes(x));
    if (imitations.length > 0) {
      const authors = [...new Set(imitations.map((x) => x.user?.login ?? 'a deleted account'))];
      core.warning(logLine(`${imitations.length} comment(s) on #${c.pullNumber} carry release-gate's marker but were written by ${authors.join(', ')}, not by ${who.identity.login}: they are not the gate's report and were not adopted`));
      notes.push(
        `> [!CAUTION]\n> ${imitations.length === 1 ? 'Another comment' : `${imitations.length} other comments`} on this pull request ${imitations.length === 1 ? 'carries' : 'carry'} this report's hidden marker but ${imitations.length === 1 ? 'was' : 'were'} written by ${authors
          .slice(0, 3)
          .map((a) => escapeMarkdown(a, 60))
          .join(', ')}${authors.length > 3 ? ` and ${authors.length - 3} more` : ''}, not by ${escapeMarkdown(who.identity.login, 60)}: only this comment is release-gate's report.`,
      );
    }
  }
  const head = `${marker}\n${stamp(c)}\n`;
  const note = notes.map((n) => `${n}\n\n`).join('');
  let body = `${head}${note}${c.body}`;
  // the notes are dropped before the report is
  if (body.length > COMMENT_LIMIT) body = `${head}${c.body}`;
  if (body.length > COMMENT_LIMIT) throw new Error(`comment body is ${body.length} characters, over GitHub's ${COMMENT_LIMIT}`);

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
  // on-failure and passing: with no comment of ours to correct there is nothing to say, unless we
  // cannot tell whose the marked comments are (one may be our earlier ❌)
  if (c.updateOnly && !(who && !who.identity)) {
    return { action: 'skipped', reason: 'no earlier release-gate comment to bring up to date (comment: on-failure, and this run passed)' };
  }
  const created = await octokit.rest.issues.createComment({ owner: c.owner, repo: c.repo, issue_number: c.pullNumber, body });
  return { action: 'created', url: created.data.html_url, id: created.data.id };
}

function wroteIt(identity: TokenIdentity, comment: Comment): boolean {
  const user = comment.user;
  if (!user) return false;
  if (identity.id !== undefined) return user.id === identity.id;
  return user.login.toLowerCase() === identity.login.toLowerCase();
}

const identities = new WeakMap<Octokit, Promise<{ identity?: TokenIdentity; why?: string }>>();

/**
 * The account the token acts as. GraphQL's `viewer` answers for every kind of token: for
 * GITHUB_TOKEN and other GitHub App installation tokens it is the app's bot (`github-actions[bot]`,
 * the same login and database id the REST API shows as a comment's author), for a personal access
 * token its user. REST `GET /user` answers only for user tokens (installation tokens get 403), so it
 * is the fallback. Asked once per client.
 */
export function tokenIdentity(octokit: Octokit): Promise<{ identity?: TokenIdentity; why?: string }> {
  let known = identities.get(octokit);
  if (!known) {
    known = learnIdentity(octokit);
    identities.set(octokit, known);
  }
  return known;
}

async function learnIdentity(octokit: Octokit): Promise<{ identity?: TokenIdentity; why?: string }> {
  const problems: string[] = [];
  try {
    const data = await octokit.graphql<{ viewer?: { login?: unknown; databaseId?: unknown } }>('query { viewer { login databaseId } }');
    const { login, databaseId } = data.viewer ?? {};
    if (typeof login === 'string' && login !== '') return { identity: { login, ...(typeof databaseId === 'number' && { id: databaseId }) } };
    problems.push('GraphQL viewer: no login in the answer');
  } catch (err) {
    problems.push(`GraphQL viewer: ${err instanceof Error ? err.message : String(err)}`);
  }
  try {
    const { data } = await octokit.rest.users.getAuthenticated();
    if (typeof data.login === 'string' && data.login !== '') return { identity: { login: data.login, id: data.id } };
    problems.push('GET /user: no login in the answer');
  } catch (err) {
    problems.push(`GET /user: ${err instanceof Error ? err.message : String(err)}`);
  }
  return { why: problems.join('; ') };
}
