/**
 * Patch coverage of every coverage format with line data, on the real reports in
 * __tests__/fixtures and the sources they were made from, committed in real git repositories; the
 * figures come from the BUILT CLI (`check --diff-base main --json`).
 *
 * The oracle is diff-cover's documented algorithm (diff-cover is on PyPI, not reachable here, so
 * this reimplements what its documentation and reporters describe, not its code): the changed
 * lines are the new-side lines of `git diff` from the merge base (read here from git's hunk headers
 * alone); a changed line counts when the coverage report lists it; it is covered when it ran;
 * lines the report does not list (comments, blank lines) are left out of both sides. Each
 * report's per-line data is read here by a deliberately simple, independent reading (a regex over
 * lcov DA lines or over the XML's line elements, JSON.parse for Istanbul), never by src/readers:
 * - lcov: DA:<line>,<hits>, hits added up per line (diff-cover's LcovCoverageReporter);
 * - Cobertura: <class filename><lines><line number hits> (not the <methods> copies); JaCoCo:
 *   <package name>/<sourcefile name> <line nr ci> (covered: ci > 0); Clover: <file path|name>
 *   <line num count type=stmt|cond> (method lines are not lines) — diff-cover's XmlCoverageReporter,
 *   where a line listed with 0 hits is a violation;
 * - formats diff-cover reads through a converter: Istanbul coverage-final.json as its lcov reporter
 *   writes it (a statement's start line, the most hits of the statements on it); a Go profile as
 *   gcov2lcov writes it (every line of a block with statements, covered if any block on it ran);
 *   OpenCover as ReportGenerator reads it (sl…el of each sequence point, covered if any ran).
 *
 * patch.branches (diff-cover has no branch figure): of the branches the report places on changed
 * lines, how many were taken, each report's branches read here independently as its format writes
 * them: lcov BRDA:<line>,<block>,<branch>,<taken> ('-' or 0: not taken); Cobertura's
 * condition-coverage="P% (covered/total)" of a line; JaCoCo's mb/cb of a line; Clover's cond lines
 * (Istanbul's count/truecount/falsecount: truecount of truecount+falsecount covered; OpenClover's
 * two outcomes, true and false); OpenCover's BranchPoints at their sl; Istanbul's b arrays at their
 * branchMap loc.start.line.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { CONFORMANCE, FIXTURES } from '../helpers/evidence.js';
import { alterLines, commit, criterion, gate, gitChangedLines, initRepo, type GateRun, type Tree } from './repo.js';

/** coverage path → line → covered */
type LineData = Map<string, Map<number, boolean>>;

function attr(attrs: string, name: string): string | undefined {
  const m = new RegExp(`(?:^|\\s)${name}="([^"]*)"`).exec(attrs);
  return m?.[1];
}

function xmlText(s: string): string {
  return s.replaceAll('&lt;', '<').replaceAll('&gt;', '>').replaceAll('&quot;', '"').replaceAll('&apos;', "'").replaceAll('&amp;', '&');
}

/** diff-cover's XML rule: a line is measured if listed, a violation if any listing has no hits. */
function xmlLine(data: LineData, file: string, line: number, hit: boolean): void {
  let lines = data.get(file);
  if (!lines) data.set(file, (lines = new Map()));
  lines.set(line, (lines.get(line) ?? true) && hit);
}

/** "covered if any" (lcov sums, converters' max). */
function anyLine(data: LineData, file: string, line: number, hit: boolean): void {
  let lines = data.get(file);
  if (!lines) data.set(file, (lines = new Map()));
  lines.set(line, (lines.get(line) ?? false) || hit);
}

const oracles = {
  lcov(text: string): LineData {
    const data: LineData = new Map();
    let file = '';
    for (const line of text.split(/\r?\n/)) {
      if (line.startsWith('SF:')) file = line.slice(3);
      const da = /^DA:(\d+),(\d+)/.exec(line);
      if (da) anyLine(data, file, Number(da[1]), Number(da[2]) > 0);
    }
    return data;
  },
  cobertura(text: string): LineData {
    const data: LineData = new Map();
    for (const cls of text.matchAll(/<class\b([^>]*)>([\s\S]*?)<\/class>/g)) {
      const file = xmlText(attr(cls[1]!, 'filename')!);
      const body = cls[2]!.replace(/<methods>[\s\S]*?<\/methods>/g, '');
      for (const l of body.matchAll(/<line\b([^>]*)>/g)) xmlLine(data, file, Number(attr(l[1]!, 'number')), Number(attr(l[1]!, 'hits')) > 0);
    }
    return data;
  },
  jacoco(text: string): LineData {
    const data: LineData = new Map();
    let pkg = '';
    let file = '';
    for (const m of text.matchAll(/<(package|sourcefile|line)\b([^>]*)>/g)) {
      if (m[1] === 'package') pkg = attr(m[2]!, 'name')!;
      else if (m[1] === 'sourcefile') file = `${pkg}/${attr(m[2]!, 'name')!}`;
      else xmlLine(data, file, Number(attr(m[2]!, 'nr')), Number(attr(m[2]!, 'ci')) > 0);
    }
    return data;
  },
  clover(text: string): LineData {
    const data: LineData = new Map();
    for (const f of text.matchAll(/<file\b([^>]*)>([\s\S]*?)<\/file>/g)) {
      const file = attr(f[1]!, 'path') ?? attr(f[1]!, 'name')!;
      for (const l of f[2]!.matchAll(/<line\b([^>]*)>/g)) {
        const type = attr(l[1]!, 'type');
        if (type === 'stmt' || type === 'cond') xmlLine(data, file, Number(attr(l[1]!, 'num')), Number(attr(l[1]!, 'count')) > 0);
      }
    }
    return data;
  },
  istanbul(text: string): LineData {
    const data: LineData = new Map();
    const json = JSON.parse(text) as Record<string, { statementMap: Record<string, { start: { line: number } }>; s: Record<string, number> }>;
    for (const [file, entry] of Object.entries(json)) {
      for (const [id, loc] of Object.entries(entry.statementMap)) anyLine(data, file, loc.start.line, entry.s[id]! > 0);
    }
    return data;
  },
  go(text: string): LineData {
    const data: LineData = new Map();
    for (const line of text.split('\n')) {
      const m = /^(.+):(\d+)\.\d+,(\d+)\.\d+ (\d+) (\d+)$/.exec(line);
      if (!m || m[4] === '0') continue;
      for (let l = Number(m[2]); l <= Number(m[3]); l++) anyLine(data, m[1]!, l, Number(m[5]) > 0);
    }
    return data;
  },
  opencover(text: string): LineData {
    const data: LineData = new Map();
    const files = new Map<string, string>();
    for (const m of text.matchAll(/<(File|FileRef|SequencePoint)\b([^>]*)>/g)) {
      if (m[1] === 'File') files.set(attr(m[2]!, 'uid')!, xmlText(attr(m[2]!, 'fullPath')!));
      if (m[1] !== 'SequencePoint') continue;
      const sl = Number(attr(m[2]!, 'sl'));
      const el = Number(attr(m[2]!, 'el') ?? sl);
      if (sl === 0 || sl === 0xfeefee) continue;
      for (let l = sl; l <= el; l++) anyLine(data, files.get(attr(m[2]!, 'fileid')!)!, l, Number(attr(m[2]!, 'vc')) > 0);
    }
    return data;
  },
};

/** coverage path → line → the branches on it: [covered, total] */
type BranchData = Map<string, Map<number, [number, number]>>;

function addBranches(data: BranchData, file: string, line: number, covered: number, total: number): void {
  let lines = data.get(file);
  if (!lines) data.set(file, (lines = new Map()));
  const [c, t] = lines.get(line) ?? [0, 0];
  lines.set(line, [c + covered, t + total]);
}

const branchOracles = {
  lcov(text: string): BranchData {
    const data: BranchData = new Map();
    let file = '';
    const seen = new Set<string>();
    for (const line of text.split(/\r?\n/)) {
      if (line.startsWith('SF:')) file = line.slice(3);
      const m = /^BRDA:(\d+),([^,]+),([^,]+),(\S+)$/.exec(line);
      // one branch once per file, however many records repeat it
      if (!m || seen.has(`${file}\0${m[1]},${m[2]},${m[3]}`)) continue;
      seen.add(`${file}\0${m[1]},${m[2]},${m[3]}`);
      addBranches(data, file, Number(m[1]), m[4] !== '-' && Number(m[4]) > 0 ? 1 : 0, 1);
    }
    return data;
  },
  cobertura(text: string): BranchData {
    const data: BranchData = new Map();
    const seen = new Set<string>();
    for (const cls of text.matchAll(/<class\b([^>]*)>([\s\S]*?)<\/class>/g)) {
      const file = xmlText(attr(cls[1]!, 'filename')!);
      const body = cls[2]!.replace(/<methods>[\s\S]*?<\/methods>/g, '');
      for (const l of body.matchAll(/<line\b([^>]*)>/g)) {
        const cc = /\((\d+)\/(\d+)\)/.exec(attr(l[1]!, 'condition-coverage') ?? '');
        const n = Number(attr(l[1]!, 'number'));
        if (!cc || attr(l[1]!, 'branch') !== 'true' || seen.has(`${file}\0${n}`)) continue;
        seen.add(`${file}\0${n}`);
        addBranches(data, file, n, Number(cc[1]), Number(cc[2]));
      }
    }
    return data;
  },
  jacoco(text: string): BranchData {
    const data: BranchData = new Map();
    let pkg = '';
    let file = '';
    for (const m of text.matchAll(/<(package|sourcefile|line)\b([^>]*)>/g)) {
      if (m[1] === 'package') pkg = attr(m[2]!, 'name')!;
      else if (m[1] === 'sourcefile') file = `${pkg}/${attr(m[2]!, 'name')!}`;
      else {
        const mb = Number(attr(m[2]!, 'mb'));
        const cb = Number(attr(m[2]!, 'cb'));
        if (mb + cb > 0) addBranches(data, file, Number(attr(m[2]!, 'nr')), cb, mb + cb);
      }
    }
    return data;
  },
  clover(text: string): BranchData {
    const data: BranchData = new Map();
    for (const f of text.matchAll(/<file\b([^>]*)>([\s\S]*?)<\/file>/g)) {
      const file = attr(f[1]!, 'path') ?? attr(f[1]!, 'name')!;
      for (const l of f[2]!.matchAll(/<line\b([^>]*)>/g)) {
        if (attr(l[1]!, 'type') !== 'cond') continue;
        const t = Number(attr(l[1]!, 'truecount'));
        const fc = Number(attr(l[1]!, 'falsecount'));
        const n = Number(attr(l[1]!, 'num'));
        if (attr(l[1]!, 'count') !== undefined) addBranches(data, file, n, t, t + fc);
        else addBranches(data, file, n, (t > 0 ? 1 : 0) + (fc > 0 ? 1 : 0), 2);
      }
    }
    return data;
  },
  opencover(text: string): BranchData {
    const data: BranchData = new Map();
    const files = new Map<string, string>();
    let fileRef = '';
    for (const m of text.matchAll(/<(File|FileRef|BranchPoint)\b([^>]*)>/g)) {
      if (m[1] === 'File') files.set(attr(m[2]!, 'uid')!, xmlText(attr(m[2]!, 'fullPath')!));
      else if (m[1] === 'FileRef') fileRef = attr(m[2]!, 'uid')!;
      else addBranches(data, files.get(attr(m[2]!, 'fileid') ?? fileRef)!, Number(attr(m[2]!, 'sl')), Number(attr(m[2]!, 'vc')) > 0 ? 1 : 0, 1);
    }
    return data;
  },
  istanbul(text: string): BranchData {
    const data: BranchData = new Map();
    const json = JSON.parse(text) as Record<string, { branchMap: Record<string, { loc: { start: { line: number } } }>; b: Record<string, number[]> }>;
    for (const [file, entry] of Object.entries(json)) {
      for (const [id, meta] of Object.entries(entry.branchMap)) {
        for (const n of entry.b[id]!) addBranches(data, file, meta.loc.start.line, n > 0 ? 1 : 0, 1);
      }
    }
    return data;
  },
};

/** A source file written by a heredoc of make-fixtures.sh (the script that made the coverage fixtures). */
function heredoc(script: string, target: string): string {
  const text = readFileSync(path.join(FIXTURES, script), 'utf8');
  const open = `cat > ${target} <<'EOF'\n`;
  const at = text.indexOf(open);
  if (at === -1) throw new Error(`${script} writes no ${target}`);
  const body = text.slice(at + open.length);
  return body.slice(0, body.indexOf('\nEOF\n') + 1);
}
const fixture = (p: string) => readFileSync(path.join(FIXTURES, p), 'utf8');

interface FormatCase {
  name: string;
  format: string;
  /** the coverage report's text, as the tool wrote it (or with its source paths rewritten, said) */
  report: string;
  reportName: string;
  oracle: (text: string) => LineData;
  /** the format places branches on lines: patch.branches is computed (else it is no metric of the format) */
  branchOracle?: (text: string) => BranchData;
  /** repository path → the head's content (the sources the report was made from) */
  sources: Record<string, string>;
  /** coverage path (as the report names it) → the repository path it must map to */
  mapping: Record<string, string>;
  /** repository paths the change adds (absent from the base) */
  added?: string[];
  pathMap?: Array<{ from: string; to: string }>;
  /** which lines the change touches (default: the odd ones) */
  pick?: (line: number) => boolean;
}

const covC = heredoc('coverage/make-fixtures.sh', 'calc.c');
const covPy = heredoc('coverage/make-fixtures.sh', 'shapes.py');
const vitestMath = heredoc('coverage/make-fixtures.sh', 'src/math.js');
const vitestText = heredoc('coverage/make-fixtures.sh', 'src/text.js');
const javaCalc = heredoc('coverage/make-fixtures.sh', 'src/demo/Calc.java');
const javaHello = heredoc('coverage/make-fixtures.sh', 'src/flat/Hello.java');
const goSources = {
  'go.mod': fixture('go-coverprofile/project/go.mod'),
  'calc/calc.go': fixture('go-coverprofile/project/calc/calc.go'),
  'calc/calc_test.go': fixture('go-coverprofile/project/calc/calc_test.go'),
  'shape/shape.go': fixture('go-coverprofile/project/shape/shape.go'),
  'shape/shape_test.go': fixture('go-coverprofile/project/shape/shape_test.go'),
};
const goMapping = { 'example.com/gocov/calc/calc.go': 'calc/calc.go', 'example.com/gocov/shape/shape.go': 'shape/shape.go' };

/**
 * OpenCover from coverlet (ReportGenerator's test data): its C# sources are not carried with it,
 * so each file stands in as lines of its length (patch coverage needs line positions only); its
 * `C:\temp\` paths name no repository root: the policy's path-map puts them under Test/.
 */
const openCoverText = readFileSync(path.join(CONFORMANCE, 'opencover/reportgenerator/OpenCover_coverlet.xml'), 'utf8');
const openCoverSources = (() => {
  const out: Record<string, string> = {};
  const mapping: Record<string, string> = {};
  for (const [file, lines] of oracles.opencover(openCoverText)) {
    const name = file.replace(/^C:\\temp\\/, '');
    const last = Math.max(...lines.keys()) + 2;
    out[`Test/${name}`] = Array.from({ length: last }, (_, i) => `// ${name} line ${i + 1}`).join('\n') + '\n';
    mapping[file] = `Test/${name}`;
  }
  return { out, mapping };
})();

const CASES: FormatCase[] = [
  {
    name: 'lcov from gcc/lcov (absolute /tmp path)',
    format: 'lcov',
    report: fixture('coverage/gcc-run1.info'),
    reportName: 'gcc.info',
    oracle: oracles.lcov,
    branchOracle: branchOracles.lcov,
    sources: { 'c/calc.c': covC },
    mapping: { '/tmp/release-gate-covfix/c/calc.c': 'c/calc.c' },
  },
  {
    name: 'lcov from coverage.py (a bare file name)',
    format: 'lcov',
    report: fixture('coverage/coveragepy-a.info'),
    reportName: 'py.info',
    oracle: oracles.lcov,
    branchOracle: branchOracles.lcov,
    sources: { 'py/shapes.py': covPy },
    mapping: { 'shapes.py': 'py/shapes.py' },
  },
  {
    // vitest wrote SF:src/math.js; rewritten to the path a GitHub-hosted Linux runner gives
    name: 'lcov from vitest, at /home/runner/work/app/app/',
    format: 'lcov',
    report: fixture('coverage/vitest-a.info').replaceAll('SF:src/', 'SF:/home/runner/work/app/app/src/'),
    reportName: 'vitest.info',
    oracle: oracles.lcov,
    branchOracle: branchOracles.lcov,
    sources: { 'src/math.js': vitestMath, 'src/text.js': vitestText },
    mapping: { '/home/runner/work/app/app/src/math.js': 'src/math.js', '/home/runner/work/app/app/src/text.js': 'src/text.js' },
  },
  {
    // the same, as a Windows runner writes it (D:\a\app\app\src\math.js)
    name: 'lcov from vitest, Windows separators',
    format: 'lcov',
    report: fixture('coverage/vitest-b.info').replace(/^SF:src\/(.*)$/gm, 'SF:D:\\a\\app\\app\\src\\$1'),
    reportName: 'vitest-win.info',
    oracle: oracles.lcov,
    branchOracle: branchOracles.lcov,
    pick: (n) => n % 2 === 0,
    sources: { 'src/math.js': vitestMath, 'src/text.js': vitestText },
    mapping: { 'D:\\a\\app\\app\\src\\math.js': 'src/math.js', 'D:\\a\\app\\app\\src\\text.js': 'src/text.js' },
  },
  {
    name: 'Cobertura from coverage.py',
    format: 'cobertura',
    report: fixture('coverage/coveragepy-a.xml'),
    reportName: 'coverage.xml',
    oracle: oracles.cobertura,
    branchOracle: branchOracles.cobertura,
    sources: { 'py/shapes.py': covPy },
    mapping: { 'shapes.py': 'py/shapes.py' },
  },
  {
    name: 'Cobertura from gcovr',
    format: 'cobertura',
    report: fixture('coverage/gcovr-run1.xml'),
    reportName: 'gcovr.xml',
    oracle: oracles.cobertura,
    branchOracle: branchOracles.cobertura,
    sources: { 'c/calc.c': covC },
    mapping: { 'calc.c': 'c/calc.c' },
  },
  {
    name: 'JaCoCo (package-relative paths under src/main/java)',
    format: 'jacoco',
    report: fixture('coverage/jacoco-run1.xml'),
    reportName: 'jacoco.xml',
    oracle: oracles.jacoco,
    branchOracle: branchOracles.jacoco,
    sources: { 'src/main/java/demo/Calc.java': javaCalc, 'src/main/java/flat/Hello.java': javaHello },
    mapping: { 'demo/Calc.java': 'src/main/java/demo/Calc.java' },
  },
  {
    name: 'JaCoCo without branches, the file new in the change',
    format: 'jacoco',
    report: fixture('coverage/jacoco-nobranch.xml'),
    reportName: 'jacoco.xml',
    oracle: oracles.jacoco,
    branchOracle: branchOracles.jacoco,
    sources: { 'src/main/java/flat/Hello.java': javaHello },
    mapping: { 'flat/Hello.java': 'src/main/java/flat/Hello.java' },
    added: ['src/main/java/flat/Hello.java'],
  },
  {
    name: 'Clover from Jest',
    format: 'clover',
    report: fixture('clover/jest-all.clover.xml'),
    reportName: 'clover.xml',
    oracle: oracles.clover,
    branchOracle: branchOracles.clover,
    sources: { 'src/math.js': fixture('clover/jest-project/src/math.js'), 'src/text.js': fixture('clover/jest-project/src/text.js'), 'math.test.js': fixture('clover/jest-project/math.test.js') },
    mapping: { '/tmp/cov/src/math.js': 'src/math.js', '/tmp/cov/src/text.js': 'src/text.js' },
  },
  {
    name: 'Clover from PHPUnit (method lines are not lines)',
    format: 'clover',
    report: fixture('clover/phpunit.clover.xml'),
    reportName: 'clover.xml',
    oracle: oracles.clover,
    branchOracle: branchOracles.clover,
    sources: { 'src/Calc.php': fixture('clover/phpunit-project/src/Calc.php'), 'tests/CalcTest.php': fixture('clover/phpunit-project/tests/CalcTest.php') },
    mapping: { '/tmp/phpcov/src/Calc.php': 'src/Calc.php' },
  },
  {
    name: 'Istanbul coverage-final.json from Jest',
    format: 'istanbul',
    report: fixture('istanbul/jest-coverage-final.json'),
    reportName: 'coverage-final.json',
    oracle: oracles.istanbul,
    branchOracle: branchOracles.istanbul,
    pick: (n) => n % 2 === 0,
    sources: { 'src/math.js': fixture('jest-json/src/math.js.txt'), 'src/math.test.js': fixture('jest-json/src/math.test.js.txt') },
    mapping: { '/tmp/jsprod/jestproj/src/math.js': 'src/math.js' },
  },
  {
    name: 'Istanbul coverage-final.json from nyc (a test file new in the change)',
    format: 'istanbul',
    report: fixture('istanbul/nyc-coverage-final.json'),
    reportName: 'coverage-final.json',
    oracle: oracles.istanbul,
    branchOracle: branchOracles.istanbul,
    sources: { 'lib/shapes.js': fixture('istanbul/src/shapes.js.txt'), 'test/shapes.spec.js': fixture('istanbul/src/shapes.spec.js.txt') },
    mapping: { '/tmp/jsprod/nycproj/lib/shapes.js': 'lib/shapes.js', '/tmp/jsprod/nycproj/test/shapes.spec.js': 'test/shapes.spec.js' },
    added: ['test/shapes.spec.js'],
  },
  {
    name: 'Istanbul coverage-final.json from nyc, every line changed',
    format: 'istanbul',
    report: fixture('istanbul/nyc-coverage-final.json'),
    reportName: 'coverage-final.json',
    oracle: oracles.istanbul,
    branchOracle: branchOracles.istanbul,
    pick: () => true,
    sources: { 'lib/shapes.js': fixture('istanbul/src/shapes.js.txt') },
    mapping: { '/tmp/jsprod/nycproj/lib/shapes.js': 'lib/shapes.js' },
  },
  ...(['count', 'set', 'coverpkg'] as const).map(
    (kind): FormatCase => ({
      name: `Go coverprofile ${kind}.out (module paths)`,
      format: 'go-coverprofile',
      report: fixture(`go-coverprofile/${kind}.out`),
      reportName: 'cover.out',
      oracle: oracles.go,
      sources: goSources,
      mapping: Object.fromEntries(Object.entries(goMapping).filter(([p]) => fixture(`go-coverprofile/${kind}.out`).includes(p))),
    }),
  ),
  {
    name: 'OpenCover from coverlet (C:\\temp\\ paths, path-map)',
    format: 'opencover',
    report: openCoverText,
    reportName: 'opencover.xml',
    oracle: oracles.opencover,
    branchOracle: branchOracles.opencover,
    sources: openCoverSources.out,
    mapping: openCoverSources.mapping,
    pathMap: [{ from: 'C:/temp/', to: 'Test/' }],
  },
];

/** The lines the change touches in a file (covered, missed and unlisted lines alike). */
const touched = (text: string, pick = (n: number) => n % 2 === 1) => Array.from({ length: text.split('\n').length - 1 }, (_, i) => i + 1).filter(pick);

interface Expected {
  covered: number;
  total: number;
  changedLines: number;
  /** files with uncovered changed lines, worst first: [path, uncovered, instrumented] */
  uncovered: Array<[string, number, number]>;
}

function expected(c: FormatCase, changed: Map<string, number[]>): Expected {
  const data = c.oracle(c.report);
  let covered = 0;
  let total = 0;
  let changedLines = 0;
  const uncovered: Array<[string, number, number]> = [];
  for (const [coveragePath, repoPath] of Object.entries(c.mapping)) {
    const lines = data.get(coveragePath);
    if (!lines) throw new Error(`the oracle finds no ${coveragePath} in ${c.reportName}`);
    let missed = 0;
    let instrumented = 0;
    for (const l of changed.get(repoPath) ?? []) {
      changedLines++;
      const hit = lines.get(l);
      if (hit === undefined) continue;
      instrumented++;
      if (hit) covered++;
      else missed++;
    }
    total += instrumented;
    if (missed > 0) uncovered.push([repoPath, missed, instrumented]);
  }
  uncovered.sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
  return { covered, total, changedLines, uncovered };
}

/** The branches on changed lines, by the format's own per-line branch data; undefined when the report has none. */
function expectedBranches(c: FormatCase, changed: Map<string, number[]>): { covered: number; total: number } | undefined {
  const data = c.branchOracle!(c.report);
  if (data.size === 0) return undefined;
  let covered = 0;
  let total = 0;
  for (const [coveragePath, repoPath] of Object.entries(c.mapping)) {
    const lines = data.get(coveragePath);
    for (const l of changed.get(repoPath) ?? []) {
      const [cv, t] = lines?.get(l) ?? [0, 0];
      covered += cv;
      total += t;
    }
  }
  return { covered, total };
}

/** what patch.branches measured across the cases (some must have taken and untaken changed branches) */
const branchTotals: Array<{ name: string; covered: number; total: number }> = [];

describe.each(CASES)('patch coverage: $name', (c) => {
  let run: GateRun;
  let branchRun: GateRun;
  let want: Expected;
  let wantBranches: { covered: number; total: number } | undefined;
  beforeAll(async () => {
    const base: Tree = { 'README.md': '# app\n\nsome words\n' };
    for (const [p, text] of Object.entries(c.sources)) if (!c.added?.includes(p)) base[p] = alterLines(text, touched(text, c.pick));
    const dir = initRepo(base, 'fmt');
    commit(dir, { ...c.sources, 'README.md': '# app\n\nother words\n' }, 'the change');
    const changed = gitChangedLines(dir);
    // the change is what the test made: as many lines as it altered in each source (git may say
    // a neighbouring blank line rather than the one altered: its hunks are the oracle), all of an added one
    for (const [p, text] of Object.entries(c.sources)) {
      expect(changed.get(p)?.length, p).toBe(c.added?.includes(p) ? text.split('\n').length - 1 : touched(text, c.pick).length);
    }
    want = expected(c, changed);
    const policy = [
      'version: 1',
      ...(c.pathMap ? ['path-map:', ...c.pathMap.map((r) => `  - { from: ${JSON.stringify(r.from)}, to: ${JSON.stringify(r.to)} }`)] : []),
      'criteria:',
      '  - id: patch',
      `    evidence: { artifact: cov, path: ${c.reportName}, format: ${c.format} }`,
      '    expect: { patch.lines: ">= 100%" }',
    ].join('\n');
    run = await gate(dir, policy, { [`cov/${c.reportName}`]: c.report }, ['--diff-base', 'main']);
    // patch.branches alone, so its status is its own
    branchRun = await gate(dir, policy.replace('patch.lines: ">= 100%"', 'patch.branches: ">= 100%"'), { [`cov/${c.reportName}`]: c.report }, ['--diff-base', 'main']);
    if (c.branchOracle) wantBranches = expectedBranches(c, changed);
  });

  if (c.branchOracle) {
    it('patch.branches: the branches on changed lines, equal to the format\'s own per-line branch data', () => {
      const patch = criterion(branchRun, 'patch');
      if (wantBranches === undefined) {
        // a report without branch data never reads as 0 of 0 or 100%
        expect(patch.status).toBe('missing');
        expect(patch.reason).toMatch(/no branch data/);
        expect(patch.metrics['patch.branches']).toBeUndefined();
      } else if (wantBranches.total === 0) {
        expect(patch.status).toBe('not-applicable');
        expect(patch.reason).toMatch(/hold no branch/);
      } else {
        branchTotals.push({ name: c.name, ...wantBranches });
        expect({ covered: patch.metrics['patch.branches.covered'], total: patch.metrics['patch.branches.total'] }).toEqual(wantBranches);
        expect(patch.metrics['patch.branches']).toBeCloseTo((wantBranches.covered / wantBranches.total) * 100, 10);
        expect(patch.status).toBe(wantBranches.covered === wantBranches.total ? 'passed' : 'failed');
      }
    });
  } else {
    it('patch.branches is no metric of a format whose branches have no line of their own: a policy error', () => {
      expect(branchRun.code).toBe(2);
      expect(branchRun.stderr + branchRun.stdout).toMatch(/patch\.branches/);
    });
  }

  it('the change touches covered, missed and unlisted lines (the test can tell them apart)', () => {
    expect(want.covered).toBeGreaterThan(0);
    expect(want.total).toBeGreaterThan(want.covered);
    expect(want.changedLines).toBeGreaterThan(want.total);
  });

  it('patch.lines.covered / .total equal the oracle', () => {
    const metrics = criterion(run, 'patch').metrics;
    expect({ covered: metrics['patch.lines.covered'], total: metrics['patch.lines.total'] }).toEqual({ covered: want.covered, total: want.total });
    expect(metrics['patch.lines']).toBeCloseTo((want.covered / want.total) * 100, 10);
    expect(criterion(run, 'patch').status).toBe('failed');
    expect(run.code).toBe(1);
  });

  it('lists the files with uncovered changed lines, worst first, in the Markdown and text reports', () => {
    const section = run.markdown.slice(run.markdown.indexOf('#### 🩹 Patch coverage'));
    expect(section.startsWith('#### 🩹 Patch coverage'), run.markdown).toBe(true);
    const listed = [...section.matchAll(/^- `([^`]+)` — (\d+) of (\d+) changed lines? not covered:/gm)].map((m) => [m[1], Number(m[2]), Number(m[3])]);
    // the comment shows the 10 worst files and counts the rest; the text report the 5 worst
    expect(listed).toEqual(want.uncovered.slice(0, 10));
    if (want.uncovered.length > 10) expect(section).toContain(`- _… and ${want.uncovered.length - 10} more files_`);
    expect(section).not.toMatch(/match no repository file/);
    const text = /changed lines not covered: (.*)/.exec(run.stdout)?.[1] ?? '';
    expect([...text.matchAll(/(?:^|; )([^;(]+) \(/g)].map((m) => m[1])).toEqual(want.uncovered.slice(0, 5).map(([p]) => p));
    if (want.uncovered.length > 5) expect(text).toMatch(new RegExp(`and ${want.uncovered.length - 5} more files$`));
  });
});

describe('patch.branches across the formats', () => {
  it('several reports place taken and untaken branches on the changed lines (the comparison can tell them apart)', () => {
    const mixed = branchTotals.filter((b) => b.covered > 0 && b.covered < b.total);
    expect(mixed.length, JSON.stringify(branchTotals)).toBeGreaterThanOrEqual(3);
  });

  it('every format that places branches on lines measured some on the changed lines', () => {
    const measured = new Set(branchTotals.map((b) => b.name.split(' ')[0]));
    expect([...measured].sort()).toEqual(['Clover', 'Cobertura', 'Istanbul', 'JaCoCo', 'OpenCover', 'lcov']);
  });
});
