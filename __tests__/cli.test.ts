/**
 * The built bundle, run as users run it: `node dist/cli.js …` in a child process.
 * `npm run build` must have run (CI's dist check does; the bundle is committed).
 */
import { createHash } from 'node:crypto';
import { mkdtemp, mkdir, readFile, writeFile, cp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { runCli } from './helpers/cli.js';
import { ROOT } from './helpers/evidence.js';

const cli = runCli;

let work: string;
beforeAll(async () => {
  work = await mkdtemp(path.join(tmpdir(), 'release-gate-cli-'));
});

describe('release-gate check on the bundled example (the README command)', () => {
  it('passes, prints every criterion, and writes JSON and Markdown reports', async () => {
    const json = path.join(work, 'basic/report.json');
    const markdown = path.join(work, 'basic/report.md');
    const r = await cli(['check', '--policy', 'examples/basic/release-gate.yml', '--evidence', 'examples/basic/evidence', '--json', json, '--markdown', markdown]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const lines = r.stdout.split('\n');
    expect(lines[0]).toBe('release-gate · policy examples/basic/release-gate.yml');
    expect(lines[1]).toBe('PASS  score 83.33% (min 75%) — all required criteria passed and score 83.33% reaches 75%');
    expect(r.stdout).toContain('  MISSING  load-test   Checkout p95 under 300 ms (optional)\n             no evidence: no artifact matches "k6-*" (artifacts: "coverage", "test-results")');
    expect(r.stdout).toContain('  passed   unit-tests  Unit tests pass (required, weight 3)\n             failed = 0, tests = 12');
    expect(r.stdout).toContain('  passed   coverage    Line and branch coverage (required, weight 2)\n             lines = 100%, branches = 89.47%');
    expect(lines.at(-2)).toBe('criteria: 2 of 3 passed · 0 failed · 1 without evidence');

    const report = JSON.parse(await readFile(json, 'utf8'));
    expect(report).toMatchObject({ version: 1, decision: 'pass', score: 83.33, profile: null, minScore: 75 });
    expect(report.criteria.map((c: { id: string; status: string }) => [c.id, c.status])).toEqual([
      ['unit-tests', 'passed'],
      ['coverage', 'passed'],
      ['load-test', 'missing'],
    ]);
    const junit = path.join(ROOT, 'examples/basic/evidence/test-results/junit.xml');
    const bytes = await readFile(junit);
    expect(report.criteria[0].evidence).toEqual([
      {
        artifact: 'test-results',
        path: 'junit.xml',
        bytes: bytes.length,
        sha256: createHash('sha256').update(bytes).digest('hex'),
        modified: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
      },
    ]);
    expect(report.criteria[0].checks).toEqual([
      { metric: 'failed', op: '==', expected: 0, actual: 0, unit: null, ok: true },
      { metric: 'tests', op: '>=', expected: 10, actual: 12, unit: null, ok: true },
    ]);
    const md = await readFile(markdown, 'utf8');
    expect(md.split('\n')[0]).toBe('### ✅ release-gate: passed · score 83.33% (needs 75%)');
    expect(md).toContain('#### ⚠️ No evidence');
    expect(md).toContain('<details><summary>✅ 2 passed</summary>');
  });
});

describe('release-gate check verdicts', () => {
  async function evidenceDir(name: string, files: Record<string, string>): Promise<string> {
    const dir = path.join(work, name);
    for (const [file, content] of Object.entries(files)) {
      await mkdir(path.dirname(path.join(dir, file)), { recursive: true });
      await writeFile(path.join(dir, file), content);
    }
    return dir;
  }

  const policy = `version: 1
criteria:
  - id: tests
    evidence: { artifact: "results-*", path: "**/*.xml", format: junit }
    expect: { failed: "== 0", tests: ">= 2" }
`;

  it('exits 1 when a required criterion fails, and says which', async () => {
    const dir = await evidenceDir('failing', {
      'release-gate.yml': policy,
      'ev/results-linux/junit.xml': '<testsuite><testcase name="a"/><testcase name="b"><failure message="boom"/></testcase></testsuite>',
      'ev/results-mac/junit.xml': '<testsuites><testsuite><testcase name="c"/></testsuite></testsuites>',
    });
    const r = await cli(['check', '--policy', path.join(dir, 'release-gate.yml'), '--evidence', path.join(dir, 'ev')]);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('FAIL  score 0% — required criteria not passed — failed: tests');
    expect(r.stdout).toContain('  FAILED   tests  (required)\n             failed = 1, expected == 0\n             evidence: results-linux/junit.xml, results-mac/junit.xml');
  });

  it('unreadable evidence is missing, with file and position, and fails the gate', async () => {
    const dir = await evidenceDir('hostile', {
      'release-gate.yml': policy,
      'ev/results-1/junit.xml': '<?xml version="1.0"?>\n<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;">]>\n<testsuite><testcase name="&lol2;"/></testsuite>',
    });
    const r = await cli(['check', '--policy', path.join(dir, 'release-gate.yml'), '--evidence', path.join(dir, 'ev')]);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/ {2}MISSING {2}tests {2}\(required\)\n {13}no evidence: results-1\/junit\.xml:2:16: unreadable as junit: DOCTYPE with an internal subset refused: its declarations are never read, so every entity it declares is an undefined entity \(nothing is expanded or fetched\)\n/);
  });

  it('a missing evidence directory warns and fails: no evidence is never a pass', async () => {
    const dir = await evidenceDir('nodir', { 'release-gate.yml': policy });
    const r = await cli(['check', '--policy', path.join(dir, 'release-gate.yml'), '--evidence', path.join(dir, 'nope')]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`warning: evidence directory ${path.join(dir, 'nope')} does not exist; every criterion will have no evidence`);
    expect(r.stdout).toContain('MISSING  tests');
  });

  it('a policy error exits 2 with FILE:LINE:COL and still writes a failing JSON report', async () => {
    const dir = await evidenceDir('badpolicy', { 'gate.yml': policy.replace('failed:', 'failde:') });
    const json = path.join(dir, 'out/report.json');
    const r = await cli(['check', '--policy', path.join(dir, 'gate.yml'), '--evidence', dir, '--json', json]);
    expect(r.code).toBe(2);
    const error = `${path.join(dir, 'gate.yml')}:5:23: criteria[0].expect.failde: junit evidence has no metric "failde" (did you mean "failed"?); it has: files, tests, passed, failed, failures, errors, skipped, flaky, duration`;
    expect(r.stderr.split('\n')[0]).toBe(error);
    expect(JSON.parse(await readFile(json, 'utf8'))).toEqual({ version: 1, decision: 'fail', score: 0, profile: null, errors: [error], criteria: [] });
  });

  it('an unknown profile is a usage error', async () => {
    const r = await cli(['check', '--policy', 'examples/basic/release-gate.yml', '--evidence', 'examples/basic/evidence', '--profile', 'prod']);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe('release-gate: profile "prod" is not in examples/basic/release-gate.yml (it declares no profiles)\n');
  });

  it('usage errors exit 2', async () => {
    expect((await cli(['check', '--policy', 'x.yml'])).code).toBe(2);
    expect((await cli(['check', '--bogus'])).stderr).toContain("Unknown option '--bogus'");
    expect((await cli(['frobnicate'])).stderr).toContain('unknown command "frobnicate"');
  });
});

describe('validate, schema, version', () => {
  it('validate passes a good policy and lists errors of a bad one', async () => {
    const ok = await cli(['validate', 'examples/basic/release-gate.yml']);
    expect(ok).toEqual({ code: 0, stdout: 'examples/basic/release-gate.yml: valid — 3 criteria, 0 profiles\n', stderr: '' });
    const file = path.join(work, 'bad.yml');
    await writeFile(file, 'version: 1\ncriteria:\n  - id: a\n    evidence: { path: a.xml, format: junit }\n    expect: { failed: "== 0" }\n    wieght: 2\n');
    const bad = await cli(['validate', file]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toBe(`${file}:6:5: criteria[0]: unknown key "wieght" (did you mean "weight"?); allowed: id, title, group, required, weight, profiles, max-age, evidence, metrics, expect\n`);
    const missing = await cli(['validate', path.join(work, 'nope.yml')]);
    expect(missing.stderr).toBe(`${path.join(work, 'nope.yml')}:1:1: policy file not found; pass --policy with the path of your release-gate.yml\n`);
  });

  it('schema prints the committed JSON Schema, which describes the policy', async () => {
    const r = await cli(['schema']);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(await readFile(path.join(ROOT, 'schema/policy-v1.json'), 'utf8'));
    const schema = JSON.parse(r.stdout);
    expect(schema.required).toEqual(['version', 'criteria']);
    expect(schema.additionalProperties).toBe(false);
    expect(Object.keys(schema.properties.criteria.items.properties)).toEqual(['id', 'title', 'group', 'required', 'weight', 'profiles', 'max-age', 'evidence', 'metrics', 'expect']);
  });

  it('--version prints the package version', async () => {
    const pkg = JSON.parse(await readFile(path.join(ROOT, 'package.json'), 'utf8'));
    expect(await cli(['--version'])).toEqual({ code: 0, stdout: `${pkg.version}\n`, stderr: '' });
  });

  it('runs from another working directory with relative paths resolved there', async () => {
    const dir = path.join(work, 'copy');
    await cp(path.join(ROOT, 'examples/basic'), dir, { recursive: true });
    const r = await cli(['check', '--policy', 'release-gate.yml', '--evidence', 'evidence'], dir);
    expect(r.code).toBe(0);
  });
});
