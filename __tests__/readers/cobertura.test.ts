import { describe, expect, it } from 'vitest';
import { cobertura } from '../../src/readers/cobertura.js';
import { COVERAGE_METRICS } from '../../src/readers/coverage.js';
import {
  type Expected,
  expectCoverage,
  manifestPaths,
  metricsOf,
  readConformance,
  readFixture,
  readText,
  rejects,
} from '../fixtures/coverage/helpers.js';

/**
 * Third-party corpus (manifest `expected: null`). Numbers recomputed by
 * __tests__/fixtures/coverage/verify.py (ElementTree, no code shared with the reader): distinct
 * (filename, line number) lines, covered if any listing has hits > 0; branches from the
 * condition-coverage "(c/t)"; functions = <method> elements, covered if one of their lines has
 * hits > 0. Where the file's own declared numbers agree, that is said; the functions counts also
 * equal the number of <method> elements whose own line-rate is above 0 (counted with grep).
 */
const CORPUS: Record<string, Expected> = {
  // = the root's lines-covered/lines-valid 24/36 and branches-covered/branches-valid 1/4
  'cobertura/reportgenerator/java/Cobertura2.1.1.xml': { lines: [24, 36], branches: [1, 4], functions: [8, 17] },
  'cobertura/reportgenerator/java/Cobertura2.1.1-MultiSource.xml': { lines: [24, 36], branches: [1, 4], functions: [8, 17] },
  // = the root's 156/255 and 9/14
  'cobertura/reportgenerator/csharp/Cobertura_coverlet.xml': { lines: [156, 255], branches: [9, 14], functions: [35, 67] },
  // no counts on the root; its line-rate 0.66483... = 121/182 counts 8 lines twice that are listed
  // under two classes of the same file; its branch-rate 0.2245 counts branch points that no
  // <line> carries (the lines' condition-coverage add up to 7/10)
  'cobertura/reportgenerator/csharp/Cobertura_altcover.xml': { lines: [116, 174], branches: [7, 10], functions: [22, 39] },
  // the root declares 3639/14183 lines and 992/6260 branches for a project this file does not
  // list; auto-property lines listed with hits 0 under the class but hits 1 under their setter
  // method count as covered (as in the matching lcov, where DA:6,0 and DA:6,1 repeat the line)
  'cobertura/reportgenerator/csharp/Cobertura_dotnettest_old.xml': { lines: [136, 199], branches: [11, 14], functions: [33, 60] },
  // root line-rate 0.120511 disagrees with the two unhit lines listed; no branch attribute, no
  // <method>: no branches or functions metric
  'cobertura/reportgenerator/cpp/Cobertura_CPPCoverage.xml': { lines: [0, 2] },
  // = the root's lines 1/2; the root declares branches-valid="1.0" but every line says
  // branch="false": 0 branches, counts only; lines only inside <method>, no class <lines>
  'cobertura/reportgenerator/other/Cobertura_Swift.xml': { lines: [1, 2], branches: [0, 0], functions: [1, 2] },
};

describe('cobertura: conformance corpus', () => {
  it('has an expectation for every cobertura file of the manifest', () => {
    expect(manifestPaths('cobertura')).toEqual(Object.keys(CORPUS).sort());
  });
  for (const [file, expected] of Object.entries(CORPUS)) {
    it(file, async () => {
      expectCoverage(await metricsOf(cobertura, readConformance(cobertura, file)), expected);
    });
  }
  it('normalizes Windows filenames', async () => {
    const model = await readConformance(cobertura, 'cobertura/reportgenerator/csharp/Cobertura_altcover.xml');
    expect([...model.files.keys()]).toContain('C:/temp/AbstractClass.cs');
  });
});

describe('cobertura: real tool output (__tests__/fixtures/coverage/make-fixtures.sh)', () => {
  it('gcovr 5.2 (gcc 12), two runs: empty <methods/> gives no functions metric', async () => {
    // oracle: gcovr --print-summary (lines 11/17, branches 6/12; run 2: 10/17, 4/12); its
    // functions 2/3 come from gcc, not from the XML, which has no <method>
    expectCoverage(await metricsOf(cobertura, readFixture(cobertura, 'gcovr-run1.xml')), { lines: [11, 17], branches: [6, 12] });
    expectCoverage(await metricsOf(cobertura, readFixture(cobertura, 'gcovr-run2.xml')), { lines: [10, 17], branches: [4, 12] });
  });
  it('merges two gcovr reports: lines exactly, branches per line at best', async () => {
    // gcovr on the .gcda holding both runs: 12/17 lines, 8/12 branches. Lines merge exactly.
    // condition-coverage has no branch identity: line 5 is 1/2 in both runs, but not the same
    // branch, so the merge can only keep 1/2 per line (6/12): a lower bound, never above the truth.
    const merged = await metricsOf(cobertura, readFixture(cobertura, 'gcovr-run1.xml'), readFixture(cobertura, 'gcovr-run2.xml'));
    expectCoverage(merged, { lines: [12, 17], branches: [6, 12] });
  });
  it('coverage.py 6.5 --branch, two runs and their merge', async () => {
    // oracle: the root attributes coverage.py writes, and `coverage report` (15 statements, 10 and
    // 3 missed). `coverage combine` of both runs: 13/15 lines, 7/8 branches; the merge keeps the
    // best run per line for branches (6/8, see above)
    expectCoverage(await metricsOf(cobertura, readFixture(cobertura, 'coveragepy-a.xml')), { lines: [5, 15], branches: [1, 8] });
    expectCoverage(await metricsOf(cobertura, readFixture(cobertura, 'coveragepy-b.xml')), { lines: [12, 15], branches: [6, 8] });
    const merged = await metricsOf(cobertura, readFixture(cobertura, 'coveragepy-a.xml'), readFixture(cobertura, 'coveragepy-b.xml'));
    expectCoverage(merged, { lines: [13, 15], branches: [6, 8] });
  });
  it('coverage.py on an empty module: line-rate="1" over nothing is not 100%', async () => {
    // root: lines-valid="0" line-rate="1" branches-valid="0" branch-rate="1", <lines/> empty
    expectCoverage(await metricsOf(cobertura, readFixture(cobertura, 'coveragepy-empty.xml')), { lines: [0, 0], branches: [0, 0] });
  });
});

const doc = (body: string, root = '<coverage>') => `<?xml version="1.0"?>\n${root}<packages><package name="p"><classes>${body}</classes></package></packages></coverage>`;

describe('cobertura: elements', () => {
  it('knows the coverage metrics', () => {
    expect(cobertura.knownMetrics).toEqual(COVERAGE_METRICS);
  });

  it('computes counts when the root has none, from lines, methods and condition-coverage', async () => {
    const xml = doc(
      '<class name="A" filename=".\\src\\a.py"><methods>' +
        '<method name="f" signature="()"><lines><line number="1" hits="2"/><line number="2" hits="1" branch="true" condition-coverage="50% (1/2)"/></lines></method>' +
        '<method name="g" signature="()"><lines><line number="5" hits="0"/></lines></method>' +
        '</methods><lines>' +
        // the same lines again under the class: not counted twice
        '<line number="1" hits="2"/><line number="2" hits="1" branch="true" condition-coverage="50% (1/2)"/><line number="5" hits="0"/><line number="7" hits="1.0"/>' +
        '</lines></class>',
      '<coverage line-rate="0.75" branch-rate="0.5">',
    );
    expectCoverage(await metricsOf(cobertura, readText(cobertura, xml)), { lines: [3, 4], branches: [1, 2], functions: [1, 2] });
    const model = await readText(cobertura, xml);
    expect([...model.files.keys()]).toEqual(['src/a.py']);
  });

  it('ignores the declared root counts when lines are listed', async () => {
    const xml = doc('<class name="A" filename="a"><lines><line number="1" hits="0"/></lines></class>', '<coverage lines-covered="10" lines-valid="10" line-rate="1">');
    expectCoverage(await metricsOf(cobertura, readText(cobertura, xml)), { lines: [0, 1] });
  });

  it('yields only the root rates, as percentages, when no <line> is listed', async () => {
    const xml = doc('', '<coverage line-rate="0.8125" branch-rate="0.5" lines-covered="13" lines-valid="16">');
    expectCoverage(await metricsOf(cobertura, readText(cobertura, xml)), { lines: { percent: 81.25 }, branches: { percent: 50 } });
    const noBranch = doc('', '<coverage line-rate="0.25">');
    expectCoverage(await metricsOf(cobertura, readText(cobertura, noBranch)), { lines: { percent: 25 } });
  });

  it('cannot merge a rates-only report with another', async () => {
    const ratesOnly = readText(cobertura, doc('', '<coverage line-rate="0.8">'));
    const other = readText(cobertura, doc('<class name="A" filename="a"><lines><line number="1" hits="1"/></lines></class>'));
    const models = await Promise.all([ratesOnly, other]);
    expect(() => cobertura.merge(models)).toThrow(/cannot merge inline with other coverage reports: it states only percentages/);
  });

  it('yields nothing for a <coverage> with neither lines nor rates', async () => {
    expectCoverage(await metricsOf(cobertura, readText(cobertura, doc(''))), {});
  });

  it('merges the same file of two reports line by line; different files add up', async () => {
    const a = doc('<class name="A" filename="src/a.py"><lines><line number="1" hits="1"/><line number="2" hits="0"/></lines></class>');
    const b = doc(
      '<class name="A" filename="./src/a.py"><lines><line number="1" hits="0"/><line number="2" hits="3"/><line number="3" hits="0"/></lines></class>' +
        '<class name="B" filename="src/b.py"><lines><line number="1" hits="0"/></lines></class>',
    );
    expectCoverage(await metricsOf(cobertura, readText(cobertura, a), readText(cobertura, b)), { lines: [2, 4] });
  });

  it('reads float counts, a BOM, CDATA-free entity-escaped names, and 1-byte chunks', async () => {
    const xml = '\ufeff' + doc('<class name="Gen&lt;T&gt;/&lt;M&gt;d__0" filename="a.cs"><lines><line number="3" hits="2.0" branch="True" condition-coverage="100% (4/4)"/></lines></class>', '<coverage branches-valid="4.0">');
    expectCoverage(await metricsOf(cobertura, readText(cobertura, xml, 1)), { lines: [1, 1], branches: [4, 4] });
  });

  it('never fetches the DTD', async () => {
    // a SYSTEM id that would hang or fail if fetched; the XML tokenizer never loads a DTD
    const xml = `<?xml version="1.0"?>\n<!DOCTYPE coverage SYSTEM "http://127.0.0.1:9/coverage-04.dtd">\n${doc('<class name="A" filename="a"><lines><line number="1" hits="1"/></lines></class>').split('\n')[1]}`;
    expectCoverage(await metricsOf(cobertura, readText(cobertura, xml)), { lines: [1, 1] });
  });
});

describe('cobertura: malformed input is an error, never zeros', () => {
  const cases: [string, string, RegExp][] = [
    ['empty file', '', /document must contain a root element/],
    ['not XML', 'SF:x\nDA:1,1\nend_of_record\n', /text data outside of root node/],
    ['truncated XML', '<coverage><packages><package name="p"><classes><class name="A" filename="a"><lines><line number="1" hits="1"/><line numb', /unclosed tag: lines/],
    ['another XML format (JUnit)', '<testsuites><testsuite name="x" tests="1"/></testsuites>', /not a Cobertura report: the root element is <testsuites>, expected <coverage>/],
    ['JaCoCo', '<report name="x"><counter type="LINE" missed="1" covered="1"/></report>', /not a Cobertura report: the root element is <report>/],
    ['Clover (also <coverage>)', '<coverage generated="1" clover="4"><project><file name="a.php"><class name="A"/><line num="1" count="1" type="stmt"/></file></project></coverage>', /<class name="A"> has no filename attribute/],
    ['a line outside a class', '<coverage><line number="1" hits="1"/></coverage>', /<line> outside a <class>/],
    ['hits not a number', doc('<class name="A" filename="a"><lines><line number="1" hits="many"/></lines></class>'), /hits is not a non-negative number: "many"/],
    ['hits missing', doc('<class name="A" filename="a"><lines><line number="1"/></lines></class>'), /hits is missing/],
    ['negative hits', doc('<class name="A" filename="a"><lines><line number="1" hits="-1"/></lines></class>'), /hits is not a non-negative number/],
    ['bad line number', doc('<class name="A" filename="a"><lines><line number="1.5" hits="1"/></lines></class>'), /number 1.5 is not a line number/],
    ['bad condition-coverage', doc('<class name="A" filename="a"><lines><line number="1" hits="1" branch="true" condition-coverage="50%"/></lines></class>'), /condition-coverage "50%" is not/],
    ['condition-coverage above its total', doc('<class name="A" filename="a"><lines><line number="1" hits="1" condition-coverage="150% (3/2)"/></lines></class>'), /condition-coverage/],
    ['line-rate above 1', doc('', '<coverage line-rate="81">'), /line-rate="81"> is not a 0-1 fraction/],
    ['an external entity', '<?xml version="1.0"?><!DOCTYPE coverage [<!ENTITY x SYSTEM "file:///etc/passwd">]><coverage>&x;</coverage>', /undefined entity/],
  ];
  for (const [what, text, message] of cases) {
    it(what, async () => {
      await rejects(readText(cobertura, text), message);
    });
  }

  it('says where truncated XML broke', async () => {
    const err = await rejects(readText(cobertura, '<coverage>\n<packages>\n<package name="p">'), /unclosed tag: package/);
    expect(err.position?.line).toBe(3);
  });
});

describe('cobertura: identities of any length in bounded memory', () => {
  it('long file, class and method names count and merge as short ones, each kept as a hash', async () => {
    const report = (pad: string, hits: number): string =>
      doc(
        [0, 1, 2]
          .map(
            (i) =>
              `<class name="C${i}${pad}" filename="src/${pad}${i}.py"><methods>` +
              `<method name="f${pad}" signature="()"><lines><line number="1" hits="${hits}"/><line number="2" hits="${i}" branch="true" condition-coverage="50% (1/2)"/></lines></method>` +
              `<method name="g${pad}" signature="(${pad})"><lines><line number="5" hits="0"/></lines></method></methods>` +
              `<lines><line number="1" hits="${hits}"/><line number="2" hits="${i}"/><line number="5" hits="0"/></lines></class>`,
          )
          .join(''),
      );
    const pad = '~'.repeat(300_000);
    const long = await metricsOf(cobertura, readText(cobertura, report(pad, 0), 65536), readText(cobertura, report(pad, 3), 65536));
    expect(long).toEqual(await metricsOf(cobertura, readText(cobertura, report('', 0)), readText(cobertura, report('', 3))));
    const model = await readText(cobertura, report(pad, 1), 65536);
    expect(model.files.size).toBe(3);
    for (const [path, file] of model.files) {
      expect(path.length).toBeLessThanOrEqual(45);
      for (const id of file.functions instanceof Map ? file.functions.keys() : []) expect(id.length).toBeLessThanOrEqual(45);
    }
  });
});
