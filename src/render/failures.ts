/**
 * What failed, by name and place: the failing tests (test formats) and findings (SARIF) a criterion's
 * evidence names, as each report shows them. Every string here comes from an artifact, so each
 * report escapes it for its own medium (Markdown, log line, annotation text).
 */
import type { FailureItem } from '../readers/types.js';
import type { CriterionResult } from '../verdict/evaluate.js';

/** Failing tests listed under a failed criterion in the PR comment and the check run summary. */
export const FAILURES_IN_COMMENT = 10;
/** … in the job summary, which has room for more (1 MiB). */
export const FAILURES_IN_SUMMARY = 50;
/** … in the CLI's text report, which is also job log. */
export const FAILURES_IN_TEXT = 5;

/** `src/a.ts:12`, `src/a.ts`, or nothing when the producer gave no file. */
export function placeOf(item: FailureItem): string | undefined {
  if (item.file === undefined || item.file === '') return undefined;
  return item.line !== undefined && Number.isInteger(item.line) && item.line > 0 ? `${item.file}:${item.line}` : item.file;
}

/** Findings (SARIF) carry a level; failing tests do not. */
export function isFinding(item: FailureItem): boolean {
  return item.level !== undefined;
}

/** "47 failing tests", "1 finding". */
export function failuresNoun(c: CriterionResult): string {
  const total = c.failures?.total ?? 0;
  const findings = c.failures?.kept.some(isFinding) ?? false;
  const noun = findings ? 'finding' : 'failing test';
  return `${total} ${noun}${total === 1 ? '' : 's'}`;
}

/** The message's first line, unless it only repeats the name (a finding's message often is its name). */
export function shownMessage(item: FailureItem): string | undefined {
  const message = item.message?.split(/\r\n|[\n\r]/, 1)[0]?.trim();
  return message === undefined || message === '' || message === item.name.trim() ? undefined : message;
}

/** The test's or finding's name; a producer may leave it empty, and an empty one would vanish. */
export function nameOf(item: FailureItem): string {
  return item.name.trim() === '' ? '(unnamed)' : item.name;
}

/** A finding's name unless it only repeats its rule id (SARIF rules without a name). */
export function findingName(item: FailureItem): string | undefined {
  return item.suite !== undefined && item.name.trim() === item.suite.trim() ? undefined : nameOf(item);
}
