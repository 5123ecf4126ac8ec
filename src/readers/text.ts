/**
 * format: text — any text log, streamed line by line (never held whole), with policy-named
 * metrics:
 * - `count`: the number of matches of a regex over all lines. Matching is per line: a match never
 *   spans a line break, `^`/`$` are the line's start and end, and matches on one line do not
 *   overlap (leftmost-first, as RE2/Go). A count must count events, not positions: a pattern
 *   that matches an empty line is refused with the policy, and one that still produces an empty
 *   match at run time (e.g. `\b`) leaves the metric absent with a note.
 * - `capture`: the first capture group of the LAST match in the file, as a number: a plain
 *   decimal ("13250", "-1.5", "2e3") or one with "," thousands separators in groups of three
 *   ("13,250.5"); surrounding spaces are ignored. "1,5" or "12 %" are not numbers. No match, an
 *   unset group or a non-number leaves the metric absent with a note.
 *
 * Regexes use RE2 syntax through re2js (linear time on hostile text): backreferences and
 * lookaround are not supported and are rejected when the policy is loaded (compilePolicyRegex).
 * Linear is not cheap: the engine's work per character grows with the compiled program
 * (`b[ab]{999}$` runs a thousand threads over every character, 20 s per MB). A regex whose
 * program exceeds MAX_REGEX_PROGRAM instructions is refused with the policy, and the matching
 * of one criterion's regexes has a time budget (MATCH_BUDGET): past it the log is not evidence.
 *
 * Lines are LF or CRLF, a UTF-8 BOM is dropped; invalid UTF-8 makes the file unreadable. A line
 * longer than LIMITS.lineBytes makes the whole file an EvidenceError: matching only part of it
 * could hide a match and pass a `count` criterion.
 *
 * A log in which no pattern could ever match is not evidence, since `count == 0` would pass on it:
 * an empty or whitespace-only log, and text in another encoding. A UTF-16 log with its byte order
 * mark (Windows PowerShell's `>` writes one) is decoded; UTF-16 or UTF-32 without one is valid
 * UTF-8 full of NUL bytes (`E\0R\0R\0…`), so a NUL byte anywhere refuses the file, as does a
 * UTF-32 byte order mark.
 *
 * Several files: counts add up; a capture is taken from the one file it matched in, and a capture
 * that matched in more than one file is absent with a note (never a silent pick).
 */
import { RE2JS } from 're2js';
import { EvidenceError, type Metric, type Metrics, type Unit } from '../measure.js';
import { readLines } from './input.js';
import { describeSpec, metric, namedMetricNotes, record, type MetricNotes } from './named.js';
import type { ByteSource, Format, ReadContext } from './types.js';

export { namedMetricNotes, type MetricNotes } from './named.js';

export type TextMetricKind = 'count' | 'capture';

const UNSUPPORTED: [RegExp, string][] = [
  [/\\[1-9]/, 'backreferences (\\1) are not supported'],
  [/\(\?<?[=!]/, 'lookahead and lookbehind ((?=, (?!, (?<=, (?<!) are not supported'],
  [/\(\?>/, 'atomic groups ((?>) are not supported'],
  [/[*+?}][+]/, 'possessive quantifiers (*+, ++) are not supported'],
];

/**
 * Largest compiled regex, in re2js program instructions (RE2JS.programSize). The matcher's work
 * per character grows with it: a counted repetition is copied out instruction by instruction, so
 * `b[ab]{999}$` (1003) takes 20 s per MB of log, while the regexes logs are counted with take
 * 20-60 (`ERROR: LeakSanitizer` 22, `SUMMARY: AddressSanitizer: ([0-9]+) byte\(s\) leaked` 48,
 * `[0-9a-f]{64}` 66).
 */
export const MAX_REGEX_PROGRAM = 128;

function compile(source: string, kind: TextMetricKind | undefined): RE2JS | string {
  if (typeof source !== 'string' || source.length === 0) return 'a regex must be a non-empty string';
  let re: RE2JS;
  try {
    re = RE2JS.compile(source);
  } catch (err) {
    const hint = UNSUPPORTED.find(([test]) => test.test(source))?.[1];
    const detail = err instanceof Error ? err.message : String(err);
    return `invalid regex ${JSON.stringify(source)}: ${detail}${hint === undefined ? '' : ` (${hint}: the linear-time RE2 engine keeps hostile logs from stalling the gate)`}`;
  }
  const size = re.programSize();
  if (size > MAX_REGEX_PROGRAM) {
    return `regex ${JSON.stringify(source.length > 80 ? `${source.slice(0, 80)}…` : source)} compiles to ${size} instructions, more than the ${MAX_REGEX_PROGRAM} allowed (MAX_REGEX_PROGRAM): the matcher's work per character grows with the program, so a large counted repetition ({n} with a large n) or many of them would take minutes over a big log; use a smaller repeat count, or match a shorter, more literal part of the line`;
  }
  if (kind === 'capture' && re.groupCount() < 1) {
    return `capture regex ${JSON.stringify(source)} has no group; put the number in one, e.g. "sustained ([0-9.,]+) ops/s"`;
  }
  if (kind === 'count' && re.test('')) {
    return `count regex ${JSON.stringify(source)} matches the empty string, so it would count positions rather than events`;
  }
  return re;
}

/**
 * Checks a policy regex (RE2 syntax). Returns an error message, or undefined when it is usable.
 * With `kind`, also checks what that metric needs: a group for `capture`, not matching the empty
 * string for `count`.
 */
export function compilePolicyRegex(source: string, kind?: TextMetricKind): string | undefined {
  const compiled = compile(source, kind);
  return typeof compiled === 'string' ? compiled : undefined;
}

/** Compiles a policy regex or throws Error (a policy bug, not an evidence problem). */
export function compileRegex(source: string, kind?: TextMetricKind): RE2JS {
  const compiled = compile(source, kind);
  if (typeof compiled === 'string') throw new Error(compiled);
  return compiled;
}

const PLAIN = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$/;
const GROUPED = /^[+-]?\d{1,3}(?:,\d{3})+(?:\.\d+)?$/;

/** A captured number: plain decimal or "," thousands groups of three; else undefined. */
export function parseCapturedNumber(text: string): number | undefined {
  const t = text.trim();
  let value: number;
  if (PLAIN.test(t)) value = Number(t);
  else if (GROUPED.test(t)) value = Number(t.replaceAll(',', ''));
  else return undefined;
  return Number.isFinite(value) ? value : undefined;
}

interface CaptureResult {
  /** files in which the pattern matched */
  files: number;
  metric?: Metric;
  note?: string;
}

/** The model of the text format: named metrics of one or more logs. */
export interface TextModel {
  /** number of files read */
  files: number;
  /** lines read over all files */
  lines: number;
  metrics: Metrics;
  /** reasons for absent named metrics, keyed by metric name (see namedMetricNotes) */
  notes?: MetricNotes;
  /** count metric names (always present in metrics) */
  counts: string[];
  /** per capture metric: in how many files it matched, and its result */
  captures: Record<string, CaptureResult>;
}

interface CountSpec {
  name: string;
  source: string;
  re: RE2JS;
  unit: Unit | undefined;
  count: number;
  /** a match was empty: the count is meaningless */
  empty: boolean;
}

interface CaptureSpec {
  name: string;
  source: string;
  re: RE2JS;
  unit: Unit | undefined;
  /** the last line that matched, when its group has not been taken yet (short lines only) */
  lastLine: string | undefined;
  /** the group of the last match so far (null: the group did not take part; undefined: none yet) */
  last: string | null | undefined;
  line: number;
}

/** Lines up to this many characters are kept and their group taken at the end (a fast DFA test per line). */
const DEFER_CAPTURE_CHARS = 64 * 1024;

/** The first group of the last match on a line that matches. */
function lastGroup(re: RE2JS, line: string): string | null {
  const m = re.matcher(line);
  let last: string | null = null;
  while (m.find()) last = m.group(1);
  return last;
}

function textSpecs(ctx: ReadContext): { counts: CountSpec[]; captures: CaptureSpec[] } {
  const counts: CountSpec[] = [];
  const captures: CaptureSpec[] = [];
  for (const [name, spec] of Object.entries(ctx.metrics)) {
    const isCount = spec.count !== undefined;
    if (spec.path !== undefined || isCount === (spec.capture !== undefined)) {
      throw new Error(`format text reads only \`count\` or \`capture\` metrics; metric "${name}" has ${describeSpec(spec)}`);
    }
    if (isCount) {
      const source = spec.count as string;
      counts.push({ name, source, re: compileRegex(source, 'count'), unit: spec.unit, count: 0, empty: false });
    } else {
      const source = spec.capture as string;
      captures.push({ name, source, re: compileRegex(source, 'capture'), unit: spec.unit, lastLine: undefined, last: undefined, line: 0 });
    }
  }
  return { counts, captures };
}

/** Lines longer than this (in characters) are checked against the time budget after each regex. */
const LONG_LINE = 64 * 1024;

function matchLine(line: string, counts: CountSpec[], captures: CaptureSpec[], lineNumber: number, check?: () => void): void {
  for (const c of counts) {
    if (c.empty) continue;
    const found = c.re.test(line);
    check?.();
    if (!found) continue;
    const m = c.re.matcher(line);
    while (m.find()) {
      if (m.end() === m.start()) {
        c.empty = true;
        break;
      }
      c.count++;
    }
    check?.();
  }
  for (const c of captures) {
    const found = c.re.test(line);
    check?.();
    if (!found) continue;
    c.line = lineNumber;
    if (line.length <= DEFER_CAPTURE_CHARS) {
      c.lastLine = line;
    } else {
      c.lastLine = undefined;
      c.last = lastGroup(c.re, line);
    }
  }
}

/** An encoding named by a byte order mark at the start of a log. */
type Bom = 'utf-16le' | 'utf-16be' | 'utf-32le' | 'utf-32be';

function bomOf(head: Uint8Array): Bom | undefined {
  const [a, b, c, d] = head;
  if (a === 0xff && b === 0xfe) return c === 0 && d === 0 ? 'utf-32le' : 'utf-16le';
  if (a === 0xfe && b === 0xff) return 'utf-16be';
  if (a === 0 && b === 0 && c === 0xfe && d === 0xff) return 'utf-32be';
  return undefined;
}

const REENCODE = 're-encode the log as UTF-8 (iconv -f UTF-16LE -t UTF-8, or in PowerShell `Out-File -Encoding utf8`)';

/**
 * The log's bytes as UTF-8: a UTF-16 log with its byte order mark is decoded (the BOM dropped); a
 * UTF-32 one is refused; anything else passes through unchanged.
 */
async function* asUtf8(input: ByteSource): AsyncGenerator<Uint8Array> {
  const it = input[Symbol.asyncIterator]();
  try {
    // the first 4 bytes (or all there are) tell the encoding
    let head: Uint8Array = new Uint8Array(0);
    while (head.byteLength < 4) {
      const next = await it.next();
      if (next.done) break;
      head = head.byteLength === 0 ? next.value : Buffer.concat([head, next.value]);
    }
    const bom = bomOf(head);
    if (bom === 'utf-32le' || bom === 'utf-32be') {
      throw new EvidenceError(`the log starts with a ${bom.toUpperCase()} byte order mark: text logs are read as UTF-8; ${REENCODE.replace('UTF-16LE', bom.toUpperCase())}`, { line: 1 });
    }
    if (bom === undefined) {
      if (head.byteLength > 0) yield head;
      for (let next = await it.next(); !next.done; next = await it.next()) yield next.value;
      return;
    }
    const decoder = new TextDecoder(bom, { fatal: true });
    const encoder = new TextEncoder();
    const decode = (bytes: Uint8Array | undefined): Uint8Array => {
      try {
        return encoder.encode(bytes === undefined ? decoder.decode() : decoder.decode(bytes, { stream: true }));
      } catch {
        throw new EvidenceError(`the log starts with a ${bom.toUpperCase()} byte order mark but is not valid ${bom.toUpperCase()}`);
      }
    };
    yield decode(head);
    for (let next = await it.next(); !next.done; next = await it.next()) yield decode(next.value);
    yield decode(undefined);
  } finally {
    await it.return?.();
  }
}

/** A NUL byte in a line: UTF-16 or UTF-32 text without a byte order mark, or binary data. */
function nulLine(line: string, lineNumber: number): EvidenceError {
  let nuls = 0;
  for (let i = line.indexOf('\0'); i !== -1; i = line.indexOf('\0', i + 1)) nuls++;
  const looksWide = nuls * 3 >= line.length;
  return new EvidenceError(
    looksWide
      ? `line ${lineNumber} is full of NUL bytes: the log looks like UTF-16 or UTF-32 without a byte order mark, in which no pattern can match; ${REENCODE}`
      : `line ${lineNumber} holds a NUL byte: binary data (or UTF-16/UTF-32 text) is not a text log, and no pattern can match across it; ${REENCODE}, or leave binary output out of the log`,
    { line: lineNumber },
  );
}

/**
 * Matching time allowed to the regexes of one criterion (all its files together): `baseMs`, plus
 * for each regex `usPerLine` per line and `msPerMiB` per MiB of log. Honest regexes take about
 * 1-2 µs a line and 10-30 ms a MiB (re2js); a regex under MAX_REGEX_PROGRAM with many partial
 * matches alive at once (`(.*a){20}` over a line of `a`: 5 s per MB) could otherwise still take
 * minutes over a large log.
 */
export const MATCH_BUDGET = { baseMs: 10_000, usPerLine: 20, msPerMiB: 300 };

interface Budget {
  spentMs: number;
  allowedMs: number;
}

/**
 * The clock the budget is kept in: this thread's CPU time where there is one, so neither other
 * processes on a loaded machine (a CI runner's parallel jobs) nor other threads of this process
 * use the budget up; wall time elsewhere.
 */
const cpuMs: () => number =
  typeof process !== 'undefined' && typeof process.threadCpuUsage === 'function'
    ? () => {
        const { user, system } = process.threadCpuUsage();
        return (user + system) / 1000;
      }
    : () => performance.now();

/** Budgets by criterion: every file of a criterion is read with the same `ctx.metrics` object. */
const budgets = new WeakMap<object, Budget>();

function budgetOf(ctx: ReadContext, limits: typeof MATCH_BUDGET): Budget {
  let budget = budgets.get(ctx.metrics);
  if (budget === undefined) {
    budget = { spentMs: 0, allowedMs: limits.baseMs };
    budgets.set(ctx.metrics, budget);
  }
  return budget;
}

function overBudget(budget: Budget, limits: typeof MATCH_BUDGET, lineNumber: number): EvidenceError {
  return new EvidenceError(
    `matching the criterion's regexes took over ${Math.round(budget.allowedMs / 1000)} s of CPU time by line ${lineNumber} (${limits.baseMs / 1000} s, plus ${limits.msPerMiB} ms per MiB and ${limits.usPerLine} µs per line for each regex): a regex with many partial matches alive at once (counted repetitions, repeated groups with .*) is too costly for this log; make it more literal or anchor it`,
    { line: lineNumber },
  );
}

/** Reads one log; `limits` is MATCH_BUDGET (tests pass a smaller one). */
export async function readText(input: ByteSource, ctx: ReadContext, limits: typeof MATCH_BUDGET = MATCH_BUDGET): Promise<TextModel> {
  const { counts, captures } = textSpecs(ctx);
  const budget = budgetOf(ctx, limits);
  const regexes = counts.length + captures.length;
  let lines = 0;
  let printed = false;
  for await (const line of readLines(asUtf8(input), ctx.limits.lineBytes, { fatal: true })) {
    lines++;
    if (line.indexOf('\0') !== -1) throw nulLine(line, lines);
    if (!printed && /\S/.test(line)) printed = true;
    budget.allowedMs += regexes * (limits.usPerLine / 1000 + ((line.length + 1) / 1048576) * limits.msPerMiB);
    const started = cpuMs();
    // a long line is checked after each regex: one line may hold a MiB and the criterion 100 regexes
    const check = line.length > LONG_LINE
      ? () => {
          if (budget.spentMs + cpuMs() - started > budget.allowedMs) throw overBudget(budget, limits, lines);
        }
      : undefined;
    matchLine(line, counts, captures, lines, check);
    budget.spentMs += cpuMs() - started;
    if (budget.spentMs > budget.allowedMs) throw overBudget(budget, limits, lines);
  }
  // a count of 0 on an empty file would pass "leaks == 0" for a run that never happened
  if (lines === 0) {
    throw new EvidenceError('the log is empty: nothing shows the tool ran (have the job print a line the policy can count, e.g. a "finished" marker)');
  }
  if (!printed) {
    throw new EvidenceError(`the log holds only whitespace (${lines} line${lines === 1 ? '' : 's'}): nothing shows the tool ran (have the job print a line the policy can count, e.g. a "finished" marker)`);
  }
  const metrics: [string, Metric][] = [];
  const notes: [string, string][] = [];
  for (const c of counts) {
    if (c.empty) notes.push([c.name, `count regex ${JSON.stringify(c.source)} matched the empty string; the count is meaningless`]);
    else metrics.push([c.name, metric(c.count, c.unit)]);
  }
  const results: [string, CaptureResult][] = [];
  for (const c of captures) {
    if (c.lastLine !== undefined) c.last = lastGroup(c.re, c.lastLine);
    let result: CaptureResult;
    if (c.last === undefined) {
      result = { files: 0, note: `no line matches ${JSON.stringify(c.source)}` };
    } else if (c.last === null) {
      result = { files: 1, note: `the last match of ${JSON.stringify(c.source)} (line ${c.line}) left group 1 empty` };
    } else {
      const value = parseCapturedNumber(c.last);
      result = value === undefined
        ? { files: 1, note: `the last match of ${JSON.stringify(c.source)} (line ${c.line}) captured text that is not a number (plain decimal, or with "," thousands separators)` }
        : { files: 1, metric: metric(value, c.unit) };
    }
    results.push([c.name, result]);
    if (result.metric) metrics.push([c.name, result.metric]);
    else notes.push([c.name, result.note as string]);
  }
  return {
    files: 1,
    lines,
    metrics: record(metrics),
    notes: record(notes),
    counts: counts.map((c) => c.name),
    captures: record(results),
  };
}

export const text: Format<TextModel> = {
  name: 'text',
  namedMetrics: 'text',
  read: (input, ctx) => readText(input, ctx),

  merge(models: TextModel[]): TextModel {
    if (models.length === 1) return models[0] as TextModel;
    const files = models.reduce((n, m) => n + m.files, 0);
    const first = models[0];
    if (first === undefined) return { files: 0, lines: 0, metrics: {}, notes: {}, counts: [], captures: {} };
    const metrics: [string, Metric][] = [];
    const notes: [string, string][] = [];
    for (const name of first.counts) {
      const broken = models.find((m) => m.notes !== undefined && Object.hasOwn(m.notes, name));
      if (broken?.notes !== undefined) {
        notes.push([name, broken.notes[name] as string]);
        continue;
      }
      if (!models.every((m) => Object.hasOwn(m.metrics, name))) {
        notes.push([name, 'the files were read with different metrics and cannot be added up']);
        continue;
      }
      const sum = models.reduce((n, m) => n + (m.metrics[name] as Metric).value, 0);
      metrics.push([name, metric(sum, first.metrics[name]?.unit)]);
    }
    const captures: [string, CaptureResult][] = [];
    for (const name of Object.keys(first.captures)) {
      const found = models.filter((m) => Object.hasOwn(m.captures, name) && (m.captures[name] as CaptureResult).files > 0);
      const matchedIn = found.reduce((n, m) => n + (m.captures[name] as CaptureResult).files, 0);
      let result: CaptureResult;
      if (matchedIn === 0) {
        const pattern = first.captures[name]?.note ?? 'no match';
        result = { files: 0, note: `${pattern} in any of ${files} files` };
      } else if (matchedIn === 1) {
        result = found[0]?.captures[name] as CaptureResult;
      } else {
        result = {
          files: matchedIn,
          note: `the capture matched in ${matchedIn} of ${files} files; a \`capture\` needs exactly one file — narrow the evidence path`,
        };
      }
      captures.push([name, result]);
      if (result.metric) metrics.push([name, result.metric]);
      else notes.push([name, result.note as string]);
    }
    return {
      files,
      lines: models.reduce((n, m) => n + m.lines, 0),
      metrics: record(metrics),
      notes: record(notes),
      counts: first.counts,
      captures: record(captures),
    };
  },

  metrics(model: TextModel): Metrics {
    return model.metrics;
  },

  notes: namedMetricNotes,
};
