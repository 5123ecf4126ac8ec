import type { Digest } from '../history/digest.js';
import type { CriterionResult, Status, Verdict, VerdictBaseline } from '../verdict/evaluate.js';
import type { WaiverUse } from '../verdict/waivers.js';

/**
 * The machine-readable report (version 1); its shape is a contract with users' tooling. A report
 * without a verdict (the policy or the command line could not be used) has the same top-level
 * keys, so that tooling reads `decision`, `summary` and `errors` the same way in both.
 */
export interface JsonReport {
  version: 1;
  /** the policy's name; null when the policy could not be read */
  policy: string | null;
  decision: 'pass' | 'fail';
  score: number;
  minScore: number | null;
  profile: string | null;
  summary: string;
  /** why no verdict could be computed (policy or usage errors); empty in a verdict */
  errors: string[];
  counts: Record<Status, number>;
  criteria: ReturnType<typeof criterionJson>[];
  notEvaluated: string[];
  /** every waiver of the policy: applied, unused, expired, or longer than the policy allows */
  waivers: WaiverUse[];
  /** the base compared with, or why there was none (null when no base was looked for) */
  baseline: Omit<VerdictBaseline, 'trend'> | null;
  /** what a later run compares with (`--baseline` this report); null when no verdict was computed */
  digest: Digest | null;
}

export function renderJson(verdict: Verdict, digest?: Digest): string {
  const report: JsonReport = {
    version: 1,
    policy: verdict.policy,
    decision: verdict.decision,
    score: verdict.score,
    minScore: verdict.minScore ?? null,
    profile: verdict.profile ?? null,
    summary: verdict.summary,
    errors: [],
    counts: verdict.counts,
    criteria: verdict.criteria.map(criterionJson),
    notEvaluated: verdict.notEvaluated,
    waivers: verdict.waivers,
    baseline: baselineJson(verdict.baseline),
    digest: digest ?? null,
  };
  return `${JSON.stringify(report, null, 2)}\n`;
}

/** The report when no verdict could be computed: a fail, with the errors and no criteria. */
export function renderNoVerdictJson(errors: string[], context: { summary: string; profile?: string | undefined }): string {
  const report: JsonReport = {
    version: 1,
    policy: null,
    decision: 'fail',
    score: 0,
    minScore: null,
    profile: context.profile ?? null,
    summary: context.summary,
    errors,
    counts: { passed: 0, failed: 0, missing: 0, 'not-applicable': 0, waived: 0 },
    criteria: [],
    notEvaluated: [],
    waivers: [],
    baseline: null,
    digest: null,
  };
  return `${JSON.stringify(report, null, 2)}\n`;
}

function baselineJson(b: VerdictBaseline | undefined): JsonReport['baseline'] {
  if (!b) return null;
  // eslint-disable-next-line @typescript-eslint/no-unused-vars
  const { trend, ...rest } = b;
  return rest;
}

function criterionJson(c: CriterionResult) {
  return {
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
    checks: c.checks.map(({ metric, op, expected, actual, ok, unit, base, relative }) => ({ metric, op, expected, actual, unit: unit ?? null, ok, base: base ?? null, relative: relative ?? false })),
    /** the base verdict's status and metrics for this criterion (null: no base, or it did not evaluate it) */
    base: c.base ?? null,
    /** a waived criterion: what it would have been (failed or missing) and the waiver's line */
    waived: c.waived ? { from: c.waived.from, line: c.waived.waiver.line, expires: c.waived.waiver.expires } : null,
    /** relative expectations skipped for want of a base (`baseline: optional`) */
    skipped: c.skipped ?? [],
    /** checks not applicable to this change (patch coverage of a change with no instrumented line) */
    inapplicable: c.inapplicable ?? [],
    /** patch coverage: files with uncovered changed lines (worst first) and coverage paths that match no repository file */
    patch: c.patch ? { uncovered: c.patch.uncovered, unmatched: c.patch.unmatched, ...(c.patch.unknown !== undefined && { unknown: c.patch.unknown }), ...(c.patch.notApplicable !== undefined && { notApplicable: c.patch.notApplicable }), ...(c.patch.branchesUnknown !== undefined && { branchesUnknown: c.patch.branchesUnknown }), ...(c.patch.branchesNotApplicable !== undefined && { branchesNotApplicable: c.patch.branchesNotApplicable }) } : null,
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
    // every failing test or finding the evidence kept (the first 100), and how many there are in all
    failures: c.failures
      ? {
          total: c.failures.total,
          kept: c.failures.kept.map((f) => ({
            suite: f.suite ?? null,
            name: f.name,
            file: f.file ?? null,
            line: f.line ?? null,
            message: f.message ?? null,
            level: f.level ?? null,
          })),
        }
      : null,
  };
}
