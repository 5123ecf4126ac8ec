/**
 * Publishing: the check run on the judged commit, the sticky comment on each PR of the plan, the
 * job summary and the outputs. The summary and outputs are written whatever happens to the rest;
 * a failure to publish never turns into a pass.
 */
import * as core from '@actions/core';
import type { GateContext, PullRequestRef } from '../github/context.js';
import { CHECK_SUMMARY_LIMIT, publishCheckRun } from '../github/checks.js';
import { COMMENT_LIMIT, upsertStickyComment, type CommentOutcome } from '../github/comment.js';
import { httpStatus, type Octokit } from '../github/octokit.js';
import type { Annotation } from '../render/annotations.js';
import { codeSpan, escapeMarkdown } from '../render/escape.js';
import { logLine } from '../render/log.js';
import { fitMarkdown } from '../render/trim.js';
import type { Inputs } from './inputs.js';

export const SUMMARY_LIMIT = 1_000_000;
const FORK_RECIPE =
  'This token cannot write checks or comments (a pull request from a fork gets a read-only token). Run release-gate in a separate workflow on `workflow_run` — see the README recipe "Public repositories with forks" — to publish the verdict.';

export interface Publication {
  checkRunId?: number;
  checkRunUrl?: string;
  commentUrl?: string;
}

export interface PublishRequest {
  checkName: string;
  markdownSections: string[];
  title: string;
  annotations: Annotation[];
  /** said in the check run's summary only, after the headline (e.g. annotations left out) */
  checkNotes?: string[];
  /** the check run's output.text: the verdict digest (none when the policy has errors: such a run is no base) */
  checkText?: string;
  decision: 'pass' | 'fail';
  /** the PRs to comment on (none for pushes and merge groups) */
  pullRequests: PullRequestRef[];
}

/** Remembers a 403 on a write, so a read-only token is explained once and not retried. */
export class WriteGuard {
  readOnly = false;
  async attempt<T>(what: string, write: () => Promise<T>): Promise<T | undefined> {
    if (this.readOnly) return undefined;
    try {
      return await write();
    } catch (err) {
      if (httpStatus(err) === 403) {
        this.readOnly = true;
        core.warning(`release-gate could not ${what}: ${err instanceof Error ? err.message : String(err)}. ${FORK_RECIPE}`);
        return undefined;
      }
      core.warning(`release-gate could not ${what}: ${err instanceof Error ? err.message : String(err)}`);
      return undefined;
    }
  }
}

export async function publish(octokit: Octokit, context: GateContext, inputs: Inputs, writes: WriteGuard, request: PublishRequest): Promise<Publication> {
  const published: Publication = {};
  const cutNote = (lines: number) => `_… ${lines} more lines cut to fit GitHub's size limit; the whole report is in the [job summary](${context.runUrl})._`;
  const check = await writes.attempt('create the check run', () =>
    publishCheckRun(octokit, {
      owner: context.owner,
      repo: context.repo,
      name: request.checkName,
      headSha: context.headSha,
      detailsUrl: context.runUrl,
      title: request.title,
      decision: request.decision,
      summary: fitMarkdown([...request.markdownSections.slice(0, 1), ...(request.checkNotes ?? []), ...request.markdownSections.slice(1)], CHECK_SUMMARY_LIMIT, cutNote),
      annotations: request.annotations,
      ...(request.checkText !== undefined && { text: request.checkText }),
    }),
  );
  if (check) {
    published.checkRunId = check.id;
    published.checkRunUrl = check.url;
  }
  const pulls = request.pullRequests;
  // on-failure runs on a pass too, but only to bring an earlier ❌ comment up to date
  const wanted = inputs.comment === 'always' || (inputs.comment === 'auto' && pulls.length > 0) || inputs.comment === 'on-failure';
  if (!wanted) return published;
  if (pulls.length === 0) {
    if (inputs.comment !== 'auto') core.info('no pull request for this run: no comment');
    return published;
  }
  const footer = `\n<sub>${request.checkName === 'release-gate' ? '' : `${escapeMarkdown(request.checkName, 100)} · `}commit ${codeSpan(context.headSha.slice(0, 7))} · [run ${context.runId}](${context.runUrl})</sub>\n`;
  const body = `${fitMarkdown(request.markdownSections, COMMENT_LIMIT - footer.length - 300, cutNote)}${footer}`;
  for (const pr of pulls) {
    const url = await comment(octokit, context, writes, pr, request.checkName, body, inputs.comment === 'on-failure' && request.decision === 'pass');
    published.commentUrl ??= url;
  }
  return published;
}

async function comment(octokit: Octokit, context: GateContext, writes: WriteGuard, pr: PullRequestRef, checkName: string, body: string, updateOnly: boolean): Promise<string | undefined> {
  let currentHead: string | undefined;
  try {
    currentHead = (await octokit.rest.pulls.get({ owner: context.owner, repo: context.repo, pull_number: pr.number })).data.head.sha;
  } catch (err) {
    core.warning(`could not read pull request #${pr.number}: ${err instanceof Error ? err.message : String(err)}`);
  }
  const outcome: CommentOutcome | undefined = await writes.attempt('comment on the pull request', () =>
    upsertStickyComment(
      octokit,
      { owner: context.owner, repo: context.repo, pullNumber: pr.number, checkName, headSha: context.headSha, runId: context.runId, runAttempt: context.runAttempt, body, updateOnly },
      currentHead,
    ),
  );
  if (outcome?.action === 'skipped') core.info(logLine(`comment not updated: ${outcome.reason}`));
  return outcome?.url;
}

export async function writeSummary(sections: string[]): Promise<void> {
  if (!process.env.GITHUB_STEP_SUMMARY) return;
  let text = fitMarkdown(sections, SUMMARY_LIMIT, (n) => `_… ${n} more lines cut to fit the 1 MiB job summary; see the JSON report._`);
  if (Buffer.byteLength(text) > 1024 * 1024) text = fitMarkdown(sections, SUMMARY_LIMIT / 4, (n) => `_… ${n} more lines cut._`);
  await core.summary.addRaw(text, true).write();
}

export function setOutputs(values: { decision: string; score: number; passed: number; failed: number; missing: number; notApplicable: number; waived?: number; report: string; metrics: string; baseline?: string; attestation?: string } & Publication): void {
  core.setOutput('decision', values.decision);
  core.setOutput('score', values.score);
  core.setOutput('passed', values.passed);
  core.setOutput('failed', values.failed);
  core.setOutput('missing', values.missing);
  core.setOutput('not-applicable', values.notApplicable);
  core.setOutput('waived', values.waived ?? 0);
  core.setOutput('report', values.report);
  core.setOutput('metrics', values.metrics);
  core.setOutput('attestation', values.attestation ?? '');
  core.setOutput('check-run-id', values.checkRunId ?? '');
  core.setOutput('check-run-url', values.checkRunUrl ?? '');
  core.setOutput('comment-url', values.commentUrl ?? '');
  core.setOutput('baseline', values.baseline ?? '');
}
