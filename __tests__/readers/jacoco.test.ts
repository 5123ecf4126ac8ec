import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { Metrics } from '../../src/measure.js';
import { JACOCO_METRICS, type JacocoModel, jacoco } from '../../src/readers/jacoco.js';
import { COVERAGE_METRICS } from '../../src/readers/coverage.js';
import {
  type Expected,
  expectCoverage,
  manifestPaths,
  metricsOf as allMetricsOf,
  readConformance,
  readFixture,
  readText,
  rejects,
} from '../fixtures/coverage/helpers.js';

const CHECK_METRICS = /^(instructions|complexity|classes)(\.|$)/;

/** The lines/branches/functions metrics (the check counters are asserted on their own below). */
async function metricsOf(...models: Parameters<typeof allMetricsOf>[1][]): Promise<Metrics> {
  const all = await allMetricsOf(jacoco, ...models);
  return Object.fromEntries(Object.entries(all).filter(([name]) => !CHECK_METRICS.test(name)));
}

/** instructions, complexity, classes: [covered, total] each, or absent */
type Check = Partial<Record<'instructions' | 'complexity' | 'classes', [number, number]>>;
async function checkMetricsOf(...models: Parameters<typeof allMetricsOf>[1][]): Promise<{ metrics: Metrics; notes: Record<string, string> }> {
  const model = jacoco.merge((await Promise.all(models)) as JacocoModel[]);
  const metrics = Object.fromEntries(Object.entries(jacoco.metrics(model)).filter(([name]) => CHECK_METRICS.test(name)));
  return { metrics, notes: jacoco.notes!(model) };
}
function checkExpected(expected: Check): Metrics {
  const want: Metrics = {};
  for (const [kind, [covered, total]] of Object.entries(expected)) {
    want[`${kind}.covered`] = { value: covered };
    want[`${kind}.total`] = { value: total };
    if (total > 0) want[kind] = { value: (covered / total) * 100, unit: '%' };
  }
  return want;
}

/**
 * Third-party corpus (manifest `expected: null`). The numbers are the `<report>`'s direct
 * LINE/BRANCH/METHOD counters (LINE missed 12 covered 26, BRANCH 3/1, METHOD 9/9 in both files),
 * read by __tests__/fixtures/coverage/verify.py with ElementTree; the same script recomputes them
 * from the <sourcefile> lines and the <method> counters and gets the same numbers, and so does the
 * reader's line-level merge (tested below).
 */
const CORPUS: Record<string, Expected> = {
  'jacoco/reportgenerator/JaCoCo0.7.7.xml': { lines: [26, 38], branches: [1, 4], functions: [9, 18] },
  'jacoco/reportgenerator/JaCoCo0.8.3.xml': { lines: [26, 38], branches: [1, 4], functions: [9, 18] },
};

describe('jacoco: conformance corpus', () => {
  it('has an expectation for every jacoco file of the manifest', () => {
    expect(manifestPaths('jacoco')).toEqual(Object.keys(CORPUS).sort());
  });
  for (const [file, expected] of Object.entries(CORPUS)) {
    it(`${file}: the report counters`, async () => {
      expectCoverage(await metricsOf(readConformance(jacoco, file)), expected);
    });
    it(`${file}: the line-level detail adds up to the report counters`, async () => {
      // merging a report with itself drops the counters and uses the <line>/<method> detail
      const detail = await metricsOf(readConformance(jacoco, file), readConformance(jacoco, file));
      expectCoverage(detail, expected);
    });
  }
  it('gives identical totals for both DTD versions, and merges them line by line', async () => {
    const merged = await metricsOf(
      readConformance(jacoco, 'jacoco/reportgenerator/JaCoCo0.7.7.xml'),
      readConformance(jacoco, 'jacoco/reportgenerator/JaCoCo0.8.3.xml'),
    );
    expectCoverage(merged, { lines: [26, 38], branches: [1, 4], functions: [9, 18] });
  });
});

describe('jacoco: real tool output (JaCoCo 0.8.6 agent + XMLFormatter, make-fixtures.sh)', () => {
  // oracle: the report counters JaCoCo computed itself (and verify.py's line-level recount)
  it('two runs', async () => {
    expectCoverage(await metricsOf(readFixture(jacoco, 'jacoco-run1.xml')), { lines: [8, 13], branches: [4, 8], functions: [2, 4] });
    expectCoverage(await metricsOf(readFixture(jacoco, 'jacoco-run2.xml')), { lines: [7, 13], branches: [2, 8], functions: [2, 4] });
  });
  it('merges two runs: lines and methods exactly, branches per line at best', async () => {
    // JaCoCo's own report from both exec files merged (jacoco-merged-by-jacoco.xml): LINE 9/13,
    // METHOD 2/4, BRANCH 6/8. The XML gives only per-line mb/cb counts, no branch identity: line 20
    // has 2/4 in run 1 and 1/4 in run 2, covering different branches, so the merge can only keep
    // 2/4 (4/8 in all): a lower bound, never above the truth.
    const merged = await metricsOf(readFixture(jacoco, 'jacoco-run1.xml'), readFixture(jacoco, 'jacoco-run2.xml'));
    expectCoverage(merged, { lines: [9, 13], branches: [4, 8], functions: [2, 4] });
    expectCoverage(await metricsOf(readFixture(jacoco, 'jacoco-merged-by-jacoco.xml')), { lines: [9, 13], branches: [6, 8], functions: [2, 4] });
  });
  it('a program without any branch: no BRANCH counter, no branches metric (not 0%, not 100%)', async () => {
    const m = await metricsOf(readFixture(jacoco, 'jacoco-nobranch.xml'));
    expectCoverage(m, { lines: [3, 6], functions: [2, 4] });
    expect(m).not.toHaveProperty('branches');
    expect(m).not.toHaveProperty('branches.total');
    // nor after a merge, which uses the line-level detail
    const twice = await metricsOf(readFixture(jacoco, 'jacoco-nobranch.xml'), readFixture(jacoco, 'jacoco-nobranch.xml'));
    expectCoverage(twice, { lines: [3, 6], functions: [2, 4] });
  });
  it('different reports add up (separate packages)', async () => {
    const sum = await metricsOf(readFixture(jacoco, 'jacoco-run1.xml'), readFixture(jacoco, 'jacoco-nobranch.xml'));
    expectCoverage(sum, { lines: [11, 19], branches: [4, 8], functions: [4, 8] });
  });
});

describe('jacoco: the check counters (instructions, complexity, classes)', () => {
  // oracle: the <report>'s direct INSTRUCTION/COMPLEXITY/CLASS counters JaCoCo wrote (read with
  // ElementTree: root.findall('counter')), the numbers JaCoCo's own check rule compares
  const cases: [string, (file: string) => ReturnType<typeof readFixture>, Check][] = [
    ['jacoco-run1.xml', (f) => readFixture(jacoco, f), { instructions: [23, 37], complexity: [2, 8], classes: [1, 1] }],
    ['jacoco-run2.xml', (f) => readFixture(jacoco, f), { instructions: [18, 37], complexity: [2, 8], classes: [1, 1] }],
    ['jacoco-merged-by-jacoco.xml', (f) => readFixture(jacoco, f), { instructions: [25, 37], complexity: [4, 8], classes: [1, 1] }],
    ['jacoco-nobranch.xml', (f) => readFixture(jacoco, f), { instructions: [8, 15], complexity: [2, 4], classes: [1, 1] }],
    ['jacoco/reportgenerator/JaCoCo0.7.7.xml', (f) => readConformance(jacoco, f), { instructions: [102, 173], complexity: [9, 20], classes: [6, 8] }],
    ['jacoco/reportgenerator/JaCoCo0.8.3.xml', (f) => readConformance(jacoco, f), { instructions: [96, 161], complexity: [9, 20], classes: [6, 8] }],
  ];
  for (const [file, load, expected] of cases) {
    it(`${file}: the report's own counters`, async () => {
      const { metrics, notes } = await checkMetricsOf(load(file));
      expect(metrics).toEqual(checkExpected(expected));
      expect(notes).toEqual({});
    });
  }

  it('only the direct <report> counters: nested ones repeat the numbers at every level', async () => {
    const nested = (type: string) => `<counter type="${type}" missed="5" covered="5"/>`;
    const xml = report(
      `<group name="g"><package name="p"><class name="p/A">${nested('INSTRUCTION')}${nested('COMPLEXITY')}${nested('CLASS')}</class>${nested('INSTRUCTION')}${nested('CLASS')}</package>${nested('COMPLEXITY')}</group>`,
      '<counter type="INSTRUCTION" missed="3" covered="2"/><counter type="COMPLEXITY" missed="1" covered="1"/><counter type="CLASS" missed="0" covered="1"/>',
    );
    for (const chunk of [1, 5, 64]) {
      expect((await checkMetricsOf(readText(jacoco, xml, chunk))).metrics).toEqual(checkExpected({ instructions: [2, 5], complexity: [1, 2], classes: [1, 1] }));
    }
  });

  it('a report without the counter: no metric, and a note that says why', async () => {
    const { metrics, notes } = await checkMetricsOf(readText(jacoco, report('', '<counter type="LINE" missed="1" covered="1"/><counter type="CLASS" missed="1" covered="0"/>')));
    expect(metrics).toEqual(checkExpected({ classes: [0, 1] }));
    for (const kind of ['instructions', 'complexity']) {
      for (const name of [kind, `${kind}.covered`, `${kind}.total`]) expect(notes[name]).toMatch(/the JaCoCo report has no (INSTRUCTION|COMPLEXITY) counter/);
    }
    expect(Object.keys(notes)).toHaveLength(6);
  });

  it('several reports: absent with a note (no detail to merge them by), never the numbers of one report', async () => {
    const { metrics, notes } = await checkMetricsOf(readFixture(jacoco, 'jacoco-run1.xml'), readFixture(jacoco, 'jacoco-run2.xml'));
    expect(metrics).toEqual({});
    expect(notes.instructions).toMatch(/one JaCoCo report's INSTRUCTION counter, and 2 reports matched/);
    expect(notes['classes.total']).toMatch(/CLASS counter, and 2 reports matched/);
    // three reports merged in two steps count as three
    const [a, b, c] = (await Promise.all(['jacoco-run1.xml', 'jacoco-run2.xml', 'jacoco-nobranch.xml'].map((f) => readFixture(jacoco, f)))) as JacocoModel[];
    expect(jacoco.notes!(jacoco.merge([jacoco.merge([a!, b!]), c!])).complexity).toMatch(/and 3 reports matched/);
  });

  it('two counters of one type in <report> are refused', async () => {
    await rejects(readText(jacoco, report('', '<counter type="COMPLEXITY" missed="1" covered="1"/><counter type="COMPLEXITY" missed="1" covered="1"/>')), /two COMPLEXITY counters/);
  });
});

const report = (body: string, counters: string) =>
  `<?xml version="1.0" encoding="UTF-8" standalone="yes"?><!DOCTYPE report PUBLIC "-//JACOCO//DTD Report 1.1//EN" "report.dtd"><report name="r"><sessioninfo id="s" start="1" dump="2"/>${body}${counters}</report>`;

describe('jacoco: elements', () => {
  it('knows the coverage metrics and the check counters', () => {
    expect(jacoco.knownMetrics).toEqual(JACOCO_METRICS);
    expect(JACOCO_METRICS).toMatchObject(COVERAGE_METRICS);
    for (const kind of ['instructions', 'complexity', 'classes']) {
      expect(JACOCO_METRICS).toMatchObject({ [kind]: '%', [`${kind}.covered`]: null, [`${kind}.total`]: null });
    }
  });

  it('uses only the report-level counters, not nested ones', async () => {
    const xml = report(
      '<group name="g"><package name="p"><class name="p/A" sourcefilename="A.java"><method name="m" desc="()V" line="1"><counter type="LINE" missed="1" covered="1"/><counter type="METHOD" missed="0" covered="1"/></method>' +
        '<counter type="LINE" missed="1" covered="1"/><counter type="METHOD" missed="0" covered="1"/></class>' +
        '<sourcefile name="A.java"><line nr="1" mi="0" ci="2" mb="0" cb="0"/><line nr="2" mi="3" ci="0" mb="0" cb="0"/><counter type="LINE" missed="1" covered="1"/></sourcefile>' +
        '<counter type="LINE" missed="1" covered="1"/></package><counter type="LINE" missed="1" covered="1"/></group>',
      '<counter type="INSTRUCTION" missed="3" covered="2"/><counter type="LINE" missed="1" covered="1"/><counter type="METHOD" missed="0" covered="1"/>',
    );
    expectCoverage(await metricsOf(readText(jacoco, xml)), { lines: [1, 2], functions: [1, 1] });
    expectCoverage(await metricsOf(readText(jacoco, xml, 1), readText(jacoco, xml, 3)), { lines: [1, 2], functions: [1, 1] });
  });

  it('an empty report (no counter at all) yields no metric', async () => {
    expectCoverage(await metricsOf(readText(jacoco, report('', ''))), {});
  });
});

describe('jacoco: malformed input is an error, never zeros', () => {
  const cases: [string, string, RegExp][] = [
    ['empty file', '', /document must contain a root element/],
    ['truncated', report('', '<counter type="LINE" missed="1" covered="1"/>').slice(0, 150), /unclosed tag: report/],
    ['Cobertura', '<coverage line-rate="1"/>', /not a JaCoCo report: the root element is <coverage>, expected <report>/],
    ['JUnit', '<testsuite tests="1"/>', /not a JaCoCo report: the root element is <testsuite>/],
    ['counter without covered', report('', '<counter type="LINE" missed="1"/>'), /<counter type="LINE"> covered is missing/],
    ['counter not a number', report('', '<counter type="BRANCH" missed="x" covered="1"/>'), /<counter type="BRANCH"> missed is not a non-negative number: "x"/],
    ['fractional counter', report('', '<counter type="LINE" missed="0.5" covered="1"/>'), /must be integers/],
    ['two LINE counters', report('', '<counter type="LINE" missed="1" covered="1"/><counter type="LINE" missed="1" covered="1"/>'), /two LINE counters/],
    ['line outside a sourcefile', report('<package name="p"><line nr="1" mi="0" ci="1" mb="0" cb="0"/></package>', ''), /<line> outside a <sourcefile>/],
    ['line with a missing attribute', report('<package name="p"><sourcefile name="A.java"><line nr="1" mi="0" ci="1"/></sourcefile></package>', ''), /<line nr="1"> mb is missing/],
    ['package without name', report('<package><class name="A"/></package>', ''), /<package> has no name attribute/],
  ];
  for (const [what, text, message] of cases) {
    it(what, async () => {
      await rejects(readText(jacoco, text), message);
    });
  }
});

describe('jacoco: identities of any length in bounded memory', () => {
  it('long package, class, method and source file names count and merge as short ones, each kept as a hash', async () => {
    const fixture = (name: string): string => readFileSync(new URL(`../fixtures/coverage/${name}`, import.meta.url), 'utf8');
    const lengthen = (xml: string, pad: string): string =>
      xml.replaceAll('name="demo', `name="demo${pad}`).replaceAll('<method name="', `<method name="${pad}`).replaceAll('<sourcefile name="', `<sourcefile name="${pad}`);
    const pad = '~'.repeat(300_000);
    const [run1, run2] = [fixture('jacoco-run1.xml'), fixture('jacoco-run2.xml')];
    const long = await metricsOf(readText(jacoco, lengthen(run1, pad), 65536), readText(jacoco, lengthen(run2, pad), 65536));
    expect(long).toEqual(await metricsOf(readText(jacoco, run1), readText(jacoco, run2)));
    const model = await readText(jacoco, lengthen(run1, pad), 65536);
    expect(model.files.size).toBeGreaterThan(1);
    for (const [path, file] of model.files) {
      expect(path.length).toBeLessThanOrEqual(45);
      for (const id of file.functions instanceof Map ? file.functions.keys() : []) expect(id.length).toBeLessThanOrEqual(45);
    }
  });
});
