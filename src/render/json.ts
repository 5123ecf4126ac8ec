import type { Verdict } from '../verdict/evaluate.js';

/** The machine-readable report (version 1); its shape is a contract with users' tooling. */
export function renderJson(verdict: Verdict): string {
  const report = {
    version: 1,
    policy: verdict.policy,
    decision: verdict.decision,
    score: verdict.score,
    minScore: verdict.minScore ?? null,
    profile: verdict.profile ?? null,
    summary: verdict.summary,
    counts: verdict.counts,
    criteria: verdict.criteria.map((c) => ({
      id: c.id,
      title: c.title,
      group: c.group ?? null,
      required: c.required,
      weight: c.weight,
      status: c.status,
      reason: c.reason,
      line: c.position.line,
      metrics: c.metrics,
      units: c.units,
      checks: c.checks.map(({ metric, op, expected, actual, ok, unit }) => ({ metric, op, expected, actual, unit: unit ?? null, ok })),
      evidence: c.evidence.map((e) => ({
        artifact: e.artifact ?? null,
        path: e.path,
        bytes: e.bytes,
        sha256: e.sha256 ?? null,
        modified: e.modified,
        ...(e.artifactId !== undefined && { artifactId: e.artifactId }),
        ...(e.runId !== undefined && { runId: e.runId }),
        ...(e.headSha !== undefined && { headSha: e.headSha }),
      })),
    })),
    notEvaluated: verdict.notEvaluated,
  };
  return `${JSON.stringify(report, null, 2)}\n`;
}
