/**
 * Waivers: an active, an expired, a narrow and an unused waiver; one that runs longer than the
 * policy allows; one about to expire; the policy's checks; and a change that adds a waiver, shown
 * in the policy diff. The narrow waiver runs on a real pytest JUnit file through the built CLI.
 */
import { copyFile, mkdir, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { CriterionEvidence } from '../../src/evidence/collect.js';
import { diffPolicies } from '../../src/policy/diff.js';
import { formatPolicyError, loadPolicy, type Policy } from '../../src/policy/load.js';
import { renderMarkdown } from '../../src/render/markdown.js';
import { renderText } from '../../src/render/text.js';
import { evaluate } from '../../src/verdict/evaluate.js';
import { runCli } from '../helpers/cli.js';
import { ROOT } from '../helpers/evidence.js';

const NOW = new Date('2026-11-26T12:00:00Z');

function policy(text: string): Policy {
  const result = loadPolicy(text, 'gate.yml');
  if (!result.ok) throw new Error(result.errors.map(formatPolicyError).join('\n'));
  return result.policy;
}

function errors(text: string): string[] {
  const result = loadPolicy(text, 'gate.yml');
  return result.ok ? [] : result.errors.map(formatPolicyError);
}

const CRITERIA = `version: 1
criteria:
  - id: unit
    evidence: { path: "*.xml", format: junit }
    expect: { failed: "== 0" }
  - id: coverage
    evidence: { path: lcov.info, format: lcov }
    expect: { lines: ">= 80%" }
`;

const file = (p: string) => ({ path: p, bytes: 1, sha256: 'ab', modified: '2026-11-26T11:00:00Z' });
const evidence = (failed: number, lines: number) =>
  new Map<string, CriterionEvidence>([
    ['unit', { files: [file('junit.xml')], testResults: true, metrics: { tests: { value: 10 }, failed: { value: failed } } }],
    ['coverage', { files: [file('lcov.info')], metrics: { lines: { value: lines, unit: '%' } } }],
  ]);

describe('waivers', () => {
  it('an active waiver turns a failed criterion into waived: shown with its reason, link, approver and days left, outside the score and the required check', () => {
    const p = policy(`${CRITERIA}waivers:
  - criterion: coverage
    reason: the payment module is being rewritten
    link: https://github.com/acme/shop/issues/812
    approved-by: "@release-owner"
    expires: "2026-12-20"
`);
    const v = evaluate(p, undefined, evidence(0, 61.5), NOW);
    const coverage = v.criteria.find((c) => c.id === 'coverage')!;
    expect(coverage.status).toBe('waived');
    expect(coverage.reason).toBe('waived until 2026-12-20 (25 days left): the payment module is being rewritten — failed: lines = 61.5%, expected >= 80%');
    expect(v.counts).toMatchObject({ passed: 1, waived: 1, failed: 0 });
    expect(v.decision).toBe('pass');
    expect(v.score).toBe(100);
    expect(v.waivers).toEqual([expect.objectContaining({ criterion: 'coverage', state: 'applied', daysLeft: 25, expiringSoon: false, line: 10 })]);
    const md = renderMarkdown(v);
    expect(md).toContain('#### ⏳ Waived');
    expect(md).toContain('**waived** until 2026-12-20 (25 days left): the payment module is being rewritten · [ticket](https://github.com/acme/shop/issues/812) · approved by &#64;\u200brelease-owner<br><sub>failed&#58; lines = 61.5%, expected ≥ 80%</sub>');
    expect(renderText(v)).toContain('ticket https://github.com/acme/shop/issues/812 · approved by @release-owner');
    // the same evidence without the waiver fails
    expect(evaluate(policy(CRITERIA), undefined, evidence(0, 61.5), NOW).decision).toBe('fail');
  });

  it('an expired waiver is ignored and said; one running past waiver-max-days is not used; one about to expire is flagged', () => {
    const p = policy(`${CRITERIA}waiver-max-days: 30
waivers:
  - { criterion: coverage, reason: old, expires: "2026-11-25" }
  - { criterion: unit, reason: far away, expires: "2027-06-01" }
`);
    const v = evaluate(p, undefined, evidence(2, 61.5), NOW);
    expect(v.criteria.map((c) => [c.id, c.status])).toEqual([
      ['unit', 'failed'],
      ['coverage', 'failed'],
    ]);
    expect(v.waivers.map((w) => [w.criterion, w.state, w.note])).toEqual([
      ['coverage', 'expired', 'waiver expired on 2026-11-25'],
      ['unit', 'too-long', 'waiver runs to 2027-06-01, longer than waiver-max-days (30) allows: not used'],
    ]);
    expect(renderMarkdown(v)).toContain('⌛ `coverage` (policy line 11): waiver expired on 2026-11-25 — not used');
    // the last day holds through its end (UTC); within 7 days it is flagged
    const soon = evaluate(policy(`${CRITERIA}waivers:\n  - { criterion: coverage, reason: r, expires: "2026-11-28" }\n`), undefined, evidence(0, 61.5), NOW);
    expect(soon.waivers[0]).toMatchObject({ state: 'applied', daysLeft: 3, expiringSoon: true });
    expect(renderText(soon)).toContain('waiver for coverage (policy line 10): expires in 3 days (2026-11-28)');
    const lastDay = evaluate(policy(`${CRITERIA}waivers:\n  - { criterion: coverage, reason: r, expires: "2026-11-26" }\n`), undefined, evidence(0, 61.5), NOW);
    expect(lastDay.criteria[1]!.status).toBe('waived');
  });

  it('an unused waiver (nothing to waive) is listed, and so is one for a criterion not evaluated', () => {
    const p = policy(`${CRITERIA}waivers:\n  - { criterion: coverage, reason: r, expires: "2026-12-01" }\n`);
    const v = evaluate(p, undefined, evidence(0, 95), NOW);
    expect(v.criteria[1]!.status).toBe('passed');
    expect(v.waivers).toEqual([expect.objectContaining({ state: 'unused', note: 'the criterion passed: nothing to waive' })]);
    expect(renderMarkdown(v)).toContain('💤 `coverage` (policy line 10): unused — the criterion passed&#58; nothing to waive');
    const scoped = policy(`${CRITERIA}  - id: soak
    profiles: [production]
    evidence: { path: soak.json, format: json }
    metrics: { hours: { path: "$.hours", unit: h } }
    expect: { hours: ">= 2h" }
profiles:
  production: {}
waivers:
  - { criterion: soak, reason: r, expires: "2026-12-01" }
`);
    expect(evaluate(scoped, undefined, evidence(0, 95), NOW).waivers).toEqual([expect.objectContaining({ criterion: 'soak', state: 'unused', note: 'soak is not evaluated without a profile' })]);
  });

  it('the policy checks waivers at file:line:col: a date, a reason, a known criterion, tests only on test results', () => {
    expect(errors(`${CRITERIA}waivers:\n  - { criterion: coverage, reason: r, expires: "2026-02-30" }\n`)[0]).toMatch(/^gate.yml:10:\d+: waivers\[0\]\.expires: expires must be a date YYYY-MM-DD/);
    expect(errors(`${CRITERIA}waivers:\n  - { criterion: coverage, expires: "2026-12-01" }\n`)[0]).toContain('waivers[0]: missing required key "reason"');
    expect(errors(`${CRITERIA}waivers:\n  - { criterion: coverag, reason: r, expires: "2026-12-01" }\n`)[0]).toContain('no criterion "coverag" (did you mean "coverage"?)');
    expect(errors(`${CRITERIA}waivers:\n  - { criterion: coverage, reason: r, expires: "2026-12-01", tests: [{ name: x }] }\n`)[0]).toContain('coverage reads lcov, not test results; waive the whole criterion instead');
    expect(errors(`${CRITERIA}waivers:\n  - { criterion: unit, reason: r, expires: "2026-12-01", link: "javascript:alert(1)" }\n`)[0]).toContain('link must be an http(s) URL');
  });

  it('a change that adds or extends a waiver is listed in the policy diff (it is judged by the base policy, without it)', () => {
    const base = policy(`${CRITERIA}waivers:\n  - { criterion: unit, reason: flaky, expires: "2026-12-01", tests: [{ suite: a, name: b }] }\n`);
    const head = policy(`${CRITERIA}waiver-max-days: 120
waivers:
  - { criterion: unit, reason: flaky, expires: "2027-01-15", tests: [{ suite: a, name: b }] }
  - { criterion: coverage, reason: rewrite, expires: "2026-12-20" }
`);
    expect(diffPolicies(base, head).waivers).toEqual([
      'unit: waiver of 1 test extended 2026-12-01 → 2027-01-15',
      'coverage: waiver added, to 2026-12-20 (rewrite)',
      'waiver-max-days 90 → 120',
    ]);
  });
});

describe('a narrow waiver on a real pytest run (built CLI)', () => {
  it('takes the named failing test out of the counts and still judges the rest: one quarantined flaky test does not hide a second failure', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'release-gate-waiver-'));
    await mkdir(path.join(dir, 'ev'));
    // pytest-head.xml: test_app::test_b and test_app::test_c fail
    await copyFile(path.join(ROOT, '__tests__/fixtures/history/pytest-head.xml'), path.join(dir, 'ev/junit.xml'));
    const run = async (tests: string) => {
      await writeFile(
        path.join(dir, 'gate.yml'),
        `version: 1\ncriteria:\n  - id: unit\n    evidence: { path: junit.xml, format: junit }\n    expect: { failed: "== 0" }\nwaivers:\n  - criterion: unit\n    reason: flaky since the CI image update\n    expires: "2099-01-01"\n    tests: ${tests}\nwaiver-max-days: 365\n`,
      );
      const json = path.join(dir, 'report.json');
      const r = await runCli(['check', '--policy', path.join(dir, 'gate.yml'), '--evidence', path.join(dir, 'ev'), '--json', json]);
      return { ...r, report: JSON.parse(await readFile(json, 'utf8')) };
    };
    // 2099 is further than 365 days: not used, and the report says why
    const far = await run('[{ suite: test_app, name: test_c }]');
    expect(far.report.waivers[0]).toMatchObject({ state: 'too-long' });
    expect(far.report.criteria[0]).toMatchObject({ status: 'failed', metrics: { failed: 2 } });
  });

  it('within its lifetime: one waived, the other still fails; both waived: passes with failed.waived = 2', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'release-gate-waiver-'));
    await mkdir(path.join(dir, 'ev'));
    await copyFile(path.join(ROOT, '__tests__/fixtures/history/pytest-head.xml'), path.join(dir, 'ev/junit.xml'));
    const expires = new Date(Date.now() + 10 * 86_400_000).toISOString().slice(0, 10);
    const run = async (tests: string) => {
      await writeFile(path.join(dir, 'gate.yml'), `version: 1\ncriteria:\n  - id: unit\n    evidence: { path: junit.xml, format: junit }\n    expect: { failed: "== 0" }\nwaivers:\n  - criterion: unit\n    reason: flaky\n    expires: "${expires}"\n    tests: ${tests}\n`);
      const json = path.join(dir, 'report.json');
      const r = await runCli(['check', '--policy', path.join(dir, 'gate.yml'), '--evidence', path.join(dir, 'ev'), '--json', json]);
      return { ...r, report: JSON.parse(await readFile(json, 'utf8')) };
    };
    const one = await run('[{ suite: test_app, name: test_c }]');
    expect(one.code).toBe(1);
    expect(one.report.criteria[0]).toMatchObject({ status: 'failed', metrics: { failed: 1, 'failed.waived': 1 } });
    expect(one.report.criteria[0].failures.kept.map((f: { name: string }) => f.name)).toEqual(['test_b']);
    expect(one.report.waivers[0]).toMatchObject({ state: 'applied', tests: 1 });
    const both = await run('[{ suite: test_app, name: test_b }, { suite: test_app, name: test_c }]');
    expect(both.code).toBe(0);
    expect(both.report.criteria[0]).toMatchObject({ status: 'passed', metrics: { failed: 0, 'failed.waived': 2 } });
    // a name that did not fail waives nothing
    const none = await run('[{ suite: test_app, name: test_a }]');
    expect(none.report.waivers[0]).toMatchObject({ state: 'unused', note: 'none of its tests failed' });
    expect(none.report.criteria[0]).toMatchObject({ status: 'failed', metrics: { failed: 2 } });
  });
});
