/**
 * format: json — any JSON document, read whole (LIMITS.wholeDocumentBytes), with policy-named
 * `path` metrics (RFC 9535 JSONPath; see named.ts for the exactly-one-number rule and notes).
 *
 * Before JSON.parse sees the text, an iterative scanner checks the full RFC 8259 grammar so that
 * every error carries the line and column where the document broke, nesting deeper than
 * LIMITS.nestingDepth is refused (100,000 levels of `[` cannot reach a recursive parser), and
 * duplicate object keys are refused: JSON.parse would silently keep the last one, and a gate must
 * not pick between two values silently.
 */
import { EvidenceError } from '../measure.js';
import { readWholeText } from './input.js';
import { pathFormat, positionAt, type PathModel } from './named.js';
import type { ByteSource } from './types.js';

export { compilePolicyPath, namedMetricNotes, type MetricNotes, type PathModel } from './named.js';

export type JsonModel = PathModel;

export const json = pathFormat('json', 'JSON document', (text, ctx) => parseJson(text, ctx.limits.nestingDepth));

/**
 * Reads a bounded whole JSON document (UTF-8, BOM dropped, at most `maxBytes`, nested at most
 * `maxDepth` deep) for the formats that are JSON documents (json, sarif, k6). Errors say what the
 * document was meant to be and carry the line and column where it broke.
 */
export async function readJsonDocument(input: ByteSource, maxBytes: number, maxDepth: number, what: string): Promise<unknown> {
  const text = await readWholeText(input, maxBytes, what);
  try {
    return parseJson(text, maxDepth);
  } catch (err) {
    if (err instanceof EvidenceError) throw new EvidenceError(`${what} is not valid JSON: ${err.message}`, err.position);
    throw err;
  }
}

/** Parses JSON evidence: grammar, nesting and duplicate keys are checked first (EvidenceError). */
export function parseJson(text: string, maxDepth: number): unknown {
  scanJson(text, maxDepth);
  try {
    return JSON.parse(text) as unknown;
  } catch (err) {
    // not expected after the scan; kept so that no parser error escapes unexplained
    if (err instanceof RangeError) {
      throw new EvidenceError(`JSON nesting is deeper than the parser can follow (LIMITS.nestingDepth is ${maxDepth})`);
    }
    const message = err instanceof Error ? err.message : String(err);
    const at = /at position (\d+)/.exec(message);
    throw new EvidenceError(
      'invalid JSON',
      at?.[1] === undefined ? undefined : positionAt(text, Number(at[1])),
    );
  }
}

// states of the scanner
const VALUE = 0; // a value must follow (start, after ':' or after ',' in an array)
const FIRST_ITEM = 1; // just after '[': a value or ']'
const FIRST_KEY = 2; // just after '{': a key or '}'
const KEY = 3; // after ',' in an object: a key
const COLON = 4; // after a key
const AFTER = 5; // after a value: ',' or the closing bracket, or the end at top level

function describe(text: string, i: number): string {
  if (i >= text.length) return 'the end of the document';
  const code = text.codePointAt(i) as number;
  return JSON.stringify(String.fromCodePoint(code));
}

function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}

function isHex(c: number): boolean {
  return (c >= 48 && c <= 57) || (c >= 65 && c <= 70) || (c >= 97 && c <= 102);
}

/**
 * Checks RFC 8259 JSON text without building values. Throws EvidenceError with a position for
 * the first syntax error, nesting deeper than maxDepth, or a key repeated within one object.
 */
export function scanJson(text: string, maxDepth: number): void {
  const fail = (message: string, at: number): never => {
    throw new EvidenceError(message, positionAt(text, at));
  };
  /** open containers: true = object */
  const objects: boolean[] = [];
  /** keys seen in each open object (parallel to the objects among `objects`) */
  const keys: Set<string>[] = [];
  const n = text.length;
  let state = VALUE;
  let i = 0;

  /** scans a string starting at the opening quote; returns the index after the closing one */
  const scanString = (start: number): number => {
    let j = start + 1;
    for (;;) {
      if (j >= n) return fail('unterminated string', start);
      const c = text.charCodeAt(j);
      if (c === 34) return j + 1; // "
      if (c === 92) {
        // backslash
        const e = text.charCodeAt(j + 1);
        if (e === 117) {
          // \uXXXX
          for (let k = j + 2; k < j + 6; k++) {
            if (!isHex(text.charCodeAt(k))) fail('invalid \\u escape in string (four hex digits expected)', j);
          }
          j += 6;
        } else if (e === 34 || e === 92 || e === 47 || e === 98 || e === 102 || e === 110 || e === 114 || e === 116) {
          j += 2;
        } else {
          fail(`invalid escape \\${j + 1 < n ? describe(text, j + 1).slice(1, -1) : ''} in string`, j);
        }
      } else if (c < 0x20) {
        fail('control character in string (it must be escaped)', j);
      } else {
        j++;
      }
    }
  };

  /** scans a number starting at i; returns the index after it */
  const scanNumber = (start: number): number => {
    let j = start;
    if (text.charCodeAt(j) === 45) j++; // -
    if (text.charCodeAt(j) === 48) {
      j++;
      if (isDigit(text.charCodeAt(j))) fail('a number cannot have a leading zero', j - 1);
    } else if (isDigit(text.charCodeAt(j))) {
      while (isDigit(text.charCodeAt(j))) j++;
    } else {
      fail(`expected a digit, found ${describe(text, j)}`, j);
    }
    if (text.charCodeAt(j) === 46) {
      // .
      j++;
      if (!isDigit(text.charCodeAt(j))) fail(`expected a digit after the decimal point, found ${describe(text, j)}`, j);
      while (isDigit(text.charCodeAt(j))) j++;
    }
    const e = text.charCodeAt(j);
    if (e === 101 || e === 69) {
      j++;
      const s = text.charCodeAt(j);
      if (s === 43 || s === 45) j++;
      if (!isDigit(text.charCodeAt(j))) fail(`expected a digit in the exponent, found ${describe(text, j)}`, j);
      while (isDigit(text.charCodeAt(j))) j++;
    }
    return j;
  };

  for (;;) {
    // skip whitespace
    let c = text.charCodeAt(i);
    while (c === 32 || c === 10 || c === 13 || c === 9) c = text.charCodeAt(++i);
    if (i >= n) {
      if (state === AFTER && objects.length === 0) return;
      if (state === VALUE && objects.length === 0) fail('empty document (no JSON value)', i);
      fail(`unexpected end of the document (${objects.length} unclosed ${objects.length === 1 ? 'bracket' : 'brackets'})`, i);
    }

    switch (state) {
      case VALUE:
      case FIRST_ITEM: {
        if (c === 93 && state === FIRST_ITEM) {
          // ]
          objects.pop();
          i++;
          state = AFTER;
          break;
        }
        if (c === 91 || c === 123) {
          // [ or {
          if (objects.length >= maxDepth) {
            fail(`JSON nesting is deeper than ${maxDepth} levels (LIMITS.nestingDepth)`, i);
          }
          const isObject = c === 123;
          objects.push(isObject);
          if (isObject) keys.push(new Set());
          state = isObject ? FIRST_KEY : FIRST_ITEM;
          i++;
          break;
        }
        if (c === 34) i = scanString(i);
        else if (c === 45 || isDigit(c)) i = scanNumber(i);
        else if (text.startsWith('true', i)) i += 4;
        else if (text.startsWith('false', i)) i += 5;
        else if (text.startsWith('null', i)) i += 4;
        else fail(`expected a JSON value, found ${describe(text, i)}`, i);
        state = AFTER;
        break;
      }
      case FIRST_KEY:
      case KEY: {
        if (c === 125 && state === FIRST_KEY) {
          // }
          objects.pop();
          keys.pop();
          i++;
          state = AFTER;
          break;
        }
        if (c !== 34) {
          fail(`expected a double-quoted key${state === FIRST_KEY ? " or '}'" : ''}, found ${describe(text, i)}`, i);
        }
        const start = i;
        i = scanString(i);
        const raw = text.slice(start + 1, i - 1);
        const key = raw.includes('\\') ? (JSON.parse(text.slice(start, i)) as string) : raw;
        const seen = keys[keys.length - 1] as Set<string>;
        if (seen.has(key)) {
          const shown = key.length > 40 ? `${JSON.stringify(key.slice(0, 40))}…` : JSON.stringify(key);
          fail(`duplicate key ${shown} in one object: which value counts would be a guess`, start);
        }
        seen.add(key);
        state = COLON;
        break;
      }
      case COLON:
        if (c !== 58) fail(`expected ':' after the key, found ${describe(text, i)}`, i);
        i++;
        state = VALUE;
        break;
      case AFTER: {
        if (objects.length === 0) fail(`unexpected ${describe(text, i)} after the JSON value`, i);
        const isObject = objects[objects.length - 1] as boolean;
        if (c === 44) {
          // ,
          i++;
          state = isObject ? KEY : VALUE;
        } else if (c === (isObject ? 125 : 93)) {
          objects.pop();
          if (isObject) keys.pop();
          i++;
          state = AFTER;
        } else {
          fail(`expected ',' or '${isObject ? '}' : ']'}', found ${describe(text, i)}`, i);
        }
        break;
      }
    }
  }
}
