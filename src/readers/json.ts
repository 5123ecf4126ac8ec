/**
 * format: json — any JSON document, read whole (LIMITS.wholeDocumentBytes), with policy-named
 * `path` metrics (RFC 9535 JSONPath; see named.ts for the exactly-one-number rule and notes).
 *
 * Every JSON format (json, sarif, k6, istanbul) is read here, from UTF-8 bytes, by one iterative
 * scanner that checks the full RFC 8259 grammar, so that:
 * - every error carries the line and column where the document broke;
 * - nesting deeper than LIMITS.nestingDepth is refused (100,000 levels of `[` cannot reach a
 *   recursive parser);
 * - a key repeated in one object is refused wherever the reader reads that object: JSON.parse would
 *   silently keep the last one, and a gate must not pick between two values silently.
 *
 * A reader says which parts it reads with a Shape; only those are built, the rest is checked and
 * skipped. A 100 MB SARIF log is mostly messages, locations and code flows that no count looks at:
 * building them (what JSON.parse does) costs more than reading the whole file, so the SARIF reader
 * builds only the fields it counts with. Kept containers are handed to JSON.parse as byte slices,
 * so values are exactly what JSON.parse makes (`__proto__` stays an own key, numbers round alike).
 *
 * Bounded: a value costs a hundred bytes or more of memory for as little as two bytes of text
 * (`{},`), so what a reader builds and keeps is counted against a value budget (valueBudget:
 * LIMITS.documentValues plus one per LIMITS.documentBytesPerValue bytes of the file); past it the
 * document is refused with that reason, never read in part. Arrays and maps of many items are
 * streamed (streamItems, streamEntries): each item is built, handed to the reader and dropped, and
 * gives its values back to the budget. The json format builds only what the policy's JSONPaths can
 * reach (jsonPathShape).
 */
import parseJsonPath from 'jsonpath-rfc9535/parser';
import { LIMITS } from '../limits.js';
import { EvidenceError } from '../measure.js';
import { readWholeUtf8 } from './input.js';
import { pathFormat, type PathModel } from './named.js';
import type { ByteSource } from './types.js';

export { compilePolicyPath, namedMetricNotes, type MetricNotes, type PathModel } from './named.js';

export type JsonModel = PathModel;

// ---------------------------------------------------------------------------------------------
// shapes: which parts of a document a reader reads

/**
 * The parts of a JSON document to build. `true`: the whole value (every key of every object in it
 * is checked for duplicates). `false`: checked for syntax and depth, then skipped. An object: an
 * object with only these keys built (keys not listed are skipped; listed keys that repeat are
 * refused). A one-element array: an array whose every item has that shape.
 *
 * Where the document holds another kind of value than the shape expects, the reader sees what is
 * really there without it being built: a primitive is built as it is, an array where an object is
 * expected is delivered as `[]` and an object where an array is expected as `{}` (their content is
 * checked and skipped: a stand-in says which kind it is, never what a hostile value holds).
 */
export type Shape = boolean | typeof LATER | { readonly [key: string]: Shape } | readonly [Shape] | StreamedItems | StreamedEntries;

/**
 * The shape of a value the reader may need whole, but only once it knows more (a test's names and
 * messages, once it is known to have failed): checked and counted against the value budget as it
 * is scanned, exactly as a `true` value, but a string, array or object arrives as a JsonLater,
 * built only if the reader asks (numbers, booleans and null arrive as themselves).
 */
export const LATER: unique symbol = Symbol('LATER');

/**
 * A value of a LATER shape: `value()` builds it (what `true` would have built). It refers to the
 * document's bytes: build it while the sink that received it runs, never keep it.
 */
export class JsonLater {
  constructor(
    private readonly bytes: Buffer,
    private readonly start: number,
    private readonly end: number,
  ) {}

  value(): unknown {
    return JSON.parse(utf8(this.bytes, this.start, this.end));
  }
}

/** A value as a `true` shape would have built it, from a LATER one. */
export function built(value: unknown): unknown {
  return value instanceof JsonLater ? value.value() : value;
}

/**
 * Receives each item of a streamed array as soon as it is built; the item is then dropped, so an
 * array of millions of items never lives in memory at once. `owner` is the built object or array
 * that holds the streamed array; `indices()` gives the indices of the enclosing shaped arrays and
 * of this item, outermost first (for messages). An EvidenceError the sink throws without a
 * position gets the item's line and column.
 */
export type ItemSink = (item: unknown, owner: object, indices: () => number[]) => void;

/**
 * A leaner shape for the next items of a streamed array, chosen before each item: `when(owner)`
 * says the reader needs no more than `item` of it (e.g. it has kept all the details it shows).
 */
export interface LeanItems {
  item: Shape;
  when: (owner: object) => boolean;
}

/** An array shape whose items are handed to a sink instead of being kept (see streamItems). */
export class StreamedItems {
  constructor(
    readonly item: Shape,
    readonly sink: ItemSink,
    readonly lean?: LeanItems,
  ) {}
}

/**
 * The shape of an array whose items (built with `item`, or `lean.item` while `lean.when` holds)
 * go to `sink` one by one; the array itself is delivered empty. Only inside an object or array
 * shape (the owner is what is being built).
 */
export function streamItems(item: Shape, sink: ItemSink, lean?: LeanItems): StreamedItems {
  return new StreamedItems(item, sink, lean);
}

/**
 * Receives each member of a streamed object (a key repeated in it is refused before); `index` is
 * the key as a number while the keys have all been "0", "1", … in order (Istanbul's maps), else -1.
 */
export type EntrySink = (key: string, value: unknown, index: number) => void;

/** An object shape whose every member is handed to a sink instead of being kept (see streamEntries). */
export class StreamedEntries {
  constructor(
    readonly entry: Shape,
    readonly sink: EntrySink,
  ) {}
}

/**
 * The shape of an object of any keys (a map: file paths, names) whose values, built with `entry`,
 * go to `sink` one by one; the object itself is delivered empty. `__proto__` is a key like any other.
 */
export function streamEntries(entry: Shape, sink: EntrySink): StreamedEntries {
  return new StreamedEntries(entry, sink);
}

const SKIP = 0; // syntax and depth only, nothing built
const CHECK = 1; // inside a kept value: keys checked for duplicates, built by the kept ancestor
const KEEP = 2; // built whole
const LAZY = 3; // checked and counted as KEEP, delivered as a JsonLater

class ObjectShape {
  constructor(
    readonly names: readonly string[],
    /** the names as UTF-8, to find a key by its bytes without decoding it */
    readonly keys: readonly Buffer[],
    readonly fields: readonly ShapeNode[],
    /** a streamed object: the shape of every member, handed to entrySink */
    readonly entry?: ShapeNode,
    readonly entrySink?: EntrySink,
  ) {
    keys.forEach((key, k) => {
      const bucket = fieldBucket(key, 0, key.length);
      this.buckets[bucket] = (this.buckets[bucket] as number) | (1 << k);
    });
  }

  /** by fieldBucket of a name: the fields (bit k for field k) whose names fall there */
  readonly buckets = new Int32Array(64);
}

/** A bucket (0-63) of the name bytes[start, end), from its length and its first and last bytes. */
function fieldBucket(bytes: Uint8Array, start: number, end: number): number {
  const length = end - start;
  return length === 0 ? 0 : (length * 7 + (bytes[start] as number) * 3 + (bytes[end - 1] as number)) & 63;
}

class ArrayShape {
  constructor(
    readonly item: ShapeNode,
    readonly sink?: ItemSink,
    readonly lean?: { item: ShapeNode; when: (owner: object) => boolean },
  ) {}
}

type ShapeNode = typeof SKIP | typeof CHECK | typeof KEEP | typeof LAZY | ObjectShape | ArrayShape;

/** A Shape prepared for parseJsonBytes. */
export type CompiledShape = ShapeNode;

/** The shape that builds the whole document. */
export const WHOLE_DOCUMENT: CompiledShape = KEEP;

export function compileShape(shape: Shape): CompiledShape {
  if (shape === true) return KEEP;
  if (shape === LATER) return LAZY;
  if (shape === false) return SKIP;
  if (shape instanceof StreamedItems) {
    return new ArrayShape(compileShape(shape.item), shape.sink, shape.lean && { item: compileShape(shape.lean.item), when: shape.lean.when });
  }
  if (shape instanceof StreamedEntries) return new ObjectShape([], [], [], compileShape(shape.entry), shape.sink);
  if (Array.isArray(shape)) {
    if (shape.length !== 1) throw new Error('an array shape has exactly one item shape');
    return new ArrayShape(compileShape(shape[0] as Shape));
  }
  const names = Object.keys(shape);
  // fields seen are a bit mask; `__proto__` could not be assigned as a plain key
  if (names.length > 31) throw new Error('an object shape has at most 31 fields');
  if (names.includes('__proto__')) throw new Error('an object shape cannot name __proto__');
  const record = shape as { readonly [key: string]: Shape };
  return new ObjectShape(
    names,
    names.map((name) => Buffer.from(name, 'utf8')),
    names.map((name) => compileShape(record[name] as Shape)),
  );
}

// ---------------------------------------------------------------------------------------------
// reading

/**
 * format: json. Only what the policy's JSONPaths can reach is built: a path of names (`$.a.b`,
 * `$['x']`) builds its own branch; from the first other selector (index, wildcard, slice, filter) or
 * descendant segment (`..`), the whole subtree. A value of another kind than the path expects on its
 * way (an array where a name is selected) cannot be selected by it and is not built.
 */
export const json = pathFormat('json', async (input, ctx) => {
  const bytes = await readWholeUtf8(input, ctx.limits.wholeDocumentBytes, 'JSON document');
  const paths = Object.values(ctx.metrics).flatMap((spec) => (spec.path === undefined ? [] : [spec.path]));
  const budget = valueBudget('the JSON document', bytes.length, ctx.limits, JSONPATH_BYTES_PER_VALUE, 'write paths of names ($.a.b) so that only their branch is built');
  return parseJsonBytes(bytes, ctx.limits.nestingDepth, compileShape(jsonPathShape(paths)), budget);
});

/** Values that a JSONPath query walks cost about three times more memory than parsed ones. */
const JSONPATH_BYTES_PER_VALUE = 96;

/**
 * The values a whole-document reader may build from a file of `bytes` (LIMITS.documentValues, plus
 * one per `bytesPerValue` bytes), and the reason given beyond.
 */
export function valueBudget(what: string, bytes: number, limits: { readonly documentValues: number } = LIMITS, bytesPerValue: number = LIMITS.documentBytesPerValue, hint = ''): ValueBudget {
  const max = limits.documentValues + Math.floor(bytes / bytesPerValue);
  return {
    max,
    message:
      `${what} holds more than ${max} values to build (LIMITS.documentValues ${limits.documentValues}, plus one per ${bytesPerValue} bytes of the file): ` +
      `a document this dense would take far more memory than its size, so it is refused rather than read${hint === '' ? '' : ` — ${hint}`}`,
  };
}

/** The shape that builds what any of `paths` (valid RFC 9535 JSONPaths) can select. */
export function jsonPathShape(paths: readonly string[]): Shape {
  let shape: Shape = false;
  for (const path of paths) shape = mergeShapes(shape, segmentsShape((parseJsonPath(path) as { segments: PathSegment[] }).segments, 0));
  return shape;
}

interface PathSegment {
  type: string;
  node: { type: string; value?: unknown; selectors?: { type: string; value?: unknown }[] };
}

function segmentsShape(segments: readonly PathSegment[], i: number): Shape {
  if (i === segments.length) return true;
  const segment = segments[i] as PathSegment;
  if (segment.type !== 'ChildSegment') return true; // a descendant segment reaches the whole subtree
  const node = segment.node;
  const selectors = node.type === 'BracketedSelection' ? (node.selectors ?? []) : [node];
  const names: string[] = [];
  for (const selector of selectors) {
    if ((selector.type !== 'MemberNameShorthand' && selector.type !== 'NameSelector') || typeof selector.value !== 'string') return true;
    names.push(selector.value);
  }
  // compileShape's limits: at most 31 fields, never __proto__ (built whole instead)
  const unique = [...new Set(names)];
  if (unique.length > 31 || unique.includes('__proto__')) return true;
  const rest = segmentsShape(segments, i + 1);
  const out: Record<string, Shape> = {};
  for (const name of unique) out[name] = rest;
  return out;
}

function mergeShapes(a: Shape, b: Shape): Shape {
  if (a === false) return b;
  if (b === false) return a;
  if (a === true || b === true || Array.isArray(a) || Array.isArray(b) || a instanceof StreamedItems || b instanceof StreamedItems || a instanceof StreamedEntries || b instanceof StreamedEntries) return true;
  const out: Record<string, Shape> = { ...(a as Record<string, Shape>) };
  for (const [key, value] of Object.entries(b as Record<string, Shape>)) out[key] = key in out ? mergeShapes(out[key] as Shape, value) : value;
  return Object.keys(out).length > 31 ? true : out;
}

/**
 * Reads a bounded whole JSON document (UTF-8, BOM dropped, at most `maxBytes`, nested at most
 * `maxDepth` deep) for the formats that are JSON documents (json, sarif, k6), building what `shape`
 * names. Errors say what the document was meant to be and carry the line and column where it broke.
 */
export async function readJsonDocument(
  input: ByteSource,
  maxBytes: number,
  maxDepth: number,
  what: string,
  shape: CompiledShape = WHOLE_DOCUMENT,
): Promise<unknown> {
  const bytes = await readWholeUtf8(input, maxBytes, what);
  try {
    return parseJsonBytes(bytes, maxDepth, shape, valueBudget(`the ${what}`, bytes.length));
  } catch (err) {
    if (err instanceof JsonSyntaxError) throw new EvidenceError(`${what} is not valid JSON: ${err.message}`, err.position);
    throw err;
  }
}

/** Parses JSON text; see parseJsonBytes. */
export function parseJson(text: string, maxDepth: number, shape: CompiledShape = WHOLE_DOCUMENT): unknown {
  return parseJsonBytes(Buffer.from(text, 'utf8'), maxDepth, shape);
}

// states of the scanner
const VALUE = 0; // a value must follow (start, after ':' or after ',' in an array)
const FIRST_ITEM = 1; // just after '[': a value or ']'
const FIRST_KEY = 2; // just after '{': a key or '}'
const KEY = 3; // after ',' in an object: a key
const COLON = 4; // after a key
const AFTER = 5; // after a value: ',' or the closing bracket, or the end at top level

/** An open container that is built, or whose keys are checked (skipped containers have none). */
interface Frame {
  /** the container being built field by field (object and array shapes) */
  readonly value: Record<string, unknown> | unknown[] | undefined;
  readonly shape: ObjectShape | ArrayShape | undefined;
  /** offset of the '{' or '[' of a container built whole, else -1 */
  readonly keptFrom: number;
  /** keys seen in an object inside a kept value */
  readonly keys: Set<string> | undefined;
  /** object shapes: the fields seen, bit i for field i */
  seen: number;
  /** object shapes: the field the next value is for */
  field: string;
  /**
   * streamed arrays: the items handed to the sink so far; streamed objects: how many keys came as
   * "0", "1", … in order (no repeat possible, `entries` left empty), -1 once any other key came
   */
  count: number;
  /** offset of the '{' or '[' */
  readonly start: number;
  /** values built before this container (streamed items give theirs back once handed over) */
  readonly builtAtOpen: number;
  /** an empty container standing in for another kind than the shape expects: its content is skipped */
  readonly standIn: boolean;
  /** streamed objects: the keys seen */
  readonly entries?: Set<string>;
  /** a container of a LATER shape: delivered as a JsonLater of its bytes */
  readonly later: boolean;
}

/** At most `max` values are built; beyond, an EvidenceError with `message` and the position. */
export interface ValueBudget {
  readonly max: number;
  readonly message: string;
}

/** A syntax, depth or duplicate-key error of the scanner (a sink's own errors are not wrapped). */
class JsonSyntaxError extends EvidenceError {}

const isDigit = (c: number): boolean => c >= 48 && c <= 57;

/** Buffer's own decoders without toString's argument checks (hot: every key and value built). */
const utf8 = (buf: Buffer, start: number, end: number): string => (buf as unknown as { utf8Slice(s: number, e: number): string }).utf8Slice(start, end);

/** Keys of at most this many bytes are interned (see StringCache)... */
const INTERNED_KEY_BYTES = 32;
/** ...and string values of at most this many (statuses, kinds: longer ones are mostly unique names) */
const INTERNED_VALUE_BYTES = 12;
/** Slots of the string cache: a fixed 4096 strings of at most 32 characters (under 1 MB) per document. */
const INTERNED_SLOTS = 4096;

/**
 * Short ASCII strings (keys, statuses, ids) decoded once and reused: a document repeats the same
 * few keys millions of times, and a reused string is neither allocated again nor hashed again by
 * the Sets and Maps it goes into. A fixed table by a hash of the bytes, the last string of each
 * slot kept: bounded whatever the document holds.
 */
class StringCache {
  private readonly slots: (string | undefined)[] = new Array<string | undefined>(INTERNED_SLOTS).fill(undefined);

  /** bytes[a, b) (valid UTF-8 without escapes) as a string, interned if at most `max` bytes */
  get(bytes: Buffer, a: number, b: number, max: number): string {
    const length = b - a;
    if (length > max) return utf8(bytes, a, b);
    // a few bytes suffice (ids differ at their end, words at their start): the bytes are compared anyway
    const hash = length === 0 ? 0 : Math.imul(length, 0x9e3779b1) ^ Math.imul(bytes[a] as number, 0x85ebca6b) ^ Math.imul(bytes[b - 1] as number, 0xc2b2ae35) ^ ((bytes[a + (length >> 1)] as number) << 7) ^ ((bytes[b - 2] ?? 0) << 13);
    const slot = (hash ^ (hash >>> 15)) & (INTERNED_SLOTS - 1);
    const known = this.slots[slot];
    if (known !== undefined && known.length === length) {
      let j = 0;
      // a kept string is ASCII: a byte of a multi-byte character never equals one of its code units
      while (j < length && known.charCodeAt(j) === bytes[a + j]) j++;
      if (j === length) return known;
    }
    const text = utf8(bytes, a, b);
    if (text.length === length) this.slots[slot] = text; // ASCII only
    return text;
  }
}

/**
 * The number bytes[start, end) (valid JSON number grammar) as Number() reads it: plain integers of
 * up to 15 digits (exact in a double) without making a string, others through Number.
 */
function numberAt(bytes: Buffer, start: number, end: number): number {
  let j = start;
  const negative = bytes[j] === 45;
  if (negative) j++;
  if (end - j <= 15) {
    let value = 0;
    for (; j < end; j++) {
      const d = (bytes[j] as number) - 48;
      if (d < 0 || d > 9) break;
      value = value * 10 + d;
    }
    if (j === end) return negative ? -value : value;
  }
  return Number((bytes as unknown as { latin1Slice(s: number, e: number): string }).latin1Slice(start, end)); // the JSON number grammar is a subset of Number's
}
const isHex = (c: number): boolean => (c >= 48 && c <= 57) || (c >= 65 && c <= 70) || (c >= 97 && c <= 102);

/**
 * Checks RFC 8259 JSON in valid UTF-8 `bytes` (readWholeUtf8 checks that) and builds the parts
 * `shape` names: the value, or undefined when the shape skips the document. Throws EvidenceError
 * with a position for the first syntax error, nesting deeper than maxDepth, or a key repeated in an
 * object that is built.
 */
export function parseJsonBytes(bytes: Buffer, maxDepth: number, shape: CompiledShape, budget?: ValueBudget): unknown {
  const n = bytes.length;
  /** values built and kept so far (objects, arrays and primitives; kept values count their content) */
  let built = 0;
  const maxValues = budget?.max ?? Number.POSITIVE_INFINITY;
  const fail = (message: string, at: number): never => {
    throw new JsonSyntaxError(message, positionOf(bytes, at));
  };
  /** open containers: 1 = object, 0 = array */
  const objects = new Uint8Array(maxDepth + 1);
  /** the frame of each open container (undefined: skipped) */
  const frames: (Frame | undefined)[] = [];
  let depth = 0;
  let top: Frame | undefined;
  /** the shape of the value about to be read */
  let next: ShapeNode = shape;
  let root: unknown;
  let state = VALUE;
  let i = 0;
  /** set by scanString: the string had a backslash escape */
  let escaped = false;
  const strings = new StringCache();
  /** the string whose quotes are at bytes[start] and bytes[end - 1]; short ones interned */
  const stringAt = (start: number, end: number, max: number): string => (escaped ? (JSON.parse(utf8(bytes, start, end)) as string) : strings.get(bytes, start + 1, end - 1, max));

  /** scans a string starting at the opening quote; returns the index after the closing one */
  const scanString = (start: number): number => {
    escaped = false;
    let j = start + 1;
    for (;;) {
      if (j >= n) return fail('unterminated string', start);
      const c = bytes[j] as number;
      if (c === 34) return j + 1; // "
      if (c === 92) {
        escaped = true;
        const e = bytes[j + 1];
        if (e === 117) {
          // \uXXXX
          for (let k = j + 2; k < j + 6; k++) {
            if (k >= n || !isHex(bytes[k] as number)) fail('invalid \\u escape in string (four hex digits expected)', j);
          }
          j += 6;
        } else if (e === 34 || e === 92 || e === 47 || e === 98 || e === 102 || e === 110 || e === 114 || e === 116) {
          j += 2;
        } else {
          fail(`invalid escape \\${j + 1 < n ? describe(bytes, j + 1).slice(1, -1) : ''} in string`, j);
        }
      } else if (c < 0x20) {
        fail('control character in string (it must be escaped)', j);
      } else {
        j++;
      }
    }
  };

  /** scans a number starting at `start`; returns the index after it */
  const scanNumber = (start: number): number => {
    let j = start;
    if (bytes[j] === 45) j++; // -
    if (bytes[j] === 48) {
      j++;
      if (j < n && isDigit(bytes[j] as number)) fail('a number cannot have a leading zero', j - 1);
    } else if (j < n && isDigit(bytes[j] as number)) {
      while (j < n && isDigit(bytes[j] as number)) j++;
    } else {
      fail(`expected a digit, found ${describe(bytes, j)}`, j);
    }
    if (bytes[j] === 46) {
      // .
      j++;
      if (j >= n || !isDigit(bytes[j] as number)) fail(`expected a digit after the decimal point, found ${describe(bytes, j)}`, j);
      while (j < n && isDigit(bytes[j] as number)) j++;
    }
    const e = bytes[j];
    if (e === 101 || e === 69) {
      j++;
      const s = bytes[j];
      if (s === 43 || s === 45) j++;
      if (j >= n || !isDigit(bytes[j] as number)) fail(`expected a digit in the exponent, found ${describe(bytes, j)}`, j);
      while (j < n && isDigit(bytes[j] as number)) j++;
    }
    return j;
  };

  /** the current index in every enclosing shaped array, outermost first (for a sink's messages) */
  const indices = (): number[] => {
    const out: number[] = [];
    for (const frame of frames) {
      if (frame?.shape instanceof ArrayShape) out.push(frame.shape.sink === undefined ? (frame.value as unknown[]).length : frame.count);
    }
    return out;
  };

  /** counts a value about to be built, which starts at byte `at`, against the budget */
  const count = (at: number): void => {
    if (++built > maxValues) throw new EvidenceError((budget as ValueBudget).message, positionOf(bytes, at));
  };

  /**
   * hands a finished value, which started at byte `start`, to the container being built (or makes
   * it the document); `builtBefore`: the values built before it, for a streamed item (dropped)
   */
  const deliver = (value: unknown, start: number, builtBefore: number): void => {
    if (top === undefined) root = value;
    else if (top.shape instanceof ObjectShape && top.entries === undefined) (top.value as Record<string, unknown>)[top.field] = value;
    else if (top.shape instanceof ObjectShape) {
      try {
        (top.shape.entrySink as EntrySink)(top.field, value, top.count > 0 ? top.count - 1 : -1);
      } catch (err) {
        if (err instanceof EvidenceError && err.position === undefined && !(err instanceof JsonSyntaxError)) {
          throw new EvidenceError(err.message, positionOf(bytes, start));
        }
        throw err;
      }
      built = builtBefore;
    } else if (top.shape?.sink === undefined) (top.value as unknown[]).push(value);
    else {
      const owner = frames[frames.length - 2]?.value ?? (top.value as unknown[]);
      try {
        top.shape.sink(value, owner, indices);
      } catch (err) {
        if (err instanceof EvidenceError && err.position === undefined && !(err instanceof JsonSyntaxError)) {
          throw new EvidenceError(err.message, positionOf(bytes, start));
        }
        throw err;
      }
      top.count++;
      built = builtBefore;
    }
  };

  /** the shape of the next item of the innermost open array */
  const itemShape = (): ShapeNode => {
    if (top === undefined || top.standIn) return SKIP;
    const shape = top.shape;
    if (!(shape instanceof ArrayShape)) return CHECK;
    if (shape.lean !== undefined && shape.lean.when(frames[frames.length - 2]?.value ?? (top.value as unknown[]))) return shape.lean.item;
    return shape.item;
  };

  /** opens the container whose bracket is at bytes[i] (the caller moves past it) */
  const open = (isObject: boolean, i: number): void => {
    if (depth >= maxDepth) fail(`JSON nesting is deeper than ${maxDepth} levels (LIMITS.nestingDepth)`, i);
    const node = next;
    if (node === SKIP) {
      // a skipped container (most of a document): no frame, its items are skipped too
      objects[depth++] = isObject ? 1 : 0;
      frames.push(undefined);
      top = undefined;
      return;
    }
    let frame: Frame | undefined;
    const builtAtOpen = built;
    count(i);
    if ((node instanceof ObjectShape && !isObject) || (node instanceof ArrayShape && isObject)) {
      // another kind of container than the shape expects: an empty stand-in of its kind
      frame = { value: isObject ? {} : [], shape: undefined, keptFrom: -1, keys: undefined, seen: 0, field: '', count: 0, start: i, builtAtOpen, standIn: true, entries: undefined, later: false };
    } else if (node instanceof ObjectShape || node instanceof ArrayShape) {
      // every frame has the same fields in the same order (one hidden class for the hot accesses)
      const entries = node instanceof ObjectShape && node.entrySink !== undefined ? new Set<string>() : undefined;
      frame = { value: node instanceof ObjectShape ? {} : [], shape: node, keptFrom: -1, keys: undefined, seen: 0, field: '', count: 0, start: i, builtAtOpen, standIn: false, entries, later: false };
    } else if (node === KEEP || node === LAZY || (node === CHECK && isObject)) {
      frame = {
        value: undefined,
        shape: undefined,
        keptFrom: node === KEEP || node === LAZY ? i : -1,
        keys: isObject ? new Set() : undefined,
        seen: 0,
        field: '',
        count: 0,
        start: i,
        builtAtOpen,
        standIn: false,
        entries: undefined,
        later: node === LAZY,
      };
    } else if (node === CHECK) {
      frame = CHECKED_ARRAY;
    }
    objects[depth++] = isObject ? 1 : 0;
    frames.push(frame);
    top = frame;
    if (!isObject) next = itemShape();
  };

  /** closes the container whose bracket is at bytes[at] (the caller moves past it) */
  const close = (at: number): void => {
    const frame = frames.pop();
    depth--;
    top = frames[frames.length - 1];
    if (frame === undefined || frame === CHECKED_ARRAY) return;
    if (frame.value !== undefined) deliver(frame.value, frame.start, frame.builtAtOpen);
    else if (frame.keptFrom >= 0) {
      // `[]` and `{}` (most of jest's failureMessages): no JSON.parse call for nothing
      const value = frame.later ? new JsonLater(bytes, frame.keptFrom, at + 1) : at === frame.keptFrom + 1 ? (objects[depth] === 1 ? {} : []) : JSON.parse(utf8(bytes, frame.keptFrom, at + 1));
      deliver(value, frame.keptFrom, frame.builtAtOpen);
    }
  };

  /** a key of the innermost open object, from the quote at `start` to `end` */
  const key = (start: number, end: number): void => {
    if (top === undefined || top.standIn) {
      next = SKIP;
      return;
    }
    if (top.keys !== undefined) {
      const name = stringAt(start, end, INTERNED_KEY_BYTES);
      const size = top.keys.size;
      if (top.keys.add(name).size === size) duplicate(name, start);
      next = CHECK;
      return;
    }
    const shape = top.shape as ObjectShape;
    if (top.entries !== undefined) {
      let name: string;
      // maps keyed by index (Istanbul's "0", "1", …) skip the Set while their keys come in order
      if (top.count >= 0 && !escaped && isIndexKey(bytes, start + 1, end - 1, top.count)) name = indexKey(top.count++);
      else {
        for (let k = 0; k < top.count; k++) top.entries.add(indexKey(k));
        top.count = -1;
        name = stringAt(start, end, INTERNED_KEY_BYTES);
        const size = top.entries.size;
        if (top.entries.add(name).size === size) duplicate(name, start);
      }
      top.field = name;
      next = shape.entry as ShapeNode;
      return;
    }
    const index = escaped ? shape.names.indexOf(JSON.parse(utf8(bytes, start, end)) as string) : fieldIndex(shape, bytes, start + 1, end - 1);
    if (index < 0) {
      next = SKIP;
      return;
    }
    if ((top.seen & (1 << index)) !== 0) duplicate(shape.names[index] as string, start);
    top.seen |= 1 << index;
    top.field = shape.names[index] as string;
    next = shape.fields[index] as ShapeNode;
  };

  const duplicate = (name: string, at: number): never => {
    const shown = name.length > 40 ? `${JSON.stringify(name.slice(0, 40))}…` : JSON.stringify(name);
    return fail(`duplicate key ${shown} in one object: which value counts would be a guess`, at);
  };

  /** a primitive value from `start` to `end`, built when its shape asks for it */
  const primitive = (start: number, end: number, c: number): void => {
    if (next === SKIP) return;
    count(start);
    if (next === CHECK) return;
    let value: unknown;
    if (c === 34) value = next === LAZY ? new JsonLater(bytes, start, end) : stringAt(start, end, INTERNED_VALUE_BYTES);
    else if (c === 116) value = true;
    else if (c === 102) value = false;
    else if (c === 110) value = null;
    else value = numberAt(bytes, start, end);
    deliver(value, start, built - 1);
  };

  /**
   * The rest of a skipped container, from just after its bracket (opened, in `state`): the same
   * grammar as the loop below, in a loop of its own with nothing to build or look up (most of a
   * large document is skipped). Anything but well-formed JSON (and the nesting limit) hands the
   * token back to the loop below, in the state reached, which reports it as it always does.
   * Returns where the loop below goes on; sets `state`.
   */
  const skipRest = (from: number): number => {
    const outside = depth - 1;
    let j = from;
    let st = state;
    for (;;) {
      let c = bytes[j] as number;
      while (c === 32 || c === 10 || c === 13 || c === 9) c = bytes[++j] as number;
      if (j >= n) break;
      if (st === AFTER || (c === 125 && st === FIRST_KEY) || (c === 93 && st === FIRST_ITEM)) {
        const isObject = objects[depth - 1] === 1;
        if (c === 44 && st === AFTER) {
          // ,
          j++;
          st = isObject ? KEY : VALUE;
          continue;
        }
        if (c !== (isObject ? 125 : 93)) break;
        frames.pop();
        depth--;
        j++;
        st = AFTER;
        if (depth === outside) {
          top = frames[frames.length - 1];
          state = AFTER;
          return j;
        }
        continue;
      }
      if (st === FIRST_KEY || st === KEY) {
        if (c !== 34) break;
        j = scanString(j);
        if (bytes[j] === 58) {
          j++;
          st = VALUE;
        } else st = COLON;
        continue;
      }
      if (st === COLON) {
        if (c !== 58) break;
        j++;
        st = VALUE;
        continue;
      }
      // VALUE, FIRST_ITEM
      if (c === 123 || c === 91) {
        if (depth >= maxDepth) break;
        objects[depth++] = c === 123 ? 1 : 0;
        frames.push(undefined);
        j++;
        st = c === 123 ? FIRST_KEY : FIRST_ITEM;
        continue;
      }
      if (c === 34) j = scanString(j);
      else if (c === 45 || isDigit(c)) j = scanNumber(j);
      else if (c === 116 && bytes[j + 1] === 114 && bytes[j + 2] === 117 && bytes[j + 3] === 101) j += 4; // true
      else if (c === 102 && bytes[j + 1] === 97 && bytes[j + 2] === 108 && bytes[j + 3] === 115 && bytes[j + 4] === 101) j += 5; // false
      else if (c === 110 && bytes[j + 1] === 117 && bytes[j + 2] === 108 && bytes[j + 3] === 108) j += 4; // null
      else break;
      st = AFTER;
    }
    // inside skipped containers: no frame to build into, nothing to build
    top = undefined;
    next = SKIP;
    state = st;
    return j;
  };

  for (;;) {
    let c = bytes[i] as number;
    while (c === 32 || c === 10 || c === 13 || c === 9) c = bytes[++i] as number;
    if (i >= n) {
      if (state === AFTER && depth === 0) return root;
      if (state === VALUE && depth === 0) fail('empty document (no JSON value)', i);
      fail(`unexpected end of the document (${depth} unclosed ${depth === 1 ? 'bracket' : 'brackets'})`, i);
    }

    switch (state) {
      case VALUE:
      case FIRST_ITEM: {
        if (c === 93 && state === FIRST_ITEM) {
          // ]
          close(i);
          i++;
          state = AFTER;
          break;
        }
        if (c === 123) {
          // {
          const skipped = next === SKIP;
          open(true, i);
          i++;
          state = FIRST_KEY;
          if (skipped) i = skipRest(i);
          break;
        }
        if (c === 91) {
          // [
          const skipped = next === SKIP;
          open(false, i);
          i++;
          state = FIRST_ITEM;
          if (skipped) i = skipRest(i);
          break;
        }
        const start = i;
        if (c === 34) i = scanString(i);
        else if (c === 45 || isDigit(c)) i = scanNumber(i);
        else if (c === 116 && bytes[i + 1] === 114 && bytes[i + 2] === 117 && bytes[i + 3] === 101) i += 4; // true
        else if (c === 102 && bytes[i + 1] === 97 && bytes[i + 2] === 108 && bytes[i + 3] === 115 && bytes[i + 4] === 101) i += 5; // false
        else if (c === 110 && bytes[i + 1] === 117 && bytes[i + 2] === 108 && bytes[i + 3] === 108) i += 4; // null
        else fail(`expected a JSON value, found ${describe(bytes, i)}`, i);
        primitive(start, i, c);
        state = AFTER;
        break;
      }
      case FIRST_KEY:
      case KEY: {
        if (c === 125 && state === FIRST_KEY) {
          // }
          close(i);
          i++;
          state = AFTER;
          break;
        }
        if (c !== 34) {
          fail(`expected a double-quoted key${state === FIRST_KEY ? " or '}'" : ''}, found ${describe(bytes, i)}`, i);
        }
        const start = i;
        i = scanString(i);
        key(start, i);
        if (bytes[i] === 58) {
          // the usual ':' right after the key, without a turn of the loop
          i++;
          state = VALUE;
        } else state = COLON;
        break;
      }
      case COLON:
        if (c !== 58) fail(`expected ':' after the key, found ${describe(bytes, i)}`, i);
        i++;
        state = VALUE;
        break;
      case AFTER: {
        if (depth === 0) fail(`unexpected ${describe(bytes, i)} after the JSON value`, i);
        const isObject = objects[depth - 1] === 1;
        if (c === 44) {
          // ,
          i++;
          if (isObject) state = KEY;
          else {
            state = VALUE;
            next = itemShape();
          }
        } else if (c === (isObject ? 125 : 93)) {
          close(i);
          i++;
          state = AFTER;
        } else {
          fail(`expected ',' or '${isObject ? '}' : ']'}', found ${describe(bytes, i)}`, i);
        }
        break;
      }
    }
  }
}

/** The frame of every array inside a kept value: nothing to build, its items are checked. */
const CHECKED_ARRAY: Frame = Object.freeze({ value: undefined, shape: undefined, keptFrom: -1, keys: undefined, seen: 0, field: '', count: 0, start: -1, builtAtOpen: 0, standIn: false, entries: undefined, later: false });

/** Whether bytes[start, end) is `index` in decimal, as String(index) writes it. */
function isIndexKey(bytes: Buffer, start: number, end: number, index: number): boolean {
  const length = end - start;
  if (length === 0 || length > 15 || (bytes[start] === 48 && length > 1)) return false;
  let value = 0;
  for (let j = start; j < end; j++) {
    const d = (bytes[j] as number) - 48;
    if (d < 0 || d > 9) return false;
    value = value * 10 + d;
  }
  return value === index;
}

/** String(k), kept for the first indices (every file's maps count from "0" again). */
const INDEX_KEYS: string[] = [];
function indexKey(k: number): string {
  if (k >= 4096) return String(k);
  return (INDEX_KEYS[k] ??= String(k));
}

/** The index of the shape field whose UTF-8 name is bytes[start, end), or -1. */
function fieldIndex(shape: ObjectShape, bytes: Buffer, start: number, end: number): number {
  const length = end - start;
  const keys = shape.keys;
  // only the fields of the name's bucket (usually none or one)
  for (let mask = shape.buckets[fieldBucket(bytes, start, end)] as number; mask !== 0; mask &= mask - 1) {
    const k = 31 - Math.clz32(mask & -mask);
    const name = keys[k] as Buffer;
    if (name.length !== length) continue;
    let j = 0;
    while (j < length && name[j] === bytes[start + j]) j++;
    if (j === length) return k;
  }
  return -1;
}

/** The character at byte `i`, quoted for a message (never more of the document than that). */
function describe(bytes: Buffer, i: number): string {
  if (i >= bytes.length) return 'the end of the document';
  const lead = bytes[i] as number;
  const length = lead < 0x80 ? 1 : lead >= 0xf0 ? 4 : lead >= 0xe0 ? 3 : 2;
  return JSON.stringify(bytes.toString('utf8', i, i + length));
}

/** 1-based line and column (in UTF-16 code units, as editors count) of byte `offset`. */
export function positionOf(bytes: Uint8Array, offset: number): { line: number; column: number } {
  const end = Math.max(0, Math.min(offset, bytes.length));
  let line = 1;
  let lineStart = 0;
  for (let nl = bytes.indexOf(10); nl !== -1 && nl < end; nl = bytes.indexOf(10, nl + 1)) {
    line++;
    lineStart = nl + 1;
  }
  let column = 1;
  for (let j = lineStart; j < end; j++) {
    const b = bytes[j] as number;
    // continuation bytes add nothing; a 4-byte sequence is a surrogate pair
    if (b < 0x80 || (b >= 0xc0 && b < 0xf0)) column++;
    else if (b >= 0xf0) column += 2;
  }
  return { line, column };
}
