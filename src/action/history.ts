/**
 * The base verdict on GitHub: the check run of the same name on the commit this one is compared
 * with, read back with the `checks: read` the workflow already has (the digest rides hidden in its
 * `output.text`, src/history/digest.ts).
 *
 * Which commit is the base, per reading: src/action/base.ts (the rule the change is found by too);
 * a pull request's merge base comes from the compare API, else it is the PR's base.sha.
 * When the base has no usable verdict, first parents are followed up to `depth` commits.
 *
 * Fail closed: only a completed check run of a trusted app (by default the one GITHUB_TOKEN writes
 * as), on that very commit, whose digest decodes and names that commit, is a base. A digest that is
 * refused (truncated, altered, another version, another commit) is a warning and never trusted; a
 * check run without a digest (its policy had errors) is not a base. No base, or an API failure, is
 * a reason, never a pass: relative expectations then go missing. Every request is counted and
 * capped.
 */
import type { GateContext } from '../github/context.js';
import { httpStatus, type Octokit } from '../github/octokit.js';
import type { BaselineLookup } from '../history/baseline.js';
import { decodeDigest, type Digest } from '../history/digest.js';
import { baseOf } from './base.js';
import type { Reading } from './event.js';

/** First-parent commits followed past the base commit, by default and at most (input baseline-depth). */
export const BASELINE_DEPTH = 10;
export const BASELINE_DEPTH_MAX = 50;
/** The app GITHUB_TOKEN writes check runs as: the trusted one unless input baseline-apps says otherwise. */
export const TRUSTED_APP = 'github-actions';
const PER_PAGE = 100;

export interface BaselineOptions {
  /** first parents to follow past the base commit (0: the base commit only) */
  depth: number;
  /** slugs of the apps whose check runs may hold a base verdict */
  trustedApps: string[];
  /** most API requests (default requestCap(depth), which a walk within the depth never reaches) */
  maxRequests?: number;
}

/** Most API requests one lookup makes: the base commit, then per commit two pages of check runs and its parent. */
export function requestCap(depth: number): number {
  return 3 * depth + 5;
}

/** The base verdict of one reading of the commit, or why there is none. */
export async function findBaseline(octokit: Octokit, context: GateContext, reading: Reading, checkName: string, options: BaselineOptions): Promise<BaselineLookup> {
  const api = new Api(octokit, context, options.maxRequests ?? requestCap(options.depth));
  const walk: string[] = [];
  const warnings: string[] = [];
  /** where verdicts must be recorded for a base to be found: the branch compared with */
  const branch = reading.branch;
  const done = (reason: string): BaselineLookup => ({ reason: `no baseline: ${reason}`, walk, apiCalls: api.calls, warnings });
  let start: Start;
  try {
    start = await baseCommit(api, context, reading);
  } catch (err) {
    return done(failure(err, 'the base commit could not be determined', api));
  }
  let sha = start.sha;
  let parent = start.parent;
  const seen = new Set<string>();
  for (let back = 0; ; back++) {
    seen.add(sha);
    let at: Found;
    try {
      at = await verdictOn(api, sha, checkName, options.trustedApps);
    } catch (err) {
      walk.push(`${short(sha)}: the check runs could not be read`);
      return done(failure(err, `the check runs of ${short(sha)} could not be read`, api));
    }
    walk.push(`${short(sha)}: ${at.line}`);
    warnings.push(...at.warnings);
    if (at.digest) {
      const where = back === 0 ? 'on that commit' : `found ${back} commit${back === 1 ? '' : 's'} back`;
      return {
        // the branch the base verdict was made for (a new branch's first push finds its parent branch's)
        baseline: { digest: at.digest, label: `${at.digest.branch ?? branch ?? 'base'} @ ${short(sha)}`, how: `${start.how}, ${where}` },
        walk,
        apiCalls: api.calls,
        warnings,
      };
    }
    const record = `verdicts are recorded on every push to ${branch ?? 'the base branch'}`;
    if (back >= options.depth) {
      const ancestors = options.depth === 0 ? ' (input baseline-depth is 0: no ancestor is looked at)' : ` or its ${options.depth} ancestor${options.depth === 1 ? '' : 's'}`;
      return done(`no ${checkName} verdict on ${short(start.sha)}${ancestors}; ${record}`);
    }
    try {
      parent ??= await firstParent(api, sha);
    } catch (err) {
      return done(failure(err, `the parent of ${short(sha)} could not be read`, api));
    }
    if (parent === undefined || seen.has(parent)) {
      const ancestors = back === 0 ? ' (the first commit of the history)' : ` or its ${back} ancestor${back === 1 ? '' : 's'} (the history begins at ${short(sha)})`;
      return done(`no ${checkName} verdict on ${short(start.sha)}${ancestors}; ${record}`);
    }
    sha = parent;
    parent = undefined;
  }
}

interface Start {
  sha: string;
  /** how it was chosen, for Baseline.how */
  how: string;
  /** its first parent, when the response that named it said (compare does) */
  parent?: string;
}

async function baseCommit(api: Api, context: GateContext, reading: Reading): Promise<Start> {
  const base = baseOf(context, reading);
  switch (base.kind) {
    case 'merge-base': {
      const { baseSha } = base;
      try {
        const { data } = await api.call(() =>
          api.octokit.rest.repos.compareCommitsWithBasehead({ ...api.repo, basehead: `${baseSha ?? base.ref}...${context.headSha}`, per_page: 1 }),
        );
        const mergeBase = data.merge_base_commit;
        return { sha: mergeBase.sha, how: 'the merge base of the pull request (compare API)', ...(mergeBase.parents[0] && { parent: mergeBase.parents[0].sha }) };
      } catch (err) {
        if (err instanceof CapReached || baseSha === undefined) throw err;
        return { sha: baseSha, how: `the base commit of the pull request (the compare API failed: ${errorText(err)})` };
      }
    }
    case 'sha':
      return { sha: base.sha, how: base.how };
    case 'first-parent':
      return { sha: await requiredParent(api, context.headSha), how: base.how };
  }
}

async function requiredParent(api: Api, sha: string): Promise<string> {
  const parent = await firstParent(api, sha);
  if (parent === undefined) throw new NoParent(`${short(sha)} has no parent (the first commit of the repository)`);
  return parent;
}

async function firstParent(api: Api, sha: string): Promise<string | undefined> {
  const { data } = await api.call(() => api.octokit.rest.git.getCommit({ ...api.repo, commit_sha: sha }));
  return data.parents[0]?.sha;
}

interface Found {
  line: string;
  digest?: Digest;
  warnings: string[];
}

type CheckRun = Awaited<ReturnType<Octokit['rest']['checks']['listForRef']>>['data']['check_runs'][number];

/** The newest acceptable verdict among the commit's check runs of this name, and what the others were. */
async function verdictOn(api: Api, sha: string, checkName: string, trustedApps: string[]): Promise<Found> {
  const runs: CheckRun[] = [];
  for (let page = 1; page <= 2; page++) {
    const { data } = await api.call(() => api.octokit.rest.checks.listForRef({ ...api.repo, ref: sha, check_name: checkName, filter: 'latest', per_page: PER_PAGE, page }));
    runs.push(...data.check_runs);
    if (data.check_runs.length < PER_PAGE || runs.length >= data.total_count) break;
  }
  const candidates = runs.filter((r) => r.name === checkName).sort((a, b) => (b.completed_at ?? '').localeCompare(a.completed_at ?? '') || b.id - a.id);
  if (candidates.length === 0) return { line: `no ${checkName} check run`, warnings: [] };
  const trusted = new Set(trustedApps.map((a) => a.toLowerCase()));
  const notes: string[] = [];
  const warnings: string[] = [];
  for (const run of candidates) {
    const which = `check run ${run.id}`;
    const slug = run.app?.slug ?? '';
    if (run.head_sha.toLowerCase() !== sha.toLowerCase()) notes.push(`${which} is on another commit, ignored`);
    else if (run.status !== 'completed') notes.push(`${which} is not completed, ignored`);
    else if (!trusted.has(slug.toLowerCase())) notes.push(`${which} is by the app ${shown(slug)}, not a trusted app (input baseline-apps), ignored`);
    else {
      const decoded = decodeDigest(run.output.text);
      if (decoded === undefined) notes.push(`${which} holds no verdict digest (its policy had errors, or an older release-gate wrote it), not a base`);
      else if ('error' in decoded) {
        notes.push(`${which}: digest refused: ${decoded.error}`);
        warnings.push(`the ${checkName} check run ${run.id} on ${short(sha)} is not used as the base: ${decoded.error}`);
      } else if (decoded.digest.commit?.toLowerCase() !== sha.toLowerCase()) {
        const error = `its verdict digest is ${decoded.digest.commit === undefined ? 'of no commit' : `of commit ${short(decoded.digest.commit)}`}, not of ${short(sha)}`;
        notes.push(`${which}: digest refused: ${error}`);
        warnings.push(`the ${checkName} check run ${run.id} on ${short(sha)} is not used as the base: ${error}`);
      } else {
        notes.push(`verdict found (${which})`);
        return { line: notes.join('; '), digest: decoded.digest, warnings };
      }
    }
  }
  return { line: notes.join('; '), warnings };
}

/** Counts requests and stops at the cap. */
class Api {
  calls = 0;
  readonly repo: { owner: string; repo: string };
  constructor(
    readonly octokit: Octokit,
    context: GateContext,
    readonly cap: number,
  ) {
    this.repo = { owner: context.owner, repo: context.repo };
  }
  async call<T>(request: () => Promise<T>): Promise<T> {
    if (this.calls >= this.cap) throw new CapReached(`the lookup stopped at its cap of ${this.cap} API requests`);
    this.calls++;
    return request();
  }
}

class CapReached extends Error {}
class NoParent extends Error {}

function failure(err: unknown, what: string, api: Api): string {
  if (err instanceof CapReached || err instanceof NoParent) return err.message;
  const status = httpStatus(err);
  const fix = status === 403 ? '; the token needs checks: read and contents: read' : '';
  return `${what} (${errorText(err)}) after ${api.calls} API request${api.calls === 1 ? '' : 's'}${fix}`;
}

/** An API error in a few words: its status and GitHub's message, bounded. */
function errorText(err: unknown): string {
  const status = httpStatus(err);
  const message = (err instanceof Error ? err.message : String(err)).replace(/\s+/g, ' ').slice(0, 200);
  return status === undefined ? message : `HTTP ${status}: ${message}`;
}

/** An app slug as given by the API, reduced to the characters a slug has. */
function shown(slug: string): string {
  return slug === '' ? '(none)' : slug.replace(/[^A-Za-z0-9._-]/g, '?').slice(0, 60);
}

function short(sha: string): string {
  return sha.slice(0, 7);
}
