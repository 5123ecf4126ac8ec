/**
 * patch.branches on the model the readers build (src/changes/patch.ts), for what the end-to-end
 * cases in patch.test.ts do not reach: two runs of one program merged branch by branch, and the
 * cases where branches cannot be placed on lines (then unknown, never 0 of 0 or 100%).
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { patchCoverage, RepositoryIndex } from '../../src/changes/patch.js';
import type { Changes } from '../../src/changes/diff.js';
import { LineSet, mergeCoverage, type CoverageModel } from '../../src/readers/coverage.js';
import { istanbul } from '../../src/readers/istanbul.js';
import { lcov } from '../../src/readers/lcov.js';
import { bytesSource, context, FIXTURES } from '../helpers/evidence.js';

const text = (p: string) => readFileSync(path.join(FIXTURES, p), 'utf8');

function change(file: string, lines: number[]): Changes {
  return { files: new Map([[file, { path: file, status: 'modified', lines, linesKnown: true }]]), source: 'test' };
}

/** lcov BRDA records of a file, as the taken counts of each branch id (a '-' is 0) */
function brda(report: string): Map<string, { line: number; taken: number }> {
  const out = new Map<string, { line: number; taken: number }>();
  for (const m of report.matchAll(/^BRDA:(\d+),(\d+),(\d+),(\S+)$/gm)) out.set(`${m[1]},${m[2]},${m[3]}`, { line: Number(m[1]), taken: m[4] === '-' ? 0 : Number(m[4]) });
  return out;
}

describe('patch.branches', () => {
  it('merges two runs branch by branch: a branch either run took is taken', async () => {
    const [one, two] = ['coverage/gcc-run1.info', 'coverage/gcc-run2.info'].map(text) as [string, string];
    const models = await Promise.all([one, two].map((r, i) => lcov.read(bytesSource(r), context(`run${i}.info`))));
    const merged = mergeCoverage(models);
    const a = brda(one);
    const b = brda(two);
    // every line of the program changed: the oracle is the union of both runs' BRDA records
    const lines = [...new Set([...a.values()].map((x) => x.line))];
    let covered = 0;
    for (const [id, x] of a) if (x.taken > 0 || (b.get(id)?.taken ?? 0) > 0) covered++;
    const repo = new RepositoryIndex(['c/calc.c']);
    const patch = patchCoverage(merged, change('c/calc.c', lines), repo, [], true);
    expect(new Set([...a.keys(), ...b.keys()]).size).toBe(a.size);
    expect(patch.metrics['patch.branches.total']?.value).toBe(a.size);
    expect(patch.metrics['patch.branches.covered']?.value).toBe(covered);
    // each run alone took fewer: the union is what is measured
    for (const run of [a, b]) expect([...run.values()].filter((x) => x.taken > 0).length).toBeLessThan(covered);
  });

  it('a format whose branch ids are not lines (branchLines false) gives no patch.branches', async () => {
    const model = await lcov.read(bytesSource(text('coverage/gcc-run1.info')), context('run.info'));
    const patch = patchCoverage(model, change('c/calc.c', [5, 7]), new RepositoryIndex(['c/calc.c']), [], false);
    expect(patch.metrics['patch.lines.total']?.value).toBe(2);
    expect(patch.metrics['patch.branches']).toBeUndefined();
    expect(patch.branchesUnknown).toBeUndefined();
  });

  it('changed lines without branches: not applicable; lines with them: measured', async () => {
    const model = await lcov.read(bytesSource(text('coverage/gcc-run1.info')), context('run.info'));
    const repo = new RepositoryIndex(['c/calc.c']);
    const none = patchCoverage(model, change('c/calc.c', [4, 6]), repo, [], true);
    expect(none.metrics['patch.lines.total']?.value).toBe(2);
    expect(none.branchesNotApplicable).toMatch(/hold no branch/);
    expect(none.metrics['patch.branches']).toBeUndefined();
    const some = patchCoverage(model, change('c/calc.c', [4, 5]), repo, [], true);
    expect(some.metrics['patch.branches.total']?.value).toBe(2);
    expect(some.metrics['patch.branches.covered']?.value).toBe(1);
  });

  it('an Istanbul branch whose map entry gives no line makes patch.branches unknown for its file', async () => {
    const report = JSON.parse(text('istanbul/nyc-coverage-final.json')) as Record<string, { branchMap: Record<string, Record<string, unknown>> }>;
    const [file, entry] = Object.entries(report).find(([, e]) => Object.keys(e.branchMap).length > 0)!;
    const first = Object.keys(entry.branchMap)[0]!;
    delete entry.branchMap[first]!.loc;
    delete entry.branchMap[first]!.line;
    const model = (await istanbul.read(bytesSource(JSON.stringify(report)), context('coverage-final.json'))).coverage;
    const patch = patchCoverage(model, change(file.slice(1), [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]), new RepositoryIndex([file.slice(1)]), [], true);
    expect(patch.metrics['patch.lines.total']?.value).toBeGreaterThan(0);
    expect(patch.branchesUnknown).toMatch(/branch(es)? of .* name no line/);
    expect(patch.metrics['patch.branches']).toBeUndefined();
  });

  it('a report that gives a file only a branch total, or no branch data at all, leaves patch.branches unknown', () => {
    const lines = LineSet.of([[1, 1], [2, 0]]);
    const totals: CoverageModel = { files: new Map([['a.c', { lines, branches: { covered: 1, total: 4 } }]]) };
    expect(patchCoverage(totals, change('a.c', [1, 2]), new RepositoryIndex(['a.c']), [], true).branchesUnknown).toMatch(/only a branch total for a\.c/);
    const none: CoverageModel = { files: new Map([['a.c', { lines }]]) };
    const patch = patchCoverage(none, change('a.c', [1, 2]), new RepositoryIndex(['a.c']), [], true);
    expect(patch.branchesUnknown).toMatch(/no branch data/);
    expect(patch.metrics['patch.lines.total']?.value).toBe(2);
  });
});
