import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { EvidenceError } from '../../src/measure.js';
import {
  BranchSet,
  ID_TEXT_CHARS,
  PATH_TEXT_CHARS,
  compactId,
  BranchSetBuilder,
  COVERAGE_METRICS,
  FunctionSet,
  FunctionSetBuilder,
  LineSet,
  LineSetBuilder,
  MAX_LINE,
  NameTable,
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
    // istanbul also gives statements (istanbul.test.ts), jacoco its check counters (jacoco.test.ts)
    expect(jacoco.knownMetrics).toMatchObject(COVERAGE_METRICS);
    for (const [name, format] of Object.entries({ lcov, cobertura })) {
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

describe('coverage model: compact sets', () => {
  it('keeps dense and sparse line sets alike (bitset or packed codes)', () => {
    const dense = LineSet.of(Array.from({ length: 300 }, (_, i) => [i + 7, i % 4] as [number, number]));
    expect(dense.size).toBe(300);
    expect(dense.covered).toBe(225);
    expect([...dense.codes]).toEqual(Array.from({ length: 300 }, (_, i) => (i + 7) * 2 + (i % 4 > 0 ? 1 : 0)));
    const sparse = LineSet.of([[1, 1], [1_000_000, 0], [MAX_LINE - 1, 2], [5_000, 0]]);
    expect([...sparse.codes]).toEqual([3, 10_000, 2_000_000, (MAX_LINE - 1) * 2 + 1]);
    expect(countOf(sparse)).toEqual({ covered: 2, total: 4 });
    const u = dense.union(sparse);
    expect(u.size).toBe(304);
    expect(u.covered).toBe(227);
  });

  it('keys branches by number where it can and by text otherwise, each id in one form', () => {
    const b = new BranchSetBuilder();
    b.addLcov('BRDA:2,0,1', 5, 10, 0); // narrow
    b.addTriple(2, 0, 1, true); // the same id, taken
    b.addTriple(600_000, 0, 0, false); // line too large for a narrow code: wide
    b.addTriple(3, 2000, 0, true); // block too large for a wide code: text
    b.addLcov('3,01,0', 0, 6, 1); // a leading zero: text, not the id 3,1,0
    b.addLcov('3,1,0', 0, 5, 0);
    b.addIndexed(2, 2, 1); // the XML readers' 2#0 (taken) and 2#1: not lcov's 2,0,0 / 2,0,1
    const set = b.build();
    expect(set.size).toBe(7);
    expect(set.covered).toBe(4);
    expect(set.wide?.length).toBe(1);
    expect([...(set.named?.keys() ?? [])].sort()).toEqual(['3,01,0', '3,2000,0']);
    // a map of the same ids reads the same
    const same = BranchSet.fromMap(new Map([['2,0,1', 1], ['600000,0,0', 0], ['3,2000,0', 1], ['3,01,0', 1], ['3,1,0', 0], ['2#0', 1], ['2#1', 0]]));
    expect(set.union(same)).toMatchObject({ size: 7, covered: 4 });
    expect(combineItems(new Map([['2#1', 1], ['9#0', 0]]), set)).toMatchObject({ size: 8, covered: 5 });
  });

  it('places each branch on the line its id names, in every form (forEachLine)', () => {
    const b = new BranchSetBuilder();
    b.addTriple(2, 0, 1, true); // narrow
    b.addTriple(0x7ffff, 31, 63, false); // the largest narrow code
    b.addTriple(600_000, 0, 0, true); // wide
    b.addTriple(3, 2000, 0, false); // text `3,2000,0`
    b.addIndexed(9, 2, 1); // 9#0 taken, 9#1 not
    b.addId('?4#0', 1); // an Istanbul branch whose map gives no line
    b.addLcov(`5,${'x'.repeat(400)},0`, 0, 408, 1); // a long text id: hashed, its line lost
    const placed: Array<[number, boolean]> = [];
    const unplaced = b.build().forEachLine((line, taken) => placed.push([line, taken]));
    expect(unplaced).toBe(2);
    expect(placed.sort((x, y) => x[0] - y[0] || Number(x[1]) - Number(y[1]))).toEqual([
      [2, true],
      [3, false],
      [9, false],
      [9, true],
      [0x7ffff, false],
      [600_000, true],
    ]);
  });

  it('stores branch codes losslessly whatever the steps between lines', () => {
    let seed = 7;
    const next = (n: number): number => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return seed % n;
    };
    const ids = new Map<string, boolean>();
    const a = new BranchSetBuilder();
    const triples: [number, number, number, boolean][] = [];
    for (let i = 0; i < 3000; i++) {
      const line = [next(10), next(100), next(5000), next(0x80000)][next(4)]!;
      const t: [number, number, number, boolean] = [line, next(32), next(64), next(3) === 0];
      triples.push(t);
      const key = `${t[0]},${t[1]},${t[2]}`;
      ids.set(key, (ids.get(key) ?? false) || t[3]);
      a.addTriple(...t);
    }
    const set = a.build();
    expect(set.size).toBe(ids.size);
    expect(set.covered).toBe([...ids.values()].filter(Boolean).length);
    const codes = [...set.narrow];
    expect(codes.length).toBe(ids.size);
    expect(codes.every((c, i) => i === 0 || c > codes[i - 1]!)).toBe(true);
    const b = new BranchSetBuilder();
    for (const t of triples.reverse()) b.addTriple(...t);
    const again = b.build();
    expect([...again.narrow]).toEqual(codes);
    expect(set.union(again)).toMatchObject({ size: ids.size, covered: set.covered });
  });

  it('merges function sets of one read by number and of different reads by name', () => {
    const table = new NameTable();
    const fa = new FunctionSetBuilder(table);
    fa.add('f', false);
    fa.add('g', true);
    fa.add('f', false);
    const a = fa.build();
    expect(countOf(a)).toEqual({ covered: 1, total: 2 });
    fa.add('f', true);
    fa.add('h', false);
    const b = fa.build();
    const u = combineItems(a, b) as FunctionSet;
    expect(u).toBeInstanceOf(FunctionSet);
    expect(countOf(u)).toEqual({ covered: 2, total: 3 });
    const other = new FunctionSetBuilder(new NameTable());
    other.add('h', true);
    other.add('k', false);
    const byName = combineItems(u, other.build());
    expect(byName).toEqual(new Map([['f', 1], ['g', 1], ['h', 1], ['k', 0]]));
    expect(a.toMap()).toEqual(new Map([['f', 0], ['g', 1]]));
  });
});

describe('coverage: identities of bounded size', () => {
  it('compactId keeps short texts and hashes long ones (and any starting with NUL); never mixes the two', () => {
    expect(compactId('3,01,0')).toBe('3,01,0');
    expect(compactId('x'.repeat(ID_TEXT_CHARS))).toBe('x'.repeat(ID_TEXT_CHARS));
    const long = compactId('x'.repeat(ID_TEXT_CHARS + 1));
    expect(long).toMatch(/^\0[A-Za-z0-9+/]{43}=$/);
    expect(compactId('x'.repeat(1_000_000))).toHaveLength(45);
    expect(compactId('x'.repeat(1_000_000))).not.toBe(compactId(`${'x'.repeat(999_999)}y`));
    // a short text that looks like a hash is hashed itself, so it can never equal one
    expect(compactId(long)).not.toBe(long);
    expect(compactId(long).startsWith('\0')).toBe(true);
    expect(compactId('')).toBe('');
    expect(normalizeSourcePath(`./${'d/'.repeat(PATH_TEXT_CHARS)}f.c`)).toBe(compactId(`${'d/'.repeat(PATH_TEXT_CHARS)}f.c`, PATH_TEXT_CHARS));
    expect(normalizeSourcePath('.\\src\\a.c')).toBe('src/a.c');
  });

  it('branches and functions count and merge by identity, whatever the length of their text', () => {
    // ids from a small alphabet, short and long, so that repeats and near-misses are frequent
    const id = fc.tuple(fc.stringMatching(/^[ab,()=]{1,6}$/), fc.nat(3), fc.constantFrom(0, 1, ID_TEXT_CHARS, 100_000)).map(([head, n, pad]) => `${head}${'z'.repeat(pad)}${n}`);
    const items = fc.array(fc.tuple(id, fc.nat(2)), { maxLength: 40 });
    fc.assert(
      fc.property(items, items, (left, right) => {
        const naive = new Map<string, number>();
        const build = (entries: [string, number][]): [BranchSet, FunctionSet] => {
          const b = new BranchSetBuilder();
          const f = new FunctionSetBuilder(table);
          for (const [text, hits] of entries) {
            b.addLcov(`1,${text}`, 0, text.length + 2, hits);
            f.add(text, hits > 0);
            naive.set(text, Math.max(naive.get(text) ?? 0, hits));
          }
          return [b.build(), f.build()];
        };
        const table = new NameTable();
        const [lb, lf] = build(left);
        const [rb, rf] = build(right);
        const want = { covered: [...naive.values()].filter((h) => h > 0).length, total: naive.size };
        expect(countOf(lb.union(rb))).toEqual(want);
        expect(countOf(combineItems(lf, rf) as FunctionSet)).toEqual(want);
        // across reads (different name tables) they merge by identity too
        const other = new FunctionSetBuilder(new NameTable());
        for (const [text, hits] of right) other.add(text, hits > 0);
        expect(countOf(combineItems(lf, other.build()))).toEqual(want);
        // no kept identity is longer than a hash
        for (const key of [...(lb.union(rb).named?.keys() ?? []), ...table.names]) expect(key.length).toBeLessThanOrEqual(Math.max(45, ID_TEXT_CHARS));
      }),
      { numRuns: 150 },
    );
  });
});
