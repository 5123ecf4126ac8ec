import { isUtf8 } from 'node:buffer';
import { LIMITS } from '../limits.js';
import { EvidenceError } from '../measure.js';
import type { ByteSource } from './types.js';

/**
 * Reads a whole (bounded) document as UTF-8 bytes, BOM dropped. Invalid UTF-8 is an error, not a
 * silent replacement: a number decoded from garbage must never pass a criterion. Any slice of the
 * result between ASCII bytes decodes exactly (`toString('utf8', start, end)`).
 */
export async function readWholeUtf8(input: ByteSource, maxBytes: number, what = 'document'): Promise<Buffer> {
  const chunks: Uint8Array[] = [];
  let size = 0;
  for await (const chunk of input) {
    size += chunk.byteLength;
    if (size > maxBytes) {
      throw new EvidenceError(`${what} is larger than the ${formatBytes(maxBytes)} cap for whole-document formats (LIMITS.wholeDocumentBytes)`);
    }
    chunks.push(chunk);
  }
  const bytes = Buffer.concat(chunks, size);
  // the WHATWG decoder's fatal rules (no overlongs, surrogates or code points past U+10FFFF)
  if (!isUtf8(bytes)) throw new EvidenceError(`${what} is not valid UTF-8`);
  return size >= 3 && bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf ? bytes.subarray(3) : bytes;
}

/** Reads a whole (bounded) document as UTF-8 text, BOM dropped; see readWholeUtf8. */
export async function readWholeText(input: ByteSource, maxBytes: number, what = 'document'): Promise<string> {
  return (await readWholeUtf8(input, maxBytes, what)).toString('utf8');
}

/**
 * Yields the lines of a byte stream (LF or CRLF; a leading UTF-8 BOM dropped), holding at most
 * one line: a line longer than maxLineBytes is an EvidenceError naming its line number.
 */
export async function* readLines(
  input: ByteSource,
  maxLineBytes: number = LIMITS.lineBytes,
  options: { /** invalid UTF-8 is an EvidenceError instead of U+FFFD */ fatal?: boolean } = {},
): AsyncGenerator<string> {
  const strict = options.fatal ? new TextDecoder('utf-8', { fatal: true }) : undefined;
  // bytes a line may hold before its end is known: the line, a CR, and on line 1 a BOM
  const holdable = maxLineBytes + 4;
  let pending: Uint8Array[] = [];
  let pendingBytes = 0;
  let lineNumber = 0;
  let first = true;
  const tooLong = (): never => {
    throw new EvidenceError(
      `line ${lineNumber + 1} is longer than ${maxLineBytes} bytes (LIMITS.lineBytes); lines are capped so that one line cannot exhaust memory`,
      { line: lineNumber + 1 },
    );
  };
  const finish = (tail: Uint8Array): string => {
    let bytes: Uint8Array = tail;
    if (pending.length > 0) {
      pending.push(tail);
      bytes = Buffer.concat(pending, pendingBytes + tail.byteLength);
      pending = [];
      pendingBytes = 0;
    }
    let start = 0;
    let end = bytes.byteLength;
    if (first) {
      first = false;
      if (end >= 3 && bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) start = 3;
    }
    if (end > start && bytes[end - 1] === 0x0d) end--;
    if (end - start > maxLineBytes) tooLong();
    lineNumber++;
    if (strict) {
      try {
        return strict.decode(bytes.subarray(start, end));
      } catch {
        throw new EvidenceError(`line ${lineNumber} is not valid UTF-8: this is not a text log`, { line: lineNumber });
      }
    }
    return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8', start, end);
  };
  for await (const chunk of input) {
    let start = 0;
    for (let nl = chunk.indexOf(0x0a); nl !== -1; nl = chunk.indexOf(0x0a, start)) {
      if (pendingBytes + (nl - start) > holdable) tooLong();
      yield finish(chunk.subarray(start, nl));
      start = nl + 1;
    }
    if (start < chunk.byteLength) {
      pendingBytes += chunk.byteLength - start;
      if (pendingBytes > holdable) tooLong();
      pending.push(chunk.slice(start)); // a copy: the source may reuse its buffer
    }
  }
  if (pendingBytes > 0) {
    const line = finish(new Uint8Array(0));
    if (line.length > 0) yield line;
  }
}

/**
 * Calls `fn` for every line of a byte stream (LF or CRLF; a leading UTF-8 BOM dropped),
 * synchronously per chunk: each chunk's complete lines are decoded in one step, and each line is
 * `text.slice(start, end)` of that text (no string and no promise is made per line). At most one
 * partial line is held between chunks; a line longer than maxLineBytes is an EvidenceError naming
 * its line number. Slices of `text` share its memory: copy what you keep.
 */
export async function forEachLine(
  input: ByteSource,
  fn: (text: string, start: number, end: number) => void,
  maxLineBytes: number = LIMITS.lineBytes,
): Promise<void> {
  const holdable = maxLineBytes + 4;
  let carry: Buffer | undefined;
  let lineNumber = 0;
  let first = true;
  const tooLong = (line: number): never => {
    throw new EvidenceError(
      `line ${line} is longer than ${maxLineBytes} bytes (LIMITS.lineBytes); lines are capped so that one line cannot exhaust memory`,
      { line },
    );
  };
  const lines = (bytes: Buffer, end: number, final: boolean): void => {
    let start = 0;
    if (first) {
      first = false;
      if (end >= 3 && bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) start = 3;
    }
    const text = bytes.toString('utf8', start, end);
    const length = text.length;
    let from = 0;
    while (from < length) {
      let nl = text.indexOf('\n', from);
      if (nl === -1) {
        if (!final) break;
        nl = length;
      }
      let to = nl;
      if (to > from && text.charCodeAt(to - 1) === 13 /* CR */) to--;
      lineNumber++;
      if (to - from > maxLineBytes || (3 * (to - from) > maxLineBytes && Buffer.byteLength(text.slice(from, to)) > maxLineBytes)) tooLong(lineNumber);
      fn(text, from, to);
      from = nl + 1;
    }
  };
  for await (const chunk of input) {
    let bytes = Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    if (carry !== undefined) bytes = Buffer.concat([carry, bytes]);
    const last = bytes.lastIndexOf(0x0a);
    if (last === -1) {
      if (bytes.byteLength > holdable) tooLong(lineNumber + 1);
      carry = Buffer.from(bytes); // a copy: the source may reuse its buffer
      continue;
    }
    lines(bytes, last + 1, false);
    const rest = bytes.byteLength - last - 1;
    if (rest > holdable) tooLong(lineNumber + 1);
    carry = rest > 0 ? Buffer.from(bytes.subarray(last + 1)) : undefined;
  }
  if (carry !== undefined) lines(carry, carry.byteLength, true);
}

export function formatBytes(n: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let i = 0;
  while (n >= 1024 && i < units.length - 1) {
    n /= 1024;
    i++;
  }
  return `${Number.isInteger(n) ? n : n.toFixed(1)} ${units[i]}`;
}
