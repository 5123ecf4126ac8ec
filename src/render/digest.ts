/**
 * A verdict as the digest a later run compares with (src/history/digest.ts): per criterion its
 * status, metrics and failing identities, and the branch's trend with this verdict appended.
 */
import { sha256, TREND_POINTS, DIGEST_VERSION, type Digest, type DigestCriterion, type TrendPoint } from '../history/digest.js';
import type { Policy } from '../policy/load.js';
import type { Verdict } from '../verdict/evaluate.js';

export interface DigestMeta {
  /** the judged commit, when known */
  commit?: string;
  branch?: string;
  time: Date;
  /** the policy file's text, whose sha256 the digest records */
  policyText: string;
  /** the base digest, whose trend this one continues */
  previous?: Digest;
}

export function digestOf(verdict: Verdict, policy: Policy, meta: DigestMeta): Digest {
  const criteria: Record<string, DigestCriterion> = {};
  for (const c of verdict.criteria) {
    const record: DigestCriterion = { status: c.status, metrics: finiteOnly(c.metrics), units: { ...c.units } };
    if (c.failing) record.failing = { ids: [...c.failing.ids].sort(), complete: c.failing.complete };
    criteria[c.id] = record;
  }
  const time = meta.time.toISOString();
  const point: TrendPoint = { time, decision: verdict.decision, score: verdict.score, metrics: trendMetrics(verdict, policy) };
  if (meta.commit !== undefined) point.commit = meta.commit;
  // a verdict judged again (a re-run) replaces its own point instead of adding one
  const earlier = (meta.previous?.trend ?? []).filter((p) => meta.commit === undefined || p.commit !== meta.commit);
  const digest: Digest = {
    version: DIGEST_VERSION,
    time,
    policy: { name: policy.name, sha256: sha256(meta.policyText) },
    decision: verdict.decision,
    score: verdict.score,
    criteria,
    trend: [...earlier, point].slice(-TREND_POINTS),
  };
  if (meta.commit !== undefined) digest.commit = meta.commit;
  if (meta.branch !== undefined) digest.branch = meta.branch;
  if (verdict.profile !== undefined) digest.profile = verdict.profile;
  return digest;
}

/** The metrics the policy states expectations on, as `criterion.metric` (what the trend charts). */
function trendMetrics(verdict: Verdict, policy: Policy): Record<string, number> {
  const out: Record<string, number> = {};
  for (const c of verdict.criteria) {
    const criterion = policy.criteria.find((p) => p.id === c.id);
    for (const e of criterion?.expect ?? []) {
      const value = Object.hasOwn(c.metrics, e.metric) ? c.metrics[e.metric] : undefined;
      if (value !== undefined && Number.isFinite(value)) out[`${c.id}.${e.metric}`] = value;
    }
  }
  return out;
}

function finiteOnly(metrics: Record<string, number>): Record<string, number> {
  return Object.fromEntries(Object.entries(metrics).filter(([, v]) => Number.isFinite(v)));
}
