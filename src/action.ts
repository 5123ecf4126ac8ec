/**
 * The action: inputs and event → evidence (a folder or the run's artifacts) → the gate → check
 * run, sticky PR comment, job summary, outputs and exit code. The summary and outputs are written
 * whatever happens to publishing; a failure to publish never turns into a pass.
 */
import * as core from '@actions/core';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { explainArtifactError, fetchArtifacts } from './evidence/artifacts.js';
import { directorySource } from './evidence/directory.js';
import type { EvidenceSource } from './evidence/types.js';
import { readContext, pullRequestFrom, type GateContext } from './github/context.js';
import { CHECK_SUMMARY_LIMIT, checkTitle, publishCheckRun } from './github/checks.js';
import { COMMENT_LIMIT, upsertStickyComment, type CommentOutcome } from './github/comment.js';
import { createOctokit, httpStatus, type Octokit } from './github/octokit.js';
import { diffPolicies, type PolicyChange } from './policy/diff.js';
import { formatPolicyError, loadPolicy, type Policy } from './policy/load.js';
import { annotationsFor, type Annotation } from './render/annotations.js';
import { codeSpan, escapeMarkdown } from './render/escape.js';
import { logLine } from './render/log.js';
import { renderJson } from './render/json.js';
import { renderMarkdownSections, renderUnusablePolicyMarkdown } from './render/markdown.js';
import { fitMarkdown } from './render/trim.js';
import { evaluatePolicy, type GateOutcome } from './run.js';
import type { Verdict } from './verdict/evaluate.js';

type CommentMode = 'auto' | 'always' | 'on-failure' | 'never';

interface Inputs {
  policy: string;
  token: string;
  evidenceDir?: string;
  runId?: number;
  profile?: string;
  checkName?: string;
  comment: CommentMode;
  policyRef: 'base' | 'head';
  fail: boolean;
}

const SUMMARY_LIMIT = 1_000_000;
const FORK_RECIPE =
  'This token cannot write checks or comments (a pull request from a fork gets a read-only token). Run release-gate in a separate workflow on `workflow_run` — see the README recipe "Public repositories with forks" — to publish the verdict.';

function readInputs(): Inputs {
  const comment = core.getInput('comment') || 'auto';
  if (!['auto', 'always', 'on-failure', 'never'].includes(comment)) throw new Error(`input comment must be auto, always, on-failure or never (got "${comment}")`);
  const policyRef = core.getInput('policy-ref') || 'base';
  if (policyRef !== 'base' && policyRef !== 'head') throw new Error(`input policy-ref must be base or head (got "${policyRef}")`);
  const runId = core.getInput('run-id');
  if (runId && !/^\d+$/.test(runId)) throw new Error(`input run-id must be a run's number (got "${runId}")`);
  const inputs: Inputs = {
    policy: core.getInput('policy') || '.github/release-gate.yml',
    token: core.getInput('token'),
    comment: comment as CommentMode,
    policyRef,
    fail: (core.getInput('fail') || 'true').toLowerCase() !== 'false',
  };
  if (core.getInput('evidence-dir')) inputs.evidenceDir = core.getInput('evidence-dir');
  if (runId) inputs.runId = Number(runId);
  if (core.getInput('profile')) inputs.profile = core.getInput('profile');
  if (core.getInput('check-name')) inputs.checkName = core.getInput('check-name');
  return inputs;
}

interface Publication {
  checkRunId?: number;
  checkRunUrl?: string;
  commentUrl?: string;
}

export async function runAction(): Promise<void> {
  let verdict: Verdict | undefined;
  try {
    const inputs = readInputs();
    if (inputs.token) core.setSecret(inputs.token);
    const payload = process.env.GITHUB_EVENT_PATH ? (JSON.parse(await readFile(process.env.GITHUB_EVENT_PATH, 'utf8')) as Record<string, unknown>) : {};
    const context = readContext(process.env, payload);
    const octokit = createOctokit(inputs.token, context.apiUrl, { warning: (m) => core.warning(m) });
    const writes = new WriteGuard();
    await findPullRequest(octokit, context);

    const policy = await readPolicyText(octokit, context, inputs);
    const loaded = loadPolicy(policy.text, policy.file);
    const checkName = inputs.checkName ?? (loaded.ok ? loaded.policy.name : 'release-gate');
    const work = path.join(process.env.RUNNER_TEMP || tmpdir(), `release-gate-${context.runId}-${process.pid}`);
    const outcome: GateOutcome = loaded.ok
      ? await evaluatePolicy(loaded.policy, {
          source: await evidenceSource(octokit, context, inputs, loaded.policy, work),
          ...(inputs.profile !== undefined && { profile: inputs.profile }),
          ...(context.branch !== undefined && { branch: context.branch }),
          now: new Date(),
        })
      : { kind: 'policy-error', errors: loaded.errors };
    const reportPath = path.join(work, 'release-gate-report.json');
    await mkdir(work, { recursive: true });

    if (outcome.kind !== 'verdict') {
      const errors = outcome.kind === 'policy-error' ? outcome.errors : [{ file: policy.file, line: 1, column: 1, message: outcome.message }];
      const markdown = renderUnusablePolicyMarkdown(errors.map(formatPolicyError));
      await writeFile(reportPath, `${JSON.stringify({ version: 1, decision: 'fail', score: 0, errors: errors.map(formatPolicyError), criteria: [] }, null, 2)}\n`);
      for (const e of errors) core.error(e.message, { file: e.file, startLine: e.line, startColumn: e.column, title: 'release-gate policy' });
      const published = await publish(octokit, context, inputs, writes, {
        checkName,
        markdownSections: [markdown],
        title: `Failed: the policy has ${errors.length} error${errors.length === 1 ? '' : 's'}`,
        annotations: errors.map((e) => ({ path: e.file, start_line: e.line, end_line: e.line, annotation_level: 'failure' as const, title: 'policy error', message: e.message })),
        decision: 'fail',
      });
      await writeSummary([markdown]);
      setOutputs({ decision: 'fail', score: 0, passed: 0, failed: 0, missing: 0, report: reportPath, ...published });
      core.setFailed(`release-gate: the policy ${policy.file} has errors`);
      return;
    }

    verdict = outcome.verdict;
    const { decision } = verdict;
    await writeFile(reportPath, renderJson(verdict));
    const sections = renderMarkdownSections(verdict, { policyPath: policy.file });
    if (policy.change) sections.splice(1, 0, policyChangeMarkdown(policy.change, policy.file));
    if (policy.note) sections.splice(1, 0, `> [!NOTE]\n> ${escapeMarkdown(policy.note, 500)}\n`);
    core.info(logLine(`${verdict.decision === 'pass' ? 'PASS' : 'FAIL'} score ${verdict.score}% — ${verdict.summary}`));
    for (const c of verdict.criteria) core.info(logLine(`  ${c.status.padEnd(7)} ${c.id}: ${c.reason}`));
    const published = await publish(octokit, context, inputs, writes, {
      checkName,
      markdownSections: sections,
      title: checkTitle(verdict),
      annotations: annotationsFor(verdict, policy.file),
      decision: verdict.decision,
    });
    await writeSummary(sections);
    setOutputs({ decision, score: verdict.score, ...verdict.counts, report: reportPath, ...published });
    if (decision === 'fail') {
      const message = `release-gate failed: ${verdict.summary}`;
      if (inputs.fail) core.setFailed(message);
      else core.warning(`${message} (input fail is false: the step passes)`);
    }
  } catch (err) {
    // an internal error is never a pass: the gate fails with the reason
    const message = err instanceof Error ? err.message : String(err);
    core.setOutput('decision', 'fail');
    if (!verdict) {
      await writeSummary([`### ❌ release-gate: failed — internal error\n\n${escapeMarkdown(message, 2000)}\n`]).catch(() => undefined);
    }
    core.setFailed(`release-gate: ${message}`);
  }
}

/** Remembers a 403 on a write, so a read-only token is explained once and not retried. */
class WriteGuard {
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

/** workflow_run for a fork PR: GitHub leaves pull_requests empty, so find the PR by its head SHA. */
async function findPullRequest(octokit: Octokit, context: GateContext): Promise<void> {
  if (!context.triggeringRun?.needsPullLookup) return;
  try {
    const { data } = await octokit.rest.repos.listPullRequestsAssociatedWithCommit({ owner: context.owner, repo: context.repo, commit_sha: context.headSha });
    let match = data.find((p) => p.head.sha === context.headSha && p.state === 'open');
    if (!match) {
      const open = await octokit.paginate(octokit.rest.pulls.list, { owner: context.owner, repo: context.repo, state: 'open', per_page: 100 });
      match = open.find((p) => p.head.sha === context.headSha) as typeof match;
    }
    if (match) {
      context.pullRequest = pullRequestFrom(match as unknown as Record<string, unknown>, `${context.owner}/${context.repo}`);
      context.branch = context.pullRequest.baseRef;
    }
  } catch (err) {
    core.warning(`could not find the pull request of ${context.headSha.slice(0, 7)}: ${err instanceof Error ? err.message : String(err)}`);
  }
}

interface PolicySource {
  text: string;
  file: string;
  change?: PolicyChange;
  note?: string;
}

/** On pull requests the policy comes from the base branch, so a PR cannot weaken its own gate. */
async function readPolicyText(octokit: Octokit, context: GateContext, inputs: Inputs): Promise<PolicySource> {
  const file = inputs.policy.replace(/^\.\//, '');
  const local = await readFile(path.resolve(process.env.GITHUB_WORKSPACE ?? '.', file), 'utf8').catch(() => undefined);
  const pr = context.pullRequest;
  if (!pr || inputs.policyRef === 'head' || context.eventName === 'workflow_run') {
    if (local === undefined) throw new Error(`policy file ${file} not found in the workspace: check out the repository first (actions/checkout) or set the input policy`);
    return { text: local, file };
  }
  let base: string | undefined;
  try {
    const { data } = await octokit.rest.repos.getContent({ owner: context.owner, repo: context.repo, path: file, ref: pr.baseSha ?? pr.baseRef });
    if (Array.isArray(data) || data.type !== 'file' || !('content' in data)) throw new Error(`${file} on ${pr.baseRef} is not a file`);
    base = Buffer.from(data.content, 'base64').toString('utf8');
  } catch (err) {
    if (httpStatus(err) !== 404) throw new Error(`could not read ${file} from the base branch ${pr.baseRef}: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
  }
  if (base === undefined) {
    if (local === undefined) throw new Error(`policy file ${file} is neither on the base branch ${pr.baseRef} nor in the workspace`);
    return { text: local, file, note: `${file} is not on the base branch ${pr.baseRef} yet: this pull request is judged by the policy it adds.` };
  }
  const source: PolicySource = { text: base, file };
  if (local !== undefined && local !== base) {
    const [before, after] = [loadPolicy(base, file), loadPolicy(local, file)];
    source.change = before.ok && after.ok ? diffPolicies(before.policy, after.policy) : { added: [], removed: [], loosened: after.ok ? [] : ['the changed policy has errors'] };
  }
  return source;
}

async function evidenceSource(octokit: Octokit, context: GateContext, inputs: Inputs, policy: Policy, work: string): Promise<EvidenceSource> {
  if (inputs.evidenceDir !== undefined) return directorySource(path.resolve(process.env.GITHUB_WORKSPACE ?? '.', inputs.evidenceDir));
  // only the artifacts some criterion names are downloaded
  const patterns = [...new Set(policy.criteria.map((c) => c.evidence.artifact).filter((a): a is string => a !== undefined))];
  const runId = inputs.runId ?? context.triggeringRun?.id ?? context.runId;
  const currentRun = runId === context.runId;
  try {
    let runHeadSha = context.headSha;
    if (!currentRun) {
      const { data } = await octokit.rest.actions.getWorkflowRun({ owner: context.owner, repo: context.repo, run_id: runId }).catch((err: unknown) => {
        throw new Error(explainArtifactError(err, `read run ${runId}`), { cause: err });
      });
      runHeadSha = data.head_sha;
    }
    const fetched = await fetchArtifacts(
      { token: inputs.token, owner: context.owner, repo: context.repo, runId, currentRun, headSha: context.headSha, patterns, dir: path.join(work, 'artifacts'), log: core },
      runHeadSha,
    );
    for (const p of fetched.problems) core.warning(p);
    return fetched.source;
  } catch (err) {
    // no artifacts is no evidence: every criterion that needs them is missing, with this reason
    const reason = err instanceof Error ? err.message : String(err);
    core.error(reason);
    return { find: async (query) => ({ files: [], emptyReason: query.artifact === undefined ? `no artifact to read "${query.path}" from: ${reason}` : reason }) };
  }
}

interface PublishRequest {
  checkName: string;
  markdownSections: string[];
  title: string;
  annotations: Annotation[];
  decision: 'pass' | 'fail';
}

async function publish(octokit: Octokit, context: GateContext, inputs: Inputs, writes: WriteGuard, request: PublishRequest): Promise<Publication> {
  const published: Publication = {};
  const summaryLink = `${context.runUrl}`;
  const cutNote = (lines: number) => `_… ${lines} more lines cut to fit GitHub's size limit; the whole report is in the [job summary](${summaryLink})._`;
  const check = await writes.attempt('create the check run', () =>
    publishCheckRun(octokit, {
      owner: context.owner,
      repo: context.repo,
      name: request.checkName,
      headSha: context.headSha,
      detailsUrl: context.runUrl,
      title: request.title,
      decision: request.decision,
      summary: fitMarkdown(request.markdownSections, CHECK_SUMMARY_LIMIT, cutNote),
      annotations: request.annotations,
    }),
  );
  if (check) {
    published.checkRunId = check.id;
    published.checkRunUrl = check.url;
  }
  const pr = context.pullRequest;
  const wanted = inputs.comment === 'always' || (inputs.comment === 'auto' && pr !== undefined) || (inputs.comment === 'on-failure' && request.decision === 'fail');
  if (!wanted) return published;
  if (!pr) {
    if (inputs.comment !== 'auto') core.info('no pull request for this run: no comment');
    return published;
  }
  let currentHead: string | undefined;
  try {
    currentHead = (await octokit.rest.pulls.get({ owner: context.owner, repo: context.repo, pull_number: pr.number })).data.head.sha;
  } catch (err) {
    core.warning(`could not read pull request #${pr.number}: ${err instanceof Error ? err.message : String(err)}`);
  }
  const footer = `\n<sub>${request.checkName === 'release-gate' ? '' : `${escapeMarkdown(request.checkName, 100)} · `}commit ${codeSpan(context.headSha.slice(0, 7))} · [run ${context.runId}](${context.runUrl})</sub>\n`;
  const body = `${fitMarkdown(request.markdownSections, COMMENT_LIMIT - footer.length - 300, cutNote)}${footer}`;
  const outcome: CommentOutcome | undefined = await writes.attempt('comment on the pull request', () =>
    upsertStickyComment(
      octokit,
      { owner: context.owner, repo: context.repo, pullNumber: pr.number, checkName: request.checkName, headSha: context.headSha, runId: context.runId, runAttempt: context.runAttempt, body },
      currentHead,
    ),
  );
  if (outcome?.action === 'skipped') core.info(logLine(`comment not updated: ${outcome.reason}`));
  if (outcome?.url) published.commentUrl = outcome.url;
  return published;
}

function policyChangeMarkdown(change: PolicyChange, file: string): string {
  const lines = [`> [!WARNING]\n> This pull request changes ${codeSpan(file)}. It is judged by the policy of the base branch; the change takes effect once merged.`];
  const list = (label: string, items: string[]) => {
    if (items.length > 0) lines.push(`> - ${label}: ${items.map((i) => escapeMarkdown(i, 200)).join('; ')}`);
  };
  list('criteria added', change.added);
  list('criteria removed', change.removed);
  list('loosened', change.loosened);
  return `${lines.join('\n')}\n`;
}

async function writeSummary(sections: string[]): Promise<void> {
  if (!process.env.GITHUB_STEP_SUMMARY) return;
  let text = fitMarkdown(sections, SUMMARY_LIMIT, (n) => `_… ${n} more lines cut to fit the 1 MiB job summary; see the JSON report._`);
  if (Buffer.byteLength(text) > 1024 * 1024) text = fitMarkdown(sections, SUMMARY_LIMIT / 4, (n) => `_… ${n} more lines cut._`);
  await core.summary.addRaw(text, true).write();
}

function setOutputs(values: { decision: string; score: number; passed: number; failed: number; missing: number; report: string } & Publication): void {
  core.setOutput('decision', values.decision);
  core.setOutput('score', values.score);
  core.setOutput('passed', values.passed);
  core.setOutput('failed', values.failed);
  core.setOutput('missing', values.missing);
  core.setOutput('report', values.report);
  core.setOutput('check-run-id', values.checkRunId ?? '');
  core.setOutput('check-run-url', values.checkRunUrl ?? '');
  core.setOutput('comment-url', values.commentUrl ?? '');
}
