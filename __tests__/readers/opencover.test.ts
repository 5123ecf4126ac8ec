import { readFileSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Metrics } from '../../src/measure.js';
import { FORMATS } from '../../src/readers/index.js';
import type { BranchSet } from '../../src/readers/coverage.js';
import { opencover } from '../../src/readers/opencover.js';
import type { StatementCoverage } from '../../src/readers/statements.js';
import { runCli } from '../helpers/cli.js';
import { CONFORMANCE, bytesSource, context, evidenceError, fileSource, manifest } from '../helpers/evidence.js';

const DIR = path.join(CONFORMANCE, 'opencover/reportgenerator');
const read = (file: string): Promise<StatementCoverage> => opencover.read(fileSource(path.join(DIR, file), 211), context(file));
const readText = (text: string, chunk = 7): Promise<StatementCoverage> => opencover.read(bytesSource(text, chunk), context('inline.xml'));
const metricsOf = async (...models: Promise<StatementCoverage>[]): Promise<Metrics> => opencover.metrics(opencover.merge(await Promise.all(models)));

type Kinds = Partial<Record<'lines' | 'branches' | 'functions', [number, number]>>;
/** the exact metric set: a kind left out must yield no metric at all */
function expectKinds(metrics: Metrics, expected: Kinds): void {
  const want: Metrics = {};
  for (const [kind, [covered, total]] of Object.entries(expected)) {
    want[`${kind}.covered`] = { value: covered };
    want[`${kind}.total`] = { value: total };
    if (total > 0) want[kind] = { value: (covered / total) * 100, unit: '%' };
  }
  expect(metrics).toEqual(want);
}

/**
 * The manifest has no totals for these files (`expected: null`). The oracle is
 * __tests__/fixtures/opencover/verify.py, an ElementTree recount of the same rules
 * (`python3 verify.py <files>`), and each file's own <Summary>.
 */
describe('opencover: conformance corpus', () => {
  it('covers every opencover file of the manifest', () => {
    expect(manifest().filter((e) => e.format === 'opencover').map((e) => e.path).sort()).toEqual([
      'opencover/reportgenerator/OpenCover.xml',
      'opencover/reportgenerator/OpenCoverWithEmbeddedSource.xml',
      'opencover/reportgenerator/OpenCover_altcover.xml',
      'opencover/reportgenerator/OpenCover_coverlet.xml',
    ]);
  });

  it('OpenCover 4.6: 6 skipped modules left out; the declared 32/62 branch points outweigh the 8 BranchPoint elements (5 visited)', async () => {
    const model = await read('OpenCover.xml');
    // verify.py: sequence points 124/199 = Summary; methods 27/54 = Summary; lines 121/190
    expectKinds(opencover.metrics(model), { lines: [121, 190], branches: [32, 62], functions: [27, 54] });
    expect(opencover.notes!(model)).toEqual({
      branches: 'OpenCover.xml: its <Summary> declares 32 of 62 branch points, its elements hold 5 of 8; the declared reading counts',
      'branches.covered': expect.any(String),
      'branches.total': expect.any(String),
    });
  });

  it('coverlet: the elements equal the Summary (sequence points 156/255, branch points 9/14, methods 35/67), no note', async () => {
    // coverlet writes no visited="true": a method is covered by its visited sequence points
    const model = await read('OpenCover_coverlet.xml');
    expectKinds(opencover.metrics(model), { lines: [156, 255], branches: [9, 14], functions: [35, 67] });
    expect(opencover.notes!(model)).toEqual({});
  });

  it('AltCover: the declared 11/49 branch points outweigh the 10 elements (7 visited); methods without sequence points are not functions (22/39 as declared)', async () => {
    const model = await read('OpenCover_altcover.xml');
    expectKinds(opencover.metrics(model), { lines: [119, 180], branches: [11, 49], functions: [22, 39] });
    expect(opencover.notes!(model).branches).toMatch(/declares 11 of 49 branch points, its elements hold 7 of 10; the declared reading counts/);
  });

  it('AltCover with embedded source (a cut-down sample): the declared 0/44 branch points count, the rest by the elements, each with a note', async () => {
    const model = await read('OpenCoverWithEmbeddedSource.xml');
    expectKinds(opencover.metrics(model), { lines: [0, 2], branches: [0, 44], functions: [0, 1] });
    const notes = opencover.notes!(model);
    expect(notes.lines).toMatch(/declares 0 of 166 sequence points, its elements hold 0 of 2; the elements' reading counts/);
    expect(notes.functions).toMatch(/declares 0 of 38 methods, its elements hold 0 of 1/);
  });

  it('merged reports keep the declared branch points the elements do not hold (27 more covered of 54 more)', async () => {
    // the same report twice: its gap is one pseudo-file, counted once
    expectKinds(await metricsOf(read('OpenCover.xml'), read('OpenCover.xml')), { lines: [121, 190], branches: [32, 62], functions: [27, 54] });
    // with another report (sharing source files): the elements merge, and the gap adds to them
    const text = readFileSync(path.join(DIR, 'OpenCover.xml'), 'utf8');
    const withoutSummary = text.replace(/<Summary [^>]*\/>/, '');
    expect(withoutSummary.length).toBeLessThan(text.length);
    const elements = opencover.metrics(opencover.merge([await opencover.read(bytesSource(withoutSummary, 4096), context('OpenCover.xml')), await read('OpenCover_coverlet.xml')]));
    const m = await metricsOf(read('OpenCover.xml'), read('OpenCover_coverlet.xml'));
    expect([m['branches.covered']!.value, m['branches.total']!.value]).toEqual([elements['branches.covered']!.value + 27, elements['branches.total']!.value + 54]);
    expect(m['lines.total']).toEqual(elements['lines.total']);
  });

  it('is registered as opencover', () => {
    expect(FORMATS.opencover).toBe(opencover);
  });
});

interface Point {
  file: 1 | 2;
  sl: number;
  span: number;
  vc: number;
}

/** A session of one module with one method per point group, and a skipped module that must not count. */
function session(methods: { points: Point[]; branches: { sl: number; vc: number }[] }[], summary = ''): string {
  const body = methods
    .map(
      (m, i) => `<Method visited="false"><Name>System.Void C::M${i}()</Name><FileRef uid="1"/><SequencePoints>${m.points
        .map((p) => `<SequencePoint vc="${p.vc}" sl="${p.sl}" el="${p.sl + p.span}" fileid="${p.file}"/>`)
        .join('')}</SequencePoints><BranchPoints>${m.branches.map((b, k) => `<BranchPoint vc="${b.vc}" sl="${b.sl}" offset="${k}" path="0"/>`).join('')}</BranchPoints><MethodPoint vc="0"/></Method>`,
    )
    .join('');
  return `<?xml version="1.0"?><CoverageSession>${summary}<Modules>
<Module skippedDueTo="MissingPdb"><ModuleName>Skipped</ModuleName><Classes><Class><Methods><Method visited="true"><SequencePoints><SequencePoint vc="5" sl="1" el="1"/></SequencePoints></Method></Methods></Class></Classes></Module>
<Module><ModuleName>App</ModuleName><Files><File uid="1" fullPath="C:\\src\\A.cs"/><File uid="2" fullPath="C:\\src\\B.cs"/></Files><Classes><Class><FullName>C</FullName><Methods>${body}</Methods></Class>
<Class skippedDueTo="Filter"><Methods><Method><SequencePoints><SequencePoint vc="0" sl="3" el="3" fileid="1"/></SequencePoints></Method></Methods></Class></Classes></Module></Modules></CoverageSession>`;
}

describe('opencover: properties', () => {
  const point = fc.record({ file: fc.constantFrom(1 as const, 2 as const), sl: fc.integer({ min: 1, max: 20 }), span: fc.integer({ min: 0, max: 3 }), vc: fc.integer({ min: 0, max: 2 }) });
  const method = fc.record({ points: fc.array(point, { maxLength: 6 }), branches: fc.array(fc.record({ sl: fc.integer({ min: 1, max: 20 }), vc: fc.integer({ min: 0, max: 2 }) }), { maxLength: 4 }) });

  it('lines covered if any sequence point on them ran, functions by their sequence points, skipped modules and classes never counted', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(method, { minLength: 1, maxLength: 5 }), fc.integer({ min: 1, max: 40 }), async (methods, chunk) => {
        const lines = new Map<string, boolean>();
        let functions: [number, number] = [0, 0];
        let branches: [number, number] = [0, 0];
        for (const m of methods) {
          for (const p of m.points) for (let l = p.sl; l <= p.sl + p.span; l++) lines.set(`${p.file}:${l}`, (lines.get(`${p.file}:${l}`) ?? false) || p.vc > 0);
          if (m.points.length > 0) functions = [functions[0] + (m.points.some((p) => p.vc > 0) ? 1 : 0), functions[1] + 1];
          branches = [branches[0] + m.branches.filter((b) => b.vc > 0).length, branches[1] + m.branches.length];
        }
        const model = await readText(session(methods), chunk);
        // a session whose methods hold no point at all touches no source file: no metric
        const touched = methods.some((m) => m.points.length > 0 || m.branches.length > 0);
        const want: Kinds = touched ? { branches, functions } : {};
        if (lines.size > 0) want.lines = [[...lines.values()].filter(Boolean).length, lines.size];
        expectKinds(opencover.metrics(model), want);
      }),
      { numRuns: 150 },
    );
  });

  it('a Summary that disagrees wins when it reads worse, never when better, with a note either way', async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 0, max: 10 }), fc.integer({ min: 0, max: 10 }), async (covered, extra) => {
        // the elements: 2 branch points, 1 visited (50%)
        const methods = [{ points: [{ file: 1 as const, sl: 5, span: 0, vc: 1 }], branches: [{ sl: 5, vc: 1 }, { sl: 5, vc: 0 }] }];
        const total = covered + extra;
        const model = await readText(session(methods, `<Summary numBranchPoints="${total}" visitedBranchPoints="${covered}"/>`));
        const m = opencover.metrics(model);
        const declaredRate = total > 0 ? covered / total : Infinity;
        const want = declaredRate < 0.5 ? [covered, total] : [1, 2];
        expect([m['branches.covered']!.value, m['branches.total']!.value]).toEqual(want);
        expect(opencover.notes!(model).branches !== undefined).toBe(covered !== 1 || total !== 2);
      }),
      { numRuns: 80 },
    );
  });
});

describe('opencover: the reading rules on small sessions', () => {
  it('hidden (0xFEEFEE) and line-0 sequence points are not lines; a skipped method is nothing', async () => {
    const text = `<CoverageSession><Modules><Module><Files><File uid="1" fullPath="a.cs"/></Files><Classes><Class><Methods>
<Method><Name>M</Name><FileRef uid="1"/><SequencePoints><SequencePoint vc="1" sl="16707566" el="16707566"/><SequencePoint vc="0" sl="0" el="0"/><SequencePoint vc="1" sl="4" el="5"/></SequencePoints></Method>
<Method skippedDueTo="Attribute"><Name>N</Name><FileRef uid="1"/><SequencePoints><SequencePoint vc="0" sl="9" el="9"/></SequencePoints></Method>
</Methods></Class></Classes></Module></Modules></CoverageSession>`;
    expectKinds(opencover.metrics(await readText(text)), { lines: [2, 2], branches: [0, 0], functions: [1, 1] });
  });

  it('a method with a MethodPoint visit but no sequence point is not a function; one with a visited MethodPoint is covered', async () => {
    const text = `<CoverageSession><Modules><Module><Files><File uid="1" fullPath="a.cs"/></Files><Classes><Class><Methods>
<Method><Name>Abstract</Name><FileRef uid="1"/><SequencePoints/><MethodPoint vc="3"/></Method>
<Method><Name>Called</Name><FileRef uid="1"/><SequencePoints><SequencePoint vc="0" sl="4" el="4"/></SequencePoints><MethodPoint vc="1"/></Method>
</Methods></Class></Classes></Module></Modules></CoverageSession>`;
    expectKinds(opencover.metrics(await readText(text)), { lines: [0, 1], branches: [0, 0], functions: [1, 1] });
  });

  it('two reports of the same sources merge line by line and method by method', async () => {
    const run = (vc1: number, vc2: number): Promise<StatementCoverage> =>
      readText(`<CoverageSession><Modules><Module><Files><File uid="7" fullPath="C:\\s\\a.cs"/></Files><Classes><Class><Methods>
<Method><Name>A</Name><FileRef uid="7"/><SequencePoints><SequencePoint vc="${vc1}" sl="1" el="1"/></SequencePoints><BranchPoints><BranchPoint vc="${vc1}" sl="1" offset="4" path="0"/><BranchPoint vc="${vc2}" sl="1" offset="4" path="1"/></BranchPoints></Method>
<Method><Name>B</Name><FileRef uid="7"/><SequencePoints><SequencePoint vc="${vc2}" sl="3" el="3"/></SequencePoints></Method>
</Methods></Class></Classes></Module></Modules></CoverageSession>`);
    expectKinds(await metricsOf(run(1, 0), run(0, 1)), { lines: [2, 2], branches: [2, 2], functions: [2, 2] });
    expectKinds(await metricsOf(run(1, 0), run(1, 0)), { lines: [1, 2], branches: [1, 2], functions: [1, 2] });
  });

  it('places each branch point on its own line; where place is no identity, by method name, on no line', async () => {
    // Outer starts on line 2 at column 9 with points on lines 3 and 5; Lambda starts on line 3 at
    // column 20 (its points on line 3 are its own); Clash starts at column 9 too and has a point on
    // line 5, where Outer has: by place the two would be one branch, so Clash is keyed by name
    const text = `<CoverageSession><Modules><Module><Files><File uid="1" fullPath="a.cs"/></Files><Classes><Class><Methods>
<Method><Name>Outer</Name><FileRef uid="1"/><SequencePoints><SequencePoint vc="1" sl="2" sc="9" el="2"/></SequencePoints><BranchPoints><BranchPoint vc="1" sl="3"/><BranchPoint vc="0" sl="3"/><BranchPoint vc="0" sl="5"/></BranchPoints></Method>
<Method><Name>Lambda</Name><FileRef uid="1"/><SequencePoints><SequencePoint vc="1" sl="3" sc="20" el="3"/></SequencePoints><BranchPoints><BranchPoint vc="1" sl="3"/><BranchPoint vc="1" sl="3"/></BranchPoints></Method>
<Method><Name>Clash</Name><FileRef uid="1"/><SequencePoints><SequencePoint vc="1" sl="4" sc="9" el="4"/></SequencePoints><BranchPoints><BranchPoint vc="1" sl="5"/></BranchPoints></Method>
</Methods></Class></Classes></Module></Modules></CoverageSession>`;
    const model = await readText(text);
    expectKinds(opencover.metrics(model), { lines: [3, 3], branches: [4, 6], functions: [3, 3] });
    const branches = model.coverage.files.get('a.cs')!.branches as BranchSet;
    const placed: Array<[number, boolean]> = [];
    expect(branches.forEachLine((line, taken) => placed.push([line, taken]))).toBe(1);
    expect(placed.sort((a, b) => a[0] - b[0] || Number(a[1]) - Number(b[1]))).toEqual([[3, false], [3, true], [3, true], [3, true], [5, false]]);
  });
});

describe('opencover: bad input is refused', () => {
  const cases: [string, string, RegExp][] = [
    ['another root', '<coverage/>', /not an OpenCover report: the root element is <coverage>/],
    ['a sequence point outside a method', '<CoverageSession><SequencePoint vc="1" sl="1"/></CoverageSession>', /<SequencePoint> outside a <Method>/],
    ['a negative visit count', '<CoverageSession><Modules><Module><Classes><Class><Methods><Method><SequencePoints><SequencePoint vc="-1" sl="1"/></SequencePoints></Method></Methods></Class></Classes></Module></Modules></CoverageSession>', /vc is not a non-negative number/],
    ['an unknown file uid', '<CoverageSession><Modules><Module><Files><File uid="1" fullPath="a.cs"/></Files><Classes><Class><Methods><Method><SequencePoints><SequencePoint vc="1" sl="1" fileid="9"/></SequencePoints></Method></Methods></Class></Classes></Module></Modules></CoverageSession>', /file uid "9", which no <File> of its <Module> defines/],
    ['visited above the total', '<CoverageSession><Summary numSequencePoints="1" visitedSequencePoints="2"/></CoverageSession>', /visitedSequencePoints="2"> is above numSequencePoints="1"/],
    ['a huge span', '<CoverageSession><Modules><Module><Classes><Class><Methods><Method><SequencePoints><SequencePoint vc="1" sl="1" el="9000000"/></SequencePoints></Method></Methods></Class></Classes></Module></Modules></CoverageSession>', /spans more than 100000 lines/],
  ];
  for (const [what, input, message] of cases) {
    it(what, async () => {
      expect((await evidenceError(readText(input))).message).toMatch(message);
    });
  }

  it('a session without any module is no evidence (no metric), not 0% or 100%', async () => {
    expect(opencover.metrics(await readText('<CoverageSession><Modules/></CoverageSession>'))).toEqual({});
  });
});

describe('opencover: through the built CLI', () => {
  it('an AltCover report fails a branch threshold on its declared branch points, and the reason says so', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'rg-opencover-'));
    try {
      await mkdir(path.join(dir, 'ev'));
      await writeFile(path.join(dir, 'ev/coverage.opencover.xml'), await readFile(path.join(DIR, 'OpenCover_altcover.xml')));
      await writeFile(
        path.join(dir, 'gate.yml'),
        `version: 1
criteria:
  - id: dotnet-coverage
    evidence: { path: "*.opencover.xml", format: opencover }
    expect: { lines: ">= 60%", branches: ">= 50%" }
`,
      );
      const json = path.join(dir, 'report.json');
      const r = await runCli(['check', '--policy', path.join(dir, 'gate.yml'), '--evidence', path.join(dir, 'ev'), '--json', json]);
      expect(r.code).toBe(1);
      const report = JSON.parse(await readFile(json, 'utf8')) as { criteria: { status: string; reason: string; metrics: Record<string, number> }[] };
      expect(report.criteria[0]).toMatchObject({ status: 'failed' });
      expect(report.criteria[0]!.metrics['lines.total']).toBe(180);
      expect(report.criteria[0]!.reason).toMatch(/branches = 22\.4\d*%, expected >= 50% \(coverage\.opencover\.xml: its <Summary> declares 11 of 49 branch points/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }, 30_000);
});
