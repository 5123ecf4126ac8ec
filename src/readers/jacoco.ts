import { EvidenceError } from '../measure.js';
import {
  BranchSetBuilder,
  COVERAGE_METRICS,
  LineSetBuilder,
  MAX_LINE,
  KINDS,
  clip,
  compactId,
  PATH_TEXT_CHARS,
  coverageMetrics,
  mergeCoverage,
  nonNegative,
  type Count,
  type CoverageModel,
  type FileCoverage,
  type Kind,
  type StatedTotals,
} from './coverage.js';
import type { Metrics, Unit } from '../measure.js';
import type { Format } from './types.js';
import { parseXml, type XmlAttributes } from './xml.js';

/**
 * JaCoCo XML reports (report.dtd 1.0/1.1; the DOCTYPE's DTD is never loaded, see xml.ts).
 *
 * - A single report's metrics are its `<report>`'s direct `<counter>` children: LINE → lines,
 *   BRANCH → branches, METHOD → functions. Counters nested in groups, packages, classes, methods
 *   and source files repeat the same numbers at every level and are not added up. JaCoCo writes
 *   no counter whose total is 0, so a missing BRANCH counter means "no branches": no branches
 *   metric at all, not 0%.
 * - For merging several reports, the same data is kept line by line: `<sourcefile>` `<line nr mi
 *   ci mb cb>` keyed by package/sourcefile (a line is covered when ci > 0; it has mb + cb branches,
 *   cb of them covered, stored by index so that merging keeps the best report per line), and each
 *   `<method>` (covered when its METHOD counter has covered > 0) keyed by class name, name and
 *   descriptor. For one report that detail adds up to the report counters.
 * - JaCoCo's other check counters, from the same direct `<report>` counters: INSTRUCTION →
 *   `instructions`, COMPLEXITY → `complexity`, CLASS → `classes` (%, `.covered`, `.total`). A report
 *   without the counter has no such metric (a note says why). They have no line-level detail to
 *   merge by (complexity has none at all), so when several reports match a criterion these three
 *   are absent with a note: merge the .exec files with JaCoCo and gate on its one report.
 */
export interface JacocoModel extends CoverageModel {
  /** the report's direct INSTRUCTION, COMPLEXITY and CLASS counters; undefined after a merge */
  counters?: Partial<Record<CheckCounter, Count>>;
  /** how many reports were merged into this model (1 for a read) */
  reports: number;
}

type CheckCounter = 'instructions' | 'complexity' | 'classes';
const CHECK_COUNTERS: readonly CheckCounter[] = ['instructions', 'complexity', 'classes'];
const CHECK_COUNTER_TYPES: Record<CheckCounter, string> = { instructions: 'INSTRUCTION', complexity: 'COMPLEXITY', classes: 'CLASS' };

export const JACOCO_METRICS: Record<string, Unit | null> = { ...COVERAGE_METRICS };
for (const kind of CHECK_COUNTERS) Object.assign(JACOCO_METRICS, { [kind]: '%', [`${kind}.covered`]: null, [`${kind}.total`]: null });

interface SourceFile {
  lines: LineSetBuilder;
  branches: BranchSetBuilder;
}

export const jacoco: Format<JacocoModel> = {
  name: 'jacoco',
  lineCoverage: (m) => m,
  branchLines: true,
  knownMetrics: JACOCO_METRICS,
  merge(models) {
    if (models.length === 1) return models[0]!;
    const reports = models.reduce((n, m) => n + m.reports, 0);
    return { ...mergeCoverage(models), reports };
  },
  metrics(model): Metrics {
    const out = coverageMetrics(model);
    for (const kind of CHECK_COUNTERS) {
      const c = model.counters?.[kind];
      if (c === undefined) continue;
      out[`${kind}.covered`] = { value: c.covered };
      out[`${kind}.total`] = { value: c.total };
      if (c.total > 0) out[kind] = { value: (c.covered / c.total) * 100, unit: '%' };
    }
    return out;
  },
  notes(model): Record<string, string> {
    const notes: Record<string, string> = {};
    for (const kind of CHECK_COUNTERS) {
      if (model.counters?.[kind] !== undefined) continue;
      const why =
        model.counters === undefined
          ? `${kind} is read from one JaCoCo report's ${CHECK_COUNTER_TYPES[kind]} counter, and ${model.reports} reports matched: the XML has no detail to merge it by ` +
            '(merge the .exec files with JaCoCo and report once)'
          : `the JaCoCo report has no ${CHECK_COUNTER_TYPES[kind]} counter (JaCoCo writes none whose total is 0)`;
      for (const name of [kind, `${kind}.covered`, `${kind}.total`]) notes[name] = why;
    }
    return notes;
  },

  async read(input, ctx) {
    const files = new Map<string, SourceFile>();
    /** functions per package, keyed `<package>/` (no source path ends with '/') */
    const functions = new Map<string, Map<string, number>>();
    const stack: string[] = [];
    const reportCounters: Partial<Record<Kind, Count>> = {};
    const checkCounters: Partial<Record<CheckCounter, Count>> = {};
    let pkg: string | undefined;
    /** the functions map of `pkg`, once a method of it closed */
    let pkgFunctions: Map<string, number> | undefined;
    let cls: string | undefined;
    let method: { key: string; covered: number } | undefined;
    let source: SourceFile | undefined;
    let sawRoot = false;

    await parseXml(
      input,
      {
        open(name, attrs, depth) {
          // the names of the open elements by depth (no push or pop per element)
          const parent = depth > 1 ? stack[depth - 2] : undefined;
          stack[depth - 1] = name;
          if (depth === 1) {
            if (name !== 'report') {
              throw new EvidenceError(`not a JaCoCo report: the root element is <${clip(name, 40)}>, expected <report>`);
            }
            sawRoot = true;
            return;
          }
          switch (name) {
            case 'package':
              pkg = required(attrs, 'name', '<package>');
              pkgFunctions = undefined;
              break;
            case 'class':
              if (pkg === undefined) throw new EvidenceError('<class> outside a <package>: not a JaCoCo report');
              cls = required(attrs, 'name', '<class>');
              break;
            case 'method':
              if (cls === undefined) throw new EvidenceError('<method> outside a <class>: not a JaCoCo report');
              // bounded keys, however long the names (compactId)
              method = { key: compactId(`${cls}.${required(attrs, 'name', '<method>')}${attrs.get('desc') ?? ''}`), covered: 0 };
              break;
            case 'sourcefile': {
              if (pkg === undefined) throw new EvidenceError('<sourcefile> outside a <package>: not a JaCoCo report');
              const file = required(attrs, 'name', '<sourcefile>');
              const path = compactId(pkg === '' ? file : `${pkg}/${file}`, PATH_TEXT_CHARS);
              source = files.get(path);
              if (!source) {
                source = { lines: new LineSetBuilder(), branches: new BranchSetBuilder() };
                files.set(path, source);
              }
              break;
            }
            case 'line': {
              if (!source) throw new EvidenceError('<line> outside a <sourcefile>: not a JaCoCo report');
              // plain digits are read without a string (no closure either); anything else takes the checked path
              let nr = attrs.digits('nr');
              let mi = attrs.digits('mi');
              let ci = attrs.digits('ci');
              let mb = attrs.digits('mb');
              let cb = attrs.digits('cb');
              if (nr < 0 || mi < 0 || ci < 0 || mb < 0 || cb < 0) {
                nr = count(attrs, 'nr', () => '<line> nr');
                const where = `<line nr="${nr}">`;
                mi = count(attrs, 'mi', () => `${where} mi`);
                ci = count(attrs, 'ci', () => `${where} ci`);
                mb = count(attrs, 'mb', () => `${where} mb`);
                cb = count(attrs, 'cb', () => `${where} cb`);
              }
              if (!(Number.isInteger(nr) && Number.isInteger(mi) && Number.isInteger(ci) && Number.isInteger(mb) && Number.isInteger(cb)) || nr > MAX_LINE || mb + cb > 1_000_000) {
                throw new EvidenceError(`<line nr="${nr}">: nr, mi, ci, mb and cb must be integers`);
              }
              // a line with no instruction is not a line for JaCoCo's LINE counter
              if (mi + ci > 0) source.lines.add(nr, ci > 0);
              if (mb + cb > 0) source.branches.addIndexed(nr, mb + cb, cb);
              break;
            }
            case 'counter': {
              // only the report's and the methods' counters are read
              if (parent !== 'report' && (parent !== 'method' || !method)) break;
              // the type is compared on its bytes (no string per counter)
              if (parent === 'report') {
                const kind: Kind | undefined = attrs.is('type', 'LINE') ? 'lines' : attrs.is('type', 'BRANCH') ? 'branches' : attrs.is('type', 'METHOD') ? 'functions' : undefined;
                if (!kind) {
                  const check = CHECK_COUNTERS.find((k) => attrs.is('type', CHECK_COUNTER_TYPES[k]));
                  if (check === undefined) break;
                  if (checkCounters[check]) throw new EvidenceError(`<report> has two ${CHECK_COUNTER_TYPES[check]} counters`);
                  checkCounters[check] = counter(attrs);
                  break;
                }
                if (reportCounters[kind]) throw new EvidenceError(`<report> has two ${attrs.get('type')} counters`);
                reportCounters[kind] = counter(attrs);
              } else if (method && attrs.is('type', 'METHOD')) {
                method.covered = counter(attrs).covered;
              }
              break;
            }
          }
        },
        close(name) {
          switch (name) {
            case 'package':
              pkg = undefined;
              pkgFunctions = undefined;
              break;
            case 'class':
              cls = undefined;
              break;
            case 'sourcefile':
              source = undefined;
              break;
            case 'method': {
              if (!method || pkg === undefined) break;
              if (pkgFunctions === undefined) {
                const key = compactId(`${pkg}/`, PATH_TEXT_CHARS);
                pkgFunctions = functions.get(key);
                if (!pkgFunctions) functions.set(key, (pkgFunctions = new Map()));
              }
              const map = pkgFunctions;
              if (method.covered > (map.get(method.key) ?? -1)) map.set(method.key, method.covered);
              method = undefined;
              break;
            }
          }
        },
      },
      ctx.limits.nestingDepth,
    );
    if (!sawRoot) throw new EvidenceError('no <report> element');

    // the line-level detail carries only the kinds the report itself counts
    const out = new Map<string, FileCoverage>();
    const model: JacocoModel = { files: out, counters: checkCounters, reports: 1 };
    if (reportCounters.lines || reportCounters.branches) {
      for (const [path, file] of files) {
        out.set(path, {
          ...(reportCounters.lines ? { lines: file.lines.build() } : {}),
          ...(reportCounters.branches ? { branches: file.branches.build() } : {}),
        });
      }
    }
    if (reportCounters.functions) {
      for (const [key, map] of functions) out.set(key, { functions: map });
    }
    const stated: StatedTotals = { source: ctx.name, mergeableByDetail: true };
    for (const kind of KINDS) {
      const c = reportCounters[kind];
      if (c) stated[kind] = c;
    }
    model.stated = stated;
    return model;
  },
};

/** A non-negative number attribute: plain digits without a string, else nonNegative's checks. */
function count(attrs: XmlAttributes, name: string, what: () => string): number {
  const n = attrs.digits(name);
  return n >= 0 ? n : nonNegative(attrs.get(name), what());
}

function required(attrs: XmlAttributes, attr: string, element: string): string {
  const value = attrs.get(attr);
  if (value === undefined) throw new EvidenceError(`${element} has no ${attr} attribute: not a JaCoCo report`);
  return value;
}

function counter(attrs: XmlAttributes): Count {
  // plain digits are read without a string; the message is only made for anything else
  let missed = attrs.digits('missed');
  let covered = attrs.digits('covered');
  if (missed < 0 || covered < 0) {
    const where = `<counter type="${clip(attrs.get('type') ?? '', 20)}">`;
    missed = count(attrs, 'missed', () => `${where} missed`);
    covered = count(attrs, 'covered', () => `${where} covered`);
    if (!Number.isInteger(missed) || !Number.isInteger(covered)) throw new EvidenceError(`${where}: missed and covered must be integers`);
  }
  return { covered, total: missed + covered };
}
