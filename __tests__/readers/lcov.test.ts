import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { lcov } from '../../src/readers/lcov.js';
import { COVERAGE_METRICS, countOf } from '../../src/readers/coverage.js';
import { LIMITS } from '../../src/limits.js';
import {
  type Expected,
  expectCoverage,
  manifestPaths,
  metricsOf,
  read,
  readConformance,
  readFixture,
  readText,
  rejects,
} from '../fixtures/coverage/helpers.js';
import { CONFORMANCE, FIXTURES, bytesSource } from '../helpers/evidence.js';

/**
 * Third-party corpus (manifest `expected: null`, no upstream oracle). Numbers recomputed by
 * __tests__/fixtures/coverage/verify.py (stdlib Python, regex-based, sharing no code with the
 * reader) and checked against what each file declares about itself:
 */
const CORPUS: Record<string, Expected> = {
  // 3 records, 19 DA lines, 17 hit: equal to the sums of its own LF (4+11+4) / LH (4+9+4) and
  // FNF/FNH (2+1, all hit). sub\calculator.cpp and calculator.cpp are different files and add up.
  // No BRDA/BRF record at all: no branch metric.
  'lcov/reportgenerator/cpp/lcov.info': { lines: [17, 19], functions: [3, 3] },
  // coverlet repeats DA for one line (auto-properties): LF sums to 199 and LH to 124, but there
  // are 184 distinct lines of which 118 are hit (a line counts once, covered if any DA hits it).
  // Branches 5/8 = the sums of BRH/BRF. Functions: 54 FN names, 27 with FNDA > 0 (= the FNH sum);
  // the FNF sum is 57 because ClassWithExcludes.cs declares FNF:6 for its 3 FN records.
  'lcov/reportgenerator/csharp/lcov.info': { lines: [118, 184], branches: [5, 8], functions: [27, 54] },
};

describe('lcov: conformance corpus', () => {
  it('has an expectation for every lcov file of the manifest', () => {
    expect(manifestPaths('lcov')).toEqual(Object.keys(CORPUS).sort());
  });
  for (const [file, expected] of Object.entries(CORPUS)) {
    it(file, async () => {
      expectCoverage(await metricsOf(lcov, readConformance(lcov, file)), expected);
    });
  }
});

describe('lcov: real tool output (__tests__/fixtures/coverage/make-fixtures.sh)', () => {
  // oracle: `lcov --summary --rc lcov_branch_coverage=1` (lcov 1.16) on each file
  it('gcc 12 + lcov 1.16 capture, run 1 (no LF/LH summary lines at all)', async () => {
    expectCoverage(await metricsOf(lcov, readFixture(lcov, 'gcc-run1.info')), { lines: [11, 17], branches: [6, 12], functions: [2, 3] });
  });
  it('gcc 12 + lcov 1.16 capture, run 2 (BRDA taken "-" for a never evaluated branch)', async () => {
    expectCoverage(await metricsOf(lcov, readFixture(lcov, 'gcc-run2.info')), { lines: [10, 17], branches: [4, 12], functions: [2, 3] });
  });
  it('merges two runs of the same file line by line and branch by branch (oracle: lcov -a, gcovr on both runs)', async () => {
    // `lcov -a run1 -a run2` then --summary: 12/17 lines, 8/12 branches, 2/3 functions; gcovr
    // on the .gcda holding both runs says the same.
    const merged = await metricsOf(lcov, readFixture(lcov, 'gcc-run1.info'), readFixture(lcov, 'gcc-run2.info'));
    expectCoverage(merged, { lines: [12, 17], branches: [8, 12], functions: [2, 3] });
  });
  it('coverage.py 6.5 lcov: DA with a checksum field, BRDA "-", no FN records', async () => {
    // oracle: lcov --summary (5/15 lines, 1/8 branches, "functions: no data found"), and the file's
    // own LF/LH/BRF/BRH
    expectCoverage(await metricsOf(lcov, readFixture(lcov, 'coveragepy-a.info')), { lines: [5, 15], branches: [1, 8] });
  });
  it('vitest (v8 → istanbul lcovonly) reports of two test files, and their merge', async () => {
    // oracle: lcov --summary of each; the merge equals the coverage of one vitest run of both test
    // files (its text reporter: 62.5% lines, 70% branches, 75% functions; lcov --summary of its
    // lcov.info: 5/8, 7/10, 3/4)
    expectCoverage(await metricsOf(lcov, readFixture(lcov, 'vitest-a.info')), { lines: [4, 8], branches: [3, 10], functions: [2, 4] });
    expectCoverage(await metricsOf(lcov, readFixture(lcov, 'vitest-b.info')), { lines: [2, 8], branches: [4, 10], functions: [2, 4] });
    const merged = await metricsOf(lcov, readFixture(lcov, 'vitest-a.info'), readFixture(lcov, 'vitest-b.info'));
    expectCoverage(merged, { lines: [5, 8], branches: [7, 10], functions: [3, 4] });
  });
});

describe('lcov: records', () => {
  it('knows the coverage metrics', () => {
    expect(lcov.knownMetrics).toEqual(COVERAGE_METRICS);
    expect(lcov.name).toBe('lcov');
  });

  it('merges a file repeated in one report (one record per test name, paths normalized)', async () => {
    const text = [
      'TN:unit', 'SF:src\\a.c', 'DA:1,1', 'DA:2,0', 'DA:3,0', 'BRDA:2,0,0,1', 'BRDA:2,0,1,0', 'FN:1,f', 'FN:3,g', 'FNDA:1,f', 'FNDA:0,g', 'end_of_record',
      'TN:e2e', 'SF:./src/a.c', 'DA:1,0', 'DA:2,4', 'DA:4,0', 'BRDA:2,0,0,0', 'BRDA:2,0,1,-', 'FN:3,g', 'FNDA:2,g', 'end_of_record',
      'SF:src/b.c', 'DA:1,1', 'end_of_record',
    ].join('\n');
    // a.c: lines 1,2 hit of 1,2,3,4; branches: (2,0,0) hit, (2,0,1) never; f and g both ran
    expectCoverage(await metricsOf(lcov, readText(lcov, text)), { lines: [3, 5], branches: [1, 2], functions: [2, 2] });
  });

  it('keeps many files compactly, finds each again by path and merges repeats', async () => {
    const records: string[] = [];
    for (let f = 0; f < 5000; f++) {
      records.push(`SF:src/dir${f % 7}/f${f}.c`, `DA:1,${f % 2}`, `DA:${2 + (f % 300)},1`, `BRDA:1,0,0,${f % 3}`, `FN:1,main${f % 5}`, `FNDA:${f % 4},main${f % 5}`, 'end_of_record');
    }
    // a second record of some files (a different test name): merged item by item
    records.push('TN:again', 'SF:./src/dir3/f3.c', 'DA:1,5', 'DA:1000,0', 'BRDA:1,0,1,1', 'FN:1,other', 'end_of_record');
    records.push('SF:src\\dir0\\f4998.c', 'LF:10', 'LH:10', 'end_of_record');
    const model = await readText(lcov, `${records.join('\n')}\n`, 4096);
    expect(model.files.size).toBe(5000);
    expect([...model.files.keys()].slice(0, 3)).toEqual(['src/dir0/f0.c', 'src/dir1/f1.c', 'src/dir2/f2.c']);
    expect(model.files.has('src/dir1/f4999.c')).toBe(true);
    expect(model.files.has('src/dir6/f5000.c')).toBe(false);
    const f3 = model.files.get('src/dir3/f3.c')!;
    expect(countOf(f3.lines!)).toEqual({ covered: 2, total: 3 });
    expect(countOf(f3.branches!)).toEqual({ covered: 1, total: 2 });
    expect(countOf(f3.functions!)).toEqual({ covered: 1, total: 2 });
    // detail and bare totals of one file: the one with the most covered
    expect(countOf(model.files.get('src/dir0/f4998.c')!.lines!)).toEqual({ covered: 10, total: 10 });
    let lines = 0;
    for (const [, file] of model.files) lines += countOf(file.lines!).total;
    expect(lines).toBe(5000 * 2 + 1 + 10 - 2);
    // and a merge with another read of the same files
    const again = await readText(lcov, 'SF:src/dir0/f0.c\nDA:1,1\nFN:1,main0\nFNDA:1,main0\nend_of_record\n');
    const merged = lcov.merge([model, again]);
    expect(countOf(merged.files.get('src/dir0/f0.c')!.lines!)).toEqual({ covered: 2, total: 2 });
    expect(countOf(merged.files.get('src/dir0/f0.c')!.functions!)).toEqual({ covered: 1, total: 1 });
  });

  it('reads DA and BRDA the same from bytes in any chunking (CRLF, checksums, split lines)', async () => {
    const text = 'TN:\r\nSF:x\r\nDA:1,0\r\nDA:2,3,abc==\r\nDA:3,0,\u00e9t\u00e9\r\nBRDA:2,0,0,-\r\nBRDA:2,0,1,7\r\nBRDA:02,0,1,0\r\nDA:4,1\r\nend_of_record';
    for (const chunk of [1, 2, 5, 13, 4096]) {
      expectCoverage(await metricsOf(lcov, readText(lcov, text, chunk)), { lines: [2, 4], branches: [1, 3] });
    }
  });

  it('refuses a line longer than LIMITS.lineBytes, naming it, however it is chunked', async () => {
    const limits = { ...LIMITS, lineBytes: 20 };
    for (const chunk of [1, 7, 4096]) {
      const long = 'SF:x\nDA:1,1\nDA:2,1234567890123456789\nend_of_record\n';
      await expect(lcov.read(bytesSource(long, chunk), { name: 'x', metrics: {}, limits })).rejects.toThrow(/^line 3 is longer than 20 bytes/);
      const unended = 'SF:x\nDA:1,1\nDA:2,1234567890123456789';
      await expect(lcov.read(bytesSource(unended, chunk), { name: 'x', metrics: {}, limits })).rejects.toThrow(/^line 3 is longer than 20 bytes/);
      const fits = 'SF:x\nDA:1,1\nDA:2,123456789012345\r\nend_of_record\n';
      expectCoverage(lcov.metrics(await lcov.read(bytesSource(fits, chunk), { name: 'x', metrics: {}, limits })), { lines: [2, 2] });
    }
  });

  it('keeps a repeated DA line once, covered if any DA hits it', async () => {
    const text = 'SF:x\nDA:5,0\nDA:5,3\nDA:5,0\nDA:6,0\nLF:4\nLH:1\nend_of_record\n';
    expectCoverage(await metricsOf(lcov, readText(lcov, text)), { lines: [1, 2] });
  });

  it('reads BRDA taken "-" as not taken, flags and commas in branch expressions', async () => {
    const text = [
      'SF:x', 'DA:10,1',
      'BRDA:10,0,0,-', 'BRDA:10,0,1,-', // block never evaluated
      'BRDA:10,e1,0,3', // exception branch
      'BRDA:10,2,f(a, b) > 0,1', 'BRDA:10,2,!f(a, b) > 0,0', // lcov 2.x expression names with commas
      'end_of_record',
    ].join('\n');
    expectCoverage(await metricsOf(lcov, readText(lcov, text)), { lines: [1, 1], branches: [2, 5] });
  });

  it('reads lcov 2.2 FNL/FNA function groups: covered if any alias ran, counted once per group', async () => {
    // handwritten from geninfo(1) of lcov 2.2 ("FNL:<index>,<line>[,<end line>]",
    // "FNA:<index>,<execution count>,<name>"); lcov 2.2 itself is not packaged for Debian 12
    const text = [
      'VER:abc123', 'SF:/src/tmpl.cpp',
      'FNL:0,3,9', 'FNA:0,0,_Z3maxIiET_S0_S0_', 'FNA:0,5,_Z3maxIdET_S0_S0_', // two instantiations, one ran
      'FNL:1,12', 'FNA:1,0,unused',
      'FNL:2,20,30', 'FNA:2,1,main',
      'FNF:3', 'FNH:2', 'DA:3,5', 'DA:12,0', 'DA:20,1', 'LF:3', 'LH:2',
      'end_of_record',
    ].join('\n');
    expectCoverage(await metricsOf(lcov, readText(lcov, text)), { lines: [2, 3], functions: [2, 3] });
  });

  it('reads FN with an end line (gcc >= 9) and names with commas', async () => {
    const text = [
      'SF:x', 'FN:3,9,main', 'FN:10,System.Void A::B(System.String,System.Int32)', 'FNDA:1,main',
      'FNDA:0,System.Void A::B(System.String,System.Int32)', 'end_of_record',
    ].join('\n');
    expectCoverage(await metricsOf(lcov, readText(lcov, text)), { functions: [1, 2] });
  });

  it('uses LF/LH, BRF/BRH, FNF/FNH only for a kind without detail records', async () => {
    const text = 'TN:\nSF:x\nFNF:4\nFNH:1\nBRF:0\nBRH:0\nDA:1,1\nDA:2,0\nLF:9\nLH:9\nend_of_record\n';
    // lines from DA (not LF 9/LH 9); functions from FNF/FNH; 0 branches: counts, no percentage
    expectCoverage(await metricsOf(lcov, readText(lcov, text)), { lines: [1, 2], branches: [0, 0], functions: [1, 4] });
  });

  it('yields no percentage for a kind with nothing to cover', async () => {
    const text = 'SF:empty.c\nLF:0\nLH:0\nend_of_record\n';
    expectCoverage(await metricsOf(lcov, readText(lcov, text)), { lines: [0, 0] });
  });

  it('handles CRLF, a BOM, comments, blank lines and tiny chunks', async () => {
    const text = '\ufeff#comment\r\nTN:\r\n\r\nSF:C:\\src\\a.c\r\nDA:1,1\r\nDA:2,0\r\nBRDA:1,0,0,-\r\nend_of_record\r\n';
    for (const chunk of [1, 2, 3, 5]) {
      expectCoverage(await metricsOf(lcov, readText(lcov, text, chunk)), { lines: [1, 2], branches: [0, 1] });
    }
    const model = await readText(lcov, text, 1);
    expect([...model.files.keys()]).toEqual(['C:/src/a.c']);
  });

  it('reads the corpus file in 1-byte chunks to the same numbers', async () => {
    const text = readFileSync(`${CONFORMANCE}/lcov/reportgenerator/csharp/lcov.info`, 'utf8');
    expectCoverage(await metricsOf(lcov, readText(lcov, text, 1)), CORPUS['lcov/reportgenerator/csharp/lcov.info']!);
  });

  it('accepts large and non-integer hit counts', async () => {
    const text = 'SF:x\nDA:1,18446744073709551615\nDA:2,0.5\nDA:3,0\nend_of_record\n';
    expectCoverage(await metricsOf(lcov, readText(lcov, text)), { lines: [2, 3] });
  });
});

describe('lcov: negative counts (a V8-to-Istanbul bug) read as not covered, with the reason', () => {
  // A real record of this project's own coverage, written by vitest 5.1's V8 provider in .ci/run:
  // `BRDA:79,17,1,-66` for a branch its other arm shows was evaluated 278 times
  // (ast-v8-to-istanbul#148). The record states BRH:70 of BRF:82. Refusing the file would leave
  // every vitest user whose code hits this bug without coverage evidence for good.
  const file = `${FIXTURES}/coverage/vitest-v8/negative-branch.info`;

  it('the negative branch counts as not taken, the rest as written, and the note says where and why', async () => {
    const model = await lcov.read(bytesSource(readFileSync(file)), { name: 'lcov.info', metrics: {}, limits: LIMITS });
    const text = readFileSync(file, 'utf8');
    const taken = [...text.matchAll(/^BRDA:\d+,\d+,\d+,(-?\d+|-)$/gm)].map((m) => m[1]!);
    const positive = taken.filter((t) => t !== '-' && Number(t) > 0).length;
    expect(lcov.metrics(model)).toMatchObject({ 'branches.covered': { value: positive }, 'branches.total': { value: taken.length }, 'lines.covered': { value: 49 } });
    expect(positive).toBe(70); // = BRH:70: Istanbul's own summary does not count the -66 as hit either
    expect(lcov.notes!(model)).toEqual({
      branches: expect.stringMatching(/^line 114 of the lcov file has a negative count \(BRDA:79,17,1,-66\).*ast-v8-to-istanbul#148.*not covered/),
      'branches.covered': expect.any(String),
      'branches.total': expect.any(String),
    });
  });

  it('on any record kind, a negative integer never raises coverage above the same file with 0', async () => {
    for (const [negative, zero] of <[string, string][]>[
      ['SF:x\nDA:1,-3\nDA:2,1\nend_of_record\n', 'SF:x\nDA:1,0\nDA:2,1\nend_of_record\n'],
      ['SF:x\nBRDA:1,0,0,-7\nBRDA:1,0,1,2\nend_of_record\n', 'SF:x\nBRDA:1,0,0,0\nBRDA:1,0,1,2\nend_of_record\n'],
      ['SF:x\nFN:1,f\nFNDA:-2,f\nend_of_record\n', 'SF:x\nFN:1,f\nFNDA:0,f\nend_of_record\n'],
    ]) {
      const a = await metricsOf(lcov, readText(lcov, negative));
      const b = await metricsOf(lcov, readText(lcov, zero));
      expect(a).toEqual(b);
      expect(Object.keys(lcov.notes!(await readText(lcov, negative)))).toHaveLength(3);
    }
  });

  it('a failing branch check carries the note into the criterion\'s reason', async () => {
    const { runCli } = await import('../helpers/cli.js');
    const { mkdtemp, writeFile, copyFile, mkdir } = await import('node:fs/promises');
    const { tmpdir } = await import('node:os');
    const dir = await mkdtemp(`${tmpdir()}/rg-lcov-neg-`);
    await mkdir(`${dir}/evidence`);
    await copyFile(file, `${dir}/evidence/lcov.info`);
    await writeFile(`${dir}/policy.yml`, 'version: 1\ncriteria:\n  - id: cov\n    evidence: { path: lcov.info, format: lcov }\n    expect: { branches: ">= 90%" }\n');
    const result = await runCli(['check', '--policy', `${dir}/policy.yml`, '--evidence', `${dir}/evidence`]);
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(/branches = 85\.37%, expected >= 90%.*negative count.*ast-v8-to-istanbul#148/s);
  });
});

describe('lcov: malformed input is an error, never zeros', () => {
  const cases: [string, string, RegExp, number | undefined][] = [
    ['empty file', '', /no SF: record/, undefined],
    ['only a test name', 'TN:x\n', /no SF: record/, undefined],
    ['JSON', '{"total": {}}\n', /not an lcov record/, 1],
    ['XML', '<?xml version="1.0"?>\n<coverage/>\n', /not an lcov record: "<\?xml version/, 1],
    ['garbage line inside a record', 'SF:x\nDA:1,1\nhello world\nend_of_record\n', /not an lcov record/, 3],
    ['unknown record', 'SF:x\nXY:1\nend_of_record\n', /unknown lcov record XY:/, 2],
    ['truncated (no end_of_record)', 'SF:x\nDA:1,1\nDA:2,', /DA: hit count/, 3],
    ['truncated after a full line', 'SF:x\nDA:1,1\n', /truncated lcov: the record for x opened at line 1 has no end_of_record/, 2],
    ['DA outside a record', 'DA:1,1\n', /DA: record outside/, 1],
    ['DA without count', 'SF:x\nDA:1\nend_of_record\n', /malformed DA:/, 2],
    ['DA with a bad line number', 'SF:x\nDA:x,1\nend_of_record\n', /DA: line number/, 2],
    ['DA with a huge line number', 'SF:x\nDA:99999999999,1\nend_of_record\n', /DA: line number out of range/, 2],
    ['fractional negative hit count', 'SF:x\nDA:1,-1.5\nend_of_record\n', /DA: hit count is not a non-negative number/, 2],
    ['BRDA with too few fields', 'SF:x\nBRDA:1,0,1\nend_of_record\n', /malformed BRDA:/, 2],
    ['BRDA with a bad taken count', 'SF:x\nBRDA:1,0,0,x\nend_of_record\n', /BRDA: taken count/, 2],
    ['FNA without FNL', 'SF:x\nFNA:0,1,main\nend_of_record\n', /no FNL: record defined/, 2],
    ['SF inside an open record', 'SF:x\nDA:1,1\nSF:y\nend_of_record\n', /before the end_of_record of the record opened at line 1/, 3],
    ['end_of_record without SF', 'end_of_record\n', /end_of_record record outside/, 1],
    ['SF without a path', 'SF:\nend_of_record\n', /SF: record without a path/, 1],
    ['LH above LF', 'SF:x\nLF:1\nLH:2\nend_of_record\n', /states LH:2 above LF:1/, undefined],
    ['LH without LF', 'SF:x\nLH:2\nend_of_record\n', /states LH without LF/, undefined],
    ['non-numeric summary', 'SF:x\nLF:many\nend_of_record\n', /LF: is not a line number/, 2],
  ];
  for (const [what, text, message, line] of cases) {
    it(what, async () => {
      const err = await rejects(readText(lcov, text), message);
      expect(err.position?.line).toBe(line);
    });
  }

  it('rejects binary garbage', async () => {
    const gzip = new Uint8Array([0x1f, 0x8b, 0x08, 0x00, 0xff, 0xfe, 0x0a]);
    await rejects(read(lcov, bytesSource(gzip), 'x.gz'), /not an lcov record/);
  });
});

describe('lcov: identities of any length in bounded memory', () => {
  /** The same tracefile with every SF path, function name and non-numeric branch block made `pad` characters longer. */
  const lengthen = (text: string, pad: number): string => {
    const long = (s: string): string => `${s}${'~'.repeat(pad)}`;
    return text
      .split('\n')
      .map((line) => {
        if (line.startsWith('SF:')) return `SF:${long(line.slice(3))}`;
        const fn = /^(FN:\d+,(?:\d+,)?|FNDA:\d+,|FNA:\d+,\d+,)(.*)$/.exec(line);
        if (fn) return `${fn[1]}${long(fn[2]!)}`;
        const brda = /^BRDA:(\d+),([^,]*),(.*),([-\d]+)$/.exec(line);
        if (brda) return `BRDA:${brda[1]},${long(`e${brda[2]}`)},${brda[3]},${brda[4]}`;
        return line;
      })
      .join('\n');
  };
  const short = (text: string): string => lengthen(text, 0);

  it('long SF paths, function names and branch ids count and merge as short ones, each kept as a hash', async () => {
    const run1 = readFileSync(new URL('../fixtures/coverage/gcc-run1.info', import.meta.url), 'utf8');
    const run2 = readFileSync(new URL('../fixtures/coverage/gcc-run2.info', import.meta.url), 'utf8');
    const vitest = readFileSync(new URL('../fixtures/coverage/vitest-a.info', import.meta.url), 'utf8');
    for (const pad of [LIMITS.lineBytes / 4, 5000]) {
      const merged = await metricsOf(lcov, readText(lcov, lengthen(run1, pad), 65536), readText(lcov, lengthen(run2, pad), 4096), readText(lcov, lengthen(vitest, pad), 65536));
      expect(merged).toEqual(await metricsOf(lcov, readText(lcov, short(run1)), readText(lcov, short(run2)), readText(lcov, short(vitest))));
      // a record of the same long path twice in one file merges as well
      const twice = await metricsOf(lcov, readText(lcov, `${lengthen(run1, pad)}${lengthen(run2, pad)}`, 65536));
      expect(twice).toEqual(await metricsOf(lcov, readText(lcov, `${short(run1)}${short(run2)}`)));
      const model = await readText(lcov, lengthen(run1, pad), 65536);
      for (const [path, file] of model.files) {
        expect(path.length).toBeLessThanOrEqual(45);
        const branches = file.branches as { named?: ReadonlyMap<string, number> };
        for (const id of branches.named?.keys() ?? []) expect(id.length).toBeLessThanOrEqual(45);
      }
    }
  });

  it('FNL/FNA function groups with MB-long indexes count as short ones; a line number past the range is refused', async () => {
    const groups = (index: (i: number) => string): string =>
      `SF:a.c\n${[0, 1, 2].map((i) => `FNL:${index(i)},${10 * i + 1}\nFNA:${index(i)},${i % 2},f${i}\nFNA:${index(i)},0,g${i}`).join('\n')}\nend_of_record\n`;
    const long = await metricsOf(lcov, readText(lcov, groups((i) => `${i}${'7'.repeat(300_000)}`), 65536));
    expect(long).toEqual(await metricsOf(lcov, readText(lcov, groups(String))));
    expectCoverage(long, { functions: [1, 3] });
    const err = await rejects(readText(lcov, `SF:a.c\nFNL:0,${'9'.repeat(400)}\nFNL:1,${'9'.repeat(401)}\nend_of_record\n`), /FNL: line number out of range/);
    expect(err.position?.line).toBe(2);
  });

  it('a message about a record with a long path quotes the start of the path', async () => {
    const err = await rejects(readText(lcov, `SF:${'p'.repeat(300_000)}\nLH:2\nend_of_record\n`, 65536), /states LH without LF/);
    expect(err.message).toBe(`the record for ${'p'.repeat(200)}… opened at line 1 states LH without LF and has no detail record`);
  });
});
