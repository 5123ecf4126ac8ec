import { EvidenceError } from '../measure.js';
import {
  COVERAGE_METRICS,
  LineSetBuilder,
  MAX_LINE,
  clip,
  combineFile,
  coverageMetrics,
  mergeCoverage,
  normalizeSourcePath,
  type Count,
  type CoverageModel,
  type FileCoverage,
} from './coverage.js';
import { forEachLine } from './input.js';
import type { Format } from './types.js';

/**
 * lcov tracefiles (geninfo(1) "TRACEFILE FORMAT"), read line by line without regular expressions.
 *
 * - Records run from `SF:` to `end_of_record`; the same file may appear in several records (one per
 *   test name, or several paths normalizing to one).
 * - `DA:<line>,<hits>[,<checksum>]`: a line repeated within a record is covered if any DA hits it.
 * - `BRDA:<line>,[e|f|U]<block>,<branch>,<taken>`: a branch is identified by everything between
 *   `BRDA:` and the last comma (lcov 2.x branch expressions may contain commas); taken `-` means
 *   never evaluated (not taken). Every BRDA counts, including lcov 2.x unreachable (`U`) ones.
 * - Repeated SF records of one file merge lines, branches and functions item by item.
 * - Functions, old format: `FN:<line>,[<end line>,]<name>` and `FNDA:<count>,<name>`, one function
 *   per name (as the producers' own FNF counts them). lcov >= 2.2: `FNL:<index>,<line>[,<end>]`
 *   opens a function group, `FNA:<index>,<count>,<alias>` adds an alias; a group (keyed by its start
 *   line, as lcov 2.2 counts FNF) is covered if any alias ran. A report written in the old format
 *   and one in the new format of the same file therefore key functions differently and are counted
 *   side by side, not merged.
 * - `LF/LH`, `BRF/BRH`, `FNF/FNH` are summaries: used only for a kind with no detail record in the
 *   same record (several files state them inconsistently with their own detail).
 * - `TN:`, `VER:`, `MCDC/MCF/MCH` (MC/DC, no metric here), `#` comment lines and blank lines are
 *   skipped; anything else is not lcov and is an error.
 */

class LcovRecord {
  readonly lines = new LineSetBuilder();
  readonly branches = new Map<string, number>();
  readonly functions = new Map<string, number>();
  /** FNL index → function key, for FNA */
  groups: Map<string, string> | undefined;
  lf = -1;
  lh = -1;
  brf = -1;
  brh = -1;
  fnf = -1;
  fnh = -1;
  constructor(
    readonly path: string,
    readonly sfLine: number,
  ) {}
}

/** FNL function keys start with a newline, which no FN name (a line of text) can contain. */
const GROUP_KEY = '\n';

/**
 * A copy of a string kept beyond its line: a line is a slice of its whole chunk's text, and a
 * kept slice would keep that text alive (short strings are always copies already).
 */
function own(text: string): string {
  return text.length < 13 ? text : (JSON.parse(JSON.stringify(text)) as string);
}

/** A record name: 1-16 ASCII capital letters (lcov's are TN, SF, DA, BRDA, FNL...). */
function isTag(tag: string): boolean {
  if (tag.length > 16) return false;
  for (let i = 0; i < tag.length; i++) {
    const c = tag.charCodeAt(i);
    if (c < 65 || c > 90) return false;
  }
  return true;
}

/** s[start, end) as a non-negative decimal integer, or -1. */
function uint(s: string, start: number, end: number): number {
  if (start >= end) return -1;
  let n = 0;
  for (let i = start; i < end; i++) {
    const d = s.charCodeAt(i) - 48;
    if (d < 0 || d > 9) return -1;
    n = n * 10 + d;
  }
  return n;
}

export const lcov: Format<CoverageModel> = {
  name: 'lcov',
  knownMetrics: COVERAGE_METRICS,
  merge: mergeCoverage,
  metrics: coverageMetrics,

  async read(input, ctx) {
    const parser = new LcovParser();
    await forEachLine(input, (text, start, end) => parser.lineIn(text, start, end), ctx.limits.lineBytes);
    return parser.end();
  },
};

/** The record state machine, fed one line at a time (no line terminator). */
export class LcovParser {
  private readonly files = new Map<string, FileCoverage>();
  private rec: LcovRecord | undefined;
  private lineNo = 0;
  private text = '';

  /**
   * The line text.slice(start, end). `DA:<line>,<hits>` with plain digits, by far the most
   * frequent record, is read in place; every other line goes through `line`.
   */
  lineIn(text: string, start: number, end: number): void {
    const rec = this.rec;
    if (rec !== undefined && end - start > 5 && text.charCodeAt(start) === 68 /* D */ && text.charCodeAt(start + 1) === 65 /* A */ && text.charCodeAt(start + 2) === 58 /* : */) {
      let i = start + 3;
      let ln = 0;
      let c = text.charCodeAt(i);
      while (c >= 48 && c <= 57 && i < end) {
        ln = ln * 10 + c - 48;
        c = text.charCodeAt(++i);
      }
      if (i > start + 3 && i - start - 3 <= 10 && c === 44 /* , */ && ln <= MAX_LINE) {
        const h = ++i;
        let hits = 0;
        c = text.charCodeAt(i);
        while (c >= 48 && c <= 57 && i < end) {
          hits = hits * 10 + c - 48;
          c = text.charCodeAt(++i);
        }
        if (i > h && (i === end || c === 44) /* , checksum */) {
          this.lineNo++;
          rec.lines.add(ln, hits > 0);
          return;
        }
      }
    }
    this.line(text.slice(start, end));
  }

  line(line: string): void {
    this.lineNo++;
    this.text = line;
    const len = line.length;
    if (len === 0) return;
    const c0 = line.charCodeAt(0);

    // DA: by far the most frequent record
    if (c0 === 68 /* D */ && line.charCodeAt(1) === 65 /* A */ && line.charCodeAt(2) === 58 /* : */) {
      const r = this.open('DA:');
      const comma = line.indexOf(',', 3);
      if (comma < 0) this.fail('malformed DA: record (expected DA:<line>,<hits>)');
      const ln = this.positive(3, comma, 'DA: line number');
      if (ln > MAX_LINE) this.fail('DA: line number out of range');
      let end = line.indexOf(',', comma + 1);
      if (end < 0) end = len;
      r.lines.add(ln, this.count(comma + 1, end, 'DA: hit count') > 0);
      return;
    }

    const colon = line.indexOf(':');
    const tag = colon < 0 ? line.trimEnd() : line.slice(0, colon);
    switch (tag) {
      case 'BRDA': {
        const r = this.open('BRDA:');
        const first = line.indexOf(',', 5);
        const second = first < 0 ? -1 : line.indexOf(',', first + 1);
        const last = line.lastIndexOf(',');
        if (second < 0 || second >= last) {
          this.fail('malformed BRDA: record (expected BRDA:<line>,<block>,<branch>,<taken>)');
        }
        this.positive(5, first, 'BRDA: line number');
        const taken = last + 2 === len && line.charCodeAt(last + 1) === 45 /* - */ ? 0 : this.count(last + 1, len, 'BRDA: taken count');
        const key = line.slice(5, last);
        const prev = r.branches.get(key);
        if (prev === undefined) r.branches.set(own(key), taken);
        else if (taken > prev) r.branches.set(key, taken);
        break;
      }
      case 'SF': {
        if (this.rec) this.fail(`SF: record before the end_of_record of the record opened at line ${this.rec.sfLine}`);
        const path = line.slice(3);
        if (path.trim() === '') this.fail('SF: record without a path');
        this.rec = new LcovRecord(own(normalizeSourcePath(path)), this.lineNo);
        break;
      }
      case 'end_of_record': {
        const r = this.open('end_of_record');
        combineFile(this.files, r.path, finish(r), true);
        this.rec = undefined;
        break;
      }
      case 'FN': {
        const r = this.open('FN:');
        const c1 = line.indexOf(',', 3);
        if (c1 < 0) this.fail('malformed FN: record (expected FN:<line>,[<end line>,]<name>)');
        this.positive(3, c1, 'FN: line number');
        // an optional end line: digits followed by another comma (no function name is all digits)
        const c2 = line.indexOf(',', c1 + 1);
        const name = c2 > c1 + 1 && uint(line, c1 + 1, c2) >= 0 ? line.slice(c2 + 1) : line.slice(c1 + 1);
        if (name === '') this.fail('FN: record without a function name');
        if (!r.functions.has(name)) r.functions.set(own(name), 0);
        break;
      }
      case 'FNDA': {
        const r = this.open('FNDA:');
        const c1 = line.indexOf(',', 5);
        if (c1 < 0 || c1 + 1 === len) this.fail('malformed FNDA: record (expected FNDA:<count>,<name>)');
        const calls = this.count(5, c1, 'FNDA: execution count');
        const name = line.slice(c1 + 1);
        const prev = r.functions.get(name);
        if (prev === undefined || calls > prev) r.functions.set(prev === undefined ? own(name) : name, calls);
        break;
      }
      case 'FNL': {
        const r = this.open('FNL:');
        const c1 = line.indexOf(',', 4);
        if (c1 < 0) this.fail('malformed FNL: record (expected FNL:<index>,<line>[,<end line>])');
        const index = own(line.slice(4, c1));
        if (uint(line, 4, c1) < 0) this.fail('FNL: index is not a number');
        let end = line.indexOf(',', c1 + 1);
        if (end < 0) end = len;
        const start = this.positive(c1 + 1, end, 'FNL: line number');
        const key = GROUP_KEY + start;
        (r.groups ??= new Map()).set(index, key);
        if (!r.functions.has(key)) r.functions.set(key, 0);
        break;
      }
      case 'FNA': {
        const r = this.open('FNA:');
        const c1 = line.indexOf(',', 4);
        const c2 = c1 < 0 ? -1 : line.indexOf(',', c1 + 1);
        if (c2 < 0) this.fail('malformed FNA: record (expected FNA:<index>,<count>,<name>)');
        const key = r.groups?.get(line.slice(4, c1));
        if (key === undefined) this.fail('FNA: record for a function index that no FNL: record defined');
        const calls = this.count(c1 + 1, c2, 'FNA: execution count');
        if (calls > (r.functions.get(key) ?? 0)) r.functions.set(key, calls);
        break;
      }
      case 'LF':
        this.open('LF:').lf = this.positive(3, len, 'LF:');
        break;
      case 'LH':
        this.open('LH:').lh = this.positive(3, len, 'LH:');
        break;
      case 'BRF':
        this.open('BRF:').brf = this.positive(4, len, 'BRF:');
        break;
      case 'BRH':
        this.open('BRH:').brh = this.positive(4, len, 'BRH:');
        break;
      case 'FNF':
        this.open('FNF:').fnf = this.positive(4, len, 'FNF:');
        break;
      case 'FNH':
        this.open('FNH:').fnh = this.positive(4, len, 'FNH:');
        break;
      case 'MCDC':
      case 'MCF':
      case 'MCH':
        this.open(`${tag}:`);
        break;
      case 'TN':
      case 'VER':
        break;
      default:
        if (c0 === 35 /* # */ || line.trim() === '') break;
        this.fail(colon > 0 && isTag(tag) ? `unknown lcov record ${tag}:` : 'not an lcov record');
    }
  }

  end(): CoverageModel {
    const rec = this.rec;
    if (rec) {
      throw new EvidenceError(`truncated lcov: the record for ${rec.path} opened at line ${rec.sfLine} has no end_of_record`, { line: this.lineNo });
    }
    if (this.files.size === 0) throw new EvidenceError('no SF: record: not an lcov tracefile (or an empty one)');
    return { files: this.files };
  }

  private fail(why: string): never {
    throw new EvidenceError(`${why}: ${JSON.stringify(clip(this.text))}`, { line: this.lineNo });
  }

  /** a hit count: plain digits on the fast path, any non-negative number otherwise */
  private count(start: number, end: number, what: string): number {
    const n = uint(this.text, start, end);
    if (n >= 0) return n;
    const raw = this.text.slice(start, end);
    const value = raw.trim() === '' ? NaN : Number(raw);
    if (!Number.isFinite(value) || value < 0) this.fail(`${what} is not a non-negative number`);
    return value;
  }

  private positive(start: number, end: number, what: string): number {
    const n = uint(this.text, start, end);
    if (n < 0) this.fail(`${what} is not a line number`);
    return n;
  }

  private open(tag: string): LcovRecord {
    return this.rec ?? this.fail(`${tag} record outside an SF: … end_of_record record`);
  }
}

/** The detail of each kind, or its summary lines when the record has no detail for it. */
function finish(r: LcovRecord): FileCoverage {
  const out: FileCoverage = {};
  const lines = r.lines.empty ? summary(r, r.lf, r.lh, 'LF', 'LH') : r.lines.build();
  const branches = r.branches.size > 0 ? r.branches : summary(r, r.brf, r.brh, 'BRF', 'BRH');
  const functions = r.functions.size > 0 ? r.functions : summary(r, r.fnf, r.fnh, 'FNF', 'FNH');
  if (lines) out.lines = lines;
  if (branches) out.branches = branches;
  if (functions) out.functions = functions;
  return out;
}

function summary(r: LcovRecord, found: number, hit: number, f: string, h: string): Count | undefined {
  if (found < 0 && hit < 0) return undefined;
  const where = `the record for ${r.path} opened at line ${r.sfLine}`;
  if (found < 0 || hit < 0) throw new EvidenceError(`${where} states ${found < 0 ? h : f} without ${found < 0 ? f : h} and has no detail record`);
  if (hit > found) throw new EvidenceError(`${where} states ${h}:${hit} above ${f}:${found}`);
  return { covered: hit, total: found };
}
