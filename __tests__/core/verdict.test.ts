import { describe, expect, it } from 'vitest';
import type { CriterionEvidence } from '../../src/evidence/collect.js';
import { formatPolicyError, loadPolicy, type Policy } from '../../src/policy/load.js';
import { evaluate, selectProfile } from '../../src/verdict/evaluate.js';

const NOW = new Date('2026-11-24T12:00:00Z');

function policy(text: string): Policy {
  const result = loadPolicy(text, 'gate.yml');
  if (!result.ok) throw new Error(result.errors.map(formatPolicyError).join('\n'));
  return result.policy;
}

const POLICY = policy(`version: 1
min-score: 70
profiles:
  staging: { min-score: 50 }
  production: { min-score: 90, branches: ["release/*", "main"] }
criteria:
  - id: tests
    weight: 3
    max-age: 1d
    evidence: { path: "*.xml", format: junit }
    expect: { failed: "== 0", tests: ">= 10" }
  - id: coverage
    weight: 2
    evidence: { path: lcov.info, format: lcov }
    expect: { lines: ">= 90%" }
  - id: perf
    required: false
    evidence: { path: k6.json, format: k6 }
    expect: { http_req_duration.p95: "<= 300ms" }
  - id: soak
    profiles: [production]
    evidence: { path: soak.json, format: json }
    metrics: { hours: { path: "$.hours", unit: h } }
    expect: { hours: ">= 2h" }
`);

const file = (path: string, modified = '2026-11-24T11:00:00Z') => ({ path, bytes: 10, sha256: 'ab', modified });

function found(entries: Record<string, CriterionEvidence>): Map<string, CriterionEvidence> {
  return new Map(Object.entries(entries));
}

const good = {
  tests: { files: [file('junit.xml')], metrics: { tests: { value: 12 }, failed: { value: 0 } } },
  coverage: { files: [file('lcov.info')], metrics: { lines: { value: 93.5, unit: '%' as const } } },
  perf: { files: [file('k6.json')], metrics: { 'http_req_duration.p95': { value: 250, unit: 'ms' as const } } },
  soak: { files: [file('soak.json')], metrics: { hours: { value: 2.5, unit: 'h' as const } } },
};

describe('evaluate', () => {
  it('passes when every criterion passes', () => {
    const v = evaluate(POLICY, undefined, found(good), NOW);
    expect(v.decision).toBe('pass');
    expect(v.score).toBe(100);
    expect(v.counts).toEqual({ passed: 3, failed: 0, missing: 0, 'not-applicable': 0, waived: 0 });
    expect(v.notEvaluated).toEqual(['soak']);
    expect(v.criteria.map((c) => [c.id, c.status, c.reason])).toEqual([
      ['tests', 'passed', 'failed = 0, tests = 12'],
      ['coverage', 'passed', 'lines = 93.5%'],
      ['perf', 'passed', 'http_req_duration.p95 = 250 ms'],
    ]);
    expect(v.criteria[0]!.checks).toEqual([
      { metric: 'failed', op: '==', expected: 0, actual: 0, ok: true, expectedText: '== 0', text: 'failed = 0, expected == 0' },
      { metric: 'tests', op: '>=', expected: 10, actual: 12, ok: true, expectedText: '>= 10', text: 'tests = 12, expected >= 10' },
    ]);
    expect(v.criteria[0]!.metrics).toEqual({ tests: 12, failed: 0, files: 1 });
  });

  it('a criterion carries the failing tests its evidence names, only when there are any and only with read evidence', () => {
    const kept = [{ suite: 'cart', name: 'adds tax', file: 'src/cart.test.js', line: 12, message: 'Expected: 4' }];
    const failing = { ...good.tests, metrics: { tests: { value: 12 }, failed: { value: 3 } }, failures: { kept, total: 3, identities: ['AAAAAAAAAAA', 'BBBBBBBBBBB', 'CCCCCCCCCCC'], identitiesComplete: true } };
    const v = evaluate(POLICY, undefined, found({ ...good, tests: failing }), NOW);
    expect(v.criteria[0]).toMatchObject({ status: 'failed', failures: { kept, total: 3 } });
    // an empty list says nothing: no key at all
    const none = evaluate(POLICY, undefined, found({ ...good, tests: { ...good.tests, failures: { kept: [], total: 0, identities: [], identitiesComplete: true } } }), NOW);
    expect(none.criteria[0]).not.toHaveProperty('failures');
    // stale evidence is no evidence: its failing tests are not shown as this commit's
    const stale = { ...failing, files: [file('junit.xml', '2026-11-20T00:00:00Z')] };
    const old = evaluate(POLICY, undefined, found({ ...good, tests: stale }), NOW);
    expect(old.criteria[0]!.status).toBe('missing');
    expect(old.criteria[0]).not.toHaveProperty('failures');
  });

  it('a missing required criterion fails the gate even when the score is high enough', () => {
    const v = evaluate(POLICY, undefined, found({ ...good, coverage: { files: [], problem: 'no file matched "lcov.info" in ev' } }), NOW);
    expect(v.decision).toBe('fail');
    expect(v.score).toBe(66.66);
    expect(v.criteria[1]).toMatchObject({ status: 'missing', reason: 'no file matched "lcov.info" in ev' });
    expect(v.summary).toBe('required criteria not passed — no evidence: coverage; score 66.66% is below the minimum 70%');
  });

  it('a missing optional criterion only lowers the score', () => {
    const v = evaluate(POLICY, undefined, found({ ...good, perf: { files: [], problem: 'no file matched' } }), NOW);
    expect(v.score).toBe(83.33);
    expect(v.decision).toBe('pass');
    expect(v.summary).toBe('all required criteria passed and score 83.33% reaches 70%');
  });

  it('an optional failure can still fail the gate through the score', () => {
    const strict = { ...POLICY, minScore: 90 };
    const slow = { ...good, perf: { ...good.perf, metrics: { 'http_req_duration.p95': { value: 301, unit: 'ms' as const } } } };
    const v = evaluate(strict, undefined, found(slow), NOW);
    expect(v.criteria[2]).toMatchObject({ status: 'failed', reason: 'http_req_duration.p95 = 301 ms, expected <= 300 ms' });
    expect(v.decision).toBe('fail');
    expect(v.summary).toBe('score 83.33% is below the minimum 90%');
  });

  it('a failed check names measured and expected values', () => {
    const v = evaluate(POLICY, undefined, found({ ...good, tests: { ...good.tests, metrics: { tests: { value: 12 }, failed: { value: 3 } } } }), NOW);
    expect(v.criteria[0]).toMatchObject({ status: 'failed', reason: 'failed = 3, expected == 0' });
    expect(v.decision).toBe('fail');
  });

  it('a metric absent from the evidence is missing, with the reader note when there is one', () => {
    const v = evaluate(POLICY, undefined, found({ ...good, tests: { files: [file('junit.xml')], metrics: { failed: { value: 0 } } } }), NOW);
    expect(v.criteria[0]).toMatchObject({ status: 'missing', reason: 'metric "tests" is not in the evidence (read junit.xml)' });
    const production = selectProfile(POLICY, { profile: 'production' });
    if ('error' in production) throw new Error(production.error);
    const soak = { files: [file('soak.json')], metrics: {}, notes: { hours: 'path "$.hours" selects nothing' } };
    const w = evaluate(POLICY, production.profile, found({ ...good, soak }), NOW);
    expect(w.criteria.find((c) => c.id === 'soak')).toMatchObject({ status: 'missing', reason: 'hours: path "$.hours" selects nothing (read soak.json)' });
  });

  it('evidence older than max-age, or of unknown age, is missing', () => {
    const old = { ...good, tests: { ...good.tests, files: [file('a.xml'), file('b.xml', '2026-11-21T09:30:00Z')] } };
    expect(evaluate(POLICY, undefined, found(old), NOW).criteria[0]).toMatchObject({ status: 'missing', reason: 'b.xml is 3d 2h old; max-age is 1d' });
    const unknown = { ...good, tests: { ...good.tests, files: [file('a.xml', 'yesterday')] } };
    expect(evaluate(POLICY, undefined, found(unknown), NOW).criteria[0]).toMatchObject({ status: 'missing', reason: 'a.xml is of unknown age; max-age is 1d' });
  });

  it('a unit that does not fit an evidence-defined metric fails the criterion as a policy error', () => {
    const weird = { ...good, perf: { files: [file('k6.json')], metrics: { 'http_req_duration.p95': { value: 250, unit: 'B' as const } } } };
    const v = evaluate(POLICY, undefined, found(weird), NOW);
    expect(v.criteria[2]).toMatchObject({
      status: 'failed',
      reason: 'policy perf line 19: http_req_duration.p95: unit "ms" does not fit the metric, which is size in B',
    });
  });

  it('profiles select criteria and the minimum score', () => {
    const staging = selectProfile(POLICY, { profile: 'staging' });
    expect(staging).toEqual({ profile: { name: 'staging', minScore: 50 } });
    const byBranch = selectProfile(POLICY, { branch: 'refs/heads/release/2.1' });
    expect(byBranch).toEqual({ profile: { name: 'production', minScore: 90, branches: ['release/*', 'main'] } });
    expect(selectProfile(POLICY, { branch: 'feature/x' })).toEqual({});
    expect(selectProfile(POLICY, { profile: 'prod' })).toEqual({ error: 'profile "prod" is not in gate.yml (profiles: staging, production)' });
    if ('error' in byBranch) throw new Error();
    const v = evaluate(POLICY, byBranch.profile, found({ ...good, soak: { files: [], problem: 'no file matched "soak.json"' } }), NOW);
    expect(v.profile).toBe('production');
    expect(v.minScore).toBe(90);
    expect(v.notEvaluated).toEqual([]);
    expect(v.criteria.map((c) => c.status)).toEqual(['passed', 'passed', 'passed', 'missing']);
    expect(v.decision).toBe('fail');
  });

  it('no applicable criteria is a failure, never a vacuous pass', () => {
    const onlyProduction = policy(`version: 1
profiles: { production: {} }
criteria:
  - id: a
    profiles: [production]
    evidence: { path: a.xml, format: junit }
    expect: { failed: "== 0" }
`);
    const v = evaluate(onlyProduction, undefined, found({}), NOW);
    expect(v.decision).toBe('fail');
    expect(v.score).toBe(0);
    expect(v.summary).toBe('no criterion applies without a profile');
  });

  it('rounds the score down so a shown score never overstates', () => {
    const three = policy(`version: 1
min-score: 66.67
criteria:
  - { id: a, required: false, evidence: { path: a, format: junit }, expect: { failed: "== 0" } }
  - { id: b, required: false, evidence: { path: b, format: junit }, expect: { failed: "== 0" } }
  - { id: c, required: false, evidence: { path: c, format: junit }, expect: { failed: "== 0" } }
`);
    const ok = { files: [file('x')], metrics: { failed: { value: 0 } } };
    const v = evaluate(three, undefined, found({ a: ok, b: ok, c: { files: [], problem: 'none' } }), NOW);
    expect(v.score).toBe(66.66);
    expect(v.decision).toBe('fail');
  });
});
