import { LIMITS } from '../limits.js';
import { EvidenceError } from '../measure.js';
import type { ByteSource } from './types.js';

/**
 * The attributes of the element being opened. Valid only during the `open` call: values are
 * decoded from the current input buffer on demand, so attributes nobody asks for (failure
 * messages) never become strings.
 */
export interface XmlAttributes {
  /** the value (entity references expanded, whitespace normalized as XML 1.0 §3.3.3), or undefined */
  get(name: string): string | undefined;
  /**
   * A value written as plain decimal digits (at most 15, no sign, space or reference), read
   * without making a string; -1 for any other value (read it with `get`), -2 when absent.
   */
  digits(name: string): number;
  /**
   * A value written as plain decimal digits with an optional fraction (`1.234`, `7.`; at most 15
   * digits, no sign, exponent, space or reference), read without making a string and exactly as
   * Number() reads it; -1 for any other value (read it with `get`), -2 when absent.
   */
  decimal(name: string): number;
  /**
   * Whether the attribute's value is exactly `word` (printable ASCII), compared on the bytes
   * without making a string when it can be; false when absent.
   */
  is(name: string, word: string): boolean;
  /** every attribute, as a new record */
  toRecord(): Record<string, string>;
  /** whether the tag is empty (`<a/>`): its close follows at once, with no children or text */
  readonly selfClosing: boolean;
  /**
   * Whether the element is empty: `<a/>`, or `<a>` followed by nothing but whitespace and an end
   * tag within the bytes at hand (false when that cannot be told yet: it may still be empty).
   */
  empty(): boolean;
  /**
   * Copies the tag's attributes into `into` (reused: no allocation once it has grown), to be read
   * after `open` returns, e.g. only once a child shows they are needed; false (nothing saved) when
   * the tag is longer than `maxBytes`.
   */
  save(into: SavedAttributes, maxBytes: number): boolean;
}

/** A copy of a tag's attributes (see XmlAttributes.save): the bytes, decoded only when asked for. */
export class SavedAttributes {
  private bytes = Buffer.alloc(256);
  private offsets = new Int32Array(5 * 8);
  private count = 0;

  /** buf[start, end) holds the tag; attrs the absolute offsets of its n attributes */
  fill(buf: Buffer, start: number, end: number, attrs: Int32Array, n: number): void {
    if (this.bytes.byteLength < end - start) this.bytes = Buffer.alloc(Math.max(end - start, 2 * this.bytes.byteLength));
    buf.copy(this.bytes, 0, start, end);
    if (this.offsets.length < 5 * n) this.offsets = new Int32Array(Math.max(5 * n, 2 * this.offsets.length));
    const offsets = this.offsets;
    for (let j = 0; j < 5 * n; j += 5) {
      offsets[j] = attrs[j]! - start;
      offsets[j + 1] = attrs[j + 1]! - start;
      offsets[j + 2] = attrs[j + 2]! - start;
      offsets[j + 3] = attrs[j + 3]! - start;
      offsets[j + 4] = attrs[j + 4]!;
    }
    this.count = n;
  }

  private find(name: string): number {
    const bytes = this.bytes;
    const offsets = this.offsets;
    for (let k = 0; k < this.count; k++) {
      const s = offsets[5 * k]!;
      if (offsets[5 * k + 1]! - s !== name.length) continue;
      let same = true;
      for (let i = 0; same && i < name.length; i++) same = bytes[s + i] === name.charCodeAt(i);
      if (same) return k;
    }
    return -1;
  }

  /** as XmlAttributes.get */
  get(name: string): string | undefined {
    const k = this.find(name);
    return k < 0 ? undefined : decodeText(this.bytes, this.offsets[5 * k + 2]!, this.offsets[5 * k + 3]!, true, this.offsets[5 * k + 4] === 1);
  }

  /** as XmlAttributes.digits */
  digits(name: string): number {
    const k = this.find(name);
    if (k < 0) return -2;
    const s = this.offsets[5 * k + 2]!;
    const e = this.offsets[5 * k + 3]!;
    if (e === s || e - s > 15) return -1;
    let n = 0;
    for (let i = s; i < e; i++) {
      const d = this.bytes[i]! - 48;
      if (d < 0 || d > 9) return -1;
      n = n * 10 + d;
    }
    return n;
  }
}

export interface XmlHandler {
  open(name: string, attributes: XmlAttributes, depth: number): void;
  close?(name: string, depth: number): void;
  /**
   * character data (text and CDATA) of the innermost open element; only decoded and called while
   * defined (a handler may set it only while it wants text: the rest is never decoded)
   */
  text?(text: string): void;
}

const MAX_MARKUP_BYTES = LIMITS.markupBytes;
/** Longest entity reference (`&#x10FFFF;` is 10 bytes; names of undefined entities are cut short). */
const MAX_REFERENCE_BYTES = 64;

const LT = 0x3c;
const GT = 0x3e;
const AMP = 0x26;
const SLASH = 0x2f;
const BANG = 0x21;
const QUESTION = 0x3f;
const EQ = 0x3d;
const DQUOTE = 0x22;
const SQUOTE = 0x27;
const SEMI = 0x3b;
const LF = 0x0a;
const LBRACKET = 0x5b;

/** XML whitespace: space, tab, CR, LF */
const WS = new Uint8Array(256);
for (const c of [0x20, 0x09, 0x0d, 0x0a]) WS[c] = 1;
/**
 * Bytes of an XML name: ASCII letters, digits, - . _ : and every byte of a multi-byte UTF-8
 * character (non-ASCII name characters are not checked further). NAME_START excludes digits, - and .
 */
const NAME = new Uint8Array(256);
const NAME_START = new Uint8Array(256);
for (let c = 0; c < 256; c++) {
  const letter = (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a) || c === 0x5f || c === 0x3a || c >= 0x80;
  NAME_START[c] = letter ? 1 : 0;
  NAME[c] = letter || (c >= 0x30 && c <= 0x39) || c === 0x2d || c === 0x2e ? 1 : 0;
}

const COMMENT_END = Buffer.from('-->');
const PI_END = Buffer.from('?>');
const CDATA_END = Buffer.from(']]>');
const CDATA_START = Buffer.from('<![CDATA[');
const DOCTYPE_START = Buffer.from('<!DOCTYPE');

/** Buffer's own decoder without toString's argument checks (hot: every value and name). */
const utf8 = (buf: Buffer, start: number, end: number): string => (buf as unknown as { utf8Slice(s: number, e: number): string }).utf8Slice(start, end);
const latin1 = (buf: Buffer, start: number, end: number): string => (buf as unknown as { latin1Slice(s: number, e: number): string }).latin1Slice(start, end);

/** 10^0 … 10^15, each exact in a double */
const POWERS_OF_TEN = Array.from({ length: 16 }, (_, k) => 10 ** k);

const PREDEFINED: Record<string, string> = { lt: '<', gt: '>', amp: '&', apos: "'", quot: '"' };

// what the tokenizer is inside of when a buffer ends
const TEXT = 0;
const COMMENT = 1;
const PI = 2;
const CDATA = 3;

/** Signals that the current token continues in the next chunk. */
const INCOMPLETE = -1;

/**
 * Longest element or attribute name. The names of open elements are kept (512 levels of 4 MB
 * names would hold 2 GB), and no evidence format has a name of more than a few dozen bytes.
 */
const MAX_NAME_BYTES = 4096;

/**
 * Most attributes in one tag: their offsets and index take about 40 bytes each, so a 64 MiB tag
 * of short attributes would otherwise need 400 MB; real evidence has a few dozen at most.
 */
const MAX_ATTRIBUTES = 1_000_000;

/** Attributes in one tag beyond which they are found through a hash table (see attrTable). */
const INDEXED_ATTRIBUTES = 16;

/** Spreads a name hash over the table's low bits (names a0..a99999 differ in their last bytes). */
function mix(hash: number): number {
  const h = Math.imul(hash ^ (hash >>> 16), 0x45d9f3b);
  return h ^ (h >>> 16);
}

/**
 * Streams an XML document through a handler, in one pass over the bytes: a small tokenizer for
 * the part of XML 1.0 evidence files use. No DTD is ever loaded and no entity beyond the five
 * predefined ones and character references exists: a DOCTYPE with an internal subset (where
 * entities are declared) and any other entity reference are errors, never expansions. Text that
 * no handler reads (failure messages, stack traces, system-out) is scanned for its markup and
 * references but never decoded. Memory is bounded by the largest tag, not by the document.
 * Errors carry the line and column (in characters, 1-based) where the document broke.
 */
export async function parseXml(input: ByteSource, handler: XmlHandler, maxDepth: number): Promise<void> {
  const tokenizer = new Tokenizer(handler, maxDepth);
  for await (const chunk of input) tokenizer.write(chunk);
  tokenizer.end();
}

class Tokenizer implements XmlAttributes {
  private buf: Buffer = Buffer.alloc(0);
  /** unconsumed bytes of the previous buffer (a copy: sources may reuse their buffers) */
  private carry: Buffer | undefined;
  /** the carry could not complete a token with this many bytes: wait until it has doubled */
  private carryNeed = 0;
  private pending: Buffer[] = [];
  private pendingBytes = 0;
  private mode = TEXT;
  private first = true;

  private readonly stack: string[] = [];
  private sawRoot = false;
  private rootClosed = false;
  private sawDoctype = false;
  /** whether the handler wants text now (it may set and unset `text` while reading) */
  private get wantText(): boolean {
    return this.handler.text !== undefined;
  }
  selfClosing = false;
  // the tag being opened: buf[tagStart, tagEnd)
  private tagStart = 0;
  private tagEnd = 0;

  // position of buf[0] in the document
  private linesBefore = 0;
  /** characters between the last line feed and buf[0] */
  private columnBefore = 0;
  /** offset in buf of the token being read, for the position of handler errors */
  private at = 0;

  // cached searches within buf: the next '<' / '&' at or after *From (-1: none)
  private ltFrom = 0;
  private ltAt = -1;
  private ampFrom = 0;
  private ampAt = -1;

  // attributes of the tag being opened: name start, name end, value start, value end, has '&'
  private attrs = new Int32Array(5 * 16);
  /** a hash of each attribute's name, for the duplicate check */
  private attrHashes = new Int32Array(16);
  private attrCount = 0;
  /**
   * Past INDEXED_ATTRIBUTES attributes in one tag, an open-addressing table of attribute index + 1
   * by name hash, so the duplicate check and lookups stay linear in the tag (a tag with 300,000
   * attributes took 114 s when each was compared with all before it). 0 entries: not built.
   */
  private attrTable = new Int32Array(0);
  private attrTableFor = 0;
  /** where `find` starts looking: readers mostly ask for attributes in document order */
  private findFrom = 0;
  /** bit (length & 31) of each attribute name's length: most names asked for and absent are ruled out at once */
  private nameLengths = 0;

  // interned element names by a hash of their bytes
  private readonly names: (string | undefined)[] = new Array<string | undefined>(1024).fill(undefined);

  constructor(
    private readonly handler: XmlHandler,
    private readonly maxDepth: number,
  ) {
  }

  write(chunk: Uint8Array): void {
    let bytes = Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    if (this.carry) {
      this.pending.push(bytes);
      this.pendingBytes += bytes.byteLength;
      // a long token: gather chunks until the bytes held have doubled (linear, not quadratic)
      if (this.pendingBytes < this.carryNeed && this.carry.byteLength + this.pendingBytes <= MAX_MARKUP_BYTES) {
        this.pending[this.pending.length - 1] = Buffer.from(bytes); // copy: the source may reuse it
        return;
      }
      bytes = Buffer.concat([this.carry, ...this.pending], this.carry.byteLength + this.pendingBytes);
      this.pending = [];
      this.pendingBytes = 0;
      this.carry = undefined;
    }
    if (this.first) {
      if (bytes.byteLength < 3 && bytes.byteLength > 0 && bytes[0] === 0xef) {
        this.carry = Buffer.from(bytes);
        this.carryNeed = 0;
        return;
      }
      this.first = false;
      if (bytes.byteLength >= 3 && bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) bytes = bytes.subarray(3);
    }
    this.feed(bytes, false);
  }

  end(): void {
    const rest = this.carry ? Buffer.concat([this.carry, ...this.pending]) : Buffer.alloc(0);
    this.carry = undefined;
    this.pending = [];
    this.feed(rest, true);
    if (!this.sawRoot) throw new EvidenceError('document must contain a root element.', this.position(this.buf.byteLength));
  }

  private feed(bytes: Buffer, final: boolean): void {
    this.buf = bytes;
    this.ltFrom = 0;
    this.ltAt = -1;
    this.ampFrom = 0;
    this.ampAt = -1;
    this.ltFrom = this.ampFrom = Number.MAX_SAFE_INTEGER; // force a search on first use
    let consumed: number;
    try {
      consumed = this.run(final);
    } catch (err) {
      if (err instanceof EvidenceError) {
        if (err.position !== undefined) throw err;
        throw new EvidenceError(err.message, this.position(this.at));
      }
      throw new EvidenceError(err instanceof Error ? err.message : String(err), this.position(this.at));
    }
    const len = bytes.byteLength;
    if (final) {
      if (consumed < len || this.mode !== TEXT) {
        const what = this.mode === COMMENT ? 'comment' : this.mode === CDATA ? 'CDATA section' : this.mode === PI ? 'processing instruction' : 'markup';
        const top = this.stack[this.stack.length - 1];
        throw new EvidenceError(top !== undefined ? `unclosed tag: ${top}` : `unexpected end of document inside a ${what}`, this.position(len));
      }
      const top = this.stack[this.stack.length - 1];
      if (top !== undefined) throw new EvidenceError(`unclosed tag: ${top}`, this.position(len));
      return;
    }
    // move the position past the consumed bytes
    this.advance(consumed);
    if (consumed < len) {
      const rest = len - consumed;
      if (rest > MAX_MARKUP_BYTES) {
        throw new EvidenceError(`a single piece of XML markup is longer than ${MAX_MARKUP_BYTES} bytes (LIMITS.markupBytes)`, this.position(consumed));
      }
      this.carry = Buffer.from(bytes.subarray(consumed));
      // retry only once the bytes held have doubled: a token split over many small chunks is
      // tokenised O(log n) times, at most twice its length in all
      this.carryNeed = rest;
    }
  }

  /** counts the lines and the last line's characters of buf[0, end) into the base position */
  private advance(end: number): void {
    const buf = this.buf;
    let lines = 0;
    let last = -1;
    for (let i = buf.indexOf(LF, 0); i !== -1 && i < end; i = buf.indexOf(LF, i + 1)) {
      lines++;
      last = i;
    }
    if (lines > 0) {
      this.linesBefore += lines;
      this.columnBefore = chars(buf, last + 1, end);
    } else {
      this.columnBefore += chars(buf, 0, end);
    }
  }

  private position(offset: number): { line: number; column: number } {
    const buf = this.buf;
    const end = Math.min(offset, buf.byteLength);
    let line = this.linesBefore + 1;
    let last = -1;
    for (let i = buf.indexOf(LF, 0); i !== -1 && i < end; i = buf.indexOf(LF, i + 1)) {
      line++;
      last = i;
    }
    const column = (last >= 0 ? chars(buf, last + 1, end) : this.columnBefore + chars(buf, 0, end)) + 1;
    return { line, column };
  }

  private fail(message: string, offset: number): never {
    throw new EvidenceError(message, this.position(offset));
  }

  private nextLt(p: number): number {
    if (p < this.ltFrom || (this.ltAt !== -1 && p > this.ltAt)) {
      this.ltFrom = p;
      // the next tag is usually a few bytes on (a line end, an indent): look there first
      const buf = this.buf;
      const near = Math.min(p + 16, buf.byteLength);
      let at = -1;
      for (let i = p; i < near; i++) {
        if (buf[i] === LT) {
          at = i;
          break;
        }
      }
      this.ltAt = at !== -1 || near === buf.byteLength ? at : buf.indexOf(LT, near);
    }
    return this.ltAt;
  }

  private nextAmp(p: number): number {
    if (p < this.ampFrom || (this.ampAt !== -1 && p > this.ampAt)) {
      this.ampFrom = p;
      this.ampAt = this.buf.indexOf(AMP, p);
    }
    return this.ampAt;
  }

  /** Tokenizes buf from 0; returns how far it got (the rest continues in the next chunk). */
  private run(final: boolean): number {
    const buf = this.buf;
    const len = buf.byteLength;
    let p = 0;
    while (p < len) {
      if (this.mode !== TEXT) {
        const needle = this.mode === COMMENT ? COMMENT_END : this.mode === PI ? PI_END : CDATA_END;
        const e = buf.indexOf(needle, p);
        if (e === -1) {
          // keep the bytes that may start the terminator (and, for text, a split character)
          let keep = Math.max(p, len - needle.byteLength + 1);
          if (this.mode === CDATA && this.wantText) {
            keep = utf8Boundary(buf, p, keep);
            if (keep > p) this.emit(utf8(buf, p, keep));
          }
          return final ? p : keep;
        }
        if (this.mode === CDATA && this.wantText && e > p) this.emit(utf8(buf, p, e));
        this.mode = TEXT;
        p = e + needle.byteLength;
        continue;
      }

      const lt = this.nextLt(p);
      const textEnd = lt === -1 ? len : lt;
      if (textEnd > p) {
        const stop = this.text(p, textEnd, lt !== -1 || final);
        if (stop < textEnd) return stop;
      }
      if (lt === -1) return len;
      this.at = lt;
      if (lt + 1 >= len) return lt;
      const c1 = buf[lt + 1]!;
      if (c1 === SLASH) {
        const next = this.endTag(lt);
        if (next === INCOMPLETE) return lt;
        p = next;
      } else if (c1 === BANG) {
        if (len - lt < 4) return lt;
        if (buf[lt + 2] === 0x2d && buf[lt + 3] === 0x2d) {
          this.mode = COMMENT;
          p = lt + 4;
        } else if (buf[lt + 2] === LBRACKET) {
          if (len - lt < 9) return lt;
          if (buf.compare(CDATA_START, 0, 9, lt, lt + 9) !== 0) this.fail('malformed markup: expected <![CDATA[', lt);
          if (this.stack.length === 0) this.fail('CDATA section outside of the root element.', lt);
          this.mode = CDATA;
          p = lt + 9;
        } else {
          if (len - lt < 9) return lt;
          if (buf.compare(DOCTYPE_START, 0, 9, lt, lt + 9) !== 0) this.fail('malformed markup after <!', lt);
          const next = this.doctype(lt);
          if (next === INCOMPLETE) return lt;
          p = next;
        }
      } else if (c1 === QUESTION) {
        this.mode = PI;
        p = lt + 2;
      } else {
        const next = this.startTag(lt);
        if (next === INCOMPLETE) return lt;
        p = next;
      }
    }
    return p;
  }

  /**
   * Character data buf[a, b). Checks it (only whitespace outside the root element, well-formed
   * references) and hands it to the handler if it wants text. Returns where it stopped: b, or
   * earlier when a reference or a character continues in the next chunk.
   */
  private text(a: number, b: number, complete: boolean): number {
    const buf = this.buf;
    if (this.stack.length === 0) {
      for (let i = a; i < b; i++) if (WS[buf[i]!] === 0) this.fail('text data outside of root node.', i);
      return b;
    }
    let end = b;
    for (let amp = this.nextAmp(a); amp !== -1 && amp < b; amp = this.nextAmp(amp + 1)) {
      const semi = this.reference(amp, b, complete);
      if (semi === INCOMPLETE) {
        end = amp;
        break;
      }
    }
    if (!complete && end === b) end = utf8Boundary(buf, a, b);
    if (this.wantText && end > a) this.emit(decodeText(buf, a, end, false));
    return end;
  }

  /**
   * Checks the reference at buf[amp] (`&name;`, `&#n;`, `&#xh;`) that must end before `limit`;
   * returns the offset of its ';', or INCOMPLETE when it may continue in the next chunk.
   */
  private reference(amp: number, limit: number, complete: boolean): number {
    const buf = this.buf;
    const max = Math.min(limit, amp + MAX_REFERENCE_BYTES);
    let semi = -1;
    for (let i = amp + 1; i < max; i++) {
      if (buf[i] === SEMI) {
        semi = i;
        break;
      }
    }
    if (semi === -1) {
      if (!complete && limit === buf.byteLength && max === limit) return INCOMPLETE;
      this.fail('invalid character entity: "&" must start a reference ending with ";" (write &amp;)', amp);
    }
    if (isCommonReference(buf, amp + 1, semi)) return semi;
    const ref = latin1(buf, amp + 1, semi);
    if (referenceText(ref) === undefined) {
      if (ref.length > 0 && ref.charCodeAt(0) === 0x23 /* # */) this.fail(`invalid character reference: &${ref};`, amp);
      this.fail(`undefined entity: ${ref} (no DTD is read; only &lt; &gt; &amp; &apos; &quot; and character references exist)`, amp);
    }
    return semi;
  }

  private emit(text: string): void {
    this.handler.text!(text);
  }

  /** The element name at buf[start, end), interned. */
  private name(start: number, end: number, hash: number): string {
    const buf = this.buf;
    const slot = hash & 1023;
    const known = this.names[slot];
    if (known !== undefined && known.length === end - start) {
      let same = true;
      for (let i = 0; i < known.length; i++) {
        if (known.charCodeAt(i) !== buf[start + i]) {
          same = false;
          break;
        }
      }
      if (same) return known;
    }
    const name = utf8(buf, start, end);
    // only ASCII names can be compared byte by byte
    if (name.length === end - start) this.names[slot] = name;
    return name;
  }

  /** A start tag at buf[lt]; returns the offset after it, or INCOMPLETE. */
  private startTag(lt: number): number {
    const buf = this.buf;
    const len = buf.byteLength;
    let i = lt + 1;
    if (NAME_START[buf[i]!] === 0) this.fail('disallowed character in tag name', i);
    let hash = 0;
    for (; i < len; i++) {
      const c = buf[i]!;
      if (NAME[c] === 0) break;
      hash = (hash * 31 + c) | 0;
    }
    if (i - lt - 1 > MAX_NAME_BYTES) this.failLongName('element', lt + 1);
    if (i >= len) return INCOMPLETE;
    const nameEnd = i;
    this.attrCount = 0;
    this.attrTableFor = 0;
    this.nameLengths = 0;
    let selfClosing = false;
    for (;;) {
      const before = i;
      while (i < len && WS[buf[i]!] === 1) i++;
      if (i >= len) return INCOMPLETE;
      let c = buf[i]!;
      if (c === GT) {
        i++;
        break;
      }
      if (c === SLASH) {
        if (i + 1 >= len) return INCOMPLETE;
        if (buf[i + 1] !== GT) this.fail('forward slash in opening tag not followed by >', i);
        selfClosing = true;
        i += 2;
        break;
      }
      if (i === before) this.fail('no whitespace between attributes', i);
      // attribute name
      const ns = i;
      if (NAME_START[c] === 0) this.fail('disallowed character in attribute name', i);
      let nameHash = 0;
      for (; i < len; i++) {
        const b = buf[i]!;
        if (NAME[b] === 0) break;
        nameHash = (nameHash * 31 + b) | 0;
      }
      if (i - ns > MAX_NAME_BYTES) this.failLongName('attribute', ns);
      const ne = i;
      while (i < len && WS[buf[i]!] === 1) i++;
      if (i >= len) return INCOMPLETE;
      if (buf[i] !== EQ) this.fail('attribute without value', i);
      i++;
      while (i < len && WS[buf[i]!] === 1) i++;
      if (i >= len) return INCOMPLETE;
      c = buf[i]!;
      if (c !== DQUOTE && c !== SQUOTE) this.fail('unquoted attribute value', i);
      const vs = i + 1;
      // the closing quote: a plain loop over the first bytes (most values are short), Buffer.indexOf
      // past them (a loop costs more per byte than the call once values are a few dozen bytes long)
      let ve = vs;
      const near = Math.min(vs + 16, len);
      while (ve < near && buf[ve] !== c) ve++;
      if (ve === near) ve = near === len ? -1 : buf.indexOf(c, near);
      if (ve === -1) return INCOMPLETE;
      // '<' and '&' through the cached searches of the text (one indexOf serves many values)
      const lt2 = this.nextLt(vs);
      if (lt2 !== -1 && lt2 < ve) this.fail('disallowed character in attribute value: "<" (write &lt;)', lt2);
      let hasAmp = 0;
      for (let amp = this.nextAmp(vs); amp !== -1 && amp < ve; amp = nextByte(buf, AMP, amp + 1, ve)) {
        hasAmp = 1;
        this.reference(amp, ve, true);
      }
      this.addAttribute(ns, ne, vs, ve, hasAmp, nameHash);
      i = ve + 1;
    }

    const name = this.name(lt + 1, nameEnd, hash);
    if (this.rootClosed) this.fail('document must contain only one root element.', lt);
    if (this.stack.length === 0 && this.sawRoot) this.fail('document must contain only one root element.', lt);
    this.sawRoot = true;
    this.stack.push(name);
    const depth = this.stack.length;
    this.at = i;
    if (depth > this.maxDepth) this.fail(`XML nesting deeper than ${this.maxDepth} elements (LIMITS.nestingDepth)`, i);
    this.findFrom = 0;
    this.selfClosing = selfClosing;
    this.tagStart = lt;
    this.tagEnd = i;
    this.handler.open(name, this, depth);
    this.attrCount = 0;
    if (selfClosing) this.closeTop();
    return i;
  }

  private addAttribute(ns: number, ne: number, vs: number, ve: number, hasAmp: number, hash: number): void {
    const buf = this.buf;
    const n = this.attrCount;
    let attrs = this.attrs;
    const hashes = this.attrHashes;
    if (n >= MAX_ATTRIBUTES) this.fail(`more than ${MAX_ATTRIBUTES} attributes in one tag`, ns);
    const sameName = (k: number): boolean => {
      const s = attrs[5 * k]!;
      const e = attrs[5 * k + 1]!;
      if (e - s !== ne - ns) return false;
      for (let i = 0; i < e - s; i++) if (buf[s + i] !== buf[ns + i]) return false;
      return true;
    };
    if (n < INDEXED_ATTRIBUTES) {
      for (let k = 0; k < n; k++) {
        if (hashes[k] === hash && sameName(k)) this.fail(`duplicate attribute: ${utf8(buf, ns, ne)}`, ns);
      }
    } else {
      if (this.attrTableFor !== n || 2 * (n + 1) > this.attrTable.length) this.indexAttributes(n);
      const table = this.attrTable;
      const mask = table.length - 1;
      let slot = mix(hash) & mask;
      for (let entry = table[slot]!; entry !== 0; slot = (slot + 1) & mask, entry = table[slot]!) {
        if (hashes[entry - 1] === hash && sameName(entry - 1)) this.fail(`duplicate attribute: ${utf8(buf, ns, ne)}`, ns);
      }
      table[slot] = n + 1;
      this.attrTableFor = n + 1;
    }
    if (5 * (n + 1) > attrs.length) {
      const grown = new Int32Array(attrs.length * 2);
      grown.set(attrs);
      this.attrs = attrs = grown;
      const grownHashes = new Int32Array(hashes.length * 2);
      grownHashes.set(hashes);
      this.attrHashes = grownHashes;
    }
    this.attrHashes[n] = hash;
    this.nameLengths |= 1 << ((ne - ns) & 31);
    attrs[5 * n] = ns;
    attrs[5 * n + 1] = ne;
    attrs[5 * n + 2] = vs;
    attrs[5 * n + 3] = ve;
    attrs[5 * n + 4] = hasAmp;
    this.attrCount = n + 1;
  }

  /**
   * (Re)builds attrTable for the first n attributes, at most half full (so a probe ends at an
   * empty slot soon); called when the table is missing or stale, which happens once per tag and
   * per doubling: linear in all.
   */
  private indexAttributes(n: number): void {
    let size = this.attrTable.length;
    if (size < 4 * (n + 1)) {
      size = 64;
      while (size < 4 * (n + 1)) size *= 2;
      this.attrTable = new Int32Array(size);
    } else {
      this.attrTable.fill(0);
    }
    const table = this.attrTable;
    const mask = size - 1;
    for (let k = 0; k < n; k++) {
      let slot = mix(this.attrHashes[k]!) & mask;
      while (table[slot] !== 0) slot = (slot + 1) & mask;
      table[slot] = k + 1;
    }
    this.attrTableFor = n;
  }

  /** the index of an attribute, or -1 */
  private find(name: string): number {
    const buf = this.buf;
    const attrs = this.attrs;
    const length = name.length;
    if ((this.nameLengths & (1 << (length & 31))) === 0) return -1;
    const n = this.attrCount;
    if (n > INDEXED_ATTRIBUTES && this.attrTableFor === n) return this.findIndexed(name);
    // from just after the last attribute found, round to it
    let k = this.findFrom;
    for (let t = 0; t < n; t++, k++) {
      if (k >= n) k = 0;
      const s = attrs[5 * k]!;
      if (attrs[5 * k + 1]! - s !== length) continue;
      let same = true;
      for (let i = 0; i < length; i++) {
        if (buf[s + i] !== name.charCodeAt(i)) {
          same = false;
          break;
        }
      }
      if (same) {
        this.findFrom = k + 1;
        return k;
      }
    }
    return -1;
  }

  /** find() through attrTable: the name hashed as its bytes were (names asked for are ASCII) */
  private findIndexed(name: string): number {
    const buf = this.buf;
    const attrs = this.attrs;
    let hash = 0;
    for (let i = 0; i < name.length; i++) hash = (hash * 31 + name.charCodeAt(i)) | 0;
    const table = this.attrTable;
    const mask = table.length - 1;
    for (let slot = mix(hash) & mask, entry = table[slot]!; entry !== 0; slot = (slot + 1) & mask, entry = table[slot]!) {
      const k = entry - 1;
      if (this.attrHashes[k] !== hash) continue;
      const s = attrs[5 * k]!;
      if (attrs[5 * k + 1]! - s !== name.length) continue;
      let same = true;
      for (let i = 0; same && i < name.length; i++) same = buf[s + i] === name.charCodeAt(i);
      if (same) return k;
    }
    return -1;
  }

  is(name: string, word: string): boolean {
    const k = this.find(name);
    if (k < 0) return false;
    const attrs = this.attrs;
    if (attrs[5 * k + 4] === 1) return this.value(k) === word;
    const buf = this.buf;
    const s = attrs[5 * k + 2]!;
    const length = word.length;
    let same = attrs[5 * k + 3]! - s === length;
    for (let i = 0; i < length; i++) {
      const c = word.charCodeAt(i);
      // a space, control or non-ASCII character in the word: compare the decoded value
      if (c <= 0x20 || c >= 0x7f) return this.value(k) === word;
      if (same && buf[s + i] !== c) same = false;
    }
    return same;
  }

  get(name: string): string | undefined {
    const k = this.find(name);
    return k < 0 ? undefined : this.value(k);
  }

  digits(name: string): number {
    const k = this.find(name);
    if (k < 0) return -2;
    const buf = this.buf;
    const s = this.attrs[5 * k + 2]!;
    const e = this.attrs[5 * k + 3]!;
    if (e === s || e - s > 15) return -1;
    let n = 0;
    for (let i = s; i < e; i++) {
      const d = buf[i]! - 48;
      if (d < 0 || d > 9) return -1;
      n = n * 10 + d;
    }
    return n;
  }

  decimal(name: string): number {
    const k = this.find(name);
    if (k < 0) return -2;
    const buf = this.buf;
    const s = this.attrs[5 * k + 2]!;
    const e = this.attrs[5 * k + 3]!;
    let n = 0;
    let digits = 0;
    let point = -1;
    for (let i = s; i < e; i++) {
      const c = buf[i]!;
      if (c === 0x2e /* . */ && point === -1 && i > s) point = i;
      else if (c >= 0x30 && c <= 0x39) {
        n = n * 10 + (c - 0x30);
        digits++;
      } else return -1;
    }
    if (digits === 0 || digits > 15) return -1;
    // both operands exact (n < 2^53, 10^k for k <= 15): one correctly rounded division, the same
    // double as Number() of the text
    return point === -1 ? n : n / POWERS_OF_TEN[e - point - 1]!;
  }

  empty(): boolean {
    if (this.selfClosing) return true;
    const buf = this.buf;
    let i = this.tagEnd;
    while (i < buf.byteLength && WS[buf[i]!] === 1) i++;
    return i + 1 < buf.byteLength && buf[i] === LT && buf[i + 1] === SLASH;
  }

  save(into: SavedAttributes, maxBytes: number): boolean {
    if (this.tagEnd - this.tagStart > maxBytes) return false;
    into.fill(this.buf, this.tagStart, this.tagEnd, this.attrs, this.attrCount);
    return true;
  }

  toRecord(): Record<string, string> {
    const record: Record<string, string> = {};
    for (let k = 0; k < this.attrCount; k++) record[utf8(this.buf, this.attrs[5 * k]!, this.attrs[5 * k + 1]!)] = this.value(k);
    return record;
  }

  private value(k: number): string {
    const attrs = this.attrs;
    return decodeText(this.buf, attrs[5 * k + 2]!, attrs[5 * k + 3]!, true, attrs[5 * k + 4] === 1);
  }

  private failLongName(what: string, at: number): never {
    this.fail(`an ${what} name longer than ${MAX_NAME_BYTES} bytes (no evidence format has one; names are kept while their element is open)`, at);
  }

  /** An end tag at buf[lt]; returns the offset after it, or INCOMPLETE. */
  private endTag(lt: number): number {
    const buf = this.buf;
    const len = buf.byteLength;
    let i = lt + 2;
    const ns = i;
    while (i < len && NAME[buf[i]!] === 1) i++;
    if (i - ns > MAX_NAME_BYTES) this.failLongName('element', ns);
    const ne = i;
    while (i < len && WS[buf[i]!] === 1) i++;
    if (i >= len) return INCOMPLETE;
    if (buf[i] !== GT || ne === ns) this.fail('malformed closing tag', i);
    const top = this.stack[this.stack.length - 1];
    if (top === undefined) this.fail(`unexpected close tag: ${utf8(buf, ns, ne)}`, lt);
    let same = top.length === ne - ns;
    for (let k = 0; same && k < top.length; k++) same = top.charCodeAt(k) === buf[ns + k];
    if (!same && utf8(buf, ns, ne) !== top) this.fail(`unexpected close tag: ${utf8(buf, ns, ne)} (the open element is ${top})`, lt);
    this.at = i + 1;
    this.closeTop();
    return i + 1;
  }

  private closeTop(): void {
    const depth = this.stack.length;
    this.handler.close?.(this.stack[depth - 1]!, depth);
    this.stack.pop();
    if (depth === 1) this.rootClosed = true;
  }

  /** `<!DOCTYPE name [SYSTEM|PUBLIC ids]>`: read past, never loaded; an internal subset is refused. */
  private doctype(lt: number): number {
    const buf = this.buf;
    const len = buf.byteLength;
    if (this.sawRoot || this.sawDoctype) this.fail('DOCTYPE after the first element or a second DOCTYPE', lt);
    let i = lt + 9;
    while (i < len) {
      const c = buf[i]!;
      if (c === DQUOTE || c === SQUOTE) {
        const close = buf.indexOf(c, i + 1);
        if (close === -1) return INCOMPLETE;
        i = close + 1;
        continue;
      }
      if (c === LBRACKET) {
        this.fail('DOCTYPE with an internal subset refused: its declarations are never read, so every entity it declares is an undefined entity (nothing is expanded or fetched)', i);
      }
      if (c === GT) {
        this.sawDoctype = true;
        return i + 1;
      }
      i++;
    }
    return INCOMPLETE;
  }
}

/**
 * Whether buf[a, b), the name of a reference (between & and ;), is one of the five predefined
 * entities or a character reference that referenceText accepts, checked on the bytes (hot: every
 * reference in every failure message). False sends the name to referenceText, which decides (the
 * same rules: a false here never accepts what referenceText refuses, nor the reverse).
 */
function isCommonReference(buf: Buffer, a: number, b: number): boolean {
  const length = b - a;
  const c0 = buf[a];
  if (c0 === 0x23 /* # */) {
    const hex = buf[a + 1] === 0x78; /* x */
    const from = hex ? a + 2 : a + 1;
    if (from === b || b - from > 8) return false;
    let code = 0;
    for (let i = from; i < b; i++) {
      const c = buf[i]!;
      let d: number;
      if (c >= 0x30 && c <= 0x39) d = c - 0x30;
      else if (hex && c >= 0x61 && c <= 0x66) d = c - 0x57;
      else if (hex && c >= 0x41 && c <= 0x46) d = c - 0x37;
      else return false;
      code = code * (hex ? 16 : 10) + d;
    }
    // XML 1.0 Char
    return code === 0x9 || code === 0xa || code === 0xd || (code >= 0x20 && code <= 0xd7ff) || (code >= 0xe000 && code <= 0xfffd) || (code >= 0x10000 && code <= 0x10ffff);
  }
  if (length === 2) return (c0 === 0x6c /* l */ || c0 === 0x67) /* g */ && buf[a + 1] === 0x74; /* t */
  if (length === 3) return c0 === 0x61 && buf[a + 1] === 0x6d && buf[a + 2] === 0x70; /* amp */
  if (length === 4) {
    return (c0 === 0x61 && buf[a + 1] === 0x70 && buf[a + 2] === 0x6f && buf[a + 3] === 0x73) /* apos */ || (c0 === 0x71 && buf[a + 1] === 0x75 && buf[a + 2] === 0x6f && buf[a + 3] === 0x74); /* quot */
  }
  return false;
}

/** The text of a reference's name (between & and ;), or undefined when it names no character. */
function referenceText(ref: string): string | undefined {
  if (ref.charCodeAt(0) === 0x23 /* # */) {
    const hex = ref.charCodeAt(1) === 0x78; /* x */
    const digits = ref.slice(hex ? 2 : 1);
    if (digits === '' || !(hex ? /^[0-9a-fA-F]+$/ : /^[0-9]+$/).test(digits) || digits.length > 8) return undefined;
    const code = parseInt(digits, hex ? 16 : 10);
    // XML 1.0 Char
    const ok = code === 0x9 || code === 0xa || code === 0xd || (code >= 0x20 && code <= 0xd7ff) || (code >= 0xe000 && code <= 0xfffd) || (code >= 0x10000 && code <= 0x10ffff);
    return ok ? String.fromCodePoint(code) : undefined;
  }
  // own keys only: "&constructor;" or "&__proto__;" name no entity (a plain object would answer with its prototype)
  return Object.hasOwn(PREDEFINED, ref) ? PREDEFINED[ref] : undefined;
}

const NEWLINES = /\r\n?/g;
const ATTRIBUTE_WS = /[\t\n\r]/;
const REFERENCE = /&([^;]*);/g;

/** buf[a, b) as text: line ends normalized, references expanded (they were checked already). */
function decodeText(buf: Buffer, a: number, b: number, attribute: boolean, hasAmp = true): string {
  let text = utf8(buf, a, b);
  if (attribute) {
    let ws = b - a > 64 ? ATTRIBUTE_WS.test(text) : false;
    for (let i = a; !ws && i < b && b - a <= 64; i++) ws = buf[i]! < 0x20;
    if (ws) text = text.replace(NEWLINES, '\n').replace(/[\t\n]/g, ' ');
  } else if (text.includes('\r')) {
    text = text.replace(NEWLINES, '\n');
  }
  return hasAmp && text.includes('&') ? text.replace(REFERENCE, (_m: string, ref: string) => referenceText(ref) ?? '') : text;
}

/** The first offset of byte c in buf[from, end), or -1. */
function nextByte(buf: Buffer, c: number, from: number, end: number): number {
  for (let i = from; i < end; i++) if (buf[i] === c) return i;
  return -1;
}

/** The largest offset <= end (and >= start) that does not split a UTF-8 character. */
function utf8Boundary(buf: Buffer, start: number, end: number): number {
  for (let i = end - 1, n = 0; i >= start && n < 4; i--, n++) {
    const c = buf[i]!;
    if (c < 0x80) return end;
    if (c >= 0xc0) {
      const size = c >= 0xf0 ? 4 : c >= 0xe0 ? 3 : 2;
      return end - i >= size ? end : i;
    }
  }
  return end;
}

/** Characters in buf[a, b): bytes that do not continue a UTF-8 sequence. */
function chars(buf: Buffer, a: number, b: number): number {
  let n = 0;
  for (let i = a; i < b; i++) if ((buf[i]! & 0xc0) !== 0x80) n++;
  return n;
}
