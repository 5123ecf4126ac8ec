/**
 * Where the evidence comes from: a folder (evidence-dir), or the artifacts of this run or of the
 * run named by run-id / the triggering workflow_run. Only the artifacts some criterion names are
 * downloaded. Failing to reach them is no evidence (every criterion that needs them is missing,
 * with the reason), never a pass.
 */
import * as core from '@actions/core';
import path from 'node:path';
import { explainArtifactError, fetchArtifacts } from '../evidence/artifacts.js';
import { directorySource } from '../evidence/directory.js';
import type { EvidenceSource } from '../evidence/types.js';
import type { GateContext } from '../github/context.js';
import type { Octokit } from '../github/octokit.js';
import type { Policy } from '../policy/load.js';
import type { Inputs } from './inputs.js';

/** The artifacts the policies name (several readings may use several policies). */
export function artifactPatterns(policies: Policy[]): string[] {
  return [...new Set(policies.flatMap((p) => p.criteria.map((c) => c.evidence.artifact)).filter((a): a is string => a !== undefined))];
}

export async function evidenceSource(octokit: Octokit, context: GateContext, inputs: Inputs, patterns: string[], work: string): Promise<EvidenceSource> {
  if (inputs.evidenceDir !== undefined) return directorySource(path.resolve(process.env.GITHUB_WORKSPACE ?? '.', inputs.evidenceDir));
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
    const reason = err instanceof Error ? err.message : String(err);
    core.error(reason);
    return missingSource(reason);
  }
}

/** A source that holds nothing: every criterion is missing with this reason. */
export function missingSource(reason: string): EvidenceSource {
  return { find: async (query) => ({ files: [], emptyReason: query.artifact === undefined ? `no artifact to read "${query.path}" from: ${reason}` : reason }) };
}
