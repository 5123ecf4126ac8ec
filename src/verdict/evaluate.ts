/**
 * The verdict rules (pure): each criterion is passed, failed or missing; the score is the weighted
 * share of passed criteria; the gate passes only if every required criterion passed and the score
 * reaches the minimum. Missing evidence is never a pass.
 */
import picomatch from 'picomatch';
import { check, describeExpectation } from '../expect/expectation.js';
import { formatValue } from '../expect/units.js';
import type { Metrics, Unit } from '../measure.js';
import type { Criterion, Policy, Position, Profile } from '../policy/load.js';
import { FILES_METRIC } from '../policy/schema.js';
import { displayName, type CriterionEvidence } from '../evidence/collect.js';
import type { Provenance } from '../evidence/types.js';
import type { Failures } from '../readers/types.js';
import { scaledWeight } from '../policy/weight.js';
import { reaches, shownScore, type Share } from './score.js';

/**
 * How far in the future a file's time may lie and still count as now: clocks of the machine that
 * wrote the evidence and of the one that checks it differ a little. Beyond it the age is unknown.
 */
export const CLOCK_SKEW_MS = 5 * 60_000;

export type Status = 'passed' | 'failed' | 'missing';

export interface Check {
  metric: string;
  op: string;
  /** expected value in the metric's unit */
  expected: number;
  actual: number;
  unit?: Unit;
  ok: boolean;
  /** the expectation as people read it: "== 0", "<= 50 ms" */
  expectedText: string;
  /** the whole check as people read it: "failed = 3, expected == 0" */
  text: string;
}

export interface CriterionResult {
  id: string;
  title: string;
  group?: string;
  required: boolean;
  weight: number;
  status: Status;
  reason: string;
  /** what the policy asks, as written: "failed == 0" */
  expectations: string[];
  metrics: Record<string, number>;
  units: Record<string, Unit>;
  checks: Check[];
  evidence: Provenance[];
  position: Position;
  /** the failing tests or findings the evidence names (the first ones, and how many in all) */
  failures?: Failures;
}

export interface Verdict {
  policy: string;
  decision: 'pass' | 'fail';
  score: number;
  minScore?: number;
  profile?: string;
  criteria: CriterionResult[];
  /** criteria of other profiles, not evaluated in this one */
  notEvaluated: string[];
  counts: Record<Status, number>;
  /** why the decision is what it is, in one line */
  summary: string;
}

export type ProfileChoice = { profile?: Profile } | { error: string };

/** `--profile NAME`, else the first profile whose branches match the branch, else none. */
export function selectProfile(policy: Policy, options: { profile?: string; branch?: string }): ProfileChoice {
  if (options.profile !== undefined) {
    const profile = policy.profiles.find((p) => p.name === options.profile);
    if (!profile) {
      const names = policy.profiles.map((p) => p.name);
      return { error: `profile "${options.profile}" is not in ${policy.file} (${names.length ? `profiles: ${names.join(', ')}` : 'it declares no profiles'})` };
    }
    return { profile };
  }
  if (options.branch !== undefined) {
    const branch = options.branch.replace(/^refs\/heads\//, '');
    const profile = policy.profiles.find((p) => p.branches?.some((glob) => picomatch.isMatch(branch, glob)));
    if (profile) return { profile };
  }
  return {};
}

/** Criteria that take part under the profile (those without `profiles` always do). */
export function criteriaInProfile(policy: Policy, profile: Profile | undefined): Criterion[] {
  return policy.criteria.filter((c) => c.profiles === undefined || (profile !== undefined && c.profiles.includes(profile.name)));
}

export function evaluate(
  policy: Policy,
  profile: Profile | undefined,
  evidence: ReadonlyMap<string, CriterionEvidence>,
  now: Date,
): Verdict {
  const evaluated = criteriaInProfile(policy, profile);
  const criteria = evaluated.map((c) => evaluateCriterion(c, evidence.get(c.id) ?? { files: [], problem: 'evidence was not collected' }, now));
  const counts: Record<Status, number> = { passed: 0, failed: 0, missing: 0 };
  // exact sums of weights in thousandths (the schema allows no other weights)
  const share: Share = { passed: 0n, total: 0n };
  for (const c of criteria) {
    counts[c.status]++;
    const weight = scaledWeight(c.weight);
    if (weight === undefined) throw new RangeError(`criterion ${c.id}: weight ${c.weight} is outside what the policy schema allows`);
    share.total += weight;
    if (c.status === 'passed') share.passed += weight;
  }
  // rounded down, so a shown score never exceeds the real one; the minimum is compared exactly
  const score = shownScore(share);
  const minScore = profile?.minScore ?? policy.minScore;
  const requiredNotPassed = criteria.filter((c) => c.required && c.status !== 'passed');
  const reasons: string[] = [];
  if (criteria.length === 0) reasons.push(`no criterion applies${profile ? ` in profile "${profile.name}"` : ' without a profile'}`);
  if (requiredNotPassed.length > 0) {
    const list = (status: Status) => {
      const ids = requiredNotPassed.filter((c) => c.status === status).map((c) => c.id);
      return ids.length > 5 ? `${ids.slice(0, 5).join(', ')} and ${ids.length - 5} more` : ids.join(', ');
    };
    const groups = [list('failed') && `failed: ${list('failed')}`, list('missing') && `no evidence: ${list('missing')}`].filter(Boolean);
    reasons.push(`required criteria not passed — ${groups.join('; ')}`);
  }
  if (minScore !== undefined && !reaches(share, minScore)) reasons.push(`score ${score}% is below the minimum ${minScore}%`);
  // optional criteria alone, all failed or missing, would otherwise pass at 0% on no evidence at all
  if (reasons.length === 0 && counts.passed === 0) reasons.push('no criterion passed');
  const decision = reasons.length === 0 ? 'pass' : 'fail';
  const verdict: Verdict = {
    policy: policy.name,
    decision,
    score,
    criteria,
    notEvaluated: policy.criteria.filter((c) => !evaluated.includes(c)).map((c) => c.id),
    counts,
    summary:
      decision === 'pass'
        ? `all required criteria passed${minScore !== undefined ? ` and score ${score}% reaches ${minScore}%` : ''}`
        : reasons.join('; '),
  };
  if (minScore !== undefined) verdict.minScore = minScore;
  if (profile) verdict.profile = profile.name;
  return verdict;
}

function evaluateCriterion(c: Criterion, found: CriterionEvidence, now: Date): CriterionResult {
  const result: CriterionResult = {
    id: c.id,
    title: c.title,
    required: c.required,
    weight: c.weight,
    status: 'missing',
    reason: '',
    expectations: c.expect.map((e) => `${e.metric} ${e.expectation.text}`),
    metrics: {},
    units: {},
    checks: [],
    evidence: found.files,
    position: c.position,
  };
  if (c.group !== undefined) result.group = c.group;
  const missing = (reason: string) => ({ ...result, status: 'missing' as const, reason });
  if (found.problem !== undefined || found.metrics === undefined) return missing(found.problem ?? 'no evidence');
  if (c.maxAgeMs !== undefined) {
    const ages = found.files.map((f) => ({ f, age: now.getTime() - Date.parse(f.modified) }));
    // a time further in the future than clock skew explains says nothing about when the file was made
    const future = ages.filter(({ age }) => age < -CLOCK_SKEW_MS).sort((a, b) => a.age - b.age)[0];
    if (future) {
      return missing(
        `${displayName(future.f)} is of unknown age: its time ${future.f.modified} lies ${formatAge(-future.age)} in the future (more than the ${formatAge(CLOCK_SKEW_MS)} allowed for clock skew); max-age is ${c.maxAge}`,
      );
    }
    const stale = ages
      .filter(({ age }) => !(age <= c.maxAgeMs!)) // NaN (unknown time) is stale too
      .sort((a, b) => b.age - a.age)[0];
    if (stale) {
      const age = Number.isNaN(stale.age) ? 'of unknown age' : `${formatAge(stale.age)} old`;
      return missing(`${displayName(stale.f)} is ${age}; max-age is ${c.maxAge}`);
    }
  }
  // a test-results file in which no test ran (a suite that failed to load) shows nothing passed;
  // only a policy that states what it expects of `tests` takes the zero as a measurement
  if (found.testResults && !c.expect.some((e) => e.metric === TESTS_METRIC)) {
    const tests = Object.hasOwn(found.metrics, TESTS_METRIC) ? found.metrics[TESTS_METRIC] : undefined;
    if (tests === undefined || tests.value === 0) {
      const one = found.files.length === 1;
      const read = one ? displayName(found.files[0]!) : `the ${found.files.length} files`;
      const what = tests === undefined ? `give${one ? 's' : ''} no test count` : `hold${one ? 's' : ''} zero tests`;
      return missing(
        `no test ran: ${read} ${what} (a suite that failed to load looks like this); to accept zero tests, state an expectation on "${TESTS_METRIC}"`,
      );
    }
  }
  // what failed, by name and place, goes with the figures read from the same evidence
  if (found.failures !== undefined && found.failures.total > 0) result.failures = found.failures;
  const metrics: Metrics = { ...found.metrics, [FILES_METRIC]: { value: found.files.length } };
  for (const [name, metric] of Object.entries(metrics)) {
    result.metrics[name] = metric.value;
    if (metric.unit !== undefined) result.units[name] = metric.unit;
  }
  const absent: string[] = [];
  const failures: string[] = [];
  const policyErrors: string[] = [];
  for (const e of c.expect) {
    const metric = Object.hasOwn(metrics, e.metric) ? metrics[e.metric] : undefined;
    if (metric === undefined) {
      const note = found.notes && Object.hasOwn(found.notes, e.metric) ? found.notes[e.metric] : undefined;
      absent.push(note ? `${e.metric}: ${note}` : `metric "${e.metric}" is not in the evidence`);
      continue;
    }
    const outcome = check(e.expectation, metric.value, metric.unit);
    if ('error' in outcome) {
      policyErrors.push(`policy ${c.id} line ${e.position.line}: ${e.metric}: ${outcome.error}`);
      continue;
    }
    const actualText = formatValue(metric.value, metric.unit);
    const expectedText = describeExpectation(e.expectation, metric.unit);
    const ok = outcome.ok;
    const text = `${e.metric} = ${actualText}, expected ${expectedText}`;
    const entry: Check = { metric: e.metric, op: e.expectation.op, expected: outcome.expected, actual: metric.value, ok, expectedText, text };
    if (metric.unit !== undefined) entry.unit = metric.unit;
    result.checks.push(entry);
    // a reader's note on a metric it gave (JUnit: a declared count outweighed the elements) says why
    const note = found.notes && Object.hasOwn(found.notes, e.metric) ? found.notes[e.metric] : undefined;
    if (!ok) failures.push(note ? `${text} (${note})` : text);
  }
  if (policyErrors.length > 0) return { ...result, status: 'failed', reason: policyErrors.join('; ') };
  if (absent.length > 0) {
    const files = found.files.map(displayName);
    return missing(`${absent.join('; ')} (read ${files.length === 1 ? files[0] : `${files.length} files`})`);
  }
  if (failures.length > 0) return { ...result, status: 'failed', reason: failures.join('; ') };
  return { ...result, status: 'passed', reason: result.checks.map((k) => `${k.metric} = ${formatValue(k.actual, k.unit)}`).join(', ') };
}

/** The metric a test-results format counts its tests in. */
const TESTS_METRIC = 'tests';

function formatAge(ms: number): string {
  const minutes = Math.floor(ms / 60_000);
  if (minutes < 60) return `${minutes}m`;
  const hours = Math.floor(minutes / 60);
  if (hours < 48) return `${hours}h ${minutes % 60}m`;
  return `${Math.floor(hours / 24)}d ${hours % 24}h`;
}

