import { EvidenceError } from '../measure.js';
import { forEachLine } from './input.js';
import { TestTally, resultsNotes, type FailingRecord, type FailingTest, type Outcome, type TestResults, TEST_RESULTS_FORMAT } from './test-results.js';
import type { Format } from './types.js';

/**
 * TAP (Test Anything Protocol) 12, 13 and 14, read line by line in one streaming pass.
 *
 * - Every test point (`ok`/`not ok`) at every depth is one test: a subtest's parent point and its
 *   children all count (as gotestsum counts Go subtests). Subtests are indented child streams,
 *   with or without a `# Subtest: name` header, or Perl Test2's buffered `ok 1 - name {` … `}`.
 * - Outcomes: `ok` passed; `not ok` failed; `ok … # SKIP` skipped; `not ok … # SKIP` failed (as
 *   Test::Harness reads it: a skip does not excuse a failing point); `ok … # TODO` passed; `not
 *   ok … # TODO` skipped: TODO is by definition an expected failure, and as in tap-parser and
 *   Test::Harness it does not fail the run (it is not counted as passed either). Directives are
 *   an unescaped `#` after whitespace followed by `skip…` or `todo` (any case); any other `#`
 *   is part of the name (bats writes names with `#` unescaped), `\#` is a literal `#`.
 * - A failing point's place and message come from its YAML block (`at:` as a string or with
 *   `file`/`line`, `file:`, `line:`, node's `location:`, `message:` or node's `error:`) or from
 *   the comments right after it (bats' `# (in test file F, line N)`, Test::More's `#   at F line N.`).
 * - Plans: the stream's plan must be there and agree with the number of top-level points, or the
 *   file is not evidence (EvidenceError: a truncated or concatenated stream). `1..0` (`# SKIP …`)
 *   is zero tests. A subtest whose plan is missing or disagrees with its points adds one errored
 *   test (its parent point usually fails too). A point numbered out of sequence adds one errored
 *   test per stream level.
 * - `Bail out!` at any depth ends the run: one errored test, and nothing after it is read.
 * - Lines that are not TAP (prose, a capitalised `TAP Version`) are ignored, as TAP says.
 *
 * Memory is one line, the open subtest levels and the kept failing tests, whatever the file holds.
 */

/** Nested subtest levels at most: deeper is refused rather than held. */
const MAX_DEPTH = 256;

interface Level {
  indent: number;
  /** the subtest's name (its `# Subtest:` header or buffered parent), for messages and suites */
  name?: string;
  /** `# Subtest: name` read at this level: the name of the next child opened from it */
  nextChildName?: string;
  planStart: number;
  planEnd: number;
  planLine: number;
  points: number;
  outOfSequence: boolean;
  /** a Perl Test2 buffered subtest: closed by `}` at its parent's indent */
  buffered: boolean;
}

interface PendingPoint {
  outcome: Outcome;
  indent: number;
  line: number;
  /** kept only for failing points */
  failing?: FailingRecord;
}

interface YamlBlock {
  indent: number;
  /** `at:` read as a map: its children's indent, or -1 */
  atIndent: number;
  /** the key of a block scalar (`message: |-`) waiting for its first line, or '' */
  blockKey: string;
}

/** `skip…` as tap-parser reads it; `todo` only as a word followed by a space or the end, so that a
 * name such as bats' `… # TODO-like` never excuses a failing point */
const DIRECTIVE = /^\s*(skip\S*|todo(?=\s|$))\s*(.*)$/i;
const BATS_PLACE = /^\(in test file (.+), line (\d+)\)$/;
const SUBTEST = /^#\s*Subtest\b:?\s*(.*)$/i;

/**
 * False when the comment line `content` cannot match SUBTEST: its first character after the `#` and
 * any ASCII whitespace is another ASCII character than s or S (most comments; the regex is costly).
 */
function maySubtest(content: string): boolean {
  let i = 1;
  for (let c = content.charCodeAt(i); c === 0x20 || (c >= 0x09 && c <= 0x0d); c = content.charCodeAt(++i));
  const c = content.charCodeAt(i);
  return !(c < 0x80) || c === 0x73 || c === 0x53;
}

const PLAN = /^(\d+)\.\.(\d+)(?:\s*(?:#.*)?)?$/;
/** node-tap's trailing `# time=12ms`, matched from its `#` (an unanchored regex is quadratic on long lines) */
const TIME_DIRECTIVE = /^#\s*time=\S+$/;

class TapParser {
  readonly tally: TestTally;
  private readonly levels: Level[] = [newLevel(0)];
  private pending: PendingPoint | undefined;
  private yaml: YamlBlock | undefined;
  private lineNumber = 0;
  private bailed = false;

  constructor(
    private readonly file: string,
    identitiesCap: number,
  ) {
    this.tally = new TestTally(identitiesCap);
  }

  line(text: string): void {
    this.lineNumber++;
    if (this.bailed) return;
    let indent = 0;
    while (indent < text.length && text.charCodeAt(indent) === 32) indent++;
    if (this.yaml !== undefined) {
      if (indent === text.length || (indent === this.yaml.indent && text.slice(indent).trimEnd() === '...')) {
        if (indent !== text.length) {
          this.yaml = undefined;
          this.flush();
        }
        return;
      }
      if (indent >= this.yaml.indent) {
        this.yamlLine(text, indent);
        return;
      }
      // less indented than its block: a YAML block that was never closed ends here
      this.yaml = undefined;
    }
    if (indent === text.length) return;
    const content = indent === 0 ? text.trimEnd() : text.slice(indent).trimEnd();
    const pending = this.pending;
    if (pending !== undefined) {
      if (content === '---' && indent >= pending.indent) {
        this.yaml = { indent, atIndent: -1, blockKey: '' };
        return;
      }
      if (content.charCodeAt(0) === 35 /* # */ && !(maySubtest(content) && SUBTEST.test(content))) {
        if (pending.failing !== undefined) diagnosticComment(pending.failing, content);
        return;
      }
      this.flush();
    }
    const c0 = content.charCodeAt(0);
    if (c0 === 111 /* o */ || c0 === 110 /* n */) {
      const ok = content.startsWith('ok') && (content.length === 2 || content.charCodeAt(2) === 32);
      const notOk = !ok && content.startsWith('not ok') && (content.length === 6 || content.charCodeAt(6) === 32);
      if (ok || notOk) {
        this.point(indent, content.slice(ok ? 2 : 6), ok);
        return;
      }
    } else if (c0 >= 48 && c0 <= 57) {
      const plan = PLAN.exec(content);
      if (plan) {
        this.plan(indent, Number(plan[1]), Number(plan[2]));
        return;
      }
    } else if (c0 === 35 /* # */) {
      const subtest = maySubtest(content) ? SUBTEST.exec(content) : null;
      if (subtest) {
        const name = subtest[1] || undefined;
        const level = this.at(indent, true);
        if (level.indent < indent) {
          // node writes `# Subtest:` at the child's indent before every point, a child stream's
          // own header at its parent's; Test::More only inside the child
          const parentsHeader = level.nextChildName;
          const child = this.open(indent, parentsHeader ?? name);
          if (parentsHeader !== undefined) child.nextChildName = name;
        } else level.nextChildName = name;
      }
      return;
    } else if (c0 === 66 /* B */ || c0 === 98 /* b */) {
      if (/^bail out!/i.test(content)) {
        const reason = content.slice(9).trim();
        this.tally.record('error', { name: reason ? `Bail out! ${reason}` : 'Bail out!', suite: this.suite(), message: 'the test run bailed out: nothing after this line was run', identity: null });
        this.tally.note(`${this.file} bailed out at line ${this.lineNumber}`);
        this.bailed = true;
        return;
      }
    } else if (content === '}') {
      // closes the innermost buffered subtest opened at this indent's level
      for (let i = this.levels.length - 1; i > 0; i--) {
        const level = this.levels[i]!;
        if (level.buffered && this.levels[i - 1]!.indent === indent) {
          while (this.levels.length > i) this.close();
          return;
        }
      }
    }
    // anything else is not TAP: ignored, as the protocol says
  }

  /** The level a structural line at `indent` belongs to, closing deeper levels. */
  private at(indent: number, opening = false): Level {
    let top = this.levels[this.levels.length - 1]!;
    while (top.indent > indent && this.levels.length > 1) {
      this.close();
      top = this.levels[this.levels.length - 1]!;
    }
    if (!opening && top.indent < indent) top = this.open(indent, top.nextChildName);
    return top;
  }

  private open(indent: number, name: string | undefined, buffered = false): Level {
    const parent = this.levels[this.levels.length - 1]!;
    parent.nextChildName = undefined;
    if (this.levels.length >= MAX_DEPTH) {
      throw new EvidenceError(`line ${this.lineNumber}: subtests nested more than ${MAX_DEPTH} deep`, { line: this.lineNumber });
    }
    const level = newLevel(indent);
    level.name = name;
    level.buffered = buffered;
    this.levels.push(level);
    return level;
  }

  private close(): void {
    const level = this.levels.pop()!;
    const problem = planProblem(level);
    if (problem !== undefined) {
      const name = level.name ?? 'subtest';
      this.tally.record('error', { name: `${name}: ${problem}`, suite: this.suite(), line: level.planLine > 0 ? level.planLine : undefined, message: `subtest ${problem}`, identity: null });
      this.tally.note(`${this.file}: subtest "${name}" ${problem}`);
    }
  }

  private suite(): string | undefined {
    const names: string[] = [];
    for (const level of this.levels) if (level.name !== undefined) names.push(level.name);
    return names.length > 0 ? names.join(' › ') : undefined;
  }

  private plan(indent: number, start: number, end: number): void {
    const level = this.at(indent);
    if (level.planLine > 0) {
      if (this.levels.length === 1) {
        throw new EvidenceError(
          `${this.file} line ${this.lineNumber}: a second plan (${start}..${end}) after the one on line ${level.planLine}: two TAP streams in one file are not one run's evidence`,
          { line: this.lineNumber },
        );
      }
      level.planEnd = -2; // a second plan in a subtest: reported when it closes
      return;
    }
    level.planStart = start;
    level.planEnd = end;
    level.planLine = this.lineNumber;
  }

  private point(indent: number, rest: string, ok: boolean): void {
    const level = this.at(indent);
    level.points++;
    level.nextChildName = undefined;
    let i = 0;
    while (i < rest.length && rest.charCodeAt(i) === 32) i++;
    let n = i;
    while (n < rest.length && rest.charCodeAt(n) >= 48 && rest.charCodeAt(n) <= 57) n++;
    const number = n > i ? Number(rest.slice(i, n)) : undefined;
    let description = rest.slice(n);
    let buffered = false;
    if (description.endsWith('{') && (description.length === 1 || description.charCodeAt(description.length - 2) === 32)) {
      buffered = true;
      description = description.slice(0, -1);
    }
    const { name, directive } = splitDirective(description);
    let outcome: Outcome;
    if (directive === 'skip') outcome = 'skipped';
    else if (directive === 'todo') outcome = ok ? 'passed' : 'skipped';
    else outcome = ok ? 'passed' : 'failed';
    if (number !== undefined && number !== level.points + level.planStart - 1 && !level.outOfSequence) {
      level.outOfSequence = true;
      const expected = level.points + level.planStart - 1;
      this.tally.record('error', { name: `test number ${number} out of sequence (expected ${expected})`, suite: this.suite(), line: this.lineNumber, message: 'test points are numbered out of sequence: a test is missing or repeated', identity: null });
      this.tally.note(`${this.file} line ${this.lineNumber}: test number ${number} where ${expected} was expected`);
    }
    const testName = name || (number !== undefined ? `test ${number}` : `test point on line ${this.lineNumber}`);
    this.pending = { outcome, indent, line: this.lineNumber };
    // a point without a description is named by its number or line, which move: no identity
    if (outcome === 'failed') this.pending.failing = name ? { name: testName, suite: this.suite() } : { name: testName, suite: this.suite(), identity: null };
    if (buffered) {
      this.flush();
      this.open(indent + 4, testName, true);
    }
  }

  private flush(): void {
    const p = this.pending;
    if (p === undefined) return;
    this.pending = undefined;
    this.tally.record(p.outcome, p.failing);
  }

  private yamlLine(text: string, indent: number): void {
    const yaml = this.yaml!;
    const failing = this.pending?.failing;
    if (failing === undefined) return;
    const content = text.slice(indent).trimEnd();
    if (yaml.blockKey !== '') {
      if (indent > yaml.indent) {
        // bats' tap13 message starts with its `(in test file F, line N)`: the place, then the message
        const place = BATS_PLACE.exec(content);
        if (place && failing.file === undefined) {
          failing.file = place[1];
          failing.line = Number(place[2]);
          return;
        }
        setYamlField(failing, yaml.blockKey, content);
        yaml.blockKey = '';
        return;
      }
      yaml.blockKey = '';
    }
    if (yaml.atIndent >= 0 && indent > yaml.indent) {
      const m = /^(\w+):\s*(.*)$/.exec(content);
      if (m) setAtField(failing, m[1]!, unquote(m[2]!));
      return;
    }
    yaml.atIndent = -1;
    if (indent !== yaml.indent) return;
    const m = /^(\w+):\s*(.*)$/.exec(content);
    if (!m) return;
    const key = m[1]!;
    const value = m[2]!;
    if (key === 'at' && value === '') {
      yaml.atIndent = indent;
      return;
    }
    if (/^[|>][-+]?\d*$/.test(value)) {
      yaml.blockKey = key;
      return;
    }
    setYamlField(failing, key, unquote(value));
  }

  end(): TestResults {
    this.flush();
    if (!this.bailed) {
      while (this.levels.length > 1) this.close();
      const top = this.levels[0]!;
      const problem = planProblem(top);
      if (problem !== undefined) {
        throw new EvidenceError(`${this.file}: the TAP stream ${problem}: a truncated or incomplete run is not evidence (write the whole TAP stream, plan included)`);
      }
    }
    return this.tally.finish();
  }
}

function newLevel(indent: number): Level {
  return { indent, planStart: 1, planEnd: -1, planLine: 0, points: 0, outOfSequence: false, buffered: false };
}

/** Why a level's plan does not hold, or undefined when it does. */
function planProblem(level: Level): string | undefined {
  if (level.planEnd === -2) return 'has two plans';
  if (level.planLine === 0 && level.points === 0) return 'is empty: no plan and no test points';
  if (level.planLine === 0) return `has no plan (1..N) for its ${level.points} test point${level.points === 1 ? '' : 's'}`;
  const planned = level.planEnd - level.planStart + 1;
  if (planned !== level.points) {
    return `plans ${Math.max(planned, 0)} test${planned === 1 ? '' : 's'} (${level.planStart}..${level.planEnd}, line ${level.planLine}) but has ${level.points} test point${level.points === 1 ? '' : 's'}`;
  }
  return undefined;
}

function withoutTime(description: string): string {
  const i = description.lastIndexOf('#');
  if (i <= 0 || !TIME_DIRECTIVE.test(description.slice(i))) return description;
  const before = description.charCodeAt(i - 1);
  return before === 32 || before === 9 ? description.slice(0, i).trimEnd() : description;
}

/** A point's description without its `# SKIP`/`# TODO` directive, unescaped. */
export function splitDirective(description: string): { name: string; directive?: 'skip' | 'todo' } {
  let d = withoutTime(description);
  let directive: 'skip' | 'todo' | undefined;
  for (let i = d.indexOf('#'); i !== -1; i = d.indexOf('#', i + 1)) {
    // escaped (`\#`, but not `\\#`), or glued to a word (`title#skip`): part of the name
    let backslashes = 0;
    while (i - backslashes - 1 >= 0 && d.charCodeAt(i - backslashes - 1) === 92) backslashes++;
    if (backslashes % 2 === 1) continue;
    if (i > 0 && d.charCodeAt(i - 1) !== 32 && d.charCodeAt(i - 1) !== 9) continue;
    const m = DIRECTIVE.exec(d.slice(i + 1));
    if (m) {
      directive = m[1]!.toLowerCase().startsWith('skip') ? 'skip' : 'todo';
      d = d.slice(0, i);
      break;
    }
  }
  let name = d.trim();
  if (name.startsWith('- ')) name = name.slice(2).trim();
  else if (name === '-') name = '';
  if (name.includes('\\')) name = name.replace(/\\([\\#])/g, '$1');
  return directive === undefined ? { name } : { name, directive };
}

/** bats' `# (in test file F, line N)` and Test::More's `#   at F line N.` after a failing point. */
function diagnosticComment(failing: FailingTest, comment: string): void {
  const text = comment.replace(/^#\s*/, '');
  if (failing.file === undefined) {
    const place = BATS_PLACE.exec(text) ?? /^at (.+) line (\d+)\.?$/.exec(text);
    if (place) {
      failing.file = place[1];
      failing.line = Number(place[2]);
      return;
    }
  }
  if (failing.message === undefined && text !== '' && !/^(Failed (\(TODO\) )?test\b|\(from function\b|\(in test file\b)/.test(text)) failing.message = text;
}

function setYamlField(failing: FailingTest, key: string, value: string): void {
  if (value === '' || value === '~' || value === 'null') return;
  switch (key) {
    case 'message':
      failing.message = value; // wins over node's `error:`
      break;
    case 'error':
      failing.message ??= value;
      break;
    case 'file':
    case 'fileName':
    case 'filename':
      failing.file ??= value;
      break;
    case 'line':
    case 'lineNumber':
      if (/^\d+$/.test(value) && failing.line === undefined) failing.line = Number(value);
      break;
    case 'at':
    case 'location':
      if (failing.file === undefined) setPlace(failing, value);
      break;
  }
}

function setAtField(failing: FailingTest, key: string, value: string): void {
  if (key === 'file' || key === 'fileName' || key === 'filename' || key === 'line' || key === 'lineNumber') setYamlField(failing, key, value);
}

/** `file:line[:column]` (node's `location`, `file://` URLs included) as file and line. */
function setPlace(failing: FailingTest, value: string): void {
  const place = /^(.*?):(\d+)(?::\d+)?$/.exec(value.replace(/^file:\/\//, ''));
  if (place && place[1] !== '') {
    failing.file = place[1];
    failing.line = Number(place[2]);
  } else failing.file = value;
}

/** A YAML flow scalar as text: '…' and "…" unquoted, anything else as written. */
function unquote(value: string): string {
  if (value.length >= 2 && value.startsWith("'") && value.endsWith("'")) return value.slice(1, -1).replace(/''/g, "'");
  if (value.length >= 2 && value.startsWith('"') && value.endsWith('"')) {
    try {
      return JSON.parse(value) as string;
    } catch {
      return value.slice(1, -1);
    }
  }
  return value;
}

export const tap: Format<TestResults> = {
  name: 'tap',
  ...TEST_RESULTS_FORMAT,
  notes: (m) => ({ duration: 'TAP has no standard test times: a TAP file gives no duration', ...resultsNotes(m) }),

  async read(input, ctx) {
    const parser = new TapParser(ctx.name, ctx.limits.failingIdentities);
    await forEachLine(input, (text, start, end) => parser.line(text.slice(start, end)), ctx.limits.lineBytes);
    return parser.end();
  },
};
