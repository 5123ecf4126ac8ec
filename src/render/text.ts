/**
 * The plain-text report the CLI prints: one block per criterion, failures first. It is also job
 * log when the CLI runs in a workflow step, so every line goes through logLine: no artifact text
 * can break a line, start a workflow command or drive the terminal.
 */
import { displayName } from '../evidence/collect.js';
import type { CriterionResult, Status, Verdict } from '../verdict/evaluate.js';
import { oneLine } from './escape.js';
import { formatValue } from '../expect/units.js';
import { baselineLine, deltaText } from './history.js';
import { judgesPatch } from './markdown.js';
import { logLine } from './log.js';
import { FAILURES_IN_TEXT, failuresNoun, findingName, nameOf, placeOf, shownMessage } from './failures.js';

const LABEL: Record<Status, string> = { failed: 'FAILED ', missing: 'MISSING', passed: 'passed ', 'not-applicable': 'n/a    ', waived: 'WAIVED ' };
const ORDER: Status[] = ['failed', 'missing', 'waived', 'passed', 'not-applicable'];

export function renderText(verdict: Verdict, policyPath?: string, now = new Date()): string {
  const out: string[] = [];
  const where = [policyPath && `policy ${policyPath}`, verdict.profile && `profile ${verdict.profile}`].filter(Boolean).join(' · ');
  out.push(oneLine(`${verdict.policy}${where ? ` · ${where}` : ''}`));
  const score = `score ${verdict.score}%${verdict.minScore !== undefined ? ` (min ${verdict.minScore}%)` : ''}`;
  out.push(`${verdict.decision === 'pass' ? 'PASS' : 'FAIL'}  ${score} — ${oneLine(verdict.summary)}`);
  if (verdict.baseline) {
    out.push(oneLine(baselineLine(verdict.baseline, now)));
    for (const w of verdict.baseline.warnings) out.push(`warning: ${oneLine(w)}`);
  }
  out.push('');
  const width = Math.min(32, Math.max(0, ...verdict.criteria.map((c) => c.id.length)));
  for (const status of ORDER) {
    for (const c of verdict.criteria.filter((x) => x.status === status)) out.push(...criterionLines(c, width));
  }
  if (verdict.notEvaluated.length > 0) {
    out.push('', `not evaluated ${verdict.profile === undefined ? 'without a profile' : `in profile ${verdict.profile}`}: ${verdict.notEvaluated.join(', ')}`);
  }
  for (const w of verdict.waivers) {
    const note =
      w.state === 'applied'
        ? w.expiringSoon
          ? `expires in ${w.daysLeft} day${w.daysLeft === 1 ? '' : 's'} (${w.expires})`
          : undefined
        : w.state === 'unused'
          ? `unused: ${w.note}`
          : w.note;
    if (note !== undefined) out.push(`waiver for ${oneLine(w.criterion)} (policy line ${w.line}): ${oneLine(note)}`);
  }
  const { passed, failed, missing } = verdict.counts;
  const inapplicable = verdict.counts['not-applicable'];
  const waived = verdict.counts.waived;
  out.push('', `criteria: ${passed} of ${verdict.criteria.length} passed · ${failed} failed · ${missing} without evidence${waived ? ` · ${waived} waived` : ''}${inapplicable ? ` · ${inapplicable} not applicable` : ''}`);
  return `${out.map(logLine).join('\n')}\n`;
}

function criterionLines(c: CriterionResult, width: number): string[] {
  const tags = [c.required ? 'required' : 'optional', c.weight !== 1 && `weight ${c.weight}`].filter(Boolean).join(', ');
  const head = `  ${LABEL[c.status]}  ${oneLine(c.id).padEnd(width)}  ${c.title !== c.id ? `${oneLine(c.title)} ` : ''}(${tags})`;
  const indent = ' '.repeat(13);
  const lines = [head];
  if (c.status === 'not-applicable') {
    lines.push(`${indent}not applicable: ${oneLine(c.reason)}`);
  } else if (c.status === 'passed') {
    lines.push(`${indent}${oneLine(c.checks.some((k) => k.base !== undefined || k.relative) ? c.checks.map(checkWithDelta).join(', ') : c.reason)}`);
  } else {
    lines.push(`${indent}${c.status === 'missing' ? 'no evidence: ' : ''}${oneLine(c.reason)}`);
    const deltas = c.checks.filter((k, i) => k.base !== undefined && c.checks.findIndex((x) => x.metric === k.metric) === i);
    if (c.status === 'failed' && deltas.length > 0) lines.push(`${indent}vs base: ${oneLine(deltas.map((k) => `${k.metric} ${deltaText(k.actual, k.base!, k.unit)}`).join(', '))}`);
    if (c.evidence.length > 0) {
      const names = c.evidence.slice(0, 3).map((e) => oneLine(displayName(e))).join(', ');
      lines.push(`${indent}evidence: ${names}${c.evidence.length > 3 ? ` (+${c.evidence.length - 3} more)` : ''}`);
    }
    if (c.status === 'failed' && c.failures) lines.push(...failureLines(c, indent));
  }
  if (c.waived) {
    const w = c.waived.waiver;
    const refs = [w.link !== undefined && `ticket ${w.link}`, w.approvedBy !== undefined && `approved by ${w.approvedBy}`].filter(Boolean);
    if (refs.length > 0) lines.push(`${indent}${oneLine(refs.join(' · '))}`);
  }
  if (c.skipped) lines.push(`${indent}not checked (baseline: optional): ${oneLine(c.skipped.join('; '))}`);
  if (c.inapplicable) lines.push(`${indent}not applicable: ${oneLine(c.inapplicable.join('; '))}`);
  const uncovered = c.patch && judgesPatch(c) ? c.patch.uncovered : [];
  if (uncovered.length > 0) {
    const files = uncovered.slice(0, 5).map((f) => `${f.path} (${f.ranges.slice(0, 4).map(([a, b]) => (a === b ? a : `${a}-${b}`)).join(', ')}${f.ranges.length > 4 ? ', …' : ''})`);
    lines.push(`${indent}changed lines not covered: ${oneLine(files.join('; '))}${uncovered.length > 5 ? ` and ${uncovered.length - 5} more files` : ''}`);
  }
  const unmatched = c.patch && judgesPatch(c) ? c.patch.unmatched : undefined;
  if (unmatched && unmatched.total > 0) {
    lines.push(`${indent}${unmatched.total} coverage path${unmatched.total === 1 ? ' matches' : 's match'} no repository file (map with path-map): ${oneLine(unmatched.paths.slice(0, 3).join('; '))}${unmatched.total > 3 ? '; …' : ''}`);
  }
  return lines;
}

/** "lines = 81.2% (▼ 0.6), expected >= base - 0.5 points (80.7%)" */
function checkWithDelta(k: Verdict['criteria'][number]['checks'][number]): string {
  const delta = k.base !== undefined ? ` (${deltaText(k.actual, k.base, k.unit)})` : '';
  return `${k.metric} = ${formatValue(k.actual, k.unit)}${delta}${k.relative ? `, expected ${k.expectedText}` : ''}`;
}

/** The first few failing tests (the JSON report has all that were kept); each part on one line. */
function failureLines(c: CriterionResult, indent: string): string[] {
  const { kept, total } = c.failures!;
  const items = kept.slice(0, FAILURES_IN_TEXT);
  const lines = [`${indent}${failuresNoun(c)}:`];
  for (const item of items) {
    const place = placeOf(item);
    const message = shownMessage(item);
    const what =
      item.level !== undefined
        ? [item.level, item.suite, findingName(item)].filter((x) => x !== undefined).join(' ')
        : `${item.suite ? `${item.suite} › ` : ''}${nameOf(item)}`;
    const parts = [clip(oneLine(what), 200), place !== undefined && clip(oneLine(place), 200), message !== undefined && clip(oneLine(message), 200)].filter(Boolean);
    lines.push(`${indent}  ✗ ${parts.join(' — ')}`);
  }
  if (total > items.length) lines.push(`${indent}  … and ${total - items.length} more`);
  return lines;
}

function clip(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}
