/**
 * The built CLI compares a run with an earlier one (`--baseline REPORT`): new and fixed failing
 * tests and findings on real runs (pytest twice; a CodeQL log and its edit), relative bounds, and
 * a baseline that is absent, altered or not a report.
 */
import { copyFile, mkdir, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { runCli } from './helpers/cli.js';
import { ROOT } from './helpers/evidence.js';

const FIXTURES = path.join(ROOT, '__tests__/fixtures/history');
const BASE_SHA = 'a'.repeat(40);
const HEAD_SHA = 'b'.repeat(40);

const POLICY = `version: 1
criteria:
  - id: unit
    evidence: { artifact: tests, path: "*.xml", format: junit }
    expect:
      failed.new: "== 0"
  - id: codeql
    evidence: { artifact: codeql, path: "*.sarif", format: sarif }
    expect:
      results.new: "== 0"
      results: "<= base"
`;

let dir: string;

/** An evidence folder with the base's or the head's files. */
async function evidence(side: 'base' | 'head'): Promise<string> {
  const root = path.join(dir, side);
  await mkdir(path.join(root, 'tests'), { recursive: true });
  await mkdir(path.join(root, 'codeql'), { recursive: true });
  await copyFile(path.join(FIXTURES, `pytest-${side}.xml`), path.join(root, 'tests/junit.xml'));
  await copyFile(path.join(FIXTURES, `sarif-${side}.sarif`), path.join(root, 'codeql/results.sarif'));
  return root;
}

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'release-gate-history-'));
  await writeFile(path.join(dir, 'policy.yml'), POLICY);
});

async function check(side: 'base' | 'head', extra: string[]) {
  const json = path.join(dir, `${side}-${extra.length}.json`);
  const run = await runCli(['check', '--policy', path.join(dir, 'policy.yml'), '--evidence', await evidence(side), '--json', json, '--commit', side === 'base' ? BASE_SHA : HEAD_SHA, ...extra]);
  return { ...run, json, report: JSON.parse(await readFile(json, 'utf8')) };
}

describe('release-gate check --baseline', () => {
  it('the first run has no base: relative checks are missing, and the report carries the digest for the next', async () => {
    const base = await check('base', []);
    expect(base.code).toBe(1);
    expect(base.stdout).toContain('no baseline: none was looked for');
    expect(base.report.baseline).toBeNull();
    expect(base.report.digest).toMatchObject({ version: 1, commit: BASE_SHA, decision: 'fail' });
    expect(base.report.digest.criteria.unit.failing.ids).toHaveLength(2);
    expect(base.report.digest.criteria.codeql.failing.ids).toHaveLength(2);
  });

  it('counts failed.new / failed.fixed and results.new / results.fixed exactly on real runs', async () => {
    const base = await check('base', []);
    const head = await check('head', ['--baseline', base.json]);
    const byId = Object.fromEntries(head.report.criteria.map((c: { id: string }) => [c.id, c]));
    // pytest: test_a fixed, test_b still failing (with another message), test_c new
    expect(byId.unit.metrics).toMatchObject({ failed: 2, 'failed.new': 1, 'failed.fixed': 1 });
    // CodeQL: one finding added, one removed, one moved three lines (the same finding)
    expect(byId.codeql.metrics).toMatchObject({ results: 2, 'results.new': 1, 'results.fixed': 1 });
    expect(byId.codeql.checks).toEqual([
      { metric: 'results.new', op: '==', expected: 0, actual: 1, unit: null, ok: false, base: null, relative: false },
      { metric: 'results', op: '<=', expected: 2, actual: 2, unit: null, ok: true, base: 2, relative: true },
    ]);
    expect(head.code).toBe(1);
    expect(head.report.baseline).toMatchObject({ label: `${path.basename(base.json)} @ aaaaaaa`, commit: BASE_SHA, warnings: [] });
    expect(head.stdout).toContain(`compared with ${path.basename(base.json)} @ aaaaaaa (--baseline ${base.json}, 0 min old)`);
    // the head's own digest continues the trend
    expect(head.report.digest.trend.map((p: { commit: string }) => p.commit)).toEqual([BASE_SHA, HEAD_SHA]);
  });

  it('the same evidence as the base: nothing new, and a legacy suite with known failures passes failed.new == 0', async () => {
    const base = await check('base', []);
    const again = await check('base', ['--baseline', base.json]);
    expect(again.report.criteria.map((c: { id: string; status: string }) => [c.id, c.status])).toEqual([
      ['unit', 'passed'],
      ['codeql', 'passed'],
    ]);
    expect(again.code).toBe(0);
  });

  it('a digest of another version is refused with a warning and never trusted: the relative checks have no base', async () => {
    const base = await check('base', []);
    const forged = structuredClone(base.report);
    // claim the head's failures were already there
    forged.digest.criteria.unit.failing.ids.push('AAAAAAAAAAA');
    forged.digest.version = 0;
    const file = path.join(dir, 'forged.json');
    await writeFile(file, JSON.stringify(forged));
    const head = await check('head', ['--baseline', file]);
    expect(head.stderr).toContain(`warning: --baseline ${file}: the verdict digest is version 0; this release-gate reads version 1; it is not used`);
    expect(head.report.criteria[0]).toMatchObject({ status: 'missing', reason: expect.stringContaining('no baseline') });
    expect(head.code).toBe(1);
  });

  it('a baseline that is not there or not a report is a usage error (exit 2), with the report still written', async () => {
    const missing = await check('head', ['--baseline', path.join(dir, 'nope.json')]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('no such file; pass the JSON report (--json) of an earlier run');
    expect(missing.report).toMatchObject({ decision: 'fail', digest: null });
    const notReport = path.join(dir, 'not-report.json');
    await writeFile(notReport, '{"hello": 1}');
    const wrong = await check('head', ['--baseline', notReport]);
    expect(wrong.code).toBe(2);
    expect(wrong.stderr).toContain('is not a release-gate JSON report');
  });
});
