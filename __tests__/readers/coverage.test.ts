import { describe, expect, it } from 'vitest';
import { EvidenceError } from '../../src/measure.js';
import {
  COVERAGE_METRICS,
  LineSet,
  LineSetBuilder,
  MAX_LINE,
  combineItems,
  combineLines,
  countOf,
  coverageMetrics,
  mergeCoverage,
  normalizeSourcePath,
  type CoverageModel,
  type FileCoverage,
} from '../../src/readers/coverage.js';
import { cobertura } from '../../src/readers/cobertura.js';
import { istanbul } from '../../src/readers/istanbul.js';
import { jacoco } from '../../src/readers/jacoco.js';
import { lcov } from '../../src/readers/lcov.js';
import { expectCoverage } from '../fixtures/coverage/helpers.js';

const model = (files: Record<string, FileCoverage>): CoverageModel => ({ files: new Map(Object.entries(files)) });
const lines = (entries: [number, number][]) => LineSet.of(entries);

describe('coverage model: metrics', () => {
  it('names percentages with unit % and counts without a unit', () => {
    expect(COVERAGE_METRICS).toEqual({
      lines: '%',
      branches: '%',
      functions: '%',
      'lines.covered': null,
      'lines.total': null,
      'branches.covered': null,
      'branches.total': null,
      'functions.covered': null,
      'functions.total': null,
    });
    for (const [name, format] of Object.entries({ lcov, cobertura, istanbul, jacoco })) {
      expect(format.knownMetrics).toEqual(COVERAGE_METRICS);
      expect(format.name).toBe(name);
      expect(format.merge).toBe(mergeCoverage);
      expect(format.metrics).toBe(coverageMetrics);
    }
  });

  it('adds up files, and yields no percentage for a total of 0 and nothing for an unknown kind', () => {
    const m = model({
      a: { lines: lines([[1, 1], [2, 0]]), branches: new Map() },
      b: { lines: { covered: 3, total: 4 }, branches: { covered: 0, total: 0 } },
    });
    expect(coverageMetrics(m)).toEqual({
      lines: { value: (4 / 6) * 100, unit: '%' },
      'lines.covered': { value: 4 },
      'lines.total': { value: 6 },
      'branches.covered': { value: 0 },
      'branches.total': { value: 0 },
    });
  });

  it('yields nothing at all for an empty model', () => {
    expect(coverageMetrics({ files: new Map() })).toEqual({});
  });

  it('uses stated totals only, when present', () => {
    const m: CoverageModel = {
      files: new Map([['a', { lines: lines([[1, 0]]) }]]),
      stated: { source: 's', lines: { covered: 1, total: 2 }, branches: { percent: 12.5 }, mergeableByDetail: true },
    };
    expectCoverage(coverageMetrics(m), { lines: [1, 2], branches: { percent: 12.5 } });
  });
});

describe('coverage model: merge', () => {
  it('unions the same file line by line, branch by branch, function by function', () => {
    const a = model({ 'src/x.c': { lines: lines([[1, 1], [2, 0], [3, 0]]), branches: new Map([['1#0', 1], ['1#1', 0]]), functions: new Map([['f', 0], ['g', 2]]) } });
    const b = model({ 'src/x.c': { lines: lines([[1, 0], [2, 5], [4, 0]]), branches: new Map([['1#0', 0], ['1#1', 0], ['2#0', 1]]), functions: new Map([['f', 1]]) } });
    const merged = mergeCoverage([a, b]);
    expectCoverage(coverageMetrics(merged), { lines: [2, 4], branches: [2, 3], functions: [2, 2] });
    // the inputs are not modified
    expectCoverage(coverageMetrics(a), { lines: [1, 3], branches: [1, 2], functions: [1, 2] });
    expectCoverage(coverageMetrics(b), { lines: [1, 3], branches: [1, 3], functions: [1, 1] });
  });

  it('adds different files up', () => {
    const merged = mergeCoverage([model({ a: { lines: lines([[1, 1]]) } }), model({ b: { lines: lines([[1, 0]]) } })]);
    expectCoverage(coverageMetrics(merged), { lines: [1, 2] });
  });

  it('takes the entry with the most covered when a side has totals only', () => {
    expect(combineItems({ covered: 2, total: 4 }, { covered: 3, total: 5 })).toEqual({ covered: 3, total: 5 });
    expect(combineItems({ covered: 3, total: 5 }, { covered: 2, total: 4 })).toEqual({ covered: 3, total: 5 });
    // a tie keeps the larger total (the lower, more conservative percentage)
    expect(combineLines({ covered: 3, total: 4 }, { covered: 3, total: 6 })).toEqual({ covered: 3, total: 6 });
    expect(combineLines(lines([[1, 1], [2, 0]]), { covered: 0, total: 9 })).toEqual({ covered: 1, total: 2 });
    expect(combineItems(new Map([['a', 1], ['b', 0]]), { covered: 2, total: 9 })).toEqual({ covered: 2, total: 9 });
  });

  it('returns a single model unchanged, and an empty one for nothing', () => {
    const m = model({ a: { lines: lines([[1, 1]]) } });
    expect(mergeCoverage([m])).toBe(m);
    expect(coverageMetrics(mergeCoverage([]))).toEqual({});
  });

  it('replaces stated totals by the detail when merging, or refuses when there is none', () => {
    const jacocoLike: CoverageModel = { files: new Map([['p/A.java', { lines: lines([[1, 1], [2, 0]]) }]]), stated: { source: 'a.xml', lines: { covered: 1, total: 2 }, mergeableByDetail: true } };
    expectCoverage(coverageMetrics(mergeCoverage([jacocoLike, jacocoLike])), { lines: [1, 2] });
    const ratesOnly: CoverageModel = { files: new Map(), stated: { source: 'rates.xml', lines: { percent: 80 }, mergeableByDetail: false } };
    expect(() => mergeCoverage([ratesOnly, jacocoLike])).toThrow(EvidenceError);
    expect(() => mergeCoverage([jacocoLike, ratesOnly])).toThrow(/cannot merge rates.xml with other coverage reports/);
  });

  it('counts detail as hits > 0', () => {
    expect(countOf(new Map([['a', 0], ['b', 0.5], ['c', 3]]))).toEqual({ covered: 2, total: 3 });
  });
});

describe('coverage model: line sets', () => {
  it('sorts, removes repeats (hit if any repeat is hit) and counts', () => {
    const set = LineSet.of([[9, 0], [3, 1], [9, 2], [1, 0], [3, 0], [MAX_LINE, 1], [0, 0]]);
    expect([...set.codes]).toEqual([0, 2, 3 * 2 + 1, 9 * 2 + 1, MAX_LINE * 2 + 1]);
    expect(countOf(set)).toEqual({ covered: 3, total: 5 });
  });

  it('unions two sets', () => {
    const a = LineSet.of([[1, 1], [2, 0], [4, 0], [MAX_LINE, 0]]);
    const b = LineSet.of([[2, 3], [3, 0], [4, 0], [MAX_LINE, 1]]);
    const u = a.union(b);
    expect([...u.codes]).toEqual([3, 5, 6, 8, MAX_LINE * 2 + 1]);
    expect(u.covered).toBe(3);
    expect(a.union(LineSet.of([])).codes).toEqual(a.codes);
  });

  it('grows past its first buffer and stays sorted without sorting ascending input', () => {
    const b = new LineSetBuilder();
    expect(b.empty).toBe(true);
    for (let i = 1; i <= 10_000; i++) b.add(i, i % 3 === 0);
    const set = b.build();
    expect(set.size).toBe(10_000);
    expect(set.covered).toBe(3333);
  });
});

describe('coverage model: source paths', () => {
  it('normalizes lightly', () => {
    expect(normalizeSourcePath('.\\src\\a.ts')).toBe('src/a.ts');
    expect(normalizeSourcePath('././src/a.ts')).toBe('src/a.ts');
    expect(normalizeSourcePath('C:\\temp\\a.cs')).toBe('C:/temp/a.cs');
    expect(normalizeSourcePath('/abs/../a.ts')).toBe('/abs/../a.ts');
    expect(normalizeSourcePath('../a.ts')).toBe('../a.ts');
  });
});
