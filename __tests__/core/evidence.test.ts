import { createHash } from 'node:crypto';
import { mkdir, mkdtemp, symlink, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { collectEvidence, newBudget } from '../../src/evidence/collect.js';
import { directorySource } from '../../src/evidence/directory.js';
import { LIMITS } from '../../src/limits.js';
import { formatPolicyError, loadPolicy, type Criterion } from '../../src/policy/load.js';
import { FIXTURES } from '../helpers/evidence.js';

let root: string;
const JUNIT_OK = '<testsuite><testcase name="a"/><testcase name="b"/></testsuite>';
const JUNIT_FAIL = '<testsuites><testsuite><testcase name="c"><failure/></testcase></testsuite></testsuites>';

beforeAll(async () => {
  root = await mkdtemp(path.join(tmpdir(), 'release-gate-evidence-'));
  const files: Record<string, string> = {
    'results-linux/junit.xml': JUNIT_OK,
    'results-linux/nested/more/junit-2.xml': JUNIT_FAIL,
    'results-mac/junit.xml': JUNIT_OK,
    'coverage/lcov.info': 'SF:a.js\nDA:1,1\nDA:2,0\nend_of_record\n',
    'top.xml': JUNIT_OK,
    'broken/junit.xml': '<testsuite><testcase name="a">',
  };
  for (const [file, content] of Object.entries(files)) {
    await mkdir(path.dirname(path.join(root, file)), { recursive: true });
    await writeFile(path.join(root, file), content);
  }
  await utimes(path.join(root, 'top.xml'), new Date('2026-01-02T03:04:05Z'), new Date('2026-01-02T03:04:05Z'));
  const outside = await mkdtemp(path.join(tmpdir(), 'release-gate-outside-'));
  await writeFile(path.join(outside, 'secret.xml'), JUNIT_OK);
  await mkdir(path.join(root, 'links'));
  await symlink(path.join(outside, 'secret.xml'), path.join(root, 'links/escape.xml'));
  await symlink(path.join(root, 'top.xml'), path.join(root, 'links/inside.xml'));
});

function criterion(evidence: string, expect = 'failed: "== 0"'): Criterion {
  const result = loadPolicy(`version: 1\ncriteria:\n  - id: c\n    evidence: ${evidence}\n    expect: { ${expect} }\n`, 'p.yml');
  if (!result.ok) throw new Error(result.errors.map(formatPolicyError).join('\n'));
  return result.policy.criteria[0]!;
}

describe('directory evidence', () => {
  it('matches artifacts by glob and files inside them, merges, and records provenance', async () => {
    const found = await collectEvidence(criterion('{ artifact: "results-*", path: "**/*.xml", format: junit }'), directorySource(root), newBudget());
    expect(found.problem).toBeUndefined();
    expect(found.files.map((f) => [f.artifact, f.path, f.bytes])).toEqual([
      ['results-linux', 'junit.xml', JUNIT_OK.length],
      ['results-linux', 'nested/more/junit-2.xml', JUNIT_FAIL.length],
      ['results-mac', 'junit.xml', JUNIT_OK.length],
    ]);
    expect(found.files[0]!.sha256).toBe(createHash('sha256').update(JUNIT_OK).digest('hex'));
    expect(found.files[1]!.sha256).toBe(createHash('sha256').update(JUNIT_FAIL).digest('hex'));
    expect(found.metrics).toMatchObject({ tests: { value: 5 }, passed: { value: 4 }, failed: { value: 1 } });
  });

  it('without artifact, path is relative to the root; mtime is the evidence time', async () => {
    const found = await collectEvidence(criterion('{ path: "top.xml", format: junit }'), directorySource(root), newBudget());
    expect(found.files).toEqual([{ path: 'top.xml', bytes: JUNIT_OK.length, modified: '2026-01-02T03:04:05.000Z', sha256: createHash('sha256').update(JUNIT_OK).digest('hex') }]);
  });

  it('says what was looked for when nothing matches', async () => {
    const none = await collectEvidence(criterion('{ artifact: "k6-*", path: "*.json", format: k6 }', '"x.p95": "< 1"'), directorySource(root), newBudget());
    expect(none.problem).toBe('no artifact matches "k6-*" (artifacts: "broken", "coverage", "links", "results-linux", "results-mac")');
    const noFile = await collectEvidence(criterion('{ artifact: "results-*", path: "*.trx", format: junit }'), directorySource(root), newBudget());
    expect(noFile.problem).toBe(
      'no file matched "*.trx" in artifacts "results-linux", "results-mac" (they hold: "results-linux/junit.xml", "results-mac/junit.xml", "results-linux/nested/more/junit-2.xml")',
    );
    const noRoot = await collectEvidence(criterion('{ path: "*.xml", format: junit }'), directorySource(path.join(root, 'nope')), newBudget());
    expect(noRoot.problem).toBe(`no file matched "*.xml" in ${path.join(root, 'nope')} (${path.join(root, 'nope')} does not exist)`);
    const noRootArtifacts = await collectEvidence(criterion('{ artifact: a, path: "*.xml", format: junit }'), directorySource(path.join(root, 'nope')), newBudget());
    expect(noRootArtifacts.problem).toMatch(/^could not list evidence: ENOENT: no such file or directory/);
  });

  it('an unreadable file makes the criterion missing, with file and position, even next to good files', async () => {
    const found = await collectEvidence(criterion('{ path: "{top.xml,broken/junit.xml}", format: junit }'), directorySource(root), newBudget());
    expect(found.metrics).toBeUndefined();
    expect(found.problem).toMatch(/^broken\/junit\.xml:1:\d+: unreadable as junit: /);
    expect(found.files.map((f) => f.path)).toEqual(['broken/junit.xml', 'top.xml'].slice(0, found.files.length));
  });

  it('never follows a symbolic link, inside the root or out of it', async () => {
    const found = await collectEvidence(criterion('{ artifact: links, path: "*.xml", format: junit }'), directorySource(root), newBudget());
    expect(found).toEqual({
      files: [],
      problem:
        'no file matched "*.xml" in artifact "links" (it holds: "links/escape.xml (symbolic link, never followed)", "links/inside.xml (symbolic link, never followed)")',
    });
  });

  it('enforces the per-file, total and per-criterion caps, naming them', async () => {
    const c = criterion('{ artifact: "results-*", path: "**/*.xml", format: junit }');
    const small = { ...LIMITS, fileBytes: 70 };
    expect((await collectEvidence(c, directorySource(root), newBudget(small), small)).problem).toBe(
      'results-linux/nested/more/junit-2.xml is 88 B, over the 70 B cap per file (LIMITS.fileBytes)',
    );
    const total = { ...LIMITS, totalEvidenceBytes: 100 };
    expect((await collectEvidence(c, directorySource(root), newBudget(total), total)).problem).toBe(
      'reading results-linux/nested/more/junit-2.xml would exceed the 100 B cap on all evidence (LIMITS.totalEvidenceBytes)',
    );
    const few = { ...LIMITS, filesPerCriterion: 2 };
    expect((await collectEvidence(c, directorySource(root), newBudget(few), few)).problem).toBe(
      '3 files matched; more than the 2 allowed per criterion (LIMITS.filesPerCriterion) — narrow the evidence path',
    );
  });

  it('coverage from lcov through the registry', async () => {
    const found = await collectEvidence(criterion('{ artifact: coverage, path: lcov.info, format: lcov }', 'lines: ">= 50%"'), directorySource(root), newBudget());
    expect(found.metrics).toMatchObject({ lines: { value: 50, unit: '%' }, 'lines.covered': { value: 1 }, 'lines.total': { value: 2 } });
  });
});

describe('reader notes reach the reason', () => {
  it('a Valgrind run without a full leak check leaves leaks unknown, and says why', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'release-gate-notes-'));
    const { copyFile } = await import('node:fs/promises');
    // real valgrind 3.19 output of a run with --leak-check=no
    await copyFile(path.join(FIXTURES, 'valgrind/leaks-check-no.xml'), path.join(dir, 'memcheck.xml'));
    const c = criterion('{ path: memcheck.xml, format: valgrind }', '"leaks.definite.bytes": "== 0"');
    const found = await collectEvidence(c, directorySource(dir), newBudget());
    expect(found.metrics?.['leaks.definite.bytes']).toBeUndefined();
    expect(found.notes?.['leaks.definite.bytes']).toBe('definite leaks were not reported: run Valgrind with --leak-check=full and definite in --show-leak-kinds');
  });
});
