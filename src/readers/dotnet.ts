/**
 * What the .NET test-results readers (nunit, trx, xunit) share: outcomes ordered by how bad they
 * are, bounded text capture for the messages and stack traces of the tests that are kept, the
 * first stack frame that names a source file, and the numbers .NET writes.
 */
import type { Outcome } from './test-results.js';
import type { XmlAttributes } from './xml.js';

// Outcomes as severities: the worse reading is the larger number.
export const PASSED = 0;
export const SKIPPED = 1;
export const FAILED = 2;
export const ERRORED = 3;

const OUTCOMES: Outcome[] = ['passed', 'skipped', 'failed', 'error'];

export function outcomeOf(severity: number): Outcome {
  return OUTCOMES[severity]!;
}

/** Longest message kept (only its first line is shown) and longest stack trace searched for a frame. */
const MESSAGE_KEPT = 4096;
const TRACE_KEPT = 16384;

/** Text of one element gathered across chunks, up to a cap (the rest is dropped, never held). */
export class BoundedText {
  text = '';
  constructor(private readonly cap: number) {}

  add(chunk: string): void {
    if (this.text.length < this.cap) this.text += chunk.length > this.cap - this.text.length ? chunk.slice(0, this.cap - this.text.length) : chunk;
  }
}

export const messageText = (): BoundedText => new BoundedText(MESSAGE_KEPT);
export const traceText = (): BoundedText => new BoundedText(TRACE_KEPT);

/**
 * A .NET stack frame that names a source file: "at M() in C:\src\A.cs:line 42" (.NET, and its
 * localized "Zeile", "línea", "ligne", "riga", "строка"...), "at M () [0x0001] in /src/A.cs:42"
 * (Mono). The path must look like one (C:\, /, \\, ./): Spanish writes "en" for both "at" and
 * "in". Mono's "in <8a1f…>:0" (no symbols) names no file.
 */
const FRAME = /\s(?:in|en|dans|em|w|в)\s+((?:[A-Za-z]:[\\/]|[\\/]|\.{1,2}[\\/]).*?):(?:\p{L}+[ \u00a0]?)?(\d+)\s*$/u;

/** The file and line of the first frame of a stack trace that names a source file. */
export function firstFrame(trace: string | undefined): { file: string; line: number } | undefined {
  if (trace === undefined) return undefined;
  for (const raw of trace.split('\n')) {
    const match = FRAME.exec(raw.replace(/\r$/, ''));
    if (match === null) continue;
    const line = Number(match[2]);
    if (Number.isSafeInteger(line) && line > 0) return { file: match[1]!, line };
  }
  return undefined;
}

const DECLARED_COUNT = /^\s*(\d{1,15})(?:\.0*)?\s*$/;

/** A count an element declares about itself (`failed="3"`), or -1 when absent or not a whole number. */
export function declaredCount(attributes: XmlAttributes, name: string): number {
  const n = attributes.digits(name);
  if (n !== -1) return n === -2 ? -1 : n;
  const match = DECLARED_COUNT.exec(attributes.get(name) ?? '');
  return match ? Number(match[1]) : -1;
}

const SECONDS = /^\s*(\d+)(?:[.,](\d*))?\s*$/;

/**
 * Seconds written as a plain decimal ("0.288"), or with the decimal comma of the culture the
 * runner ran in ("0,288": xunit.console and nunit-console format times with the current culture
 * and never group thousands). Undefined for anything else.
 */
export function parseSeconds(raw: string | undefined): number | undefined {
  if (raw === undefined) return undefined;
  const match = SECONDS.exec(raw);
  if (match === null) return undefined;
  const value = Number(`${match[1]}.${match[2] || '0'}`);
  return Number.isFinite(value) ? value : undefined;
}

const TIMESPAN = /^\s*(?:(\d+)\.)?(\d+):(\d{1,2}):(\d{1,2}(?:[.,]\d*)?)\s*$/;

/** A .NET TimeSpan ("00:00:01.5000000", "1.02:03:04") in seconds, or undefined. */
export function parseTimeSpan(raw: string | undefined): number | undefined {
  if (raw === undefined) return undefined;
  const match = TIMESPAN.exec(raw);
  if (match === null) return undefined;
  const value = Number(match[1] ?? 0) * 86400 + Number(match[2]) * 3600 + Number(match[3]) * 60 + Number(match[4]!.replace(',', '.'));
  return Number.isFinite(value) ? value : undefined;
}

/** An element name without its namespace prefix. */
export function localName(name: string): string {
  const colon = name.indexOf(':');
  return colon === -1 ? name : name.slice(colon + 1);
}

/** A name shortened for a note. */
export function quoted(name: string | undefined): string {
  if (name === undefined || name === '') return '';
  return ` "${name.length > 80 ? `${name.slice(0, 77)}...` : name}"`;
}
