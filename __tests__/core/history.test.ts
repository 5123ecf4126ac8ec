/**
 * The gate remembers: relative expectations, the digest a later run compares with, and the
 * verdict's comparison with a base (deltas, failed.new / failed.fixed, no base = no pass).
 */
import { describe, expect, it } from 'vitest';
import type { CriterionEvidence } from '../../src/evidence/collect.js';
import { check, parseExpectation, relativeBound, type Expectation } from '../../src/expect/expectation.js';
import type { BaselineLookup } from '../../src/history/baseline.js';
import { decodeDigest, DIGEST_VERSION, encodeDigest, parseDigest, type Digest } from '../../src/history/digest.js';
import { diffPolicies } from '../../src/policy/diff.js';
import { formatPolicyError, loadPolicy, type Policy } from '../../src/policy/load.js';
import { digestOf } from '../../src/render/digest.js';
import { renderMarkdown } from '../../src/render/markdown.js';
import { renderText } from '../../src/render/text.js';
import { identityOf } from '../../src/readers/identity.js';
import { evaluate } from '../../src/verdict/evaluate.js';

const NOW = new Date('2026-11-26T12:00:00Z');
const BASE_SHA = '1a2b3c4d5e6f708192a3b4c5d6e7f8091a2b3c4d';

function policy(text: string): Policy {
  const result = loadPolicy(text, 'gate.yml');
  if (!result.ok) throw new Error(result.errors.map(formatPolicyError).join('\n'));
  return result.policy;
}

function errors(text: string): string[] {
  const result = loadPolicy(text, 'gate.yml');
  return result.ok ? [] : result.errors.map(formatPolicyError);
}

function parsed(text: string): Expectation {
  const e = parseExpectation(text);
  if ('error' in e) throw new Error(e.error);
  return e;
}

describe('relative expectations', () => {
  it('read every form, and say what kind of amount each is', () => {
    expect(parsed('>= base')).toMatchObject({ op: '>=', value: 0, relative: { kind: 'none' } });
    expect(parsed('>= base - 0.5 points')).toMatchObject({ value: 0.5, relative: { sign: -1, kind: 'points' } });
    expect(parsed('>=base-1pp')).toMatchObject({ value: 1, relative: { sign: -1, kind: 'points' } });
    expect(parsed('<= base + 10% of base')).toMatchObject({ value: 10, relative: { sign: 1, kind: 'share' } });
    expect(parsed('<= base + 20 ms')).toMatchObject({ value: 20, unit: 'ms', relative: { sign: 1, kind: 'amount' } });
    expect(parsed('<= base + 2')).toMatchObject({ value: 2, relative: { sign: 1, kind: 'amount' } });
  });

  it('refuse a bare "%" after base: points or a share of the base must be said', () => {
    const e = parseExpectation('>= base - 0.5%');
    expect(e).toEqual({ error: expect.stringContaining('ambiguous') });
    expect((e as { error: string }).error).toContain('">= base - 0.5 points"');
    expect((e as { error: string }).error).toContain('">= base - 0.5% of base"');
    expect(parseExpectation('>= base - -1 points')).toEqual({ error: expect.stringContaining('without a sign') });
    expect(parseExpectation('>= base - 1,5 points')).toEqual({ error: expect.stringContaining('decimal comma') });
    expect(parseExpectation('>= base * 2')).toEqual({ error: expect.stringContaining('cannot read the relative expectation') });
    expect(parseExpectation('>= base - 2 furlongs')).toEqual({ error: expect.stringContaining('unknown amount "furlongs"') });
  });

  it('compute the bound exactly enough that the boundary holds (81.2 - 0.5 points = 80.7)', () => {
    expect(relativeBound(parsed('>= base - 0.5 points'), 81.2, '%')).toBe(80.7);
    expect(check(parsed('>= base - 0.5 points'), 80.7, '%', 81.2)).toEqual({ ok: true, expected: 80.7 });
    expect(check(parsed('>= base - 0.5 points'), 80.69, '%', 81.2)).toEqual({ ok: false, expected: 80.7 });
    // a 0-1 rate moves by points too: 0.5 points of 0.02 is 0.005
    expect(relativeBound(parsed('<= base + 0.5 points'), 0.02, 'ratio')).toBe(0.025);
    expect(relativeBound(parsed('<= base + 10% of base'), 230, 'ms')).toBe(253);
    expect(relativeBound(parsed('<= base + 0.1 s'), 230, 'ms')).toBe(330);
    expect(relativeBound(parsed('<= base + 2'), 3, undefined)).toBe(5);
    expect(check(parsed('>= base'), 90, '%', 90)).toEqual({ ok: true, expected: 90 });
  });

  it('are checked against the metric at file:line:col', () => {
    const crit = (expect: string) => `version: 1\ncriteria:\n  - id: c\n    evidence: { path: a, format: lcov }\n    expect:\n${expect}`;
    expect(errors(crit('      lines: ">= base - 0.5"\n'))).toEqual([
      'gate.yml:6:14: criteria[0].expect.lines: lines: ">= base - 0.5" is ambiguous for a percentage: write "base - 0.5 points" (percentage points) or "base - 0.5% of base" (relative)',
    ]);
    expect(errors(crit('      lines: [">= 80%", ">= base - 2 ms"]\n'))).toEqual([
      'gate.yml:6:25: criteria[0].expect.lines[1]: lines: unit "ms" does not fit the metric, which is percent in %',
    ]);
    const junit = (expect: string) => `version: 1\ncriteria:\n  - id: c\n    evidence: { path: a, format: junit }\n    expect:\n${expect}`;
    expect(errors(junit('      failed: "<= base + 1 point"\n'))[0]).toContain('gate.yml:6:15: criteria[0].expect.failed: failed: "points" are percentage points');
    expect(errors(junit('      failed.nwe: "== 0"\n'))[0]).toContain('(did you mean "failed.new"?)');
    expect(errors(junit('      failed: "== 0"\n    baseline: optional\n'))).toEqual([
      'gate.yml:7:15: criteria[0].baseline: baseline: optional has no effect: this criterion has no relative expectation ("<op> base …") and no failed.new/results.new; remove it',
    ]);
    // SARIF has results.new; lcov has neither
    expect(errors(`version: 1\ncriteria:\n  - id: s\n    evidence: { path: a, format: sarif }\n    expect: { results.new: "== 0" }\n`)).toEqual([]);
    expect(errors(crit('      failed.new: "== 0"\n'))[0]).toContain('lcov evidence has no metric "failed.new"');
  });

  it('combine with absolute bounds on one metric, each at its own position', () => {
    const p = policy(`version: 1\ncriteria:\n  - id: c\n    evidence: { path: a, format: lcov }\n    expect:\n      lines: [">= 80%", ">= base - 0.5 points"]\n`);
    expect(p.criteria[0]!.expect.map((e) => [e.metric, e.expectation.text, e.position.line, e.position.column])).toEqual([
      ['lines', '>= 80%', 6, 15],
      ['lines', '>= base - 0.5 points', 6, 25],
    ]);
  });

  it('count as loosened in the policy diff when the bound moves away from the base or is dropped', () => {
    const at = (lines: string, extra = '') => policy(`version: 1\ncriteria:\n  - id: c\n    evidence: { path: a, format: lcov }\n    expect: { lines: ${lines} }\n${extra}`);
    const base = at('[">= 80%", ">= base - 0.5 points"]');
    expect(diffPolicies(base, at('[">= 80%", ">= base - 0.2 points"]')).loosened).toEqual([]);
    expect(diffPolicies(base, at('[">= 80%", ">= base - 1 points"]')).loosened).toEqual(['c: lines ">= base - 0.5 points" → ">= base - 1 points"']);
    expect(diffPolicies(base, at('">= 80%"')).loosened).toEqual(['c: expectation lines ">= base - 0.5 points" removed']);
    expect(diffPolicies(base, at('[">= 80%", ">= base - 1 points"]', '    baseline: optional\n')).loosened).toEqual([
      'c: baseline required → optional',
      'c: lines ">= base - 0.5 points" → ">= base - 1 points"',
    ]);
  });
});

const file = (path: string) => ({ path, bytes: 10, sha256: 'ab', modified: '2026-11-26T11:00:00Z' });
const ids = (...names: string[]) => names.map((n) => identityOf(['tests.test_cart', n])).sort();

const POLICY = policy(`version: 1
name: release-gate
criteria:
  - id: unit
    evidence: { path: "*.xml", format: junit }
    expect: { failed.new: "== 0", tests: ">= 1" }
  - id: coverage
    evidence: { path: lcov.info, format: lcov }
    expect:
      lines: [">= 70%", ">= base - 0.5 points"]
  - id: latency
    evidence: { path: k6.json, format: k6 }
    expect: { http_req_duration.p95: ["<= 500ms", "<= base + 10% of base"] }
    baseline: optional
`);

function evidence(failing: string[], lines: number, p95: number): Map<string, CriterionEvidence> {
  const failures = failing.length === 0 ? undefined : { kept: failing.map((name) => ({ suite: 'tests.test_cart', name })), total: failing.length, identities: ids(...failing), identitiesComplete: true };
  return new Map<string, CriterionEvidence>([
    ['unit', { files: [file('junit.xml')], testResults: true, metrics: { tests: { value: 10 }, failed: { value: failing.length } }, ...(failures && { failures }) }],
    ['coverage', { files: [file('lcov.info')], metrics: { lines: { value: lines, unit: '%' } } }],
    ['latency', { files: [file('k6.json')], metrics: { 'http_req_duration.p95': { value: p95, unit: 'ms' } } }],
  ]);
}

function baseDigest(failing: string[], lines: number, p95: number): Digest {
  // the base verdict as the base run recorded it: its own digest, through encode and decode
  const verdict = evaluate(POLICY, undefined, evidence(failing, lines, p95), new Date('2026-11-23T12:00:00Z'), { reason: 'no baseline: first run', walk: [], warnings: [] });
  const digest = digestOf(verdict, POLICY, { commit: BASE_SHA, branch: 'main', time: new Date('2026-11-23T12:00:00Z'), policyText: 'policy' });
  const encoded = encodeDigest(digest);
  if ('error' in encoded) throw new Error(encoded.error);
  const decoded = decodeDigest(`visible text\n${encoded.text}`);
  if (!decoded || 'error' in decoded) throw new Error('digest did not round-trip');
  return decoded.digest;
}

const lookup = (digest: Digest): BaselineLookup => ({ baseline: { digest, label: 'main @ 1a2b3c4', how: 'merge base of the pull request' }, walk: ['1a2b3c4: verdict found'], apiCalls: 2, warnings: [] });

describe('a verdict compared with its base', () => {
  it('counts new and fixed failing tests exactly by identity (one fixed, one broken, one still broken)', () => {
    const base = baseDigest(['test_total', 'test_discount'], 81.2, 230);
    const v = evaluate(POLICY, undefined, evidence(['test_discount', 'test_tax'], 81.0, 240), NOW, lookup(base));
    const unit = v.criteria.find((c) => c.id === 'unit')!;
    expect(unit.metrics['failed.new']).toBe(1);
    expect(unit.metrics['failed.fixed']).toBe(1);
    expect(unit.status).toBe('failed');
    expect(unit.reason).toBe('failed.new = 1, expected == 0');
    // the same failures as the base: nothing new, a legacy suite passes failed.new == 0
    const same = evaluate(POLICY, undefined, evidence(['test_total', 'test_discount'], 81.2, 230), NOW, lookup(base));
    expect(same.criteria.find((c) => c.id === 'unit')).toMatchObject({ status: 'passed', metrics: { 'failed.new': 0, 'failed.fixed': 0, failed: 2 } });
  });

  it('checks relative bounds against the base value and shows the base beside every check', () => {
    const base = baseDigest([], 81.2, 230);
    const v = evaluate(POLICY, undefined, evidence([], 80.7, 253), NOW, lookup(base));
    expect(v.decision).toBe('pass');
    const coverage = v.criteria.find((c) => c.id === 'coverage')!;
    expect(coverage.checks.map((k) => [k.expectedText, k.ok, k.base])).toEqual([
      ['>= 70%', true, 81.2],
      ['>= base - 0.5 points (80.7%)', true, 81.2],
    ]);
    const worse = evaluate(POLICY, undefined, evidence([], 80.6, 254), NOW, lookup(base));
    expect(worse.criteria.find((c) => c.id === 'coverage')).toMatchObject({ status: 'failed', reason: 'lines = 80.6%, expected >= base - 0.5 points (80.7%)' });
    expect(worse.criteria.find((c) => c.id === 'latency')).toMatchObject({ status: 'failed', reason: 'http_req_duration.p95 = 254 ms, expected <= base + 10% of base (253 ms)' });
    // deltas in the reports, for passed checks too
    const text = renderText(v, 'gate.yml', NOW);
    expect(text).toContain('compared with main @ 1a2b3c4 (merge base of the pull request, 3 days old)');
    expect(text).toContain('lines = 80.7% (▼ 0.5), lines = 80.7% (▼ 0.5), expected >= base - 0.5 points (80.7%)');
    const markdown = renderMarkdown(v, { now: NOW });
    expect(markdown).toContain('📐 Compared with `main @ 1a2b3c4` — merge base of the pull request, 3 days old.');
    expect(markdown).toContain('✅ http&#95;req&#95;duration.p95 253 ms (▲ 23 ms) <sub>needs ≤ base &#43; 10% of base &#40;253 ms&#41;</sub>');
    expect(markdown).toContain('How the base was looked for (1 step · 2 API requests)');
  });

  it('without a base, a relative expectation is not a pass: missing with the reason, or skipped where the criterion opts out', () => {
    const none: BaselineLookup = { reason: 'no baseline: no release-gate verdict on 1a2b3c4 or its 10 ancestors; verdicts are recorded on every push to main', walk: [], warnings: [] };
    const v = evaluate(POLICY, undefined, evidence([], 95, 100), NOW, none);
    expect(v.decision).toBe('fail');
    const byId = Object.fromEntries(v.criteria.map((c) => [c.id, c]));
    expect(byId.unit).toMatchObject({ status: 'missing', reason: expect.stringContaining('failed.new == 0: no baseline: no release-gate verdict on 1a2b3c4') });
    expect(byId.coverage).toMatchObject({ status: 'missing', reason: expect.stringContaining('lines >= base - 0.5 points: no baseline') });
    // baseline: optional: the relative check is skipped, said, and what remains decides
    expect(byId.latency).toMatchObject({ status: 'passed', skipped: [expect.stringContaining('http_req_duration.p95 <= base + 10% of base: no baseline')] });
    expect(renderMarkdown(v)).toContain('⏭️ not checked: http&#95;req&#95;duration.p95 ≤ base &#43; 10% of base&#58; no baseline');
    // skipping is not passing: with nothing else to check, the criterion has no evidence
    const onlyRelative = policy(`version: 1\ncriteria:\n  - id: latency\n    evidence: { path: k6.json, format: k6 }\n    expect: { http_req_duration.p95: "<= base + 10% of base" }\n    baseline: optional\n`);
    const alone = evaluate(onlyRelative, undefined, new Map([['latency', evidence([], 95, 100).get('latency')!]]), NOW, none);
    expect(alone.criteria[0]).toMatchObject({ status: 'missing', reason: expect.stringContaining('nothing was checked: http_req_duration.p95 <= base + 10% of base: no baseline') });
    expect(alone.decision).toBe('fail');
    // no lookup at all (the CLI without --baseline) says how to give one
    const cli = evaluate(POLICY, undefined, evidence([], 95, 100), NOW);
    expect(cli.criteria[1]!.reason).toContain('--baseline FILE');
  });

  it('never guesses new failures when identities are incomplete, on either side', () => {
    const base = baseDigest(['test_total'], 81.2, 230);
    const head = evidence(['test_total'], 81.2, 230);
    const unit = head.get('unit')!;
    unit.failures = { ...unit.failures!, identitiesComplete: false };
    const v = evaluate(POLICY, undefined, head, NOW, lookup(base));
    expect(v.criteria[0]).toMatchObject({ status: 'missing', reason: expect.stringContaining('not every one of this run') });
    expect(v.criteria[0]!.metrics).not.toHaveProperty('failed.new');
    const incompleteBase = structuredClone(base);
    incompleteBase.criteria.unit!.failing!.complete = false;
    const w = evaluate(POLICY, undefined, evidence(['test_total'], 81.2, 230), NOW, lookup(incompleteBase));
    expect(w.criteria[0]).toMatchObject({ status: 'missing', reason: expect.stringContaining('does not know all of its failing tests') });
  });

  it('says why a base cannot serve one criterion: absent there, no evidence there, another unit', () => {
    const base = baseDigest([], 81.2, 230);
    const withoutCoverage = structuredClone(base);
    delete withoutCoverage.criteria.coverage;
    expect(evaluate(POLICY, undefined, evidence([], 81, 230), NOW, lookup(withoutCoverage)).criteria[1]).toMatchObject({
      status: 'missing',
      reason: expect.stringContaining('the base verdict (main @ 1a2b3c4) has no criterion "coverage"'),
    });
    const noEvidence = structuredClone(base);
    noEvidence.criteria.coverage = { status: 'missing', metrics: {}, units: {} };
    expect(evaluate(POLICY, undefined, evidence([], 81, 230), NOW, lookup(noEvidence)).criteria[1]!.reason).toContain('had no evidence for this criterion');
    const otherUnit = structuredClone(base);
    otherUnit.criteria.latency!.units['http_req_duration.p95'] = 's';
    expect(evaluate(POLICY, undefined, evidence([], 81, 230), NOW, lookup(otherUnit)).criteria[2]!.skipped).toEqual([
      'http_req_duration.p95 <= base + 10% of base: http_req_duration.p95 is ms here but s in the base verdict (main @ 1a2b3c4)',
    ]);
  });
});

describe('the digest', () => {
  const digest = () => baseDigest(['test_total'], 81.2, 230);

  it('records per criterion status, metrics, units and failing identities, and the trend', () => {
    const d = digest();
    expect(d).toMatchObject({ version: DIGEST_VERSION, commit: BASE_SHA, branch: 'main', decision: 'fail' });
    expect(d.criteria.unit).toMatchObject({ status: 'missing', failing: { ids: ids('test_total'), complete: true } });
    expect(d.criteria.coverage!.metrics).toMatchObject({ lines: 81.2 });
    expect(d.trend).toEqual([{ commit: BASE_SHA, time: '2026-11-23T12:00:00.000Z', decision: 'fail', score: 33.33, metrics: { 'unit.tests': 10, 'coverage.lines': 81.2, 'latency.http_req_duration.p95': 230 } }]);
  });

  it('continues the trend of the base, keeps at most 20 points, and replaces a re-run of the same commit', () => {
    let previous = digest();
    for (let i = 0; i < 25; i++) {
      const v = evaluate(POLICY, undefined, evidence([], 80 + i / 10, 230), NOW, lookup(previous));
      previous = digestOf(v, POLICY, { commit: (i + 16).toString(16).padStart(40, '0'), time: NOW, policyText: 'p', previous });
    }
    expect(previous.trend).toHaveLength(20);
    expect(previous.trend.at(-1)!.metrics['coverage.lines']).toBe(82.4);
    const rerun = digestOf(evaluate(POLICY, undefined, evidence([], 90, 230), NOW), POLICY, { commit: previous.commit!, time: NOW, policyText: 'p', previous });
    expect(rerun.trend).toHaveLength(20);
    expect(rerun.trend.at(-1)!.metrics['coverage.lines']).toBe(90);
  });

  it('refuses a digest that was altered, truncated, of another version or of the wrong shape', () => {
    const encoded = encodeDigest(digest());
    if ('error' in encoded) throw new Error(encoded.error);
    const text = encoded.text;
    const packedAt = text.lastIndexOf(' ', text.length - 5) + 1;
    const flipped = text.slice(0, packedAt + 10) + (text[packedAt + 10] === 'A' ? 'B' : 'A') + text.slice(packedAt + 11);
    expect(decodeDigest(flipped)).toEqual({ error: 'the verdict digest does not match its checksum (it was altered)' });
    expect(decodeDigest(text.slice(0, text.length - 40))).toEqual({ error: expect.stringContaining('cut off or malformed') });
    const shorter = text.replace(/ ([A-Za-z0-9+/=]{20})([A-Za-z0-9+/=]*) -->$/, ' $1 -->');
    expect(decodeDigest(shorter)).toEqual({ error: expect.stringMatching(/^the verdict digest is truncated \(20 of \d+ characters\)$/) });
    expect(decodeDigest(text.replace('release-gate-digest v1 ', 'release-gate-digest v0 '))).toEqual({
      error: 'the verdict digest is version 0, written by an older release-gate; this one reads version 1',
    });
    expect(decodeDigest('a check run without a digest')).toBeUndefined();
    expect(parseDigest({ ...digest(), decision: 'maybe' })).toEqual({ error: expect.stringContaining('decision') });
    expect(parseDigest({ ...digest(), version: 2 })).toEqual({ error: 'the verdict digest is version 2; this release-gate reads version 1' });
    expect(parseDigest({ ...digest(), extra: 1 })).toEqual({ error: expect.stringContaining('not valid') });
  });

  it('fits the budget by leaving out old trend points, then the largest identity lists (marked incomplete)', () => {
    const d = digest();
    const many = Array.from({ length: 3000 }, (_, i) => identityOf(['s', `t${i}`])).sort();
    d.criteria.unit!.failing = { ids: many, complete: true };
    const fitted = encodeDigest(d, 20_000);
    if ('error' in fitted) throw new Error(fitted.error);
    expect(fitted.dropped).toEqual(['failing identities of unit']);
    expect(fitted.text.length).toBeLessThanOrEqual(20_000);
    const back = decodeDigest(fitted.text) as { digest: Digest };
    expect(back.digest.criteria.unit!.failing).toEqual({ ids: [], complete: false });
    // nothing fits a budget of 100 characters: no digest rather than a wrong one
    expect(encodeDigest(digest(), 100)).toEqual({ error: expect.stringContaining('more than the 100') });
  });
});
