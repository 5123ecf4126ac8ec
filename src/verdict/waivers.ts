/**
 * Waivers (pure): a time-limited exception the policy grants. A waiver of a whole criterion turns
 * a criterion that did not pass into **waived** (it does not fail the gate); a waiver of some
 * failing tests takes just those out of the counts, so the rest is still judged. An expired
 * waiver, or one that runs longer than the policy allows, is not used, and the report says so.
 *
 * Waivers come from the policy the gate uses: on pull requests the base branch's, so a change
 * cannot waive its own failures (src/action/policy-source.ts; the policy diff lists the waivers a
 * change adds or extends).
 */
import type { CriterionEvidence } from '../evidence/collect.js';
import { findingWaiverScope, type Waiver } from '../policy/load.js';
import { parseDate } from '../policy/schema.js';
import { identityOf } from '../readers/identity.js';

/** Waivers that expire within this many days are flagged. */
export const EXPIRING_SOON_DAYS = 7;
const DAY_MS = 86_400_000;

export type WaiverState = 'applied' | 'unused' | 'expired' | 'too-long';

export interface WaiverUse {
  criterion: string;
  reason: string;
  expires: string;
  link?: string;
  approvedBy?: string;
  /** the policy line that declares it */
  line: number;
  state: WaiverState;
  /** whole days left, today included (0 once expired) */
  daysLeft: number;
  /** holds for at most EXPIRING_SOON_DAYS more days */
  expiringSoon: boolean;
  /** a narrow waiver: how many failing tests it took out of the counts */
  tests?: number;
  /** a narrow waiver of SARIF findings: how many counted results it took out of the counts */
  findings?: number;
  /** what it did, or why it was not used, in a few words */
  note: string;
}

/** Whether a waiver holds today: through the end of its `expires` day (UTC), and not longer than the policy allows. */
export function waiverTiming(w: Pick<Waiver, 'expires'>, now: Date, maxDays: number): { state: 'active' | 'expired' | 'too-long'; daysLeft: number } {
  const day = parseDate(w.expires)!;
  const end = day.getTime() + DAY_MS;
  if (now.getTime() >= end) return { state: 'expired', daysLeft: 0 };
  const daysLeft = Math.ceil((end - now.getTime()) / DAY_MS);
  if (daysLeft > maxDays + 1) return { state: 'too-long', daysLeft };
  return { state: 'active', daysLeft };
}

function use(w: Waiver, state: WaiverState, daysLeft: number, note: string): WaiverUse {
  const out: WaiverUse = { criterion: w.criterion, reason: w.reason, expires: w.expires, line: w.position.line, state, daysLeft, expiringSoon: state === 'applied' && daysLeft <= EXPIRING_SOON_DAYS, note };
  if (w.link !== undefined) out.link = w.link;
  if (w.approvedBy !== undefined) out.approvedBy = w.approvedBy;
  return out;
}

/** Why a waiver is not used, for the report. */
export function notUsedNote(state: 'expired' | 'too-long', w: Waiver, maxDays: number): string {
  return state === 'expired' ? `waiver expired on ${w.expires}` : `waiver runs to ${w.expires}, longer than waiver-max-days (${maxDays}) allows: not used`;
}

/**
 * Narrow waivers of one criterion's failing tests: those tests leave `failed` (and the failing
 * identities, so failed.new), `failed.waived` counts them, and the rest is judged as usual. Tests
 * are named as the reports show them (suite and name), which is their identity.
 */
export function waiveTests(found: CriterionEvidence, waivers: Waiver[], uses: WaiverUse[], now: Date, maxDays: number): CriterionEvidence {
  let evidence = found;
  let waivedTotal = 0;
  for (const w of waivers) {
    const timing = waiverTiming(w, now, maxDays);
    if (timing.state !== 'active') {
      uses.push(use(w, timing.state, timing.daysLeft, notUsedNote(timing.state, w, maxDays)));
      continue;
    }
    const failures = evidence.failures;
    const named = new Set(w.tests!.map((t) => identityOf([t.suite ?? '', t.name])));
    const matched = failures ? failures.identities.filter((id) => named.has(id)) : [];
    if (matched.length === 0 || !evidence.metrics) {
      uses.push(use(w, 'unused', timing.daysLeft, 'none of its tests failed'));
      continue;
    }
    const gone = new Set(matched);
    const metrics = { ...evidence.metrics };
    const failed = metrics.failed?.value ?? 0;
    metrics.failed = { value: Math.max(0, failed - gone.size) };
    waivedTotal += gone.size;
    metrics['failed.waived'] = { value: waivedTotal };
    evidence = {
      ...evidence,
      metrics,
      failures: {
        kept: failures!.kept.filter((item) => !gone.has(identityOf([item.suite ?? '', item.name]))),
        total: Math.max(0, failures!.total - gone.size),
        identities: failures!.identities.filter((id) => !gone.has(id)),
        identitiesComplete: failures!.identitiesComplete,
      },
    };
    const u = use(w, 'applied', timing.daysLeft, `${gone.size} failing test${gone.size === 1 ? '' : 's'} waived`);
    u.tests = gone.size;
    uses.push(u);
  }
  return evidence;
}

/** The whole-criterion waivers of a criterion that did not pass: the first active one waives it. */
export function waiveCriterion(waivers: Waiver[], passed: boolean, uses: WaiverUse[], now: Date, maxDays: number): WaiverUse | undefined {
  let applied: WaiverUse | undefined;
  for (const w of waivers) {
    const timing = waiverTiming(w, now, maxDays);
    if (timing.state !== 'active') {
      uses.push(use(w, timing.state, timing.daysLeft, notUsedNote(timing.state, w, maxDays)));
      continue;
    }
    if (passed) {
      uses.push(use(w, 'unused', timing.daysLeft, 'the criterion passed: nothing to waive'));
      continue;
    }
    if (applied) {
      uses.push(use(w, 'unused', timing.daysLeft, 'another waiver covers the criterion'));
      continue;
    }
    applied = use(w, 'applied', timing.daysLeft, 'waives the criterion');
    uses.push(applied);
  }
  return applied;
}

/**
 * Narrow waivers of one criterion's SARIF findings (`rules:`, `fingerprints:`): the findings of the
 * active ones leave every count they were in (`results`, the level, the `security.*` bucket), the
 * findings listed and the identities (so results.new/fixed do not see them); `results.waived`
 * counts them, and the rest is judged as usual.
 *
 * The evaluation sees only metrics, so the reader did the matching: it tallied the counted results
 * by the set of these waivers that match each (CriterionEvidence.waivable; src/readers/sarif.ts), in
 * policy order. A set leaves the counts when one of its waivers is active, so a finding two active
 * waivers match leaves them once; it is credited to the first of them. Fail closed: when the reader
 * could not tally exactly, or did not tally for these waivers, nothing is waived and `unapplied`
 * says why, for the criterion's reason.
 */
export function waiveFindings(found: CriterionEvidence, waivers: Waiver[], uses: WaiverUse[], now: Date, maxDays: number): { evidence: CriterionEvidence; unapplied?: string } {
  const timings = waivers.map((w) => waiverTiming(w, now, maxDays));
  const active = new Set<number>();
  timings.forEach((t, i) => {
    if (t.state === 'active') active.add(i);
  });
  const notUsed = (why: string) => {
    waivers.forEach((w, i) => {
      const t = timings[i]!;
      uses.push(t.state === 'active' ? use(w, 'unused', t.daysLeft, why) : use(w, t.state, t.daysLeft, notUsedNote(t.state, w, maxDays)));
    });
  };
  const tally = found.waivable;
  if (!found.metrics) {
    notUsed('no findings were read: the criterion has no evidence');
    return { evidence: found };
  }
  const problem =
    tally === undefined
      ? 'the evidence was read without tallying the findings it names'
      : JSON.stringify(tally.scopes) !== JSON.stringify(waivers.flatMap(findingWaiverScope))
        ? 'the evidence was read for other waivers'
        : tally.inexact;
  if (problem !== undefined) {
    notUsed(`not applied, the findings it names cannot be counted exactly: ${problem}`);
    const lines = waivers.filter((_, i) => active.has(i)).map((w) => w.position.line);
    return { evidence: found, ...(lines.length > 0 && { unapplied: `waiver${lines.length === 1 ? '' : 's'} on policy line${lines.length === 1 ? '' : 's'} ${lines.join(', ')} not applied: ${problem}` }) };
  }
  const waived = (set: readonly number[]) => set.some((i) => active.has(i));
  const credited = waivers.map(() => 0);
  const matched = waivers.map(() => 0);
  const metrics = { ...found.metrics };
  let total = 0;
  let listed = 0;
  for (const set of tally!.sets) {
    const n = set.metrics.results ?? 0;
    for (const i of set.scopes) matched[i]! += n;
    const first = set.scopes.find((i) => active.has(i));
    if (first === undefined) continue;
    credited[first]! += n;
    total += n;
    listed += (set.metrics.error ?? 0) + (set.metrics.warning ?? 0) + (set.metrics.note ?? 0);
    for (const [name, value] of Object.entries(set.metrics)) {
      if (!Object.hasOwn(metrics, name)) continue; // security.* of a tool that rates nothing stay absent
      metrics[name] = { value: metrics[name]!.value - value };
    }
  }
  waivers.forEach((w, i) => {
    const t = timings[i]!;
    if (t.state !== 'active') uses.push(use(w, t.state, t.daysLeft, notUsedNote(t.state, w, maxDays)));
    else if (credited[i]! > 0) {
      const u = use(w, 'applied', t.daysLeft, `${credited[i]} finding${credited[i] === 1 ? '' : 's'} waived`);
      u.findings = credited[i]!;
      uses.push(u);
    } else if (matched[i]! > 0) uses.push(use(w, 'unused', t.daysLeft, 'the findings it names are waived by an earlier waiver'));
    else uses.push(use(w, 'unused', t.daysLeft, 'none of its rules or fingerprints matched a counted finding'));
  });
  if (total === 0) return { evidence: found };
  metrics['results.waived'] = { value: total };
  const evidence: CriterionEvidence = { ...found, metrics };
  const failures = found.failures;
  if (failures) {
    const gone = new Set(tally!.identities.filter((x) => x.sets.every(waived)).map((x) => x.id));
    evidence.failures = {
      kept: failures.kept.filter((_, j) => !waived(tally!.kept[j] ?? [])),
      total: failures.total - listed,
      identities: failures.identities.filter((id) => !gone.has(id)),
      identitiesComplete: failures.identitiesComplete,
    };
  }
  return { evidence };
}
