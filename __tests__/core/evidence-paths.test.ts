/**
 * Evidence paths stay inside the evidence folder (issue 10): globs are checked on what they can
 * expand to, symbolic links are never followed at any depth, a file is read only from inside the
 * folder, and a glob that matches nothing says what the folder does hold (issue 11).
 */
import { mkdir, mkdtemp, rename, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { collectEvidence, newBudget } from '../../src/evidence/collect.js';
import { directorySource } from '../../src/evidence/directory.js';
import type { EvidenceSource } from '../../src/evidence/types.js';
import { formatPolicyError, loadPolicy, type Criterion } from '../../src/policy/load.js';
import { evidenceGlobProblem } from '../../src/policy/glob.js';

const JUNIT = '<testsuite name="s" tests="1"><testcase classname="k" name="ok"/></testsuite>';
const SECRET = 'SF:hunter2-the-secret-token-that-must-never-be-quoted\nDA:x,y\n';

function load(evidence: string, expect = 'failed: "== 0"') {
  return loadPolicy(`version: 1\ncriteria:\n  - id: c\n    evidence: ${evidence}\n    expect: { ${expect} }\n`, 'p.yml');
}

function criterion(evidence: string, expect?: string): Criterion {
  const result = load(evidence, expect);
  if (!result.ok) throw new Error(result.errors.map(formatPolicyError).join('\n'));
  return result.policy.criteria[0]!;
}

/** A glob fragment that can produce "..": each way picomatch can spell two dots. */
const twoDots = fc.constantFrom('..', '..{,}', '{,}..', '..?(x)', '.[.]', '[.][.]', '{.,}{.,}', '@(..)', '*(.)', '+(.)', '.{.,x}', '{..,x}', '?(.).', '.@(.|x)', '!(x)', '.*');
/** Safe folder and file name parts. */
const word = fc.stringMatching(/^[a-z][a-z0-9_-]{0,6}$/);

describe('evidence globs are checked on their expansions', () => {
  it.each(['..{,}/x', '..?(x)/x', '..\\/x', '.[.]/x', 'a/{b,..}/x', '{a/..,b}/x', '@(..)/x', '{+..a}{+..a}/x', '/etc/passwd'])('%j is refused when the policy is loaded', (glob) => {
    const result = load(`{ path: ${JSON.stringify(glob)}, format: junit }`);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.errors.map(formatPolicyError)[0]).toMatch(/^p\.yml:4:\d+: criteria\[0\]\.evidence\.path: evidence path (must|has)/);
  });

  it('any glob in which some segment can expand to ".." is refused, wherever the segment stands', () => {
    fc.assert(
      fc.property(fc.array(word, { maxLength: 3 }), twoDots, fc.array(word, { maxLength: 3 }), fc.constantFrom('', '*.xml', 'junit.xml'), (before, dots, after, file) => {
        const glob = [...before, dots, ...after, ...(file ? [file] : [])].join('/');
        expect(evidenceGlobProblem(glob)).toMatch(/^evidence path (must stay inside the evidence directory: .* can match "\.\."|has "\.\." in a \{…\} group)/);
      }),
      { numRuns: 500 },
    );
  });

  it('ordinary globs pass: folders, *, **, ?, classes, alternatives, ranges, hidden files', () => {
    for (const glob of ['junit.xml', './junit.xml', '**/*.xml', 'reports/**/TEST-*.xml', '{top.xml,broken/junit.xml}', 'shard-{1..4}/*.xml', '.github/*.sarif', 'a/b?/[cd]*.info', '*.{xml,json}', '.coverage/lcov.info', 'out/@(unit|e2e)/*.xml']) {
      expect(evidenceGlobProblem(glob), glob).toBeUndefined();
    }
    fc.assert(
      fc.property(fc.array(fc.tuple(word, fc.constantFrom('', '*', '?', '.xml', '*.info')), { minLength: 1, maxLength: 5 }), (parts) => {
        expect(evidenceGlobProblem(parts.map(([w, tail]) => w + tail).join('/'))).toBeUndefined();
      }),
    );
  });

  it('brace expansion is bounded', () => {
    expect(evidenceGlobProblem('{a,b}{a,b}{a,b}{a,b}{a,b}{a,b}{a,b}{a,b}{a,b}{a,b}/x')).toBe('evidence path expands to more than 1000 patterns; simplify its {…} groups');
  });
});

describe('symbolic links are never followed, at any depth', () => {
  let root: string;
  let outside: string;
  beforeAll(async () => {
    outside = await mkdtemp(path.join(tmpdir(), 'rg-outside-'));
    await writeFile(path.join(outside, 'junit.xml'), JUNIT);
    await writeFile(path.join(outside, 'lcov.info'), SECRET);
    await mkdir(path.join(outside, 'deeper'));
    await writeFile(path.join(outside, 'deeper', 'junit.xml'), JUNIT);
    root = await mkdtemp(path.join(tmpdir(), 'rg-links-'));
    await mkdir(path.join(root, 'results', 'nested'), { recursive: true });
    await writeFile(path.join(root, 'results', 'own.txt'), 'not junit');
    await symlink(outside, path.join(root, 'linkdir')); // a folder link at the top
    await symlink(outside, path.join(root, 'results', 'nested', 'linkdir')); // and deeper
    await symlink(outside, path.join(root, 'artifact-link')); // a link named like an artifact
    await symlink(path.join(outside, 'lcov.info'), path.join(root, 'results', 'lcov.info')); // a file link
  });

  it.each([
    ['{ path: linkdir/junit.xml, format: junit }'],
    ['{ path: "linkdir/*.xml", format: junit }'],
    ['{ path: "**/*.xml", format: junit }'],
    ['{ path: "**/junit.xml", format: junit }'],
    ['{ path: "results/nested/linkdir/**", format: junit }'],
    ['{ artifact: "*", path: "**/*.xml", format: junit }'],
    ['{ artifact: artifact-link, path: "*.xml", format: junit }'],
  ])('%s finds nothing outside the evidence folder', async (evidence) => {
    const found = await collectEvidence(criterion(evidence), directorySource(root), newBudget());
    expect(found.files).toEqual([]);
    expect(found.metrics).toBeUndefined();
  });

  it('an lcov error never quotes a file outside the evidence folder', async () => {
    for (const evidence of ['{ path: "**/lcov.info", format: lcov }', '{ path: "results/lcov.info", format: lcov }', '{ path: "linkdir/lcov.info", format: lcov }']) {
      const found = await collectEvidence(criterion(evidence, 'lines: ">= 1%"'), directorySource(root), newBudget());
      expect(found.problem).toMatch(/^no file matched/);
      expect(found.problem).not.toContain('hunter2');
    }
  });

  it('the reason names the links that were not followed', async () => {
    const found = await collectEvidence(criterion('{ path: "linkdir/*.xml", format: junit }'), directorySource(root), newBudget());
    expect(found.problem).toContain('"linkdir (symbolic link, never followed)"');
  });

  it('a file replaced by a link between listing and reading is not read', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'rg-swap-'));
    await writeFile(path.join(dir, 'lcov.info'), 'SF:a.js\nDA:1,1\nend_of_record\n');
    const real = directorySource(dir);
    const c = criterion('{ path: lcov.info, format: lcov }', 'lines: ">= 1%"');
    const listed = await real.find({ path: 'lcov.info' });
    expect(listed.files.map((f) => f.path)).toEqual(['lcov.info']);
    await rm(path.join(dir, 'lcov.info'));
    await symlink(path.join(outside, 'lcov.info'), path.join(dir, 'lcov.info'));
    const frozen: EvidenceSource = { find: async () => listed };
    const found = await collectEvidence(c, frozen, newBudget());
    expect(found.problem).toBe('lcov.info: unreadable as lcov: lcov.info was replaced by a symbolic link after it was listed; links are never followed');
    expect(found.problem).not.toContain('hunter2');
    // another file moved into its place is refused too (it is not the file that was listed)
    await writeFile(path.join(dir, 'other.info'), SECRET); // made while the link exists: another inode
    await rename(path.join(dir, 'other.info'), path.join(dir, 'lcov.info'));
    expect((await collectEvidence(c, frozen, newBudget())).problem).toBe('lcov.info: unreadable as lcov: lcov.info was replaced after it was listed; not read');
  });

  it('files inside the folder are still found next to the links', async () => {
    await writeFile(path.join(root, 'results', 'nested', 'junit.xml'), JUNIT);
    const found = await collectEvidence(criterion('{ path: "**/*.xml", format: junit }'), directorySource(root), newBudget());
    expect(found.files.map((f) => f.path)).toEqual(['results/nested/junit.xml']);
    expect(found.metrics?.tests?.value).toBe(1);
  });
});

describe('a glob that matches nothing says what is there', () => {
  it('lists the closest names first, at most ten, and how many more', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'rg-list-'));
    await mkdir(path.join(dir, 'test-results', 'surefire'), { recursive: true });
    const names = ['TEST-com.a.xml', 'TEST-com.b.xml', 'build.log', ...Array.from({ length: 20 }, (_, i) => `noise-${i}.bin`)];
    for (const n of names) await writeFile(path.join(dir, 'test-results', 'surefire', n), 'x');
    const found = await collectEvidence(criterion('{ artifact: test-results, path: "TEST-*.xml", format: junit }'), directorySource(dir), newBudget());
    expect(found.problem).toMatch(
      /^no file matched "TEST-\*\.xml" in artifact "test-results" \(it holds 23, closest first: "test-results\/surefire\/TEST-com\.a\.xml", "test-results\/surefire\/TEST-com\.b\.xml", .*, … 13 more\)$/,
    );
    const empty = await mkdtemp(path.join(tmpdir(), 'rg-list-'));
    await mkdir(path.join(empty, 'a'));
    expect((await collectEvidence(criterion('{ artifact: a, path: "*.xml", format: junit }'), directorySource(empty), newBudget())).problem).toBe(
      'no file matched "*.xml" in artifact "a" (it holds no files)',
    );
  });
});

describe('the walk is bounded', () => {
  it('a folder with more entries than the walk visits is refused with the cap named, never half-read', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'rg-walk-'));
    await mkdir(path.join(dir, 'deep', 'er'), { recursive: true });
    for (let i = 0; i < 12; i++) await writeFile(path.join(dir, 'deep', 'er', `junit-${i}.xml`), JUNIT);
    const c = criterion('{ path: "**/*.xml", format: junit }');
    const found = await collectEvidence(c, directorySource(dir, { walkEntries: 10 }), newBudget());
    expect(found).toEqual({ files: [], problem: `could not list evidence: ${dir} holds more than 10 entries (WALK_ENTRIES); point the evidence at a smaller folder` });
    expect((await collectEvidence(c, directorySource(dir, { walkEntries: 14 }), newBudget())).metrics?.tests?.value).toBe(12);
  });
});
