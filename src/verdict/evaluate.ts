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
import { FILES_METRIC, historyMetrics, NEW_FINDINGS, PATCH_BRANCH_METRICS, patchMetrics } from '../policy/schema.js';
import type { BaselineLookup } from '../history/baseline.js';
import type { DigestCriterion, TrendPoint } from '../history/digest.js';
import { FORMATS } from '../readers/index.js';
import type { ChangeInput } from '../changes/diff.js';
import type { PatchCoverage } from '../changes/patch.js';
import { notUsedNote, waiveCriterion, waiveFindings, waiverTiming, waiveTests, type WaiverUse } from './waivers.js';
import picomatchForPaths from 'picomatch';
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

export type Status = 'passed' | 'failed' | 'missing' | 'not-applicable' | 'waived';

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
  /** the base verdict's value of the metric, when there is a base that has it */
  base?: number;
  /** the expectation is relative to the base ("<= base + 10% of base") */
  relative?: true;
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
  /** the base verdict's figures for this criterion, when there is a base that evaluated it */
  base?: { status: Status; metrics: Record<string, number> };
  /** relative expectations not checked for want of a base (the criterion says `baseline: optional`) */
  skipped?: string[];
  /** identities of the failing tests or findings, for the digest (formats that name failures) */
  failing?: { ids: string[]; complete: boolean };
  /** patch coverage: uncovered changed lines by file, unmatched coverage paths */
  patch?: PatchCoverage;
  /** checks not applicable to this change (patch coverage of a change that touches no instrumented line) */
  inapplicable?: string[];
  /** a waived criterion: what it would have been, and the waiver */
  waived?: { from: 'failed' | 'missing'; waiver: WaiverUse };
}

/** The base the verdict was compared with, or why there was none, and how it was looked for. */
export interface VerdictBaseline {
  /** "main @ 1a2b3c4" */
  label?: string;
  how?: string;
  commit?: string;
  /** when the base verdict was made (ISO 8601) */
  time?: string;
  reason?: string;
  walk: string[];
  apiCalls?: number;
  warnings: string[];
  /** the base branch's last verdicts, oldest first (from the base digest) */
  trend: TrendPoint[];
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
  /** set when a base was looked for (the action, or the CLI's --baseline) */
  baseline?: VerdictBaseline;
  /** every waiver of the policy: what it did, or why it was not used */
  waivers: WaiverUse[];
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
  lookup?: BaselineLookup,
  change?: ChangeInput,
): Verdict {
  const evaluated = criteriaInProfile(policy, profile);
  const waiverUses: WaiverUse[] = [];
  const criteria = evaluated.map((c) => {
    const scoped = scope(c, change);
    const mine = policy.waivers.filter((w) => w.criterion === c.id);
    if (scoped) {
      waiveCriterion(mine, true, waiverUses, now, policy.waiverMaxDays);
      return scoped;
    }
    let found = evidence.get(c.id) ?? { files: [], problem: 'evidence was not collected' };
    const narrow = mine.filter((w) => w.tests !== undefined);
    if (narrow.length > 0) found = waiveTests(found, narrow, waiverUses, now, policy.waiverMaxDays);
    // narrow waivers of SARIF findings; one that cannot be applied exactly says so in the reason
    const findingWaivers = mine.filter((w) => w.rules !== undefined || w.fingerprints !== undefined);
    let unapplied: string | undefined;
    if (findingWaivers.length > 0) ({ evidence: found, unapplied } = waiveFindings(found, findingWaivers, waiverUses, now, policy.waiverMaxDays));
    const judged = evaluateCriterion(c, found, now, baseFor(c, lookup), change);
    const result = unapplied !== undefined && judged.status === 'failed' ? { ...judged, reason: `${judged.reason} (${unapplied})` } : judged;
    const whole = mine.filter((w) => w.tests === undefined && w.rules === undefined && w.fingerprints === undefined);
    if (whole.length === 0) return result;
    const applied = waiveCriterion(whole, result.status === 'passed', waiverUses, now, policy.waiverMaxDays);
    if (!applied || (result.status !== 'failed' && result.status !== 'missing')) return result;
    const until = `waived until ${applied.expires} (${applied.daysLeft} day${applied.daysLeft === 1 ? '' : 's'} left): ${applied.reason}`;
    return { ...result, status: 'waived' as const, reason: `${until} — ${result.status === 'failed' ? 'failed' : 'no evidence'}: ${result.reason}`, waived: { from: result.status, waiver: applied } };
  });
  for (const w of policy.waivers) {
    if (!evaluated.some((c) => c.id === w.criterion)) {
      const timing = waiverTiming(w, now, policy.waiverMaxDays);
      waiverUses.push({
        criterion: w.criterion,
        reason: w.reason,
        expires: w.expires,
        ...(w.link !== undefined && { link: w.link }),
        ...(w.approvedBy !== undefined && { approvedBy: w.approvedBy }),
        line: w.position.line,
        state: timing.state === 'active' ? 'unused' : timing.state,
        daysLeft: timing.daysLeft,
        expiringSoon: false,
        note: timing.state === 'active' ? `${w.criterion} is not evaluated${profile ? ` in profile ${profile.name}` : ' without a profile'}` : notUsedNote(timing.state, w, policy.waiverMaxDays),
      });
    }
  }
  waiverUses.sort((a, b) => a.line - b.line);
  const counts: Record<Status, number> = { passed: 0, failed: 0, missing: 0, 'not-applicable': 0, waived: 0 };
  // exact sums of weights in thousandths (the schema allows no other weights)
  const share: Share = { passed: 0n, total: 0n };
  for (const c of criteria) {
    counts[c.status]++;
    const weight = scaledWeight(c.weight);
    if (weight === undefined) throw new RangeError(`criterion ${c.id}: weight ${c.weight} is outside what the policy schema allows`);
    // not applicable to this change, or waived for now: outside the score and the required check
    if (c.status === 'not-applicable' || c.status === 'waived') continue;
    share.total += weight;
    if (c.status === 'passed') share.passed += weight;
  }
  // nothing applies to a change the gate knows in full (docs only): a pass, and the summary says why
  const allInapplicable = criteria.length > 0 && counts['not-applicable'] === criteria.length;
  // rounded down, so a shown score never exceeds the real one; the minimum is compared exactly
  const score = allInapplicable ? 100 : shownScore(share);
  const minScore = profile?.minScore ?? policy.minScore;
  const requiredNotPassed = criteria.filter((c) => c.required && (c.status === 'failed' || c.status === 'missing'));
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
  if (minScore !== undefined && !allInapplicable && !reaches(share, minScore)) reasons.push(`score ${score}% is below the minimum ${minScore}%`);
  // optional criteria alone, all failed or missing, would otherwise pass at 0% on no evidence at all
  if (reasons.length === 0 && counts.passed === 0 && !allInapplicable) reasons.push('no criterion passed');
  const decision = reasons.length === 0 ? 'pass' : 'fail';
  const verdict: Verdict = {
    policy: policy.name,
    decision,
    score,
    criteria,
    notEvaluated: policy.criteria.filter((c) => !evaluated.includes(c)).map((c) => c.id),
    counts,
    waivers: waiverUses,
    summary:
      decision === 'pass'
        ? allInapplicable
          ? `no criterion applies to this change (${change?.changes?.files.size ?? 0} changed file${change?.changes?.files.size === 1 ? '' : 's'}): ${criteria
              .slice(0, 3)
              .map((c) => `${c.id}: ${c.reason}`)
              .join('; ')}${criteria.length > 3 ? `; and ${criteria.length - 3} more` : ''}`
          : `all required criteria passed${minScore !== undefined ? ` and score ${score}% reaches ${minScore}%` : ''}`
        : reasons.join('; '),
  };
  if (minScore !== undefined) verdict.minScore = minScore;
  if (profile) verdict.profile = profile.name;
  if (lookup) verdict.baseline = verdictBaseline(lookup);
  return verdict;
}

function verdictBaseline(lookup: BaselineLookup): VerdictBaseline {
  const out: VerdictBaseline = { walk: lookup.walk, warnings: lookup.warnings, trend: lookup.baseline?.digest.trend ?? [] };
  if (lookup.apiCalls !== undefined) out.apiCalls = lookup.apiCalls;
  if (lookup.baseline) {
    out.label = lookup.baseline.label;
    out.how = lookup.baseline.how;
    out.commit = lookup.baseline.digest.commit;
    out.time = lookup.baseline.digest.time;
  } else {
    out.reason = lookup.reason ?? 'no baseline was found';
  }
  return out;
}

/** What a criterion can compare with: the base verdict's record of it, or why there is none. */
type BaseOf = { record: DigestCriterion; label: string } | { problem: string };

const NO_LOOKUP = 'no baseline: none was looked for (the CLI compares with an earlier JSON report given as --baseline FILE)';

function baseFor(c: Criterion, lookup: BaselineLookup | undefined): BaseOf {
  if (!lookup) return { problem: NO_LOOKUP };
  const baseline = lookup.baseline;
  if (!baseline) {
    const reason = lookup.reason ?? 'no base verdict was found';
    return { problem: reason.startsWith('no baseline') ? reason : `no baseline: ${reason}` };
  }
  const record = Object.hasOwn(baseline.digest.criteria, c.id) ? baseline.digest.criteria[c.id] : undefined;
  if (!record) return { problem: `the base verdict (${baseline.label}) has no criterion "${c.id}"` };
  return { record, label: baseline.label };
}

/** A criterion's result before anything is judged: missing, no evidence, no checks. */
function shell(c: Criterion): CriterionResult {
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
    evidence: [],
    position: c.position,
  };
  if (c.group !== undefined) result.group = c.group;
  return result;
}

/**
 * A criterion scoped to `paths`: not applicable when the change, known in full, touches none of
 * them; missing when the change is not known (not applicable is never concluded on a guess).
 */
function scope(c: Criterion, change: ChangeInput | undefined): CriterionResult | undefined {
  if (!c.paths) return undefined;
  const changes = change?.changes;
  const globs = c.paths.join(', ');
  if (!changes || changes.incomplete !== undefined) {
    const why = changes?.incomplete ?? change?.reason ?? 'no change was given (the CLI takes --diff-base REF or --diff FILE)';
    return { ...shell(c), status: 'missing', reason: `whether the change touches ${globs} is not known: ${why}` };
  }
  const matches = picomatchForPaths(c.paths, { dot: true });
  const touched = [...changes.files.values()].find((f) => matches(f.path) || (f.oldPath !== undefined && matches(f.oldPath)));
  if (touched) return undefined;
  const n = changes.files.size;
  return { ...shell(c), status: 'not-applicable', reason: `the change touches none of its paths (${globs}): ${n} changed file${n === 1 ? '' : 's'}, read from ${changes.source}` };
}

function evaluateCriterion(c: Criterion, found: CriterionEvidence, now: Date, base: BaseOf, change?: ChangeInput): CriterionResult {
  const result: CriterionResult = { ...shell(c), evidence: found.files };
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
  const namesFailures = FORMATS[c.evidence.format].failures !== undefined;
  if (namesFailures) {
    // a format that names its failures and gave none had none: every identity is known
    result.failing = found.failures ? { ids: found.failures.identities, complete: found.failures.identitiesComplete } : { ids: [], complete: true };
  }
  const metrics: Metrics = { ...found.metrics, [FILES_METRIC]: { value: found.files.length } };
  const notes: Record<string, string> = { ...found.notes };
  const patchNames = Object.keys(patchMetrics(c.evidence.format));
  if (patchNames.length > 0) {
    if (found.patch) result.patch = found.patch;
    const why = !change?.changes
      ? `no change to compare with: ${change?.reason ?? 'none was given (the CLI takes --diff-base REF or --diff FILE)'}`
      : (found.patch?.unknown ?? found.patch?.notApplicable);
    if (why !== undefined) for (const name of patchNames) notes[name] ??= why;
    const branchWhy = found.patch?.branchesUnknown ?? found.patch?.branchesNotApplicable;
    if (branchWhy !== undefined) for (const name of Object.keys(PATCH_BRANCH_METRICS)) notes[name] ??= branchWhy;
  }
  // why a patch expectation does not apply to this change (no instrumented changed line; no branch on one)
  const inapplicableWhy = (metric: string): string | undefined =>
    !patchNames.includes(metric) ? undefined : (found.patch?.notApplicable ?? (Object.hasOwn(PATCH_BRANCH_METRICS, metric) ? found.patch?.branchesNotApplicable : undefined));
  const patchInapplicable = c.expect.map((e) => inapplicableWhy(e.metric)).find((why) => why !== undefined);
  if (patchInapplicable !== undefined && c.expect.every((e) => inapplicableWhy(e.metric) !== undefined)) {
    for (const [name, metric] of Object.entries(metrics)) {
      result.metrics[name] = metric.value;
      if (metric.unit !== undefined) result.units[name] = metric.unit;
    }
    return { ...result, status: 'not-applicable', reason: `patch coverage: ${patchInapplicable}` };
  }
  const history = historyMetrics(c.evidence.format);
  if (history.length > 0) Object.assign(metrics, compareFailing(result.failing, base, history, notes));
  for (const [name, metric] of Object.entries(metrics)) {
    result.metrics[name] = metric.value;
    if (metric.unit !== undefined) result.units[name] = metric.unit;
  }
  // a base criterion without evidence has no metrics; one missing for want of its own base has them
  if ('record' in base && Object.keys(base.record.metrics).length > 0) result.base = { status: base.record.status, metrics: base.record.metrics };
  const absent: string[] = [];
  const failures: string[] = [];
  const policyErrors: string[] = [];
  const skipped: string[] = [];
  const inapplicable: string[] = [];
  for (const e of c.expect) {
    const notHere = inapplicableWhy(e.metric);
    if (notHere !== undefined) {
      inapplicable.push(`${e.metric} ${e.expectation.text}: ${notHere}`);
      continue;
    }
    const needsBase = e.expectation.relative !== undefined || history.includes(e.metric);
    const metric = Object.hasOwn(metrics, e.metric) ? metrics[e.metric] : undefined;
    let baseValue: number | undefined;
    if (needsBase) {
      const problem = 'problem' in base ? base.problem : baseProblem(base, e.metric, metric?.unit, e.expectation.relative !== undefined);
      if (problem !== undefined && (c.baseline === 'optional' || metric === undefined || e.expectation.relative !== undefined)) {
        // with `baseline: optional` a check that needs a base is skipped, and the report says so
        if (c.baseline === 'optional') skipped.push(`${e.metric} ${e.expectation.text}: ${problem}`);
        else absent.push(`${e.metric} ${e.expectation.text}: ${problem}`);
        continue;
      }
      if (e.expectation.relative !== undefined && 'record' in base) baseValue = base.record.metrics[e.metric];
    }
    if (metric === undefined) {
      const note = Object.hasOwn(notes, e.metric) ? notes[e.metric] : undefined;
      absent.push(note ? `${e.metric}: ${note}` : `metric "${e.metric}" is not in the evidence`);
      continue;
    }
    const outcome = check(e.expectation, metric.value, metric.unit, baseValue);
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
    if (e.expectation.relative) {
      entry.relative = true;
      entry.expectedText = `${expectedText} (${formatValue(outcome.expected, metric.unit)})`;
      entry.text = `${e.metric} = ${actualText}, expected ${entry.expectedText}`;
    }
    if (result.base && Object.hasOwn(result.base.metrics, e.metric)) entry.base = result.base.metrics[e.metric]!;
    result.checks.push(entry);
    // a reader's note on a metric it gave (JUnit: a declared count outweighed the elements) says why
    const note = Object.hasOwn(notes, e.metric) ? notes[e.metric] : undefined;
    if (!ok) failures.push(note ? `${entry.text} (${note})` : entry.text);
  }
  if (skipped.length > 0) result.skipped = skipped;
  if (inapplicable.length > 0) result.inapplicable = inapplicable;
  // skipping is not passing: a criterion with nothing left to check has no evidence of anything
  if (skipped.length > 0 && result.checks.length === 0 && absent.length === 0 && policyErrors.length === 0) {
    return missing(`nothing was checked: ${skipped.join('; ')} (baseline: optional skips checks that need a base; add an absolute expectation to judge by when there is none)`);
  }
  if (policyErrors.length > 0) return { ...result, status: 'failed', reason: policyErrors.join('; ') };
  if (absent.length > 0) {
    const files = found.files.map(displayName);
    return missing(`${absent.join('; ')} (read ${files.length === 1 ? files[0] : `${files.length} files`})`);
  }
  if (failures.length > 0) return { ...result, status: 'failed', reason: failures.join('; ') };
  return { ...result, status: 'passed', reason: result.checks.map((k) => `${k.metric} = ${formatValue(k.actual, k.unit)}`).join(', ') };
}

/** Why a metric cannot be compared with the base record, or undefined when it can. */
function baseProblem(base: { record: DigestCriterion; label: string }, metric: string, unit: Unit | undefined, relative: boolean): string | undefined {
  const { record, label } = base;
  if (!relative) return undefined; // failed.new and the like: compareFailing says what is missing
  if (!Object.hasOwn(record.metrics, metric)) {
    return Object.keys(record.metrics).length === 0 ? `the base verdict (${label}) had no evidence for this criterion` : `the base verdict (${label}) has no ${metric}`;
  }
  const baseUnit = Object.hasOwn(record.units, metric) ? record.units[metric] : undefined;
  if (baseUnit !== unit) return `${metric} is ${unit ?? 'a count'} here but ${baseUnit ?? 'a count'} in the base verdict (${label})`;
  return undefined;
}

/**
 * failed.new / failed.fixed (results.new / results.fixed for SARIF): how many failing identities
 * are not on the base, and how many of the base's are gone. Only when both sides know every
 * identity; otherwise the metrics are absent with the reason (a guess could hide a new failure).
 */
function compareFailing(
  head: { ids: string[]; complete: boolean } | undefined,
  base: BaseOf,
  names: string[],
  notes: Record<string, string>,
): Metrics {
  const [newName, fixedName] = names as [string, string];
  const what = newName === NEW_FINDINGS ? 'findings' : 'failing tests';
  const absent = (why: string) => {
    notes[newName] = why;
    notes[fixedName] = why;
    return {};
  };
  if ('problem' in base) return absent(base.problem);
  if (Object.keys(base.record.metrics).length === 0) return absent(`the base verdict (${base.label}) had no evidence for this criterion`);
  if (!head) return absent(`this format names no ${what}`);
  if (!head.complete) return absent(`not every one of this run's ${what} could be identified (more than the cap, or unnamed ones), so new ones cannot be told apart`);
  const baseFailing = base.record.failing;
  if (!baseFailing) return absent(`the base verdict (${base.label}) does not record its ${what}`);
  if (!baseFailing.complete) return absent(`the base verdict (${base.label}) does not know all of its ${what}, so new ones cannot be told apart`);
  const before = new Set(baseFailing.ids);
  const now = new Set(head.ids);
  let added = 0;
  for (const id of now) if (!before.has(id)) added++;
  let gone = 0;
  for (const id of before) if (!now.has(id)) gone++;
  return { [newName]: { value: added }, [fixedName]: { value: gone } };
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

