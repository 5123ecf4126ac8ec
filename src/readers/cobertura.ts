import { EvidenceError } from '../measure.js';
import {
  BranchSetBuilder,
  COVERAGE_METRICS,
  LineSetBuilder,
  MAX_LINE,
  clip,
  compactId,
  coverageMetrics,
  mergeCoverage,
  nonNegative,
  normalizeSourcePath,
  type Count,
  type CoverageModel,
  type FileCoverage,
  type Percent,
  type StatedTotals,
} from './coverage.js';
import type { Format } from './types.js';
import { parseXml } from './xml.js';

/**
 * Cobertura XML (coverage-04.dtd and what coverage.py, gcovr, coverlet, AltCover, Microsoft
 * CodeCoverage, OpenCppCoverage... write). Counts are computed from the `<line>` elements, never
 * from the root's declared lines-valid/lines-covered (which several producers write inconsistently
 * with the lines they list, or leave out).
 *
 * - Lines: `<line number hits>` inside `<class filename>`, keyed by (filename, number): a line listed
 *   under both the class `<lines>` and a `<method><lines>`, or under two classes of one file (C#
 *   partial or nested classes), counts once, covered if any listing has hits > 0.
 * - Branches: `condition-coverage="50% (1/2)"` gives the line's covered/total conditions. They have
 *   no identity, so branch i of a line is stored as covered when i < covered: merging reports then
 *   keeps, per line, the report that covers the most conditions (not a true per-condition union).
 *   Branches are known when some line has a `branch` or `condition-coverage` attribute.
 * - Functions: `<method name signature>` of a class, covered if any of its lines has hits > 0; a
 *   report without any `<method>` yields no functions metric.
 * - A file listing no `<line>` at all yields only the root `line-rate`/`branch-rate` as percentages
 *   (no counts); a rate whose declared `lines-valid`/`branches-valid` is 0 describes nothing and
 *   yields only the 0/0 counts. Such a file cannot be merged with others.
 * - The DTD is never loaded (see xml.ts); a root other than `<coverage>` is an error.
 */

interface FileState {
  lines: LineSetBuilder;
  branches: BranchSetBuilder;
  functions: Map<string, number>;
}

interface ClassState extends FileState {
  name: string;
}

export const cobertura: Format<CoverageModel> = {
  name: 'cobertura',
  lineCoverage: (m) => m,
  branchLines: true,
  knownMetrics: COVERAGE_METRICS,
  merge: mergeCoverage,
  metrics: coverageMetrics,

  async read(input, ctx) {
    const files = new Map<string, FileState>();
    let root: Record<string, string> | undefined;
    let cls: ClassState | undefined;
    let method: { key: string; covered: boolean } | undefined;
    let lineCount = 0;
    let branchesKnown = false;
    let functionsKnown = false;

    await parseXml(
      input,
      {
        open(name, attrs, depth) {
          if (depth === 1) {
            if (name !== 'coverage') {
              throw new EvidenceError(`not a Cobertura report: the root element is <${clip(name, 40)}>, expected <coverage>`);
            }
            root = attrs.toRecord();
            return;
          }
          switch (name) {
            case 'class': {
              const filename = attrs.get('filename');
              if (filename === undefined || filename.trim() === '') {
                throw new EvidenceError(`<class name=${JSON.stringify(clip(attrs.get('name') ?? ''))}> has no filename attribute: not a Cobertura report`);
              }
              const path = normalizeSourcePath(filename);
              let file = files.get(path);
              if (!file) {
                file = { lines: new LineSetBuilder(), branches: new BranchSetBuilder(), functions: new Map() };
                files.set(path, file);
              }
              cls = { ...file, name: attrs.get('name') ?? '' };
              break;
            }
            case 'method': {
              if (!cls) throw new EvidenceError('<method> outside a <class>: not a Cobertura report');
              functionsKnown = true;
              // a bounded key, however long the names (compactId)
              method = { key: compactId(`${cls.name}::${attrs.get('name') ?? ''}${attrs.get('signature') ?? ''}`), covered: false };
              if (!cls.functions.has(method.key)) cls.functions.set(method.key, 0);
              break;
            }
            case 'line': {
              if (!cls) throw new EvidenceError('<line> outside a <class>: not a Cobertura report');
              // plain digits are read without a string; anything else takes the checked path
              let number = attrs.digits('number');
              if (number < 0 || number > MAX_LINE) {
                const rawNumber = attrs.get('number');
                number = nonNegative(rawNumber, `${lineIn(cls)}: number`);
                if (!Number.isInteger(number) || number > MAX_LINE) throw new EvidenceError(`${lineIn(cls)}: number ${rawNumber} is not a line number`);
              }
              let hits = attrs.digits('hits');
              if (hits < 0) hits = nonNegative(attrs.get('hits'), `${lineIn(cls)} number="${number}": hits`);
              lineCount++;
              cls.lines.add(number, hits > 0);
              if (method && hits > 0) method.covered = true;
              const cc = attrs.get('condition-coverage');
              if (cc !== undefined || (!branchesKnown && attrs.digits('branch') !== -2)) branchesKnown = true;
              if (cc !== undefined) {
                const { covered, total } = conditionCoverage(cc, cls, number);
                cls.branches.addIndexed(number, total, covered);
              }
              break;
            }
          }
        },
        close(name) {
          if (name === 'class') {
            cls = undefined;
          } else if (name === 'method' && method && cls) {
            if (method.covered) cls.functions.set(method.key, 1);
            method = undefined;
          }
        },
      },
      ctx.limits.nestingDepth,
    );

    if (!root) throw new EvidenceError('no <coverage> element');
    if (lineCount === 0) return { files: new Map(), stated: statedRates(root, ctx.name) };
    const out = new Map<string, FileCoverage>();
    const model: CoverageModel = { files: out };
    for (const [path, file] of files) {
      out.set(path, {
        lines: file.lines.build(),
        ...(branchesKnown ? { branches: file.branches.build() } : {}),
        ...(functionsKnown ? { functions: file.functions } : {}),
      });
    }
    return model;
  },
};

function lineIn(cls: ClassState): string {
  return `<line> in <class name=${JSON.stringify(clip(cls.name))}>`;
}

/** `50% (1/2)` → 1 of 2; the parenthesized counts are the data, the percentage is rounded. */
function conditionCoverage(text: string, cls: ClassState, number: number): Count {
  const open = text.indexOf('(');
  const slash = text.indexOf('/', open + 1);
  const close = text.indexOf(')', slash + 1);
  if (open < 0 || slash < 0 || close < 0) badCondition(text, cls, number);
  // plain digits are read in place; anything else as Number reads it
  let covered = digitsIn(text, open + 1, slash);
  let total = digitsIn(text, slash + 1, close);
  if (covered < 0 || total < 0) {
    covered = Number(text.slice(open + 1, slash));
    total = Number(text.slice(slash + 1, close));
  }
  if (!Number.isInteger(covered) || !Number.isInteger(total) || covered < 0 || covered > total) badCondition(text, cls, number);
  if (total > 1_000_000) badCondition(text, cls, number);
  return { covered, total };
}

/** s[start, end) as 1-15 plain decimal digits, or -1 */
function digitsIn(s: string, start: number, end: number): number {
  if (start >= end || end - start > 15) return -1;
  let n = 0;
  for (let i = start; i < end; i++) {
    const d = s.charCodeAt(i) - 48;
    if (d < 0 || d > 9) return -1;
    n = n * 10 + d;
  }
  return n;
}

function badCondition(text: string, cls: ClassState, number: number): never {
  throw new EvidenceError(`${lineIn(cls)} number="${number}": condition-coverage ${JSON.stringify(clip(text))} is not "<pct>% (<covered>/<total>)"`);
}

/** No `<line>` at all: the root rates are the only evidence (percentages, no counts). */
function statedRates(root: Record<string, string>, source: string): StatedTotals {
  const stated: StatedTotals = { source, mergeableByDetail: false };
  const lines = rate(root, 'line-rate', 'lines-valid');
  const branches = rate(root, 'branch-rate', 'branches-valid');
  if (lines) stated.lines = lines;
  if (branches) stated.branches = branches;
  return stated;
}

function rate(root: Record<string, string>, rateAttr: string, validAttr: string): Percent | Count | undefined {
  if (root[validAttr] !== undefined && nonNegative(root[validAttr], `<coverage ${validAttr}>`) === 0) {
    // a rate over nothing (coverage.py writes line-rate="1" for an empty project): 0 of 0
    return { covered: 0, total: 0 };
  }
  if (root[rateAttr] === undefined) return undefined;
  const value = nonNegative(root[rateAttr], `<coverage ${rateAttr}>`);
  if (value > 1) throw new EvidenceError(`<coverage ${rateAttr}="${clip(root[rateAttr])}"> is not a 0-1 fraction`);
  return { percent: value * 100 };
}
