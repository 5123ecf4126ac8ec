import { hash } from 'node:crypto';
import { EvidenceError, type Metrics, type Unit } from '../measure.js';

/**
 * The coverage model shared by the lcov, Cobertura, Istanbul-summary and JaCoCo readers, with the
 * one merge and the one metrics function they all use.
 *
 * Each source file holds, per kind (lines, branches, functions), either the detail (lines, branch
 * ids, function ids, each with whether it was covered, so that several reports of the same file
 * merge item by item: covered if any report covers it) or, where a format gives nothing finer,
 * the file's totals. A kind that is absent for a
 * file means the report says nothing about it; a kind absent from every file yields no metric at
 * all, so a criterion that expects it reports "no evidence" instead of 0% or 100% for nothing.
 *
 * The detail is kept compact, since a report may list millions of lines: a line set is a bitset
 * (2 bits a line) or packed codes, branch ids are numbers where they can be (text otherwise),
 * function names are numbered per read, all stored as bytes in shared slabs; the lcov reader
 * keeps each file as a row of numbers (FileTable) rather than as objects. Only whether an item
 * was covered is kept, never its hit count.
 *
 * No identity costs more than a few dozen bytes, however long its text: a branch id or function
 * name longer than ID_TEXT_CHARS, and a source path longer than PATH_TEXT_CHARS, is kept as its
 * SHA-256 (see compactId). Otherwise a report of 1 MB branch ids held every one of them (four
 * such lcov files in one criterion exhausted the heap).
 */

export type Kind = 'lines' | 'branches' | 'functions';
export const KINDS: readonly Kind[] = ['lines', 'branches', 'functions'];

/** covered out of total; fractional where a format writes fractions (Istanbul, Cobertura floats) */
export interface Count {
  covered: number;
  total: number;
}

/** A bare percentage (0-100) a report states without any count (Cobertura line-rate alone). */
export interface Percent {
  percent: number;
}

/** item → hit count (0 = not covered); items are format-specific ids, unique within a file */
export type ItemMap = Map<string, number>;

/** The largest line number a LineSet holds (a 32-bit code keeps one bit for "hit"). */
export const MAX_LINE = 0x7fffffff;

/**
 * The detail of every file is kept as bytes carved out of shared 1 MiB slabs: a typed array per
 * file would cost more than the data it holds (a report may list hundreds of thousands of
 * files, and a typed array object alone is about 100 bytes). Slab regions are never reused, so
 * they start zeroed; a slab lives while any set stored in it does. A slab this large is mapped on
 * its own by the allocator, so long-lived slabs do not pin the heap between the short-lived
 * stream chunks (64 KiB slabs cost a 1 GB lcov read about 15 MB of peak RSS), and the pages of a
 * slab not yet filled are never touched.
 */
const SLAB_BYTES = 1024 * 1024;
const SLAB_MAX = 4096;
let slab = new Uint8Array(SLAB_BYTES);
let slabUsed = 0;
/** where the last `reserve` put its region */
let reserved: Uint8Array = slab;

/** Reserves n zeroed bytes: returns the offset in `reserved`. */
function reserve(n: number): number {
  if (n > SLAB_MAX) {
    reserved = new Uint8Array(n);
    return 0;
  }
  if (slabUsed + n > SLAB_BYTES) {
    slab = new Uint8Array(SLAB_BYTES);
    slabUsed = 0;
  }
  reserved = slab;
  const at = slabUsed;
  slabUsed += n;
  return at;
}

/** bytes being prepared for one slab region (`commit` copies them there) */
let stage = new Uint8Array(4096);
let staged = 0;

function room(n: number): void {
  if (staged + n <= stage.length) return;
  const grown = new Uint8Array(Math.max(stage.length * 2, staged + n));
  grown.set(stage.subarray(0, staged));
  stage = grown;
}

/** Stages codes[0, n) (sorted ascending, unique, below 2^32) as LEB128 deltas; returns their length. */
function stageDeltas(codes: Uint32Array, n: number): number {
  room(n * 5);
  const out = stage;
  const from = staged;
  let o = staged;
  let prev = 0;
  for (let i = 0; i < n; i++) {
    let d = codes[i]! - prev;
    prev = codes[i]!;
    while (d >= 0x80) {
      out[o++] = (d & 0x7f) | 0x80;
      d = Math.floor(d / 128);
    }
    out[o++] = d;
  }
  staged = o;
  return o - from;
}

/** Stages line codes[0, n) (sorted unique `line * 2 + hit`, n > 0) as 2 bits a line from the first line; returns their length. */
function stageBits(codes: Uint32Array, n: number): number {
  const base = codes[0]! >>> 1;
  const bytes = (((codes[n - 1]! >>> 1) - base + 1 + 3) >>> 2);
  room(bytes);
  const bits = stage;
  const from = staged;
  bits.fill(0, from, from + bytes);
  for (let i = 0; i < n; i++) {
    const code = codes[i]!;
    const k = (code >>> 1) - base;
    bits[from + (k >>> 2)]! |= (1 | ((code & 1) << 1)) << ((k & 3) * 2);
  }
  staged = from + bytes;
  return bytes;
}

/** Whether line codes[0, n) are dense enough for a bitset (at most 2 bytes a line). */
function denseLines(codes: Uint32Array, n: number): boolean {
  return n > 0 && (codes[n - 1]! >>> 1) - (codes[0]! >>> 1) + 1 <= 8 * n;
}

/** Copies the staged bytes to a slab region: returns its offset in `reserved`. */
function commit(): number {
  const at = reserve(staged);
  reserved.set(stage.subarray(0, staged), at);
  staged = 0;
  return at;
}

/** Packs codes[0, n) (see stageDeltas) in a slab region: its offset in `reserved`, its length `packedBytes`. */
let packedBytes = 0;
function pack(codes: Uint32Array, n: number): number {
  staged = 0;
  packedBytes = stageDeltas(codes, n);
  return commit();
}

function unpack(store: Uint8Array, off: number, bytes: number, count: number): Uint32Array {
  const out = new Uint32Array(count);
  let prev = 0;
  let n = 0;
  const end = off + bytes;
  for (let i = off; i < end; ) {
    let b = store[i++]!;
    let d = b & 0x7f;
    let scale = 128;
    while (b & 0x80) {
      b = store[i++]!;
      d += (b & 0x7f) * scale;
      scale *= 128;
    }
    prev += d;
    out[n++] = prev;
  }
  return out;
}

/*
 * Narrow branch codes (see BranchSetBuilder) are staged by line: the line step from the previous
 * code (bits 13 and up) and the rest (block, branch, kind, taken: bits 0-12), in one byte when
 * the step is below 8 and the rest below 16 (`0sssrrrr`, the usual lcov branch), in two when
 * below 64 and 256 (`10ssssss rrrrrrrr`), else `11000000` and both as LEB128.
 */
function stageBranches(codes: Uint32Array, n: number): number {
  room(n * 11);
  const out = stage;
  const from = staged;
  let o = staged;
  let prevLine = 0;
  for (let i = 0; i < n; i++) {
    const code = codes[i]!;
    const line = code >>> 13;
    const rest = code & 0x1fff;
    const step = line - prevLine;
    prevLine = line;
    if (step < 8 && rest < 16) {
      out[o++] = (step << 4) | rest;
    } else if (step < 64 && rest < 256) {
      out[o++] = 0x80 | step;
      out[o++] = rest;
    } else {
      out[o++] = 0xc0;
      for (let v = step; ; v >>>= 7) {
        if (v < 0x80) {
          out[o++] = v;
          break;
        }
        out[o++] = (v & 0x7f) | 0x80;
      }
      for (let v = rest; ; v >>>= 7) {
        if (v < 0x80) {
          out[o++] = v;
          break;
        }
        out[o++] = (v & 0x7f) | 0x80;
      }
    }
  }
  staged = o;
  return o - from;
}

function unpackBranches(store: Uint8Array, off: number, bytes: number, count: number): Uint32Array {
  const out = new Uint32Array(count);
  let line = 0;
  let n = 0;
  const end = off + bytes;
  for (let i = off; i < end; ) {
    const b = store[i++]!;
    let rest: number;
    if (b < 0x80) {
      line += b >>> 4;
      rest = b & 15;
    } else if (b < 0xc0) {
      line += b & 0x3f;
      rest = store[i++]!;
    } else {
      let v = 0;
      let c: number;
      let shift = 0;
      do {
        c = store[i++]!;
        v |= (c & 0x7f) << shift;
        shift += 7;
      } while (c & 0x80);
      line += v;
      rest = 0;
      shift = 0;
      do {
        c = store[i++]!;
        rest |= (c & 0x7f) << shift;
        shift += 7;
      } while (c & 0x80);
    }
    out[n++] = (line * 8192 + rest) >>> 0;
  }
  return out;
}

const NO_CODES = new Uint32Array(0);

/**
 * Sorts codes `key * 2 + flag` (flag: 0 or 1, integers below 2^53), keeps one code per key (flag
 * set if any repeat had it) and returns how many remain at the front and how many have the flag.
 */
function sortUnique(codes: Uint32Array | Float64Array, n: number, sorted: boolean): [number, number] {
  const view = n === codes.length ? codes : codes.subarray(0, n);
  if (!sorted) view.sort();
  // a key's flagged code sorts right after its unflagged one: keep the last of each key
  let out = 0;
  let flagged = 0;
  for (let i = 0; i < n; i++) {
    const code = view[i]!;
    const flag = code % 2;
    if (out > 0 && view[out - 1]! - (view[out - 1]! % 2) === code - flag) {
      flagged += flag - (view[out - 1]! % 2);
      view[out - 1] = code;
    } else {
      view[out++] = code;
      flagged += flag;
    }
  }
  return [out, flagged];
}

/**
 * The instrumented lines of one source file, compact: either a bitset of two bits a line (listed,
 * hit) from the first line on, for files whose lines are dense (the usual case: well under a byte
 * a line), or sorted unique codes `line * 2 + hit` (4 bytes a line) for sparse ones. Only whether
 * a line was hit matters for the metrics and for the union of several reports, so hit counts are
 * not kept.
 */
export class LineSet {
  private constructor(
    /** dense: 2 bits a line from `base` on (bit 0: listed, bit 1: hit); sparse: packed codes */
    private readonly dense: boolean,
    private readonly base: number,
    private readonly store: Uint8Array,
    private readonly off: number,
    private readonly bytes: number,
    readonly size: number,
    readonly covered: number,
  ) {}

  /** sorted unique codes `line * 2 + hit` */
  get codes(): Uint32Array {
    if (!this.dense) return unpack(this.store, this.off, this.bytes, this.size);
    const store = this.store;
    const out = new Uint32Array(this.size);
    let n = 0;
    for (let i = 0; i < this.bytes; i++) {
      let b = store[this.off + i]!;
      for (let k = i * 4; b !== 0; k++, b >>>= 2) {
        if (b & 1) out[n++] = (this.base + k) * 2 + ((b >>> 1) & 1);
      }
    }
    return out;
  }

  /** from [line, hits] pairs, in any order, repeats allowed (tests and small readers) */
  static of(entries: Iterable<readonly [number, number]>): LineSet {
    const b = new LineSetBuilder();
    for (const [line, hits] of entries) b.add(line, hits > 0);
    return b.build();
  }

  /** The union: a line is in it if either set has it, hit if either set hit it. */
  union(other: LineSet): LineSet {
    const a = this.codes;
    const b = other.codes;
    const out = new Uint32Array(a.length + b.length);
    let i = 0;
    let j = 0;
    let n = 0;
    let covered = 0;
    while (i < a.length || j < b.length) {
      let code: number;
      if (j >= b.length || (i < a.length && a[i]! >>> 1 < b[j]! >>> 1)) code = a[i++]!;
      else if (i >= a.length || b[j]! >>> 1 < a[i]! >>> 1) code = b[j++]!;
      else code = (a[i++]! | b[j++]!) >>> 0;
      out[n++] = code;
      covered += code & 1;
    }
    return LineSet.fromSortedUnique(out, n, covered);
  }

  /** @internal codes[0, n) sorted unique (copied: a bitset for dense lines, else packed) */
  static fromSortedUnique(codes: Uint32Array, n: number, covered: number): LineSet {
    staged = 0;
    const dense = denseLines(codes, n);
    const bytes = dense ? stageBits(codes, n) : stageDeltas(codes, n);
    const off = commit();
    return new LineSet(dense, n > 0 ? codes[0]! >>> 1 : 0, reserved, off, bytes, n, covered);
  }

  /** @internal a set stored by PackedFile */
  static view(dense: boolean, base: number, store: Uint8Array, off: number, bytes: number, size: number, covered: number): LineSet {
    return new LineSet(dense, base, store, off, bytes, size, covered);
  }
}

/** Collects the lines of one file in reading order; `build` sorts, removes repeats and resets. */
export class LineSetBuilder {
  private buf = new Uint32Array(64);
  private n = 0;
  private last = 0;
  private sorted = true;

  get empty(): boolean {
    return this.n === 0;
  }

  /** `line` must be an integer in 0..MAX_LINE (readers check) */
  add(line: number, hit: boolean): void {
    const code = line * 2 + (hit ? 1 : 0);
    if (this.n === this.buf.length) {
      const grown = new Uint32Array(this.buf.length * 2);
      grown.set(this.buf);
      this.buf = grown;
    }
    this.buf[this.n++] = code;
    if (code < this.last) this.sorted = false;
    this.last = code;
  }

  /** The set so far; the builder is then empty again (and may be reused). */
  build(): LineSet {
    const [codes, n, covered] = this.take();
    return LineSet.fromSortedUnique(codes, n, covered);
  }

  /** @internal the sorted unique codes (valid until the next add), their number and how many are hit; empties the builder */
  take(): [Uint32Array, number, number] {
    const codes = this.buf;
    const [n, covered] = sortUnique(codes, this.n, this.sorted);
    this.n = 0;
    this.last = 0;
    this.sorted = true;
    if (codes.length > 1 << 16) this.buf = new Uint32Array(64);
    return [codes, n, covered];
  }
}

/*
 * Branch ids are numbers where they can be: lcov's `<line>,<block>,<branch>` (plain decimal
 * numbers, no leading zero) and the XML readers' `<line>#<index>` (block 0). A narrow code (line
 * below 2^19, block below 32, branch below 64) fits 32 bits; a wide one (block and branch below
 * 1024) 53 bits; any other id is kept as its text. Every id has exactly one form, so two sets
 * merge form by form.
 */
const LCOV_ID = 0;
const INDEX_ID = 1;

function narrowCode(line: number, block: number, branch: number, kind: number, taken: number): number {
  return ((((line * 32 + block) * 64 + branch) * 2 + kind) * 2) + taken;
}

function wideCode(line: number, block: number, branch: number, kind: number, taken: number): number {
  return ((((line * 1024 + block) * 1024 + branch) * 2 + kind) * 2) + taken;
}

/** The text form of a numeric id (ids too large for a wide code). */
function idText(line: number, block: number, branch: number, kind: number): string {
  return kind === LCOV_ID ? `${line},${block},${branch}` : `${line}#${branch}`;
}

/** s[start, end) as a decimal number written without a leading zero, or -1. */
function canonicalUint(s: string, start: number, end: number): number {
  if (start >= end || end - start > 15 || (s.charCodeAt(start) === 48 && end - start > 1)) return -1;
  let n = 0;
  for (let i = start; i < end; i++) {
    const d = s.charCodeAt(i) - 48;
    if (d < 0 || d > 9) return -1;
    n = n * 10 + d;
  }
  return n;
}

/**
 * The branches of one source file (an id each, taken or not), compact: numeric ids as sorted
 * unique codes `id * 2 + taken` in typed arrays, other ids by text. Immutable.
 */
export class BranchSet {
  private constructor(
    /** the narrow codes, packed */
    private readonly store: Uint8Array,
    private readonly off: number,
    private readonly bytes: number,
    private readonly narrowCount: number,
    readonly wide: Float64Array | undefined,
    /** id text → times taken */
    readonly named: ReadonlyMap<string, number> | undefined,
    readonly size: number,
    readonly covered: number,
  ) {}

  /** sorted unique narrow codes */
  get narrow(): Uint32Array {
    return this.narrowCount === 0 ? NO_CODES : unpackBranches(this.store, this.off, this.bytes, this.narrowCount);
  }

  /** @internal a set stored by PackedFile */
  static view(store: Uint8Array, off: number, bytes: number, narrowCount: number, wide: Float64Array | undefined, named: ReadonlyMap<string, number> | undefined, size: number, covered: number): BranchSet {
    return new BranchSet(store, off, bytes, narrowCount, wide, named, size, covered);
  }

  /** @internal narrow codes[0, n) sorted unique (copied) and the rest */
  static of(codes: Uint32Array, n: number, wide: Float64Array | undefined, named: ReadonlyMap<string, number> | undefined, size: number, covered: number): BranchSet {
    staged = 0;
    const bytes = stageBranches(codes, n);
    const off = commit();
    return new BranchSet(reserved, off, bytes, n, wide, named, size, covered);
  }

  /** from an id → times-taken map (ids as the readers write them: `1,0,2`, `12#0`, any text) */
  static fromMap(items: ReadonlyMap<string, number>): BranchSet {
    const b = new BranchSetBuilder();
    for (const [id, taken] of items) b.addId(id, taken);
    return b.build();
  }

  /** The union: an id is in it if either set has it, taken if either set took it. */
  union(other: BranchSet): BranchSet {
    const narrow = mergeCodes(this.narrow, other.narrow);
    const wide = this.wide && other.wide ? mergeCodes(this.wide, other.wide) : undefined;
    let named: Map<string, number> | undefined;
    if (this.named || other.named) {
      named = new Map(this.named);
      for (const [id, taken] of other.named ?? []) {
        const prev = named.get(id);
        if (prev === undefined || taken > prev) named.set(id, taken);
      }
    }
    let size = narrow[0].length;
    let covered = narrow[1];
    const wideCodes = wide ? wide[0] : this.wide ?? other.wide;
    if (wideCodes) {
      size += wideCodes.length;
      covered += wide ? wide[1] : (this.wide ? this : other).wideCovered();
    }
    if (named) {
      size += named.size;
      for (const taken of named.values()) if (taken > 0) covered++;
    }
    return BranchSet.of(narrow[0], narrow[0].length, wideCodes, named, size, covered);
  }

  /**
   * Each branch with the source line its id names (`fn(line, taken)`), for readers whose ids carry
   * the branch's own line (see Format.branchLines); returns how many ids name no line (text ids
   * that are hashed or do not start with one).
   */
  forEachLine(fn: (line: number, taken: boolean) => void): number {
    const narrow = this.narrow;
    // narrowCode: line * 2^13 + the rest; wideCode: line * 2^22 + the rest
    for (let i = 0; i < narrow.length; i++) fn(narrow[i]! >>> 13, (narrow[i]! & 1) === 1);
    for (const code of this.wide ?? []) fn(Math.floor(code / 4_194_304), code % 2 === 1);
    let unplaced = 0;
    for (const [id, taken] of this.named ?? []) {
      const line = leadingLine(id);
      if (line < 0) unplaced++;
      else fn(line, taken > 0);
    }
    return unplaced;
  }

  private wideCovered(): number {
    let covered = 0;
    for (const code of this.wide ?? []) covered += code % 2;
    return covered;
  }
}

/** The line a text branch id starts with (`12,…` or `12#…`, as idText and lcov write them), or -1. */
function leadingLine(id: string): number {
  let end = 0;
  while (end < id.length && id.charCodeAt(end) >= 48 && id.charCodeAt(end) <= 57) end++;
  const next = id.charCodeAt(end);
  if (end === 0 || (next !== 44 && next !== 35)) return -1;
  const line = canonicalUint(id, 0, end);
  return line > MAX_LINE ? -1 : line;
}

/** Merges two sorted unique code arrays (same key: flag if either has it). */
function mergeCodes<T extends Uint32Array | Float64Array>(a: T, b: T): [T, number] {
  if (b.length === 0) return [a, countFlags(a)];
  if (a.length === 0) return [b, countFlags(b)];
  const out = (a instanceof Float64Array ? new Float64Array(a.length + b.length) : new Uint32Array(a.length + b.length)) as T;
  let i = 0;
  let j = 0;
  let n = 0;
  let flagged = 0;
  while (i < a.length || j < b.length) {
    let code: number;
    const x = i < a.length ? a[i]! - (a[i]! % 2) : Infinity;
    const y = j < b.length ? b[j]! - (b[j]! % 2) : Infinity;
    if (x < y) code = a[i++]!;
    else if (y < x) code = b[j++]!;
    else code = Math.max(a[i++]!, b[j++]!);
    out[n++] = code;
    flagged += code % 2;
  }
  return [out.slice(0, n) as T, flagged];
}

function countFlags(codes: Uint32Array | Float64Array): number {
  let flagged = 0;
  for (let i = 0; i < codes.length; i++) flagged += codes[i]! % 2;
  return flagged;
}

/** Collects the branches of one file in reading order; `build` sorts, removes repeats and resets. */
export class BranchSetBuilder {
  private buf = new Uint32Array(64);
  private n = 0;
  private last = 0;
  private sorted = true;
  private wide: number[] | undefined;
  private named: Map<string, number> | undefined;

  get size(): number {
    return this.n + (this.wide?.length ?? 0) + (this.named?.size ?? 0);
  }

  /**
   * A numeric id: `kind` LCOV_ID for lcov's `line,block,branch`, INDEX_ID for `line#branch` (block
   * 0). All integers >= 0, line <= MAX_LINE.
   */
  add(line: number, block: number, branch: number, kind: number, taken: boolean): void {
    const t = taken ? 1 : 0;
    if (line < 0x80000 && block < 32 && branch < 64) {
      const code = narrowCode(line, block, branch, kind, t);
      if (this.n === this.buf.length) {
        const grown = new Uint32Array(this.buf.length * 2);
        grown.set(this.buf);
        this.buf = grown;
      }
      this.buf[this.n++] = code;
      if (code < this.last) this.sorted = false;
      this.last = code;
    } else if (block < 1024 && branch < 1024) {
      (this.wide ??= []).push(wideCode(line, block, branch, kind, t));
    } else {
      this.addText(idText(line, block, branch, kind), t);
    }
  }

  /** lcov's `<line>,<block>,<branch>` as numbers (written without leading zeros; line <= MAX_LINE) */
  addTriple(line: number, block: number, branch: number, taken: boolean): void {
    this.add(line, block, branch, LCOV_ID, taken);
  }

  /** The XML readers' `total` branches of a line, ids `<line>#0`… (the first `covered` taken). */
  addIndexed(line: number, total: number, covered: number): void {
    for (let i = 0; i < total; i++) this.add(line, 0, i, INDEX_ID, i < covered);
  }

  /** lcov: `<line>,<block>,<branch>` of a BRDA record (s[start, end)), any text lcov allows */
  addLcov(s: string, start: number, end: number, taken: number): void {
    const c1 = s.indexOf(',', start);
    const c2 = c1 < 0 || c1 >= end ? -1 : s.indexOf(',', c1 + 1);
    if (c2 >= 0 && c2 < end) {
      const line = canonicalUint(s, start, c1);
      const block = canonicalUint(s, c1 + 1, c2);
      const branch = canonicalUint(s, c2 + 1, end);
      if (line >= 0 && block >= 0 && branch >= 0 && line <= MAX_LINE) {
        this.add(line, block, branch, LCOV_ID, taken > 0);
        return;
      }
    }
    this.addText(s.slice(start, end), taken);
  }

  /** any id, as text (see BranchSet.fromMap) */
  addId(id: string, taken: number): void {
    const hash = id.indexOf('#');
    if (hash > 0 && id.indexOf(',') < 0) {
      const line = canonicalUint(id, 0, hash);
      const branch = canonicalUint(id, hash + 1, id.length);
      if (line >= 0 && branch >= 0 && line <= MAX_LINE) {
        this.add(line, 0, branch, INDEX_ID, taken > 0);
        return;
      }
      this.addText(id, taken);
      return;
    }
    this.addLcov(id, 0, id.length, taken);
  }

  private addText(text: string, taken: number): void {
    const named = (this.named ??= new Map());
    const id = compactId(text);
    const prev = named.get(id);
    if (prev === undefined) named.set(own(id), taken);
    else if (taken > prev) named.set(id, taken);
  }

  /** The set so far; the builder is then empty again (and may be reused). */
  build(): BranchSet {
    const t = this.take();
    return BranchSet.of(t.codes, t.n, t.wide, t.named, t.size, t.covered);
  }

  /** @internal the sorted unique narrow codes (valid until the next add) and the rest; empties the builder */
  take(): { codes: Uint32Array; n: number; wide: Float64Array | undefined; named: ReadonlyMap<string, number> | undefined; size: number; covered: number } {
    const codes = this.buf;
    const [n, narrowCovered] = sortUnique(codes, this.n, this.sorted);
    let size = n;
    let covered = narrowCovered;
    let wide: Float64Array | undefined;
    if (this.wide) {
      const all = Float64Array.from(this.wide);
      const [m, wideCovered] = sortUnique(all, all.length, false);
      wide = all.slice(0, m);
      size += m;
      covered += wideCovered;
    }
    const named = this.named;
    if (named) {
      size += named.size;
      for (const taken of named.values()) if (taken > 0) covered++;
    }
    this.n = 0;
    this.last = 0;
    this.sorted = true;
    this.wide = undefined;
    this.named = undefined;
    if (codes.length > 1 << 16) this.buf = new Uint32Array(64);
    return { codes, n, wide, named, size, covered };
  }
}

/**
 * Function names of one read, each stored once: the files of a report refer to them by number
 * (most names repeat across files: `(anonymous_0)`, `main`, ...).
 */
export class NameTable {
  readonly names: string[] = [];
  private readonly ids = new Map<string, number>();

  id(text: string): number {
    const name = compactId(text);
    let id = this.ids.get(name);
    if (id === undefined) {
      id = this.names.length;
      const kept = own(name);
      this.names.push(kept);
      this.ids.set(kept, id);
    }
    return id;
  }
}

/**
 * The functions of one source file (a name each, called or not), compact: codes `id * 2 +
 * called` of a NameTable, packed. Immutable; two sets of one table merge as codes, anything else
 * by name.
 */
export class FunctionSet {
  private constructor(
    readonly table: NameTable,
    private readonly store: Uint8Array,
    private readonly off: number,
    private readonly bytes: number,
    readonly size: number,
    readonly covered: number,
  ) {}

  get codes(): Uint32Array {
    return unpack(this.store, this.off, this.bytes, this.size);
  }

  /** @internal a set stored by PackedFile */
  static view(table: NameTable, store: Uint8Array, off: number, bytes: number, size: number, covered: number): FunctionSet {
    return new FunctionSet(table, store, off, bytes, size, covered);
  }

  /** @internal codes[0, n) sorted unique (copied) */
  static of(table: NameTable, codes: Uint32Array, n: number, covered: number): FunctionSet {
    const off = n === 0 ? 0 : pack(codes, n);
    return new FunctionSet(table, n === 0 ? slab : reserved, off, n === 0 ? 0 : packedBytes, n, covered);
  }

  /** name → 1 (called) or 0 */
  toMap(): ItemMap {
    const map: ItemMap = new Map();
    for (const code of this.codes) map.set(this.table.names[code >>> 1]!, code & 1);
    return map;
  }

  union(other: FunctionSet): FunctionSet {
    const [codes, covered] = mergeCodes(this.codes, other.codes);
    return FunctionSet.of(this.table, codes, codes.length, covered);
  }
}

/** Collects the functions of one file; `build` sorts, removes repeats and resets. */
export class FunctionSetBuilder {
  private buf = new Uint32Array(16);
  private n = 0;

  constructor(readonly table: NameTable) {}

  /** how many adds since the last build (0: none) */
  get size(): number {
    return this.n;
  }

  /** a function, called or not (called if any add says so) */
  add(name: string, called: boolean): void {
    if (this.n === this.buf.length) {
      const grown = new Uint32Array(this.buf.length * 2);
      grown.set(this.buf);
      this.buf = grown;
    }
    this.buf[this.n++] = this.table.id(name) * 2 + (called ? 1 : 0);
  }

  build(): FunctionSet {
    const [codes, n, covered] = this.take();
    return FunctionSet.of(this.table, codes, n, covered);
  }

  /** @internal the sorted unique codes (valid until the next add), their number and how many are called; empties the builder */
  take(): [Uint32Array, number, number] {
    const codes = this.buf;
    const [n, covered] = sortUnique(codes, this.n, false);
    this.n = 0;
    if (codes.length > 1 << 16) this.buf = new Uint32Array(16);
    return [codes, n, covered];
  }
}

interface PackedExtra {
  wide?: Float64Array | undefined;
  named?: ReadonlyMap<string, number> | undefined;
  lines?: Count;
  branches?: Count;
  functions?: Count;
}

const ABSENT = 0;
const DENSE = 1;
const PACKED = 2;
const COUNT = 3;

/**
 * One file of one lcov record, as one object and one slab region (lines, then branches, then
 * functions): a tracefile may list hundreds of thousands of files, and three set objects each
 * would cost more than their data. Its kinds read as a LineSet, a BranchSet and a FunctionSet
 * (or a Count). Immutable: merging another report into it makes a plain FileCoverage.
 */
export class PackedFile implements FileCoverage {
  private constructor(
    private readonly store: Uint8Array,
    private readonly off: number,
    /** 2 bits a kind (lines, branches, functions): ABSENT, DENSE (lines), PACKED or COUNT (in extra) */
    private readonly flags: number,
    private readonly lineBase: number,
    private readonly lineBytes: number,
    private readonly lineSize: number,
    private readonly lineCovered: number,
    private readonly branchBytes: number,
    private readonly branchNarrow: number,
    private readonly branchSize: number,
    private readonly branchCovered: number,
    private readonly functionBytes: number,
    private readonly functionSize: number,
    private readonly functionCovered: number,
    private readonly table: NameTable | undefined,
    private readonly extra: PackedExtra | undefined,
  ) {}

  /** Empties the builders given (a Count stands for a kind known by its totals only). */
  static from(lines: LineSetBuilder | Count | undefined, branches: BranchSetBuilder | Count | undefined, functions: FunctionSetBuilder | Count | undefined): PackedFile {
    let extra: PackedExtra | undefined;
    staged = 0;
    let lineMode = ABSENT;
    let lineBase = 0;
    let lineBytes = 0;
    let lineSize = 0;
    let lineCovered = 0;
    if (lines instanceof LineSetBuilder) {
      const [codes, n, covered] = lines.take();
      const dense = denseLines(codes, n);
      lineMode = dense ? DENSE : PACKED;
      lineBase = n > 0 ? codes[0]! >>> 1 : 0;
      lineBytes = dense ? stageBits(codes, n) : stageDeltas(codes, n);
      lineSize = n;
      lineCovered = covered;
    } else if (lines) {
      lineMode = COUNT;
      (extra ??= {}).lines = lines;
    }
    let branchMode = ABSENT;
    let branchBytes = 0;
    let branchNarrow = 0;
    let branchSize = 0;
    let branchCovered = 0;
    if (branches instanceof BranchSetBuilder) {
      const t = branches.take();
      branchMode = PACKED;
      branchBytes = stageBranches(t.codes, t.n);
      branchNarrow = t.n;
      branchSize = t.size;
      branchCovered = t.covered;
      if (t.wide || t.named) {
        extra ??= {};
        extra.wide = t.wide;
        extra.named = t.named;
      }
    } else if (branches) {
      branchMode = COUNT;
      (extra ??= {}).branches = branches;
    }
    let functionMode = ABSENT;
    let functionBytes = 0;
    let functionSize = 0;
    let functionCovered = 0;
    let table: NameTable | undefined;
    if (functions instanceof FunctionSetBuilder) {
      const [codes, n, covered] = functions.take();
      functionMode = PACKED;
      functionBytes = stageDeltas(codes, n);
      functionSize = n;
      functionCovered = covered;
      table = functions.table;
    } else if (functions) {
      functionMode = COUNT;
      (extra ??= {}).functions = functions;
    }
    const off = commit();
    return new PackedFile(
      reserved,
      off,
      lineMode | (branchMode << 2) | (functionMode << 4),
      lineBase,
      lineBytes,
      lineSize,
      lineCovered,
      branchBytes,
      branchNarrow,
      branchSize,
      branchCovered,
      functionBytes,
      functionSize,
      functionCovered,
      table,
      extra,
    );
  }

  /** @internal writes this file's numbers to rows[at, at + 15) (its store and extra by index) */
  writeRow(rows: Int32Array, at: number, storeIndex: number, extraIndex: number): void {
    rows[at] = storeIndex;
    rows[at + 1] = this.off;
    rows[at + 2] = this.flags;
    rows[at + 3] = this.lineBase;
    rows[at + 4] = this.lineBytes;
    rows[at + 5] = this.lineSize;
    rows[at + 6] = this.lineCovered;
    rows[at + 7] = this.branchBytes;
    rows[at + 8] = this.branchNarrow;
    rows[at + 9] = this.branchSize;
    rows[at + 10] = this.branchCovered;
    rows[at + 11] = this.functionBytes;
    rows[at + 12] = this.functionSize;
    rows[at + 13] = this.functionCovered;
    rows[at + 14] = extraIndex;
  }

  /** @internal the file a row describes */
  static fromRow(rows: Int32Array, at: number, stores: readonly Uint8Array[], table: NameTable | undefined, extras: readonly PackedExtra[]): PackedFile {
    const extra = rows[at + 14]!;
    return new PackedFile(
      stores[rows[at]!]!,
      rows[at + 1]!,
      rows[at + 2]!,
      rows[at + 3]!,
      rows[at + 4]!,
      rows[at + 5]!,
      rows[at + 6]!,
      rows[at + 7]!,
      rows[at + 8]!,
      rows[at + 9]!,
      rows[at + 10]!,
      rows[at + 11]!,
      rows[at + 12]!,
      rows[at + 13]!,
      table,
      extra < 0 ? undefined : extras[extra],
    );
  }

  /** @internal */
  get storage(): { store: Uint8Array; table: NameTable | undefined; extra: PackedExtra | undefined } {
    return { store: this.store, table: this.table, extra: this.extra };
  }

  get lines(): LineSet | Count | undefined {
    const mode = this.flags & 3;
    if (mode === ABSENT) return undefined;
    if (mode === COUNT) return this.extra!.lines;
    return LineSet.view(mode === DENSE, this.lineBase, this.store, this.off, this.lineBytes, this.lineSize, this.lineCovered);
  }

  get branches(): BranchSet | Count | undefined {
    const mode = (this.flags >>> 2) & 3;
    if (mode === ABSENT) return undefined;
    if (mode === COUNT) return this.extra!.branches;
    return BranchSet.view(this.store, this.off + this.lineBytes, this.branchBytes, this.branchNarrow, this.extra?.wide, this.extra?.named, this.branchSize, this.branchCovered);
  }

  get functions(): FunctionSet | Count | undefined {
    const mode = (this.flags >>> 4) & 3;
    if (mode === ABSENT) return undefined;
    if (mode === COUNT) return this.extra!.functions;
    return FunctionSet.view(this.table!, this.store, this.off + this.lineBytes + this.branchBytes, this.functionBytes, this.functionSize, this.functionCovered);
  }

  /** a plain FileCoverage with the same data */
  toPlain(): FileCoverage {
    const out: FileCoverage = {};
    const { lines, branches, functions } = this;
    if (lines) out.lines = lines instanceof LineSet ? lines : { ...lines };
    if (branches) out.branches = branches instanceof BranchSet ? branches : { ...branches };
    if (functions) out.functions = functions instanceof FunctionSet ? functions : { ...functions };
    return out;
  }
}

const ROW = 18;
const PAGE = 2048;

/**
 * The files of one lcov read, without a JS object per file: each file's numbers are a row of an
 * Int32Array, its path's UTF-8 bytes and its detail are in slabs, and a hash table of row
 * numbers finds a path again (a repeated record of the same file). Reads as a map of path →
 * PackedFile, made on demand. A file met again is merged into a plain FileCoverage, kept aside.
 */
export class FileTable implements ReadonlyMap<string, FileCoverage> {
  /** pages of PAGE rows (no copying as the table grows) */
  private readonly pages: Int32Array[] = [];
  private count = 0;
  private slots = new Int32Array(128);
  private readonly stores: Uint8Array[] = [];
  private readonly extras: PackedExtra[] = [];
  private table: NameTable | undefined;
  private merged: Map<number, FileCoverage> | undefined;

  get size(): number {
    return this.count;
  }

  get [Symbol.toStringTag](): string {
    return 'FileTable';
  }

  /** Adds one record of a file (see PackedFile.from), merging it into an earlier one of the same path. */
  add(path: string, file: PackedFile): void {
    const key = Buffer.from(path, 'utf8');
    const hash = hashBytes(key, 0, key.length);
    const row = this.find(key, hash);
    if (row >= 0) {
      const merged = (this.merged ??= new Map());
      const entry = merged.get(row) ?? this.file(row).toPlain();
      combineInto(entry, file, true);
      merged.set(row, entry);
      return;
    }
    const { store, table, extra } = file.storage;
    if (table) this.table = table;
    if (this.count % PAGE === 0) this.pages.push(new Int32Array(PAGE * ROW));
    const rows = this.pages[this.pages.length - 1]!;
    const at = (this.count % PAGE) * ROW;
    let extraIndex = -1;
    if (extra) {
      extraIndex = this.extras.length;
      this.extras.push(extra);
    }
    file.writeRow(rows, at, this.storeIndex(store), extraIndex);
    const off = reserve(key.length);
    reserved.set(key, off);
    rows[at + 15] = this.storeIndex(reserved);
    rows[at + 16] = off;
    rows[at + 17] = key.length;
    this.count++;
    if (this.count * 2 > this.slots.length) this.rehash();
    else this.place(hash, this.count);
  }

  get(path: string): FileCoverage | undefined {
    const key = Buffer.from(path, 'utf8');
    const row = this.find(key, hashBytes(key, 0, key.length));
    return row < 0 ? undefined : this.entry(row);
  }

  has(path: string): boolean {
    const key = Buffer.from(path, 'utf8');
    return this.find(key, hashBytes(key, 0, key.length)) >= 0;
  }

  forEach(fn: (value: FileCoverage, key: string, map: ReadonlyMap<string, FileCoverage>) => void, thisArg?: unknown): void {
    for (let row = 0; row < this.count; row++) fn.call(thisArg, this.entry(row), this.path(row), this);
  }

  *entries(): MapIterator<[string, FileCoverage]> {
    for (let row = 0; row < this.count; row++) yield [this.path(row), this.entry(row)];
  }

  *keys(): MapIterator<string> {
    for (let row = 0; row < this.count; row++) yield this.path(row);
  }

  *values(): MapIterator<FileCoverage> {
    for (let row = 0; row < this.count; row++) yield this.entry(row);
  }

  [Symbol.iterator](): MapIterator<[string, FileCoverage]> {
    return this.entries();
  }

  private entry(row: number): FileCoverage {
    return this.merged?.get(row) ?? this.file(row);
  }

  private file(row: number): PackedFile {
    return PackedFile.fromRow(this.pages[Math.floor(row / PAGE)]!, (row % PAGE) * ROW, this.stores, this.table, this.extras);
  }

  private path(row: number): string {
    const rows = this.pages[Math.floor(row / PAGE)]!;
    const at = (row % PAGE) * ROW;
    const store = this.stores[rows[at + 15]!]!;
    return Buffer.from(store.buffer, store.byteOffset, store.byteLength).toString('utf8', rows[at + 16]!, rows[at + 16]! + rows[at + 17]!);
  }

  private storeIndex(store: Uint8Array): number {
    const stores = this.stores;
    // slabs are filled one after another: the store is almost always the last one
    for (let i = stores.length - 1; i >= 0 && i >= stores.length - 4; i--) if (stores[i] === store) return i;
    stores.push(store);
    return stores.length - 1;
  }

  /** the row of a path's bytes, or -1 */
  private find(key: Uint8Array, hash: number): number {
    const slots = this.slots;
    const mask = slots.length - 1;
    for (let i = hash & mask; ; i = (i + 1) & mask) {
      const slot = slots[i]!;
      if (slot === 0) return -1;
      const rows = this.pages[Math.floor((slot - 1) / PAGE)]!;
      const at = ((slot - 1) % PAGE) * ROW;
      const len = rows[at + 17]!;
      if (len !== key.length) continue;
      const store = this.stores[rows[at + 15]!]!;
      const off = rows[at + 16]!;
      let same = true;
      for (let k = 0; k < len; k++) {
        if (store[off + k] !== key[k]) {
          same = false;
          break;
        }
      }
      if (same) return slot - 1;
    }
  }

  private place(hash: number, slot: number): void {
    const slots = this.slots;
    const mask = slots.length - 1;
    let i = hash & mask;
    while (slots[i] !== 0) i = (i + 1) & mask;
    slots[i] = slot;
  }

  private rehash(): void {
    this.slots = new Int32Array(this.slots.length * 2);
    for (let row = 0; row < this.count; row++) {
      const rows = this.pages[Math.floor(row / PAGE)]!;
      const at = (row % PAGE) * ROW;
      const store = this.stores[rows[at + 15]!]!;
      const off = rows[at + 16]!;
      this.place(hashBytes(store, off, off + rows[at + 17]!), row + 1);
    }
  }
}

/** FNV-1a over bytes[start, end) */
function hashBytes(bytes: Uint8Array, start: number, end: number): number {
  let h = 0x811c9dc5;
  for (let i = start; i < end; i++) h = Math.imul(h ^ bytes[i]!, 0x01000193);
  return h >>> 0;
}

/**
 * A copy of a string kept beyond its line: a line is a slice of its whole chunk's text, and a
 * kept slice would keep that text alive (short strings are always copies already).
 */
export function own(text: string): string {
  return text.length < 13 ? text : (JSON.parse(JSON.stringify(text)) as string);
}

export interface FileCoverage {
  lines?: LineSet | Count;
  /** branch id → times taken (the readers write BranchSets; a map is read the same way) */
  branches?: BranchSet | ItemMap | Count;
  /** function id → calls (the lcov reader writes FunctionSets) */
  functions?: FunctionSet | ItemMap | Count;
}

/**
 * Whole-report numbers that stand for a single report: JaCoCo's report-level counters, or the
 * root rates of a Cobertura file that lists no line at all. When present, metrics come from here
 * only (a kind missing here yields no metric).
 */
export interface StatedTotals {
  /** the evidence file, for messages */
  source: string;
  lines?: Count | Percent;
  branches?: Count | Percent;
  functions?: Count | Percent;
  /**
   * true: `files` hold the same data line by line and replace these numbers when reports are
   * merged (JaCoCo). false: these are the only numbers, so the report cannot be merged.
   */
  mergeableByDetail: boolean;
}

export interface CoverageModel {
  /** keyed by normalized source path (see normalizeSourcePath) */
  files: ReadonlyMap<string, FileCoverage>;
  stated?: StatedTotals;
  /** why a kind reads lower than the file's raw numbers, e.g. impossible counts read as 0 */
  notes?: Partial<Record<Kind, string>>;
}

/** The metrics every coverage format knows: percentages and their plain counts. */
export const COVERAGE_METRICS: Record<string, Unit | null> = {
  lines: '%',
  branches: '%',
  functions: '%',
  'lines.covered': null,
  'lines.total': null,
  'branches.covered': null,
  'branches.total': null,
  'functions.covered': null,
  'functions.total': null,
};

/**
 * Light normalization for matching the same file across reports: '\' → '/', no leading './'; a
 * path longer than PATH_TEXT_CHARS becomes its compactId.
 */
export function normalizeSourcePath(path: string): string {
  let p = path.includes('\\') ? path.replaceAll('\\', '/') : path;
  while (p.startsWith('./')) p = p.slice(2);
  return compactId(p, PATH_TEXT_CHARS);
}

/** Longest branch id or function name kept as its text (characters). */
export const ID_TEXT_CHARS = 64;
/** Longest source path kept as its text (characters). */
export const PATH_TEXT_CHARS = 1024;

/**
 * An item's identity of bounded size: its text when at most `max` characters long (and not
 * starting with NUL), else NUL and the base64 SHA-256 of its text (45 characters). Only hashed
 * ids start with NUL, so a kept text never equals a hash; equal texts always give equal ids, so
 * reports merge item by item as before.
 */
export function compactId(text: string, max = ID_TEXT_CHARS): string {
  if (text.length <= max && text.charCodeAt(0) !== 0) return text;
  return `\0${hash('sha256', text, 'base64')}`;
}

export function isCount(data: Count | Percent): data is Count {
  return 'total' in data;
}

type Detail = LineSet | BranchSet | FunctionSet | ItemMap | Count;

/** Totals of one kind of one file. */
export function countOf(data: Detail): Count {
  if (data instanceof LineSet || data instanceof BranchSet || data instanceof FunctionSet) return { covered: data.covered, total: data.size };
  if (!(data instanceof Map)) return data;
  let covered = 0;
  for (const hits of data.values()) if (hits > 0) covered++;
  return { covered, total: data.size };
}

/**
 * Where either side only has totals, item-level merging is impossible: the side with the most
 * covered wins (ties: the larger total, the more conservative percentage).
 */
function bestCount(a: Detail, b: Detail): Count {
  const x = countOf(a);
  const y = countOf(b);
  return y.covered > x.covered || (y.covered === x.covered && y.total > x.total) ? { ...y } : { ...x };
}

/** Lines of the same file from two reports: the union (covered if either covers it). */
export function combineLines(into: LineSet | Count | undefined, add: LineSet | Count): LineSet | Count {
  if (into === undefined) return add instanceof LineSet ? add : { ...add };
  if (into instanceof LineSet && add instanceof LineSet) return into.union(add);
  return bestCount(into, add);
}

/**
 * Branches or functions of the same file: combines `add` into `into` (which the caller owns and
 * may be mutated), item by item, keeping each item's highest count (covered if either covers
 * it). `add` is copied unless `give` hands it over (a reader's fresh per-record maps). BranchSets
 * are immutable and shared; a map meeting a BranchSet is read as one.
 */
export function combineItems(into: BranchSet | FunctionSet | ItemMap | Count | undefined, add: BranchSet | FunctionSet | ItemMap | Count, give = false): BranchSet | FunctionSet | ItemMap | Count {
  if (into === undefined) return give || add instanceof BranchSet || add instanceof FunctionSet ? add : add instanceof Map ? new Map(add) : { ...add };
  const intoItems = into instanceof Map || into instanceof BranchSet || into instanceof FunctionSet;
  const addItems = add instanceof Map || add instanceof BranchSet || add instanceof FunctionSet;
  if (!intoItems || !addItems) return bestCount(into, add);
  if (into instanceof FunctionSet || add instanceof FunctionSet) {
    if (into instanceof FunctionSet && add instanceof FunctionSet && into.table === add.table) return into.union(add);
    // different reads (or a map): by name
    return combineItems(into instanceof FunctionSet ? into.toMap() : into, add instanceof FunctionSet ? add.toMap() : add, true);
  }
  if (into instanceof Map && add instanceof Map) {
    for (const [item, hits] of add) {
      const prev = into.get(item);
      if (prev === undefined || hits > prev) into.set(item, hits);
    }
    return into;
  }
  return (into instanceof Map ? BranchSet.fromMap(into) : into).union(add instanceof Map ? BranchSet.fromMap(add) : add);
}

/** Combines one file's coverage into an owned entry of `files` (sets are immutable, shared). */
export function combineFile(files: Map<string, FileCoverage>, path: string, add: FileCoverage, give = false): void {
  let entry = files.get(path);
  if (!entry) {
    if (give && add instanceof PackedFile) {
      files.set(path, add);
      return;
    }
    entry = {};
    files.set(path, entry);
  } else if (entry instanceof PackedFile) {
    entry = entry.toPlain();
    files.set(path, entry);
  }
  combineInto(entry, add, give);
}

/** Combines one file's coverage into an owned plain entry. */
function combineInto(entry: FileCoverage, add: FileCoverage, give: boolean): void {
  const { lines, branches, functions } = add;
  if (lines) entry.lines = combineLines(entry.lines, lines);
  // branches are never FunctionSets, functions never BranchSets
  if (branches) entry.branches = combineItems(entry.branches, branches, give) as BranchSet | ItemMap | Count;
  if (functions) entry.functions = combineItems(entry.functions, functions, give) as FunctionSet | ItemMap | Count;
}

/**
 * Several files matched one criterion: the same source file is merged line by line, branch by
 * branch and function by function (covered if any report covers it); different source files add
 * up. Files known only by their totals (Istanbul summaries) take the entry with the most covered.
 * Reports that state only percentages cannot be combined with anything: that is an error.
 */
export function mergeCoverage(models: CoverageModel[]): CoverageModel {
  if (models.length === 1) return models[0]!;
  const files = new Map<string, FileCoverage>();
  for (const model of models) {
    if (model.stated && !model.stated.mergeableByDetail) {
      throw new EvidenceError(
        `cannot merge ${model.stated.source} with other coverage reports: it states only percentages ` +
          '(line-rate/branch-rate) and lists no <line>, so there is nothing to add up',
      );
    }
    for (const [path, file] of model.files) combineFile(files, path, file);
  }
  const merged: CoverageModel = { files };
  for (const model of models) {
    for (const kind of KINDS) {
      const note = model.notes?.[kind];
      if (note !== undefined && merged.notes?.[kind] === undefined) merged.notes = { ...merged.notes, [kind]: note };
    }
  }
  return merged;
}

/** A kind's note on each of its metrics (`lines`, `lines.covered`, `lines.total`). */
export function coverageNotes(model: CoverageModel): Record<string, string> {
  const notes: Record<string, string> = {};
  for (const kind of KINDS) {
    const note = model.notes?.[kind];
    if (note !== undefined) notes[kind] = notes[`${kind}.covered`] = notes[`${kind}.total`] = note;
  }
  return notes;
}

/**
 * lines/branches/functions as percentages (only when the total is above 0) and their
 * `.covered`/`.total` counts (whenever the report knows the kind, even with a total of 0).
 */
export function coverageMetrics(model: CoverageModel): Metrics {
  const out: Metrics = {};
  for (const kind of KINDS) {
    let known: Count | Percent | undefined;
    if (model.stated) {
      known = model.stated[kind];
    } else {
      let covered = 0;
      let total = 0;
      let any = false;
      for (const file of model.files.values()) {
        const data = file[kind];
        if (data === undefined) continue;
        any = true;
        const c = countOf(data);
        covered += c.covered;
        total += c.total;
      }
      if (any) known = { covered, total };
    }
    if (known === undefined) continue;
    if (isCount(known)) {
      out[`${kind}.covered`] = { value: known.covered };
      out[`${kind}.total`] = { value: known.total };
      if (known.total > 0) out[kind] = { value: (known.covered / known.total) * 100, unit: '%' };
    } else {
      out[kind] = { value: known.percent, unit: '%' };
    }
  }
  return out;
}

/** A number attribute or field that must be finite and >= 0 (counts may be fractional). */
export function nonNegative(raw: string | undefined, what: string, position?: { line: number; column?: number }): number {
  const value = raw === undefined || raw.trim() === '' ? NaN : Number(raw);
  if (!Number.isFinite(value) || value < 0) {
    throw new EvidenceError(`${what} is ${raw === undefined ? 'missing' : `not a non-negative number: ${JSON.stringify(clip(raw))}`}`, position);
  }
  return value;
}

/** Shortens untrusted text quoted in a message. */
export function clip(text: string, max = 80): string {
  return text.length > max ? `${text.slice(0, max)}…` : text;
}
