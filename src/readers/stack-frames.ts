/**
 * Where a failing test broke, from the text its producer gives: the first line of a message worth
 * showing, and the source line of the first stack frame that names the test's own file (or, when
 * none does, the first frame outside the runtime and node_modules). Shared by the JSON test
 * readers (jest-json, mocha-json, rspec-json, ctrf), which give a stack or backtrace as text.
 *
 * Bounded: only the first STACK_CHARS characters of a stack are looked at, and only for the
 * failing tests that are kept (callers build their FailingTest lazily).
 */

import { own } from './coverage.js';

/** Characters of a stack or message looked at: a frame naming the test is near the top. */
const STACK_CHARS = 16 * 1024;

// eslint-disable-next-line no-control-regex -- ANSI escape sequences start with ESC
const ANSI = /\u001b\[[0-9;?]*[ -/]*[@-~]/g;

/** The text without ANSI colour codes (Jest, unexpected.js and CTRF reporters keep them). */
export function stripAnsi(text: string): string {
  return text.includes('\u001b') ? text.replace(ANSI, '') : text;
}

/**
 * The first line of a message worth showing: ANSI codes removed, blank lines and Jest's
 * `● Test suite failed to run` headings skipped; undefined when there is none.
 */
export function messageLine(text: unknown): string | undefined {
  if (typeof text !== 'string') return undefined;
  for (const raw of stripAnsi(text.slice(0, STACK_CHARS)).split(/\r?\n/)) {
    const line = raw.trim();
    // a copy: a slice would keep the whole message alive with the kept failing test
    if (line !== '' && !line.startsWith('●')) return own(line);
  }
  return undefined;
}

/** `at fn (path:12:3)`, `at path:12:3`, Ruby's `path:12:in ...`: the path and line of a frame. */
// one greedy run per path (no nested quantifiers: linear time on any line); a path of digits only is no path
const FRAME = /(?:^|[\s(])((?:[A-Za-z]:[\\/])?[^\s():]+):(\d+)(?::\d+)?(?=$|[\s):])/g;

function normalize(path: string): string {
  let p = path.replaceAll('\\', '/');
  if (p.startsWith('file://')) p = p.slice(7);
  while (p.startsWith('./')) p = p.slice(2);
  return p;
}

/** Whether two spellings of a path (absolute, relative to some root) can name the same file. */
function samePath(a: string, b: string): boolean {
  if (a === b) return true;
  const [long, short] = a.length >= b.length ? [a, b] : [b, a];
  return long.endsWith(`/${short}`);
}

const RUNTIME = /(^|\/)node_modules\/|^node:|^internal\/|^<anonymous>$|^native$/;

/**
 * With `file`: the line of the first frame of `stack` naming it (any spelling: absolute, relative
 * to some root), or nothing. Without: the file and line of the first frame outside the runtime and
 * node_modules.
 */
export function stackPlace(stack: unknown, file?: string): { file?: string; line?: number } {
  if (typeof stack !== 'string') return {};
  const wanted = file === undefined ? undefined : normalize(file);
  let fallback: { file: string; line: number } | undefined;
  for (const text of stack.slice(0, STACK_CHARS).split('\n')) {
    for (const m of text.matchAll(FRAME)) {
      const raw = m[1] as string;
      if (/^\d+$/.test(raw)) continue;
      const path = normalize(raw);
      const line = Number(m[2]);
      if (!Number.isSafeInteger(line) || line < 1) continue;
      if (wanted !== undefined && samePath(path, wanted)) return { file, line };
      if (fallback === undefined && !RUNTIME.test(path)) fallback = { file: own(raw), line };
      break;
    }
  }
  return wanted === undefined ? (fallback ?? {}) : {};
}
