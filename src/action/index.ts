/**
 * The action: inputs and event → the readings of the commit (which rules judge it: event.ts) →
 * their policies (policy-source.ts) → evidence (evidence-source.ts) → the gate, once per reading,
 * the strictest verdict kept → check run, sticky PR comment, job summary, outputs and exit code
 * (publish.ts). The summary and outputs are written whatever happens to publishing; a failure to
 * publish never turns into a pass.
 */
import * as core from '@actions/core';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { readContext, type GateContext } from '../github/context.js';
import { CHECK_SUMMARY_LIMIT, checkTitle } from '../github/checks.js';
import { createOctokit, type Octokit } from '../github/octokit.js';
import { formatPolicyError, loadPolicy, type LoadResult } from '../policy/load.js';
import { annotationsFor, FAILURE_ANNOTATIONS_CAP, failureAnnotations, PATCH_ANNOTATIONS_CAP, patchAnnotations } from '../render/annotations.js';
import { codeSpan, escapeMarkdown } from '../render/escape.js';
import { logLine } from '../render/log.js';
import { renderJson, renderNoVerdictJson } from '../render/json.js';
import { FAILURES_IN_COMMENT, FAILURES_IN_SUMMARY } from '../render/failures.js';
import { digestOf } from '../render/digest.js';
import { ageText } from '../render/history.js';
import { renderMarkdownSections, renderUnusablePolicyMarkdown } from '../render/markdown.js';
import type { BaselineLookup } from '../history/baseline.js';
import { encodeDigest, type Digest } from '../history/digest.js';
import { attestationOf } from '../render/attestation.js';
import { subjectDigests } from '../subjects.js';
import pkg from '../../package.json' with { type: 'json' };
import type { ChangeInput } from '../changes/diff.js';
import type { Policy } from '../policy/load.js';
import { evaluatePolicy, type GateOutcome } from '../run.js';
import type { Verdict } from '../verdict/evaluate.js';
import { describeReading, planReadings, type Reading } from './event.js';
import { artifactPatterns, evidenceSource, missingSource } from './evidence-source.js';
import { findBaseline } from './history.js';
import { baseOf } from './base.js';
import { findChanges } from './changes.js';
import { readInputs, type Inputs } from './inputs.js';
import { policySourceNotes, readPolicySource, type PolicySource } from './policy-source.js';
import { publish, setOutputs, SUMMARY_LIMIT, WriteGuard, writeSummary } from './publish.js';
import { strictest } from './strictest.js';

/** One reading of the commit, with its policy and what the gate said under it. */
interface Judged {
  reading: Reading;
  source: PolicySource;
  loaded: LoadResult;
  outcome: GateOutcome;
  /** the base verdict looked for (none when the policy is unusable) */
  lookup?: BaselineLookup;
}

const UNDETERMINED_SUMMARY = 'the branch whose rules apply could not be determined, so the gate fails closed';

export async function runAction(): Promise<void> {
  let verdict: Verdict | undefined;
  try {
    const inputs = readInputs();
    if (inputs.token) core.setSecret(inputs.token);
    const payload = process.env.GITHUB_EVENT_PATH ? (JSON.parse(await readFile(process.env.GITHUB_EVENT_PATH, 'utf8')) as Record<string, unknown>) : {};
    const context = readContext(process.env, payload);
    const octokit = createOctokit(inputs.token, context.apiUrl, { warning: (m) => core.warning(m) });
    const writes = new WriteGuard();
    const plan = await planReadings(octokit, context);
    if (plan.undetermined) core.error(plan.undetermined, { title: 'release-gate' });

    // each base's policy is read once, however many readings share it
    const sources = new Map<string, Promise<PolicySource>>();
    const read: Array<Omit<Judged, 'outcome'>> = [];
    for (const reading of plan.readings) {
      const key = reading.base && inputs.policyRef === 'base' ? `base:${reading.base.sha ?? reading.base.ref}` : 'workspace';
      if (!sources.has(key)) sources.set(key, readPolicySource(octokit, context, inputs, reading.base));
      const source = await sources.get(key)!;
      read.push({ reading, source, loaded: loadPolicy(source.text, source.file) });
    }
    const policies = read.flatMap((r) => (r.loaded.ok ? [r.loaded.policy] : []));
    // readings come base policies first: the check name is the one the base's policy gives
    const checkName = inputs.checkName ?? policies[0]?.name ?? 'release-gate';
    const work = path.join(process.env.RUNNER_TEMP || tmpdir(), `release-gate-${context.runId}-${process.pid}`);
    const source =
      policies.length === 0 ? undefined : plan.undetermined ? missingSource(plan.undetermined) : await evidenceSource(octokit, context, inputs, artifactPatterns(policies), work);
    const judged: Judged[] = [];
    const now = new Date();
    const changes = new Map<string, Promise<ChangeInput>>();
    for (const r of read) {
      const lookup = r.loaded.ok && source ? await lookUpBaseline(octokit, context, inputs, r.reading, checkName, plan.readings.length > 1, now) : undefined;
      const change = r.loaded.ok && source ? await lookUpChange(octokit, context, inputs, r.reading, r.loaded.policy, plan.readings.length > 1, changes) : undefined;
      const outcome: GateOutcome =
        r.loaded.ok && source
          ? await evaluatePolicy(r.loaded.policy, {
              source,
              ...(inputs.profile !== undefined && { profile: inputs.profile }),
              ...(r.reading.branch !== undefined && { branch: r.reading.branch }),
              now,
              ...(lookup && { baseline: lookup }),
              ...(change && { change }),
            })
          : { kind: 'policy-error', errors: r.loaded.ok ? [] : r.loaded.errors };
      // nothing known of the base: whatever the policy says, this is not a pass
      if (plan.undetermined && outcome.kind === 'verdict') outcome.verdict = { ...outcome.verdict, decision: 'fail', summary: UNDETERMINED_SUMMARY };
      judged.push({ ...r, outcome, ...(lookup && { lookup }) });
    }
    const chosen = strictest(judged);
    const { outcome } = chosen;
    const notes = [...(plan.undetermined ? [`> [!CAUTION]\n> ${escapeMarkdown(plan.undetermined, 1000)}\n`] : []), ...readingsNote(judged, chosen), ...policySourceNotes(chosen.source)];
    const policyFile = chosen.source.file;
    const reportPath = path.join(work, 'release-gate-report.json');
    await mkdir(work, { recursive: true });

    if (outcome.kind !== 'verdict') {
      const errors = outcome.kind === 'policy-error' ? outcome.errors : [{ file: policyFile, line: 1, column: 1, message: outcome.message }];
      const markdown = renderUnusablePolicyMarkdown(errors.map(formatPolicyError));
      const sections = [markdown, ...notes];
      const summary = outcome.kind === 'policy-error' ? `the policy has ${errors.length} error${errors.length === 1 ? '' : 's'}; the gate fails until it is fixed` : outcome.message;
      await writeFile(reportPath, renderNoVerdictJson(errors.map(formatPolicyError), { summary, profile: inputs.profile }));
      for (const e of errors) core.error(e.message, { file: e.file, startLine: e.line, startColumn: e.column, title: 'release-gate policy' });
      const published = await publish(octokit, context, inputs, writes, {
        checkName,
        markdownSections: sections,
        title: `Failed: the policy has ${errors.length} error${errors.length === 1 ? '' : 's'}`,
        annotations: errors.map((e) => ({ path: e.file, start_line: e.line, end_line: e.line, annotation_level: 'failure' as const, title: 'policy error', message: e.message })),
        decision: 'fail',
        pullRequests: plan.pullRequests,
      });
      await writeSummary(sections);
      // no digest on this check run: a run whose policy is unusable is never a base
      setOutputs({ decision: 'fail', score: 0, passed: 0, failed: 0, missing: 0, notApplicable: 0, report: reportPath, metrics: '{}', ...published });
      core.setFailed(`release-gate: the policy ${policyFile} has errors`);
      return;
    }

    verdict = outcome.verdict;
    const { decision } = verdict;
    const digest = plan.undetermined ? undefined : digestFor(verdict, chosen, context, now);
    await writeFile(reportPath, renderJson(verdict, digest));
    const attestation = await writeAttestation(verdict, chosen, context, inputs, work, now);
    // the comment and check run list 10 failing tests per failed criterion, the job summary 50;
    // fewer when that would not fit, so that trimming never cuts what has no evidence or passed.
    // The job summary draws the trend of the base branch's verdicts; the comment when the policy asks.
    const judgedBy = verdict;
    const trend = digest?.trend.at(-1);
    const render = (shown: number, withTrend: boolean) => {
      const rendered = renderMarkdownSections(judgedBy, { policyPath: policyFile, failuresShown: shown, now, ...(withTrend && trend && { trend }) });
      rendered.splice(1, 0, ...notes);
      return rendered;
    };
    const trendInComment = outcome.policy.trendInComment;
    const sections = fitting((shown) => render(shown, trendInComment), [FAILURES_IN_COMMENT, 3, 0], CHECK_SUMMARY_LIMIT - 2_000);
    const summarySections = fitting((shown) => render(shown, true), [FAILURES_IN_SUMMARY, FAILURES_IN_COMMENT, 3, 0], SUMMARY_LIMIT - 2_000);
    const atFailures = failureAnnotations(verdict, process.env.GITHUB_WORKSPACE ? { workspace: process.env.GITHUB_WORKSPACE } : {});
    const atPatch = patchAnnotations(verdict);
    const checkNotes = [
      ...(atFailures.leftOut > 0
        ? [`<sub>${atFailures.leftOut} more failing test${atFailures.leftOut === 1 ? ' or finding is' : 's or findings are'} not annotated (at most ${FAILURE_ANNOTATIONS_CAP} are); the JSON report lists them.</sub>\n`]
        : []),
      ...(atPatch.leftOut > 0
        ? [`<sub>${atPatch.leftOut} more range${atPatch.leftOut === 1 ? '' : 's'} of uncovered changed lines ${atPatch.leftOut === 1 ? 'is' : 'are'} not annotated (at most ${PATCH_ANNOTATIONS_CAP} are); the JSON report lists them.</sub>\n`]
        : []),
    ];
    const checkText = digest === undefined ? undefined : digestText(digest);
    core.info(logLine(`${verdict.decision === 'pass' ? 'PASS' : 'FAIL'} score ${verdict.score}% — ${verdict.summary}`));
    for (const c of verdict.criteria) core.info(logLine(`  ${c.status.padEnd(7)} ${c.id}: ${c.reason}`));
    const published = await publish(octokit, context, inputs, writes, {
      checkName,
      markdownSections: sections,
      title: checkTitle(verdict),
      annotations: [...annotationsFor(verdict, policyFile), ...atFailures.annotations, ...atPatch.annotations],
      checkNotes,
      ...(checkText !== undefined && { checkText }),
      decision: verdict.decision,
      pullRequests: plan.pullRequests,
    });
    await writeSummary(summarySections);
    const baseline = chosen.lookup?.baseline?.digest.commit;
    setOutputs({ decision, score: verdict.score, ...verdict.counts, notApplicable: verdict.counts['not-applicable'], report: reportPath, metrics: metricsOutput(verdict), ...(baseline && { baseline }), ...(attestation && { attestation }), ...published });
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

/**
 * The base verdict of one reading (skipped with input baseline: false), said in the log: where it
 * was found and how, or why there is none, the commits looked at, and digests refused as warnings.
 */
async function lookUpBaseline(octokit: Octokit, context: GateContext, inputs: Inputs, reading: Reading, checkName: string, several: boolean, now: Date): Promise<BaselineLookup> {
  const prefix = several ? `${describeReading(reading, 'text')}: ` : '';
  if (!inputs.baseline) {
    const lookup: BaselineLookup = { reason: 'no baseline: the lookup is turned off (input baseline: false)', walk: [], apiCalls: 0, warnings: [] };
    core.info(logLine(`${prefix}${lookup.reason}`));
    return lookup;
  }
  const lookup = await findBaseline(octokit, context, reading, checkName, { depth: inputs.baselineDepth, trustedApps: inputs.baselineApps });
  const calls = `${lookup.apiCalls ?? 0} API request${lookup.apiCalls === 1 ? '' : 's'}`;
  if (lookup.baseline) {
    const age = ageText(lookup.baseline.digest.time, now);
    core.info(logLine(`${prefix}compared with ${lookup.baseline.label}: ${lookup.baseline.how}${age ? `, ${age}` : ''} (${calls})`));
  }
  else core.info(logLine(`${prefix}${lookup.reason ?? 'no baseline'} (${calls})`));
  for (const line of lookup.walk) core.info(logLine(`  ${line}`));
  for (const warning of lookup.warnings) core.warning(logLine(warning), { title: 'release-gate baseline' });
  return lookup;
}

/**
 * What the change of one reading touches, when a criterion asks (`paths:`, a `patch.*`
 * expectation): found once per base (src/action/changes.ts) and said in the log — where it was
 * read, how many files, or why it is not known.
 */
async function lookUpChange(octokit: Octokit, context: GateContext, inputs: Inputs, reading: Reading, policy: Policy, several: boolean, found: Map<string, Promise<ChangeInput>>): Promise<ChangeInput> {
  const asks = policy.criteria.some((c) => c.paths !== undefined || c.expect.some((e) => e.metric.startsWith('patch.')));
  if (!asks) return { reason: 'not looked up: no criterion asks about the change (paths:, or a patch.* expectation)' };
  const key = JSON.stringify([baseOf(context, reading), reading.what.kind === 'pull' ? reading.what.numbers[0] : undefined]);
  const cached = found.get(key);
  if (cached) return cached;
  const prefix = several ? `${describeReading(reading, 'text')}: ` : '';
  const lookup = (async () => {
    const workspace = process.env.GITHUB_WORKSPACE;
    const result = await findChanges(octokit, context, reading, { fetchHistory: inputs.fetchHistory, ...(workspace && { workspace }) });
    const { changes, reason } = result.change;
    const calls = result.apiCalls > 0 ? ` (${result.apiCalls} API request${result.apiCalls === 1 ? '' : 's'})` : '';
    if (changes) {
      const n = changes.files.size;
      core.info(logLine(`${prefix}change: ${n} changed file${n === 1 ? '' : 's'} from ${changes.source}${calls}`));
      if (changes.incomplete !== undefined) core.warning(logLine(`${prefix}the change may lack files: ${changes.incomplete}`), { title: 'release-gate change' });
    } else core.warning(logLine(`${prefix}${reason ?? 'the change is not known'}${calls}`), { title: 'release-gate change' });
    for (const line of result.log) core.info(logLine(`  ${line}`));
    return result.change;
  })();
  found.set(key, lookup);
  return lookup;
}

/**
 * The check run's output.text: this verdict's digest, for later runs to compare with (with the
 * base's trend carried on). Left out, with a warning, when it cannot fit: a later run then finds no
 * base here, which is never a pass.
 */
function digestText(digest: Digest): string | undefined {
  const encoded = encodeDigest(digest);
  if ('error' in encoded) {
    core.warning(logLine(`no verdict digest is written on the check run: ${encoded.error}`), { title: 'release-gate baseline' });
    return undefined;
  }
  if (encoded.dropped.length > 0) core.info(logLine(`verdict digest: left out to fit: ${encoded.dropped.join(', ')}`));
  return encoded.text;
}

/**
 * The verdict as an in-toto Statement (SLSA VSA predicate), for actions/attest to sign: written
 * beside the report, its path the `attestation` output. A subject that is not there writes none
 * (an error says which): an attestation must not leave out an artifact it was asked to name.
 */
async function writeAttestation(verdict: Verdict, chosen: Judged, context: GateContext, inputs: Inputs, work: string, now: Date): Promise<string | undefined> {
  const subjects = await subjectDigests(inputs.attestationSubjects, 'input attestation-subjects:', process.env.GITHUB_WORKSPACE || process.cwd());
  if (typeof subjects === 'string') {
    core.error(logLine(`no attestation is written: ${subjects}`), { title: 'release-gate attestation' });
    return undefined;
  }
  const statement = attestationOf(verdict, {
    version: pkg.version,
    time: now,
    ...(/^[0-9a-f]{40,64}$/.test(context.headSha) && { commit: context.headSha }),
    repositoryUrl: `${context.serverUrl}/${context.owner}/${context.repo}`,
    policyPath: chosen.source.file,
    policyText: chosen.source.text,
    subjects,
  });
  const file = path.join(work, 'release-gate-attestation.json');
  await writeFile(file, `${JSON.stringify(statement, null, 2)}\n`);
  return file;
}

/** This verdict's digest (the base's trend carried on): for the check run, the JSON report and the trend. */
function digestFor(verdict: Verdict, chosen: Judged, context: GateContext, now: Date): Digest | undefined {
  if (chosen.outcome.kind !== 'verdict') return undefined;
  const previous = chosen.lookup?.baseline?.digest;
  return digestOf(verdict, chosen.outcome.policy, {
    commit: context.headSha,
    ...(chosen.reading.branch !== undefined && { branch: chosen.reading.branch }),
    time: now,
    policyText: chosen.source.text,
    ...(previous && { previous }),
  });
}

/** The report listing `counts[i]` failing tests per failed criterion, for the first i that fits in `limit`. */
function fitting(render: (shown: number) => string[], counts: number[], limit: number): string[] {
  let sections: string[] = [];
  for (const shown of counts) {
    sections = render(shown);
    if (sections.reduce((n, s) => n + s.length + 1, 0) <= limit) break;
  }
  return sections;
}

/** The `metrics` output: criterion id → { metric: value }, as read (criteria without evidence have none). */
export function metricsOutput(verdict: Verdict): string {
  return JSON.stringify(Object.fromEntries(verdict.criteria.map((c) => [c.id, c.metrics])));
}

/** Several readings: the log and the report say how each came out, and which one is published. */
function readingsNote(judged: Judged[], chosen: Judged): string[] {
  if (judged.length < 2) return [];
  const lines = [`> [!IMPORTANT]\n> This commit is judged ${judged.length} ways, and the strictest verdict is the one published:`];
  for (const j of judged) {
    const policy = j.source.base ? `policy of ${codeSpan(j.source.base.ref, 100)}` : 'the workspace policy';
    const result =
      j.outcome.kind === 'verdict'
        ? `${j.outcome.verdict.decision === 'pass' ? '✅ passed' : '❌ failed'}, score ${j.outcome.verdict.score}%${j.outcome.verdict.profile ? `, profile ${codeSpan(j.outcome.verdict.profile, 100)}` : ', no profile'}`
        : '❌ the policy cannot be used';
    lines.push(`> - ${describeReading(j.reading, 'markdown')} (${policy}): ${result}${j === chosen ? ' ← published' : ''}`);
    core.info(logLine(`${describeReading(j.reading, 'text')}: ${j.outcome.kind === 'verdict' ? `${j.outcome.verdict.decision} ${j.outcome.verdict.score}%${j.outcome.verdict.profile ? ` (profile ${j.outcome.verdict.profile})` : ''}` : 'policy error'}${j === chosen ? ' ← published' : ''}`));
  }
  return [`${lines.join('\n')}\n`];
}
