import type { Annotation } from '../render/annotations.js';
import type { Verdict } from '../verdict/evaluate.js';
import type { Octokit } from './octokit.js';

/** GitHub accepts at most 50 annotations per create or update request. */
export const ANNOTATIONS_PER_REQUEST = 50;
/** GitHub's limit on a check run's output.summary (and on its output.text). */
export const CHECK_SUMMARY_LIMIT = 65_535;

export interface CheckRunRequest {
  owner: string;
  repo: string;
  name: string;
  headSha: string;
  detailsUrl: string;
  title: string;
  decision: 'pass' | 'fail';
  summary: string;
  annotations: Annotation[];
  /**
   * output.text: the verdict digest (a hidden comment) and any visible text. Sent on the create and
   * on every update, so no update can leave the check run without it.
   */
  text?: string;
}

export function checkTitle(verdict: Verdict): string {
  const { passed, failed, missing } = verdict.counts;
  const head = verdict.decision === 'pass' ? 'Passed' : 'Failed';
  return `${head}: ${passed} passed, ${failed} failed, ${missing} without evidence — score ${verdict.score}%`;
}

/**
 * Creates the completed check run with the first 50 annotations, then adds the rest 50 at a time
 * (GitHub appends annotations on update). The conclusion is success or failure, never neutral.
 */
export async function publishCheckRun(octokit: Octokit, request: CheckRunRequest): Promise<{ id: number; url: string }> {
  const { owner, repo, title, annotations } = request;
  if (request.text !== undefined && request.text.length > CHECK_SUMMARY_LIMIT) throw new Error(`the check run text has ${request.text.length} characters, more than GitHub's ${CHECK_SUMMARY_LIMIT}`);
  const text = request.text === undefined ? {} : { text: request.text };
  const conclusion = request.decision === 'pass' ? 'success' : 'failure';
  const created = await octokit.rest.checks.create({
    owner,
    repo,
    name: request.name,
    head_sha: request.headSha,
    details_url: request.detailsUrl,
    status: 'completed',
    conclusion,
    completed_at: new Date().toISOString(),
    output: { title, summary: request.summary, ...text, annotations: annotations.slice(0, ANNOTATIONS_PER_REQUEST) },
  });
  for (let i = ANNOTATIONS_PER_REQUEST; i < annotations.length; i += ANNOTATIONS_PER_REQUEST) {
    await octokit.rest.checks.update({
      owner,
      repo,
      check_run_id: created.data.id,
      output: { title, summary: request.summary, ...text, annotations: annotations.slice(i, i + ANNOTATIONS_PER_REQUEST) },
    });
  }
  return { id: created.data.id, url: created.data.html_url ?? '' };
}
