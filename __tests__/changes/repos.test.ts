/**
 * What the change touches, read by the BUILT CLI from real repositories made here in every shape
 * the issue names: a branch behind an advanced base, a merge commit, a shallow clone, a renamed
 * and edited file, a deleted file, a CRLF file, a binary file, a name with spaces and UTF-8; a
 * docs-only change (not applicable, never 100%), an unknown change (missing), coverage paths
 * that are ambiguous (unmatched, listed; path-map resolves them), and --diff FILE.
 *
 * Coverage: vitest's real lcov of src/math.js and src/text.js (fixtures/coverage/vitest-a.info,
 * made by make-fixtures.sh from the sources committed here). Expected figures follow diff-cover's
 * documented algorithm (on PyPI, not reachable here): changed lines from git's hunk headers,
 * instrumented = listed in a DA line, covered = hits > 0 — see patch.test.ts.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { FIXTURES } from '../helpers/evidence.js';
import { runCli } from '../helpers/cli.js';
import { alterLines, commit, criterion, gate, git, gitChangedLines, initRepo, tempDir, type GateRun } from './repo.js';

function heredoc(target: string): string {
  const text = readFileSync(path.join(FIXTURES, 'coverage/make-fixtures.sh'), 'utf8');
  const open = `cat > ${target} <<'EOF'\n`;
  const body = text.slice(text.indexOf(open) + open.length);
  return body.slice(0, body.indexOf('\nEOF\n') + 1);
}

const MATH = heredoc('src/math.js');
const TEXT = heredoc('src/text.js');
const LCOV = readFileSync(path.join(FIXTURES, 'coverage/vitest-a.info'), 'utf8');
/** vitest-a.info's per-line data (DA lines): path → line → covered */
const DA = (() => {
  const out = new Map<string, Map<number, boolean>>();
  let file = '';
  for (const line of LCOV.split('\n')) {
    if (line.startsWith('SF:')) out.set((file = line.slice(3)), new Map());
    const da = /^DA:(\d+),(\d+)/.exec(line);
    if (da) out.get(file)!.set(Number(da[1]), Number(da[2]) > 0);
  }
  return out;
})();

/** [covered, total] of the changed lines of each file (repository path → the report's data for it). */
function oracle(changed: Map<string, number[]>, data: Record<string, Map<number, boolean> | undefined>): [number, number] {
  let covered = 0;
  let total = 0;
  for (const [file, lines] of Object.entries(data)) {
    for (const l of changed.get(file) ?? []) {
      const hit = lines?.get(l);
      if (hit === undefined) continue;
      total++;
      if (hit) covered++;
    }
  }
  return [covered, total];
}

const PATCH_POLICY = `version: 1
criteria:
  - id: patch
    evidence: { artifact: cov, path: lcov.info, format: lcov }
    expect: { patch.lines: ">= 90%" }
`;

function patchFigures(run: GateRun, id = 'patch'): [number | undefined, number | undefined] {
  const m = criterion(run, id).metrics;
  return [m['patch.lines.covered'], m['patch.lines.total']];
}

const crlf = (s: string) => s.replaceAll('\n', '\r\n');
const NAME = 'src/naïve name.js';

describe('a change of every shape: rename, delete, CRLF, binary, a name with spaces and UTF-8', () => {
  let dir: string;
  let lcov: string;
  let run: GateRun;
  beforeAll(async () => {
    dir = initRepo({
      // CRLF in both commits: only the altered lines change
      'src/math.js': crlf(alterLines(MATH, [2, 4, 8, 9])),
      // renamed to src/text.js and edited on the way
      'lib/text.js': alterLines(TEXT, [3]),
      'old.js': 'module.exports = 1;\n',
      'logo.png': new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0, 1, 2, 3, 0, 255]),
      [NAME]: alterLines(TEXT, [2, 5, 6]),
      'docs/guide.md': '# guide\n',
    });
    git(dir, 'mv', 'lib/text.js', 'src/text.js');
    commit(dir, { 'src/math.js': crlf(MATH), 'src/text.js': TEXT, 'old.js': null, 'logo.png': new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0, 9, 9, 9, 0, 255]), [NAME]: TEXT }, 'every shape');
    // the file with spaces and UTF-8 is covered as text.js is (its record in the report, under its name)
    const textRecord = LCOV.slice(LCOV.indexOf('SF:src/text.js'));
    lcov = `${LCOV}TN:\n${textRecord.replace('SF:src/text.js', `SF:${NAME}`)}`;
    run = await gate(dir, PATCH_POLICY, { 'cov/lcov.info': lcov }, ['--diff-base', 'main']);
  });

  it('git says what the test changed', () => {
    const changed = gitChangedLines(dir);
    expect(Object.fromEntries(changed)).toEqual({ 'src/math.js': [2, 4, 8, 9], 'src/text.js': [3], [NAME]: [2, 5, 6] });
    expect(git(dir, '-c', 'core.quotePath=false', 'diff', '--name-status', '-M', 'main').split('\n').filter(Boolean).map((r) => r.replace(/^R\d+/, 'R')).sort()).toEqual(['D\told.js', 'M\tlogo.png', `M\t${NAME}`, 'M\tsrc/math.js', 'R\tlib/text.js\tsrc/text.js'].sort());
  });

  it('counts the edited lines of the renamed file under its new name, the CRLF and UTF-8 files line by line, the deleted and binary files not at all', () => {
    const changed = gitChangedLines(dir);
    const want = oracle(changed, { 'src/math.js': DA.get('src/math.js'), 'src/text.js': DA.get('src/text.js'), [NAME]: DA.get('src/text.js') });
    // math.js 2 (hit), 4 (missed), 8 (missed), 9 (not listed); text.js 3 (missed); the UTF-8 name 2 (hit), 5 (hit), 6 (not listed)
    expect(want).toEqual([3, 6]);
    expect(patchFigures(run)).toEqual(want);
    const section = run.markdown.slice(run.markdown.indexOf('#### 🩹 Patch coverage'));
    expect(section).toMatch(/^- `src\/math\.js` — 2 of 3 changed lines not covered: 4, 8$/m);
    expect(section).toMatch(/^- `src\/text\.js` — 1 of 1 changed line not covered: 3$/m);
    expect(section).not.toContain('naïve name.js` —');
    // worst first
    expect(section.indexOf('src/math.js')).toBeLessThan(section.indexOf('src/text.js'));
    expect(run.stdout).toContain('changed lines not covered: src/math.js (4, 8); src/text.js (3)');
  });

  it('--diff FILE with the same change saved from git diff gives the same figures', async () => {
    const saved = path.join(tempDir('diff'), 'change.diff');
    writeFileSync(saved, git(dir, 'diff', 'main...HEAD'));
    const fromFile = await gate(dir, PATCH_POLICY, { 'cov/lcov.info': lcov }, ['--diff', saved]);
    expect(patchFigures(fromFile)).toEqual(patchFigures(run));
    expect(criterion(fromFile, 'patch').status).toBe(criterion(run, 'patch').status);
  });

  it('--diff FILE cut short is a usage error (exit 2) naming the file and line', async () => {
    const diff = git(dir, 'diff', 'main...HEAD');
    const folder = tempDir('cut');
    // cut inside a hunk of several lines: the rest of it is gone
    const rows = diff.split('\n');
    const hunk = rows.findIndex((r) => /^@@ -\d+,\d+ \+\d+,([2-9]|\d\d+) @@/.test(r));
    const cut = path.join(folder, 'cut.diff');
    writeFileSync(cut, `${rows.slice(0, hunk + 2).join('\n')}\n`);
    writeFileSync(path.join(folder, 'policy.yml'), PATCH_POLICY);
    const out = await runCli(['check', '--policy', path.join(folder, 'policy.yml'), '--evidence', folder, '--diff', cut], dir);
    expect(out.code).toBe(2);
    expect(out.stderr).toMatch(new RegExp(`--diff ${cut.replaceAll('.', '\\.')}:\\d+: .*(cut short|ends early)`));
  });
});

describe('a branch behind an advanced base, and the merge commit', () => {
  let dir: string;
  beforeAll(() => {
    dir = initRepo({ 'src/math.js': alterLines(MATH, [2, 3, 4, 8, 12]), 'src/text.js': alterLines(TEXT, [2, 3]) });
    // the pull request restores math.js lines 2 and 4 …
    commit(dir, { 'src/math.js': alterLines(MATH, [3, 8, 12]) }, 'feature');
    // … while main moves on: text.js lines 2 and 3 (not the pull request's change)
    git(dir, 'checkout', '-q', 'main');
    commit(dir, { 'src/text.js': TEXT }, 'main moves on');
    git(dir, 'checkout', '-q', 'change');
  });

  it('--diff-base main on the branch: the merge base, not main\'s tip (main\'s own changes are not the change)', async () => {
    const run = await gate(dir, PATCH_POLICY, { 'cov/lcov.info': LCOV }, ['--diff-base', 'main']);
    // math.js 2 hit, 4 missed
    expect(patchFigures(run)).toEqual([1, 2]);
    expect(run.stdout).toContain('changed lines not covered: src/math.js (4)');
  });

  it('a merge commit (the PR merged, or GitHub\'s merge ref): --diff-base its first parent gives the PR\'s lines', async () => {
    const merged = path.join(tempDir('merged'), 'clone');
    git(path.dirname(merged), 'clone', '-q', dir, merged);
    git(merged, 'checkout', '-q', '-b', 'main-tip', 'origin/main');
    git(merged, 'merge', '-q', '--no-ff', '-m', 'Merge pull request #1', 'origin/change');
    expect(git(merged, 'rev-list', '--parents', '-n', '1', 'HEAD').trim().split(' ')).toHaveLength(3);
    const run = await gate(merged, PATCH_POLICY, { 'cov/lcov.info': LCOV }, ['--diff-base', 'HEAD^1']);
    expect(patchFigures(run)).toEqual([1, 2]);
    expect(run.stdout).toContain('changed lines not covered: src/math.js (4)');
    // and against the base branch by name (its tip before the merge: the merge commit's first parent)
    const afterMerge = await gate(merged, PATCH_POLICY, { 'cov/lcov.info': LCOV }, ['--diff-base', 'origin/main']);
    expect(patchFigures(afterMerge)).toEqual([1, 2]);
  });

  it('a shallow clone that cannot reach the base: the patch criterion is missing with the fetch-depth fix, never "nothing changed"', async () => {
    const shallow = path.join(tempDir('shallow'), 'clone');
    git(path.dirname(shallow), 'clone', '-q', '--depth', '1', '--branch', 'change', `file://${dir}`, shallow);
    expect(git(shallow, 'rev-parse', '--is-shallow-repository').trim()).toBe('true');
    const policy = `${PATCH_POLICY}  - id: src-scoped
    paths: ["src/**"]
    evidence: { artifact: cov, path: lcov.info, format: lcov }
    expect: { lines: ">= 1%" }
`;
    for (const base of ['main', 'origin/main']) {
      const run = await gate(shallow, policy, { 'cov/lcov.info': LCOV }, ['--diff-base', base]);
      expect(run.code).toBe(1);
      for (const id of ['patch', 'src-scoped']) {
        expect(criterion(run, id).status).toBe('missing');
        expect(criterion(run, id).reason).toMatch(/fetch-depth: 0/);
      }
      expect(criterion(run, 'patch').metrics['patch.lines.total']).toBeUndefined();
    }
    // the base fetched but not the history between: the merge base is out of reach
    git(shallow, 'fetch', '-q', '--depth', '1', 'origin', 'main:main');
    const run = await gate(shallow, policy, { 'cov/lcov.info': LCOV }, ['--diff-base', 'main']);
    expect(criterion(run, 'patch').status).toBe('missing');
    expect(criterion(run, 'patch').reason).toMatch(/shallow clone.*fetch-depth: 0/);
    expect(criterion(run, 'src-scoped').status).toBe('missing');
  });
});

describe('coverage paths that two repository files end with', () => {
  let dir: string;
  // vitest named src/math.js; here the report says math.js, and lib/math.js ends with it too
  const lcov = LCOV.replace('SF:src/math.js', 'SF:math.js');
  beforeAll(() => {
    dir = initRepo({ 'src/math.js': alterLines(MATH, [2, 4]), 'lib/math.js': alterLines(MATH, [3, 8]), 'src/text.js': alterLines(TEXT, [3]) });
    commit(dir, { 'src/math.js': MATH, 'lib/math.js': MATH, 'src/text.js': TEXT }, 'change');
  });

  it('are ambiguous: matched to none, listed in the comment, left out of the figures', async () => {
    const run = await gate(dir, PATCH_POLICY, { 'cov/lcov.info': lcov }, ['--diff-base', 'main']);
    // text.js line 3 only (missed)
    expect(patchFigures(run)).toEqual([0, 1]);
    expect(run.markdown).toMatch(/coverage path match(es)? no repository file \(first: math\.js&#58; ambiguous&#58; 2 repository files end with math\.js &#40;lib\/math\.js, src\/math\.js&#41;/);
  });

  it('a path-map rewrite resolves them', async () => {
    const policy = PATCH_POLICY.replace('criteria:', 'path-map:\n  - { from: "math.js", to: "lib/math.js" }\ncriteria:');
    const run = await gate(dir, policy, { 'cov/lcov.info': lcov }, ['--diff-base', 'main']);
    // lib/math.js 3 (hit), 8 (missed); text.js 3 (missed)
    expect(patchFigures(run)).toEqual(oracle(gitChangedLines(dir), { 'lib/math.js': DA.get('src/math.js'), 'src/text.js': DA.get('src/text.js') }));
    expect(patchFigures(run)).toEqual([1, 3]);
    expect(run.markdown).not.toMatch(/match no repository file/);
  });
});

describe('not applicable, never 100%', () => {
  let dir: string;
  const policy = `version: 1
criteria:
  - id: patch
    evidence: { artifact: cov, path: lcov.info, format: lcov }
    expect: { patch.lines: ">= 90%" }
  - id: src-scoped
    paths: ["src/**"]
    evidence: { artifact: cov, path: lcov.info, format: lcov }
    expect: { lines: ">= 90%" }
  - id: coverage
    evidence: { artifact: cov, path: lcov.info, format: lcov }
    expect: { lines: ">= 1%" }
`;
  beforeAll(() => {
    dir = initRepo({ 'src/math.js': MATH, 'src/text.js': TEXT, 'docs/guide.md': '# guide\n\nold\n' });
    commit(dir, { 'docs/guide.md': '# guide\n\nnew\n' }, 'docs only');
  });

  it('a docs-only change: the patch and src/** criteria are not applicable, outside the score and the required check; the gate passes on the rest', async () => {
    const run = await gate(dir, policy, { 'cov/lcov.info': LCOV }, ['--diff-base', 'main']);
    expect(criterion(run, 'patch').status).toBe('not-applicable');
    expect(criterion(run, 'patch').reason).toMatch(/touches no line the coverage report instruments/);
    expect(criterion(run, 'patch').metrics['patch.lines']).toBeUndefined();
    expect(criterion(run, 'src-scoped').status).toBe('not-applicable');
    expect(criterion(run, 'src-scoped').reason).toMatch(/touches none of its paths \(src\/\*\*\)/);
    expect(criterion(run, 'coverage').status).toBe('passed');
    expect(run.json.counts).toEqual({ passed: 1, failed: 0, missing: 0, 'not-applicable': 2, waived: 0 });
    // only `coverage` is scored: 1 of 1, and no required criterion is left unpassed
    expect(run.json.score).toBe(100);
    expect(run.json.summary).toBe('all required criteria passed');
    expect(run.json.decision).toBe('pass');
    expect(run.code).toBe(0);
    expect(run.markdown).toContain('not applicable to this change');
  });

  it('a change of source lines the report does not instrument is not applicable too (not 100%)', async () => {
    const other = initRepo({ 'src/math.js': alterLines(MATH, [5, 6, 9]), 'docs/guide.md': '# guide\n' });
    commit(other, { 'src/math.js': MATH }, 'closing braces and a blank line');
    const run = await gate(other, PATCH_POLICY, { 'cov/lcov.info': LCOV }, ['--diff-base', 'main']);
    expect(oracle(gitChangedLines(other), { 'src/math.js': DA.get('src/math.js') })).toEqual([0, 0]);
    expect(criterion(run, 'patch').status).toBe('not-applicable');
    expect(criterion(run, 'patch').metrics['patch.lines']).toBeUndefined();
  });

  it('an unknown change (no --diff-base or --diff): the patch and src/** criteria are missing, never not applicable', async () => {
    const run = await gate(dir, policy, { 'cov/lcov.info': LCOV }, []);
    for (const id of ['patch', 'src-scoped']) {
      expect(criterion(run, id).status).toBe('missing');
      expect(criterion(run, id).reason).toMatch(/--diff-base REF or --diff FILE/);
    }
    expect(run.json.decision).toBe('fail');
    expect(run.code).toBe(1);
  });

  it('every criterion not applicable to a known change: the gate passes and says that no criterion applies', async () => {
    const onlyScoped = policy.slice(0, policy.indexOf('  - id: coverage'));
    const run = await gate(dir, onlyScoped, { 'cov/lcov.info': LCOV }, ['--diff-base', 'main']);
    expect(run.json.counts).toEqual({ passed: 0, failed: 0, missing: 0, 'not-applicable': 2, waived: 0 });
    expect(run.json.summary).toMatch(/^no criterion applies to this change \(1 changed file/);
    expect(run.json.decision).toBe('pass');
    expect(run.code).toBe(0);
  });
});
