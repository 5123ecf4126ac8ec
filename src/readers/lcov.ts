import { EvidenceError } from '../measure.js';
import {
  BranchSetBuilder,
  COVERAGE_METRICS,
  FunctionSetBuilder,
  NameTable,
  PackedFile,
  LineSetBuilder,
  MAX_LINE,
  clip,
  compactId,
  FileTable,
  KINDS,
  coverageMetrics,
  coverageNotes,
  mergeCoverage,
  normalizeSourcePath,
  own,
  type Count,
  type CoverageModel,
  type Kind,
} from './coverage.js';
import type { ByteSource, Format } from './types.js';

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
 * - Identities of any length are kept in bounded memory: a branch id or function name over
 *   ID_TEXT_CHARS and an SF path over PATH_TEXT_CHARS are kept as hashes (coverage.ts compactId).
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
  /** FNL index → function key, for FNA */
  groups: Map<string, string> | undefined;
  lf = -1;
  lh = -1;
  brf = -1;
  brh = -1;
  fnf = -1;
  fnh = -1;
  constructor(
    /** the file's key (normalizeSourcePath: a long path is a hash) */
    readonly path: string,
    /** the path as messages show it */
    readonly shown: string,
    readonly sfLine: number,
    /** the parser's builders, emptied by finish (one record is open at a time) */
    readonly lines: LineSetBuilder,
    readonly branches: BranchSetBuilder,
    readonly functions: FunctionSetBuilder,
  ) {}
}

/** FNL function keys start with a newline, which no FN name (a line of text) can contain. */
const GROUP_KEY = '\n';

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
  lineCoverage: (m) => m,
  branchLines: true,
  knownMetrics: COVERAGE_METRICS,
  merge: mergeCoverage,
  metrics: coverageMetrics,
  notes: coverageNotes,

  async read(input, ctx) {
    const parser = new LcovParser();
    await eachLine(input, parser, ctx.limits.lineBytes);
    return parser.end();
  },
};

/** Buffer's own decoder without toString's argument checks. */
const utf8 = (buf: Buffer, start: number, end: number): string => (buf as unknown as { utf8Slice(s: number, e: number): string }).utf8Slice(start, end);

function tooLong(line: number, maxLineBytes: number): never {
  throw new EvidenceError(
    `line ${line} is longer than ${maxLineBytes} bytes (LIMITS.lineBytes); lines are capped so that one line cannot exhaust memory`,
    { line },
  );
}

/**
 * Feeds the lines of a byte stream to the parser (LF or CRLF; a leading UTF-8 BOM dropped), as
 * input.ts's forEachLine does but without decoding whole chunks: most lines are read from the
 * bytes. At most one partial line is held between chunks; a line longer than maxLineBytes is an
 * EvidenceError naming its line number.
 */
async function eachLine(input: ByteSource, parser: LcovParser, maxLineBytes: number): Promise<void> {
  const holdable = maxLineBytes + 4;
  let carry: Buffer | undefined;
  let first = true;
  const line = (b: Buffer, start: number, end: number): void => {
    if (first) {
      first = false;
      if (end - start >= 3 && b[start] === 0xef && b[start + 1] === 0xbb && b[start + 2] === 0xbf) start += 3;
    }
    if (end > start && b[end - 1] === 13 /* CR */) end--;
    parser.bytesIn(b, start, end, maxLineBytes);
  };
  for await (const chunk of input) {
    const b = Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    const len = b.byteLength;
    let from = 0;
    if (carry !== undefined) {
      const nl = b.indexOf(10);
      if (nl === -1) {
        if (carry.byteLength + len > holdable) tooLong(parser.lines + 1, maxLineBytes);
        carry = Buffer.concat([carry, b]); // a copy: the source may reuse its buffer
        continue;
      }
      if (carry.byteLength + nl > holdable) tooLong(parser.lines + 1, maxLineBytes);
      const joined = Buffer.concat([carry, b.subarray(0, nl)]);
      carry = undefined;
      line(joined, 0, joined.byteLength);
      from = nl + 1;
    }
    for (;;) {
      let nl = parser.fast(b, from, len, maxLineBytes);
      if (nl < 0) {
        nl = b.indexOf(10, from);
        if (nl === -1) break;
        if (nl - from > holdable) tooLong(parser.lines + 1, maxLineBytes);
        line(b, from, nl);
      }
      from = nl + 1;
    }
    if (from < len) {
      if (len - from > holdable) tooLong(parser.lines + 1, maxLineBytes);
      carry = Buffer.from(b.subarray(from)); // a copy: the source may reuse its buffer
    }
  }
  if (carry !== undefined) line(carry, 0, carry.byteLength);
}

/** The record state machine, fed one line at a time (no line terminator). */
export class LcovParser {
  private readonly files = new FileTable();
  private rec: LcovRecord | undefined;
  private readonly lineSet = new LineSetBuilder();
  private readonly branchSet = new BranchSetBuilder();
  private readonly functionSet = new FunctionSetBuilder(new NameTable());
  private lineNo = 0;
  private text = '';
  /** the first negative count of each kind, and how many there were */
  private readonly negative: Partial<Record<Kind, { line: number; raw: string; count: number }>> = {};

  /**
   * The line starting at b[start], if it is `DA:<line>,<hits>[,<ASCII checksum>]` or
   * `BRDA:<line>,<block>,<branch>,<taken>` with plain numbers (no leading zero in the branch id)
   * and ends with LF or CRLF within b[, len) and maxLineBytes: nearly every line of a tracefile,
   * read from the bytes in one pass. Returns the index of its LF, or -1 (nothing done: read the
   * line with `bytesIn`).
   */
  fast(b: Buffer, start: number, len: number, maxLineBytes: number): number {
    const rec = this.rec;
    if (rec === undefined || start + 6 > len) return -1;
    const c0 = b[start]!;
    let i: number;
    if (c0 === 68 /* D */) {
      if (b[start + 1] !== 65 /* A */ || b[start + 2] !== 58 /* : */) return -1;
      i = start + 3;
      let ln = 0;
      let c = i < len ? b[i]! : -1;
      while (c >= 48 && c <= 57) {
        ln = ln * 10 + c - 48;
        c = ++i < len ? b[i]! : -1;
      }
      if (i === start + 3 || i - start - 3 > 10 || i >= len || c !== 44 /* , */ || ln > MAX_LINE) return -1;
      const h = ++i;
      let hits = 0;
      c = i < len ? b[i]! : -1;
      while (c >= 48 && c <= 57) {
        hits = hits * 10 + c - 48;
        c = ++i < len ? b[i]! : -1;
      }
      if (i === h || i >= len) return -1;
      if (c === 44 /* , checksum: ignored, ASCII up to the LF */) {
        do c = ++i < len ? b[i]! : -1;
        while (i < len && c !== 10 && c < 0x80);
        if (i >= len || c !== 10) return -1;
      } else if (c === 13 /* CR */) {
        if (++i >= len || b[i] !== 10) return -1;
      } else if (c !== 10) {
        return -1;
      }
      if (i - start > maxLineBytes) return -1;
      this.lineNo++;
      rec.lines.add(ln, hits > 0);
      return i;
    }
    if (c0 !== 66 /* B */ || start + 13 > len || b[start + 1] !== 82 /* R */ || b[start + 2] !== 68 /* D */ || b[start + 3] !== 65 /* A */ || b[start + 4] !== 58 /* : */) return -1;
    i = this.id(b, start + 5, len);
    const ln = this.value;
    if (i < 0 || ln > MAX_LINE) return -1;
    i = this.id(b, i, len);
    const block = this.value;
    if (i < 0) return -1;
    i = this.id(b, i, len);
    const branch = this.value;
    if (i < 0 || i >= len) return -1;
    let taken = 0;
    let c = i < len ? b[i]! : -1;
    if (c === 45 /* - */) {
      c = ++i < len ? b[i]! : -1;
    } else {
      const h = i;
      while (c >= 48 && c <= 57) {
        taken = taken * 10 + c - 48;
        c = ++i < len ? b[i]! : -1;
      }
      if (i === h) return -1;
    }
    if (i >= len) return -1;
    if (c === 13 /* CR */) {
      if (++i >= len || b[i] !== 10) return -1;
    } else if (c !== 10) {
      return -1;
    }
    if (i - start > maxLineBytes) return -1;
    this.lineNo++;
    rec.branches.addTriple(ln, block, branch, taken > 0);
    return i;
  }

  /** Any line, bytes[start, end) (no line terminator): decoded (as UTF-8, invalid bytes replaced) and read by `line`. */
  bytesIn(b: Buffer, start: number, end: number, maxLineBytes: number): void {
    const text = utf8(b, start, end);
    // the cap counts the bytes of the decoded text (as readLines and forEachLine do)
    if (text.length > maxLineBytes || (3 * text.length > maxLineBytes && Buffer.byteLength(text) > maxLineBytes)) tooLong(this.lineNo + 1, maxLineBytes);
    this.line(text);
  }

  private value = 0;

  /** a decimal id component at b[i] without a leading zero, then a comma: into `value`; returns the index after the comma (-1: not that) */
  private id(b: Buffer, i: number, end: number): number {
    const from = i;
    let n = 0;
    let c = i < end ? b[i]! : -1;
    while (c >= 48 && c <= 57) {
      n = n * 10 + c - 48;
      c = ++i < end ? b[i]! : -1;
    }
    if (i === from || i - from > 10 || c !== 44 || i >= end || (b[from] === 48 && i - from > 1)) return -1;
    this.value = n;
    return i + 1;
  }

  get lines(): number {
    return this.lineNo;
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
        r.branches.addLcov(line, 5, last, taken);
        break;
      }
      case 'SF': {
        if (this.rec) this.fail(`SF: record before the end_of_record of the record opened at line ${this.rec.sfLine}`);
        const path = line.slice(3);
        if (path.trim() === '') this.fail('SF: record without a path');
        this.rec = new LcovRecord(own(normalizeSourcePath(path)), clip(path, 200), this.lineNo, this.lineSet, this.branchSet, this.functionSet);
        break;
      }
      case 'end_of_record': {
        const r = this.open('end_of_record');
        this.files.add(r.path, finish(r));
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
        r.functions.add(name, false);
        break;
      }
      case 'FNDA': {
        const r = this.open('FNDA:');
        const c1 = line.indexOf(',', 5);
        if (c1 < 0 || c1 + 1 === len) this.fail('malformed FNDA: record (expected FNDA:<count>,<name>)');
        const calls = this.count(5, c1, 'FNDA: execution count');
        const name = line.slice(c1 + 1);
        r.functions.add(name, calls > 0);
        break;
      }
      case 'FNL': {
        const r = this.open('FNL:');
        const c1 = line.indexOf(',', 4);
        if (c1 < 0) this.fail('malformed FNL: record (expected FNL:<index>,<line>[,<end line>])');
        const index = own(compactId(line.slice(4, c1)));
        if (uint(line, 4, c1) < 0) this.fail('FNL: index is not a number');
        let end = line.indexOf(',', c1 + 1);
        if (end < 0) end = len;
        const start = this.positive(c1 + 1, end, 'FNL: line number');
        // the group's key: two huge numbers must not round to one
        if (start > MAX_LINE) this.fail('FNL: line number out of range');
        const key = GROUP_KEY + start;
        (r.groups ??= new Map()).set(index, key);
        r.functions.add(key, false);
        break;
      }
      case 'FNA': {
        const r = this.open('FNA:');
        const c1 = line.indexOf(',', 4);
        const c2 = c1 < 0 ? -1 : line.indexOf(',', c1 + 1);
        if (c2 < 0) this.fail('malformed FNA: record (expected FNA:<index>,<count>,<name>)');
        const key = r.groups?.get(compactId(line.slice(4, c1)));
        if (key === undefined) this.fail('FNA: record for a function index that no FNL: record defined');
        const calls = this.count(c1 + 1, c2, 'FNA: execution count');
        r.functions.add(key, calls > 0);
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
      throw new EvidenceError(`truncated lcov: the record for ${rec.shown} opened at line ${rec.sfLine} has no end_of_record`, { line: this.lineNo });
    }
    if (this.files.size === 0) throw new EvidenceError('no SF: record: not an lcov tracefile (or an empty one)');
    const model: CoverageModel = { files: this.files };
    for (const kind of KINDS) {
      const n = this.negative[kind];
      if (n === undefined) continue;
      model.notes = {
        ...model.notes,
        [kind]: `line ${n.line}${n.count > 1 ? ` and ${n.count - 1} more` : ''} of the lcov file has a negative count (${n.raw}), which no run can produce (a known V8-to-Istanbul conversion bug: ast-v8-to-istanbul#148); read as not covered, the worse reading`,
      };
    }
    return model;
  }

  private fail(why: string): never {
    throw new EvidenceError(`${why}: ${JSON.stringify(clip(this.text))}`, { line: this.lineNo });
  }

  /**
   * A hit count: plain digits on the fast path, any non-negative number otherwise. A negative
   * integer (vitest's V8 coverage writes them, ast-v8-to-istanbul#148) is read as 0 — not covered,
   * the worse reading — and noted; anything else that is not a count makes the file unreadable.
   */
  private count(start: number, end: number, what: string): number {
    const n = uint(this.text, start, end);
    if (n >= 0) return n;
    const raw = this.text.slice(start, end);
    const value = raw.trim() === '' ? NaN : Number(raw);
    if (Number.isSafeInteger(value) && value < 0) {
      const kind: Kind = what.startsWith('DA') ? 'lines' : what.startsWith('BRDA') ? 'branches' : 'functions';
      const seen = this.negative[kind];
      if (seen) seen.count++;
      else this.negative[kind] = { line: this.lineNo, raw: clip(this.text), count: 1 };
      return 0;
    }
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
function finish(r: LcovRecord): PackedFile {
  const lines = r.lines.empty ? summary(r, r.lf, r.lh, 'LF', 'LH') : r.lines;
  const branches = r.branches.size > 0 ? r.branches : summary(r, r.brf, r.brh, 'BRF', 'BRH');
  const functions = r.functions.size > 0 ? r.functions : summary(r, r.fnf, r.fnh, 'FNF', 'FNH');
  return PackedFile.from(lines, branches, functions);
}

function summary(r: LcovRecord, found: number, hit: number, f: string, h: string): Count | undefined {
  if (found < 0 && hit < 0) return undefined;
  const where = `the record for ${r.shown} opened at line ${r.sfLine}`;
  if (found < 0 || hit < 0) throw new EvidenceError(`${where} states ${found < 0 ? h : f} without ${found < 0 ? f : h} and has no detail record`);
  if (hit > found) throw new EvidenceError(`${where} states ${h}:${hit} above ${f}:${found}`);
  return { covered: hit, total: found };
}
