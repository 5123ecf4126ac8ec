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
import { directorySource } from '../../src/evidence/directory.js';
import { diffPolicies } from '../../src/policy/diff.js';
import { formatPolicyError, loadPolicy, type Policy } from '../../src/policy/load.js';
import { renderMarkdown } from '../../src/render/markdown.js';
import { renderText } from '../../src/render/text.js';
import { runGate } from '../../src/run.js';
import { evaluate } from '../../src/verdict/evaluate.js';
import { runCli } from '../helpers/cli.js';
import { FIXTURES, ROOT } from '../helpers/evidence.js';

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

/**
 * Narrow waivers of SARIF findings (`rules:`, `fingerprints:`), through the whole pipeline from the
 * source (collect → verdict → reports) on codeql-extensions.sarif, whose every result states in its
 * message what it counts as. Unwaived it counts results 12: error 4 (js/sql-injection 1,
 * js/code-injection 2, react/no-danger/1 1), warning 5, note 1; critical 1 (code-injection's 9.3),
 * high 2 (both sql-injection results), medium 2 (js/xss by its rule's 6.1, code-injection by its
 * own 4.0), low 1, unrated 4.
 */
describe('narrow waivers of SARIF findings (codeql-extensions.sarif)', () => {
  const SARIF_CRITERIA = `version: 1
criteria:
  - id: codeql
    evidence: { path: sarif/codeql-extensions.sarif, format: sarif }
    expect: { error: "== 0", security.high: "== 0" }
`;
  const gate = async (waivers: string, extra = '') => {
    const outcome = await runGate({ policyText: `${SARIF_CRITERIA}${extra}waivers:\n${waivers}`, policyFile: 'gate.yml', source: directorySource(FIXTURES), now: NOW });
    if (outcome.kind !== 'verdict') throw new Error(JSON.stringify(outcome));
    return outcome.verdict;
  };
  const UNWAIVED = { results: 12, error: 4, warning: 5, note: 1, 'security.critical': 1, 'security.high': 2, 'security.medium': 2, 'security.low': 1, 'security.unrated': 4 };

  it('an active rule waiver takes that rule\'s findings out of every count, exactly; another rule\'s errors still fail the criterion', async () => {
    const v = await gate('  - { criterion: codeql, reason: sanitiser lands next sprint, expires: "2026-12-20", rules: [js/sql-injection] }\n');
    const c = v.criteria[0]!;
    expect(c.status).toBe('failed');
    expect(c.reason).toBe('error = 3, expected == 0');
    // sql-injection was an error and a warning, both high
    expect(c.metrics).toEqual({ ...UNWAIVED, results: 10, error: 3, warning: 4, 'security.high': 0, 'results.waived': 2, files: 1 });
    expect(v.decision).toBe('fail');
    expect(c.failures!.total).toBe(8);
    expect(c.failures!.kept.map((k) => k.suite)).not.toContain('js/sql-injection');
    expect(c.failures!.kept.filter((k) => k.level === 'error').map((k) => k.suite)).toEqual(['js/code-injection', 'js/code-injection', 'react/no-danger/1']);
    expect(c.failing!.ids).toHaveLength(10);
    expect(v.waivers).toEqual([expect.objectContaining({ criterion: 'codeql', state: 'applied', findings: 2, note: '2 findings waived', daysLeft: 25, expiringSoon: false })]);
    expect(renderMarkdown(v)).toContain('- ⏳ `codeql` (policy line 7): 2 findings waived until 2026-12-20: sanitiser lands next sprint');
  });

  it('every failing rule waived: the criterion passes, with results.waived beside results; per level and bucket exact', async () => {
    const v = await gate(`  - { criterion: codeql, reason: r, expires: "2026-12-20", rules: [js/sql-injection] }
  - { criterion: codeql, reason: r, expires: "2026-12-20", rules: [js/code-injection, react/no-danger/1] }
`);
    const c = v.criteria[0]!;
    expect(c.status).toBe('passed');
    expect(c.metrics).toEqual({ results: 7, error: 0, warning: 4, note: 1, 'security.critical': 0, 'security.high': 0, 'security.medium': 1, 'security.low': 1, 'security.unrated': 3, 'results.waived': 5, files: 1 });
    expect(v.waivers.map((w) => [w.state, w.findings])).toEqual([
      ['applied', 2],
      ['applied', 3],
    ]);
    expect(v.decision).toBe('pass');
  });

  it('a finding two waivers match leaves the counts once: the first is credited, the second is listed as unused', async () => {
    const v = await gate(`  - { criterion: codeql, reason: r, expires: "2026-12-20", rules: [js/code-injection] }
  - { criterion: codeql, reason: r, expires: "2026-12-20", rules: [js/code-injection, js/sql-injection] }
`);
    const c = v.criteria[0]!;
    expect(c.metrics).toMatchObject({ results: 8, error: 1, warning: 4, 'security.critical': 0, 'security.high': 0, 'security.medium': 1, 'results.waived': 4 });
    expect(v.waivers.map((w) => [w.state, w.findings, w.note])).toEqual([
      ['applied', 2, '2 findings waived'],
      ['applied', 2, '2 findings waived'],
    ]);
    const same = await gate(`  - { criterion: codeql, reason: r, expires: "2026-12-20", rules: [js/code-injection] }
  - { criterion: codeql, reason: r, expires: "2026-12-20", rules: [js/code-injection] }
`);
    expect(same.criteria[0]!.metrics).toMatchObject({ results: 10, error: 2, 'results.waived': 2 });
    expect(same.waivers.map((w) => [w.state, w.note])).toEqual([
      ['applied', '2 findings waived'],
      ['unused', 'the findings it names are waived by an earlier waiver'],
    ]);
  });

  it('an expired rule waiver is ignored and said; one that matches nothing (a parent id, an unknown rule) is listed as unused; one about to expire is flagged', async () => {
    const v = await gate(`  - { criterion: codeql, reason: r, expires: "2026-11-20", rules: [js/sql-injection] }
  - { criterion: codeql, reason: r, expires: "2026-12-20", rules: [react/no-danger, js/no-such-rule] }
  - { criterion: codeql, reason: r, expires: "2026-11-28", fingerprints: ["primaryLocationLineHash=0000000000000000:1"] }
`);
    const c = v.criteria[0]!;
    expect(c.status).toBe('failed');
    expect(c.metrics).toEqual({ ...UNWAIVED, files: 1 });
    expect(v.waivers.map((w) => [w.state, w.note])).toEqual([
      ['expired', 'waiver expired on 2026-11-20'],
      ['unused', 'none of its rules or fingerprints matched a counted finding'],
      ['unused', 'none of its rules or fingerprints matched a counted finding'],
    ]);
    const md = renderMarkdown(v);
    expect(md).toContain('⌛ `codeql` (policy line 7): waiver expired on 2026-11-20 — not used');
    expect(md).toContain('💤 `codeql` (policy line 8): unused — none of its rules or fingerprints matched a counted finding');
    const soon = await gate('  - { criterion: codeql, reason: r, expires: "2026-11-28", rules: [js/sql-injection] }\n');
    expect(soon.waivers[0]).toMatchObject({ state: 'applied', daysLeft: 3, expiringSoon: true, findings: 2 });
    expect(renderText(soon)).toContain('waiver for codeql (policy line 7): expires in 3 days (2026-11-28)');
    const far = await gate('  - { criterion: codeql, reason: r, expires: "2027-06-01", rules: [js/sql-injection] }\n', 'waiver-max-days: 30\n');
    expect(far.waivers[0]).toMatchObject({ state: 'too-long' });
    expect(far.criteria[0]!.metrics).toMatchObject({ error: 4, 'security.high': 2 });
  });

  it('fails closed: findings the reader did not tally for these waivers are not waived, and the reason says so', () => {
    const p = policy(`${SARIF_CRITERIA}waivers:\n  - { criterion: codeql, reason: r, expires: "2026-12-20", rules: [js/sql-injection] }\n`);
    const metrics = Object.fromEntries(Object.entries(UNWAIVED).map(([k, value]) => [k, { value }]));
    const v = evaluate(p, undefined, new Map([['codeql', { files: [file('codeql.sarif')], metrics }]]), NOW);
    expect(v.criteria[0]).toMatchObject({ status: 'failed', metrics: { error: 4 } });
    expect(v.criteria[0]!.reason).toBe('error = 4, expected == 0; security.high = 2, expected == 0 (waiver on policy line 7 not applied: the evidence was read without tallying the findings it names)');
    expect(v.waivers[0]).toMatchObject({ state: 'unused', note: 'not applied, the findings it names cannot be counted exactly: the evidence was read without tallying the findings it names' });
  });

  it('the policy refuses rules: and fingerprints: on a criterion that does not read SARIF, and a fingerprint that is not key=value', () => {
    expect(errors(`${CRITERIA}waivers:\n  - { criterion: unit, reason: r, expires: "2026-12-01", rules: [js/xss] }\n`)).toEqual([
      'gate.yml:10:65: waivers[0].rules: rules: names SARIF findings, and unit reads junit, not sarif; name failing tests with tests:, or waive the whole criterion instead',
    ]);
    expect(errors(`${CRITERIA}waivers:\n  - { criterion: coverage, reason: r, expires: "2026-12-01", fingerprints: ["a=b"] }\n`)[0]).toContain(
      'waivers[0].fingerprints: fingerprints: names SARIF findings, and coverage reads lcov, not sarif; waive the whole criterion instead',
    );
    expect(errors(`${SARIF_CRITERIA}waivers:\n  - { criterion: codeql, reason: r, expires: "2026-12-01", fingerprints: ["39fa2ee980eb94b0:1"] }\n`)[0]).toContain(
      'a fingerprint is "key=value" as the SARIF result has it in partialFingerprints or fingerprints',
    );
    expect(errors(`${SARIF_CRITERIA}waivers:\n  - { criterion: codeql, reason: r, expires: "2026-12-01", rules: [] }\n`)).toHaveLength(1);
  });

  it('a change that adds or widens a waiver of findings is listed in the policy diff', () => {
    const base = policy(`${SARIF_CRITERIA}waivers:\n  - { criterion: codeql, reason: r, expires: "2026-12-01", rules: [js/xss] }\n`);
    const head = policy(`${SARIF_CRITERIA}waivers:
  - { criterion: codeql, reason: r, expires: "2026-12-01", rules: [js/xss, js/sql-injection] }
  - { criterion: codeql, reason: one finding, expires: "2026-12-05", fingerprints: ["primaryLocationLineHash=39fa2ee980eb94b0:1"] }
`);
    expect(diffPolicies(base, head).waivers).toEqual([
      'codeql: waiver of 2 rules added, to 2026-12-01 (r)',
      'codeql: waiver of 1 fingerprint added, to 2026-12-05 (one finding)',
    ]);
    expect(diffPolicies(head, head).waivers).toEqual([]);
  });
});

describe('a fingerprint waiver on CodeQL logs (built CLI)', () => {
  // history/sarif-base.sarif and sarif-head.sarif (derived from github/codeql-action's real CodeQL
  // log, see its README): head has "Unused variable foo." as on base, and a new "Unused variable
  // bar." (primaryLocationLineHash 7c1f52e0a3b4d596:1); base's js/inconsistent-use-of-new is gone.
  it('takes the named finding out of results and out of results.new, judged against the base report; expired, it is ignored and said', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'release-gate-sarif-waiver-'));
    await mkdir(path.join(dir, 'base'));
    await mkdir(path.join(dir, 'head'));
    await copyFile(path.join(ROOT, '__tests__/fixtures/history/sarif-base.sarif'), path.join(dir, 'base/codeql.sarif'));
    await copyFile(path.join(ROOT, '__tests__/fixtures/history/sarif-head.sarif'), path.join(dir, 'head/codeql.sarif'));
    const criteria = 'version: 1\ncriteria:\n  - id: codeql\n    evidence: { path: codeql.sarif, format: sarif }\n    expect: { results.new: "== 0", note: "<= 1" }\n';
    const check = async (evidence: string, waivers: string, baseline?: string) => {
      await writeFile(path.join(dir, 'gate.yml'), `${criteria}${waivers}`);
      const json = path.join(dir, `${evidence}.json`);
      const r = await runCli(['check', '--policy', path.join(dir, 'gate.yml'), '--evidence', path.join(dir, evidence), '--json', json, ...(baseline ? ['--baseline', baseline] : [])]);
      return { ...r, report: JSON.parse(await readFile(json, 'utf8')) };
    };
    const base = await check('base', '');
    const baseline = path.join(dir, 'base-report.json');
    await copyFile(path.join(dir, 'base.json'), baseline);
    expect(base.report.criteria[0].metrics).toMatchObject({ results: 2, note: 2 });

    const unwaived = await check('head', '', baseline);
    expect(unwaived.code).toBe(1);
    expect(unwaived.report.criteria[0]).toMatchObject({ status: 'failed', metrics: { results: 2, note: 2, 'results.new': 1, 'results.fixed': 1 } });

    const day = (offset: number) => new Date(Date.now() + offset * 86_400_000).toISOString().slice(0, 10);
    const waiver = (expires: string) =>
      `waivers:\n  - criterion: codeql\n    reason: bar is removed with the old API\n    expires: "${expires}"\n    fingerprints: ["primaryLocationLineHash=7c1f52e0a3b4d596:1"]\n`;
    const waived = await check('head', waiver(day(10)), baseline);
    expect(waived.code, waived.stdout).toBe(0);
    expect(waived.report.criteria[0]).toMatchObject({ status: 'passed', metrics: { results: 1, note: 1, 'results.waived': 1, 'results.new': 0, 'results.fixed': 1 } });
    expect(waived.report.criteria[0].failures.kept.map((k: { message: string }) => k.message)).toEqual(['Unused variable foo.']);
    expect(waived.report.waivers[0]).toMatchObject({ state: 'applied', findings: 1, note: '1 finding waived' });

    const expired = day(-3);
    const old = await check('head', waiver(expired), baseline);
    expect(old.code).toBe(1);
    expect(old.report.criteria[0]).toMatchObject({ status: 'failed', metrics: { results: 2, 'results.new': 1 } });
    expect(old.report.criteria[0].metrics).not.toHaveProperty('results.waived');
    expect(old.report.waivers[0]).toMatchObject({ state: 'expired', note: `waiver expired on ${expired}` });
    expect(old.stdout).toContain(`waiver for codeql (policy line 7): waiver expired on ${expired}`);
  });
});
