/**
 * What a pull request changes in the gate it is judged by: criteria added, removed, and loosened
 * (a lower bar, a dropped expectation, required → optional, …). Pure.
 */
import { convert } from '../expect/units.js';
import type { Criterion, Expect, Policy } from './load.js';

export interface PolicyChange {
  added: string[];
  removed: string[];
  /** "criterion: what got weaker" */
  loosened: string[];
  /** waivers the change adds or extends: "unit-tests: waiver added, to 2026-12-31 (reason)" */
  waivers: string[];
}

export function diffPolicies(base: Policy, head: Policy): PolicyChange {
  const baseById = new Map(base.criteria.map((c) => [c.id, c]));
  const headById = new Map(head.criteria.map((c) => [c.id, c]));
  const change: PolicyChange = {
    added: head.criteria.filter((c) => !baseById.has(c.id)).map((c) => c.id),
    removed: base.criteria.filter((c) => !headById.has(c.id)).map((c) => c.id),
    loosened: [],
    waivers: waiverChanges(base, head),
  };
  const lowered = (what: string, before: number | undefined, after: number | undefined) => {
    if (before !== undefined && (after === undefined || after < before)) change.loosened.push(`${what}: ${before} → ${after ?? 'none'}`);
  };
  lowered('min-score', base.minScore, head.minScore);
  for (const profile of base.profiles) {
    const now = head.profiles.find((p) => p.name === profile.name);
    if (!now) change.loosened.push(`profile ${profile.name}: removed`);
    else lowered(`profile ${profile.name} min-score`, profile.minScore, now.minScore);
  }
  for (const before of base.criteria) {
    const after = headById.get(before.id);
    if (after) change.loosened.push(...loosenedCriterion(before, after).map((what) => `${before.id}: ${what}`));
  }
  return change;
}

function loosenedCriterion(before: Criterion, after: Criterion): string[] {
  const out: string[] = [];
  if (before.required && !after.required) out.push('required → optional');
  if (after.weight < before.weight) out.push(`weight ${before.weight} → ${after.weight}`);
  if (before.maxAgeMs !== undefined && (after.maxAgeMs === undefined || after.maxAgeMs > before.maxAgeMs)) {
    out.push(`max-age ${before.maxAge} → ${after.maxAge ?? 'none'}`);
  }
  const evidence = (c: Criterion) => `${c.evidence.artifact !== undefined ? `${c.evidence.artifact}:` : ''}${c.evidence.path} (${c.evidence.format})`;
  if (evidence(before) !== evidence(after)) out.push(`evidence ${evidence(before)} → ${evidence(after)}`);
  if (after.profiles !== undefined && (before.profiles === undefined || before.profiles.some((p) => !after.profiles!.includes(p)))) {
    out.push(`profiles ${before.profiles?.join(', ') ?? 'all'} → ${after.profiles.join(', ')}`);
  }
  if (before.baseline === 'required' && after.baseline === 'optional') out.push('baseline required → optional');
  // a metric may have several expectations (absolute and relative): each one of the base must
  // still be there, or one at least as strict of the same kind
  for (const e of before.expect) {
    const candidates = after.expect.filter((x) => x.metric === e.metric && (x.expectation.relative === undefined) === (e.expectation.relative === undefined));
    if (candidates.length === 0) out.push(`expectation ${e.metric} "${e.expectation.text}" removed`);
    else if (candidates.every((now) => weaker(e, now))) out.push(`${e.metric} "${e.expectation.text}" → "${candidates.map((c) => c.expectation.text).join('", "')}"`);
  }
  return out;
}

/** Whether `after` lets through something `before` did not (any change of an equality counts). */
function weaker(before: Expect, after: Expect): boolean {
  if (before.expectation.relative || after.expectation.relative) return weakerRelative(before, after);
  // compare in the metric's unit; for metrics only the evidence defines (k6), in the unit `before` used
  const unit = before.unit === 'dynamic' ? before.expectation.unit : before.unit;
  const value = (e: Expect) => {
    const v = convert(e.expectation.value, e.expectation.unit, unit);
    return typeof v === 'number' ? v : Number.NaN;
  };
  const [a, b] = [value(before), value(after)];
  const [opA, opB] = [before.expectation.op, after.expectation.op];
  if (Number.isNaN(a) || Number.isNaN(b)) return before.expectation.text !== after.expectation.text;
  const lower = (op: string) => op === '>=' || op === '>';
  const upper = (op: string) => op === '<=' || op === '<';
  if (lower(opA) && lower(opB)) return b < a || (b === a && opA === '>' && opB === '>=');
  if (upper(opA) && upper(opB)) return b > a || (b === a && opA === '<' && opB === '<=');
  return opA !== opB || a !== b;
}

/** Relative expectations: weaker when the bound moves away from the base, or the kind of amount changes. */
function weakerRelative(before: Expect, after: Expect): boolean {
  const a = before.expectation;
  const b = after.expectation;
  if (!a.relative || !b.relative) return true;
  const sameKind = a.relative.kind === b.relative.kind || a.relative.kind === 'none' || b.relative.kind === 'none';
  if (!sameKind || (a.unit ?? '') !== (b.unit ?? '')) return a.text !== b.text;
  const signed = (e: typeof a) => (e.relative!.kind === 'none' ? 0 : e.relative!.sign * e.value);
  const [x, y] = [signed(a), signed(b)];
  const lower = (op: string) => op === '>=' || op === '>';
  const upper = (op: string) => op === '<=' || op === '<';
  if (lower(a.op) && lower(b.op)) return y < x || (y === x && a.op === '>' && b.op === '>=');
  if (upper(a.op) && upper(b.op)) return y > x || (y === x && a.op === '<' && b.op === '<=');
  return a.op !== b.op || x !== y;
}

/** A waiver's scope: its criterion and, for a narrow one, its tests, rules and fingerprints. */
function waiverKey(w: Policy['waivers'][number]): string {
  const tests = w.tests ? [...w.tests].map((t) => `${t.suite ?? ''}\u0000${t.name}`).sort().join('\u0001') : '*';
  const list = (xs: string[] | undefined) => (xs ? [...xs].sort().join('\u0001') : '*');
  return `${w.criterion}\u0002${tests}\u0002${list(w.rules)}\u0002${list(w.fingerprints)}`;
}

/** "waiver", "waiver of 2 tests", "waiver of 1 rule and 3 fingerprints" */
function waiverScope(w: Policy['waivers'][number]): string {
  const parts = (
    [
      [w.tests?.length, 'test'],
      [w.rules?.length, 'rule'],
      [w.fingerprints?.length, 'fingerprint'],
    ] as const
  )
    .filter(([n]) => n !== undefined)
    .map(([n, what]) => `${n} ${what}${n === 1 ? '' : 's'}`);
  return parts.length > 0 ? `waiver of ${parts.join(' and ')}` : 'waiver';
}

/** Waivers in `head` that `base` lacks, or that run longer there (the policy's maximum too). */
function waiverChanges(base: Policy, head: Policy): string[] {
  const out: string[] = [];
  const before = new Map(base.waivers.map((w) => [waiverKey(w), w]));
  for (const w of head.waivers) {
    const scope = waiverScope(w);
    const was = before.get(waiverKey(w));
    if (!was) out.push(`${w.criterion}: ${scope} added, to ${w.expires} (${w.reason})`);
    else if (w.expires > was.expires) out.push(`${w.criterion}: ${scope} extended ${was.expires} → ${w.expires}`);
  }
  if (head.waiverMaxDays > base.waiverMaxDays) out.push(`waiver-max-days ${base.waiverMaxDays} → ${head.waiverMaxDays}`);
  return out;
}
