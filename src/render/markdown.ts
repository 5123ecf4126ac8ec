/**
 * The Markdown report: what the PR comment, the check run and the job summary show. Decision and
 * score first, then what failed, what has no evidence, and last what passed (folded).
 */
import { formatValue } from '../expect/units.js';
import { displayName } from '../evidence/collect.js';
import type { CriterionResult, Status, Verdict } from '../verdict/evaluate.js';
import type { FailureItem } from '../readers/types.js';
import { codeSpan, escapeMarkdown } from './escape.js';
import { FAILURES_IN_COMMENT, failuresNoun, findingName, nameOf, placeOf, shownMessage } from './failures.js';
import type { TrendPoint } from '../history/digest.js';
import { baselineMarkdown, deltaText, trendMarkdown } from './history.js';
import type { WaiverUse } from '../verdict/waivers.js';

const ICON: Record<Status, string> = { passed: '✅', failed: '❌', missing: '⚠️', 'not-applicable': '➖', waived: '⏳' };
const HEADING: Record<Status, string> = { failed: 'Failed', missing: 'No evidence', passed: 'Passed', 'not-applicable': 'Not applicable', waived: 'Waived' };

export interface MarkdownOptions {
  /** e.g. the policy path, shown as where the criteria come from */
  policyPath?: string;
  /** failing tests listed under each failed criterion (default FAILURES_IN_COMMENT) */
  failuresShown?: number;
  /** this verdict's trend point: with it, the trend over the base branch's verdicts is drawn */
  trend?: TrendPoint;
  /** for the base verdict's age (default: now) */
  now?: Date;
}

export function renderMarkdown(verdict: Verdict, options: MarkdownOptions = {}): string {
  return renderMarkdownSections(verdict, options).join('\n');
}

/** The report as sections, failures first, so that a caller can trim it from the end. */
export function renderMarkdownSections(verdict: Verdict, options: MarkdownOptions = {}): string[] {
  const { counts } = verdict;
  const pass = verdict.decision === 'pass';
  const score = `score ${verdict.score}%${verdict.minScore !== undefined ? ` (needs ${verdict.minScore}%)` : ''}`;
  const title = `### ${pass ? '✅' : '❌'} ${escapeMarkdown(verdict.policy, 100)}: ${pass ? 'passed' : 'failed'} · ${score}`;
  const tally = [
    counts.failed && `❌ **${counts.failed} failed**`,
    counts.missing && `⚠️ **${counts.missing} without evidence**`,
    counts.waived && `⏳ ${counts.waived} waived`,
    counts.passed && `✅ ${counts.passed} passed`,
    counts['not-applicable'] && `➖ ${counts['not-applicable']} not applicable`,
  ].filter(Boolean);
  const context = [
    verdict.profile !== undefined && `profile ${codeSpan(verdict.profile)}`,
    options.policyPath !== undefined && `policy ${codeSpan(options.policyPath)}`,
  ].filter(Boolean);
  const sections = [`${title}\n\n${tally.join(' · ') || 'no criteria'}${context.length ? ` — ${context.join(', ')}` : ''}\n\n${escapeMarkdown(capitalize(verdict.summary), 1000)}.\n`];
  if (verdict.baseline) sections.push(baselineMarkdown(verdict.baseline, options.now ?? new Date()));
  for (const status of ['failed', 'missing', 'waived'] as const) {
    const rows = verdict.criteria.filter((c) => c.status === status);
    if (rows.length === 0) continue;
    sections.push(`#### ${ICON[status]} ${HEADING[status]}\n\n${table(rows)}`);
    // under the failed table, each failed criterion's failing tests by name and place
    if (status === 'failed') {
      for (const c of rows) if (c.failures) sections.push(failuresList(c, options.failuresShown ?? FAILURES_IN_COMMENT));
    }
  }
  const waivers = waiversSection(verdict);
  if (waivers !== undefined) sections.push(waivers);
  const patch = patchSection(verdict);
  if (patch !== undefined) sections.push(patch);
  const passed = verdict.criteria.filter((c) => c.status === 'passed');
  if (passed.length > 0) {
    sections.push(`<details><summary>✅ ${passed.length} passed</summary>\n\n${table(passed)}\n</details>\n`);
  }
  const inapplicable = verdict.criteria.filter((c) => c.status === 'not-applicable');
  if (inapplicable.length > 0) {
    sections.push(`<details><summary>➖ ${inapplicable.length} not applicable to this change</summary>\n\n${table(inapplicable)}\n</details>\n`);
  }
  const trend = options.trend ? trendMarkdown(verdict, options.trend) : undefined;
  if (trend !== undefined) sections.push(trend);
  if (verdict.notEvaluated.length > 0) {
    const where = verdict.profile === undefined ? 'without a profile' : `in profile ${codeSpan(verdict.profile)}`;
    sections.push(`<sub>Not evaluated ${where}: ${verdict.notEvaluated.map((id) => codeSpan(id)).join(', ')}</sub>\n`);
  }
  return sections;
}

/** The report when no verdict could be computed: the gate fails, and says why. */
export function renderUnusablePolicyMarkdown(errors: string[]): string {
  return `### ❌ release-gate: failed — the policy could not be used\n\n${errors.map((e) => `- ${escapeMarkdown(e, 1000)}`).join('\n')}\n`;
}

/**
 * "**Unit tests** `unit`: 47 failing tests", then one line per test (suite › name — place —
 * message) and "… and 37 more". Every part comes from an artifact and is escaped: nothing in a
 * test's name or message can mention, link, render or break the list.
 */
function failuresList(c: CriterionResult, shown: number): string {
  const { kept, total } = c.failures!;
  const items = kept.slice(0, Math.max(0, shown));
  const title = c.title === c.id ? codeSpan(c.id, 80) : `${escapeMarkdown(c.title, 120)} ${codeSpan(c.id, 80)}`;
  const lines = [`**${title}**: ${failuresNoun(c)}`, '', ...items.map((item) => `- ${failureLine(item)}`)];
  if (total > items.length) lines.push(`- _… and ${total - items.length} more_`);
  return `${lines.join('\n')}\n`;
}

function failureLine(item: FailureItem): string {
  const place = placeOf(item);
  const message = shownMessage(item);
  // a finding: its level and rule first (the rule id is kept in `suite`)
  const what =
    item.level !== undefined
      ? `**${item.level}**${item.suite !== undefined ? ` ${codeSpan(item.suite, 100)}` : ''}${findingName(item) !== undefined ? ` ${escapeMarkdown(findingName(item)!, 200)}` : ''}`
      : // the icon first: a suite that starts with "-" or "1." must not open a list of its own
        `❌ ${item.suite !== undefined && item.suite !== '' ? `${escapeMarkdown(item.suite, 120)} › ` : ''}**${escapeMarkdown(nameOf(item), 200)}**`;
  return [what, place !== undefined && codeSpan(place, 200), message !== undefined && escapeMarkdown(message, 300)].filter(Boolean).join(' — ');
}

function table(rows: CriterionResult[]): string {
  const lines = ['| | Criterion | Result | Evidence |', '|:-:|---|---|---|'];
  for (const c of rows) lines.push(`| ${ICON[c.status]} | ${criterionCell(c)} | ${resultCell(c)} | ${evidenceCell(c)} |`);
  return `${lines.join('\n')}\n`;
}

function criterionCell(c: CriterionResult): string {
  const group = c.group !== undefined ? `${escapeMarkdown(c.group, 60)} › ` : '';
  const tags = [c.required ? 'required' : 'optional', c.weight !== 1 && `weight ${c.weight}`].filter(Boolean).join(' · ');
  const title = c.title === c.id ? codeSpan(c.id, 80) : `${escapeMarkdown(c.title, 120)} ${codeSpan(c.id, 80)}`;
  return `${group}**${title}**<br><sub>${tags}</sub>`;
}

// Each check on its own line, measured value and bound together, so a wrapped cell cannot pair a
// value with another metric's bound.
function resultCell(c: CriterionResult): string {
  if (c.status === 'not-applicable') return `not applicable: ${escapeMarkdown(c.reason, 300)}`;
  if (c.status === 'waived' && c.waived) {
    const w = c.waived.waiver;
    return `**waived** until ${escapeMarkdown(w.expires, 20)} (${w.daysLeft} day${w.daysLeft === 1 ? '' : 's'} left${w.expiringSoon ? ' ⚠️' : ''}): ${escapeMarkdown(w.reason, 300)}${waiverRefs(w)}<br><sub>${escapeMarkdown(readable(c.reason.slice(c.reason.indexOf(' — ') + 3)), 300)}</sub>`;
  }
  if (c.status === 'missing' || c.checks.length === 0) {
    const needs = c.expectations.length > 0 ? `<br><sub>needs ${c.expectations.map((e) => escapeMarkdown(readable(e), 80)).join(' · ')}</sub>` : '';
    return `${c.status === 'missing' ? '**no evidence**: ' : ''}${escapeMarkdown(c.reason, 300)}${needs}`;
  }
  const lines = c.checks.map((k) => {
    const measured = `${escapeMarkdown(k.metric, 60)} ${escapeMarkdown(formatValue(k.actual, k.unit), 40)}`;
    // the change since the base verdict, for passed checks too
    const delta = k.base !== undefined ? ` (${deltaText(k.actual, k.base, k.unit)})` : '';
    const bound = `needs ${escapeMarkdown(readable(k.expectedText), 90)}`;
    return k.ok ? `✅ ${measured}${delta} <sub>${bound}</sub>` : `❌ **${measured}**${delta} <sub>${bound}</sub>`;
  });
  if (c.inapplicable) lines.push(`<sub>➖ not applicable: ${c.inapplicable.map((s) => escapeMarkdown(readable(s), 200)).join(' · ')}</sub>`);
  if (c.skipped) lines.push(`<sub>⏭️ not checked: ${c.skipped.map((s) => escapeMarkdown(readable(s), 200)).join(' · ')} (baseline: optional)</sub>`);
  return lines.join('<br>');
}

/** ">= 90%" reads as "≥ 90%" (the JSON report keeps the operators as written). */
function readable(expectation: string): string {
  return expectation.replace(/>=/g, '≥').replace(/<=/g, '≤').replace(/!=/g, '≠').replace(/==/g, '=');
}

function evidenceCell(c: CriterionResult): string {
  if (c.evidence.length === 0) return '—';
  const shown = c.evidence.slice(0, 3).map((e) => codeSpan(displayName(e), 80));
  if (c.evidence.length > 3) shown.push(`+${c.evidence.length - 3} more`);
  return shown.join('<br>');
}

function capitalize(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}

/** Files with uncovered changed lines, worst first, per criterion with patch coverage. */
export const PATCH_FILES_SHOWN = 10;

function patchSection(verdict: Verdict): string | undefined {
  const parts: string[] = [];
  for (const c of verdict.criteria) {
    const patch = c.patch;
    // only criteria that judge patch coverage list it: two criteria on one report would repeat it
    if (!patch || !judgesPatch(c) || (patch.uncovered.length === 0 && patch.unmatched.total === 0)) continue;
    const title = c.title === c.id ? codeSpan(c.id, 80) : `${escapeMarkdown(c.title, 120)} ${codeSpan(c.id, 80)}`;
    const lines = [`**${title}**`];
    for (const f of patch.uncovered.slice(0, PATCH_FILES_SHOWN)) {
      const shown = f.ranges.slice(0, 8).map(([a, b]) => (a === b ? `${a}` : `${a}–${b}`)).join(', ');
      lines.push(`- ${codeSpan(f.path, 150)} — ${f.uncovered} of ${f.instrumented} changed line${f.instrumented === 1 ? '' : 's'} not covered: ${shown}${f.ranges.length > 8 ? ', …' : ''}`);
    }
    if (patch.uncovered.length > PATCH_FILES_SHOWN) lines.push(`- _… and ${patch.uncovered.length - PATCH_FILES_SHOWN} more files_`);
    if (patch.unmatched.total > 0) {
      lines.push('', `<sub>${patch.unmatched.total} coverage path${patch.unmatched.total === 1 ? ' matches' : 's match'} no repository file (first: ${patch.unmatched.paths.slice(0, 3).map((p) => escapeMarkdown(p, 200)).join('; ')}); map them with path-map.</sub>`);
    }
    parts.push(lines.join('\n'));
  }
  return parts.length > 0 ? `#### 🩹 Patch coverage\n\n${parts.join('\n\n')}\n` : undefined;
}

/** Whether a criterion states an expectation on patch coverage (patch.lines and its counts). */
export function judgesPatch(c: CriterionResult): boolean {
  return c.expectations.some((e) => e.startsWith('patch.'));
}

/** " · [ticket](https://…) · approved by @x" (the link checked to be http(s) by the schema) */
function waiverRefs(w: WaiverUse): string {
  const parts: string[] = [];
  if (w.link !== undefined) parts.push(`[ticket](${w.link.replace(/[()<> ]/g, (ch) => `%${ch.charCodeAt(0).toString(16).toUpperCase()}`)})`);
  if (w.approvedBy !== undefined) parts.push(`approved by ${escapeMarkdown(w.approvedBy, 100)}`);
  return parts.length > 0 ? ` · ${parts.join(' · ')}` : '';
}

/** Waivers that did not apply, and those about to expire: what the release owner must act on. */
function waiversSection(verdict: Verdict): string | undefined {
  const lines: string[] = [];
  for (const w of verdict.waivers) {
    const who = `${codeSpan(w.criterion, 80)} (policy line ${w.line})`;
    if (w.state === 'applied' && w.expiringSoon) lines.push(`- ⚠️ ${who}: the waiver expires in ${w.daysLeft} day${w.daysLeft === 1 ? '' : 's'} (${escapeMarkdown(w.expires, 20)})${waiverRefs(w)}`);
    else if (w.state === 'applied' && w.tests !== undefined) lines.push(`- ⏳ ${who}: ${w.tests} failing test${w.tests === 1 ? '' : 's'} waived until ${escapeMarkdown(w.expires, 20)}: ${escapeMarkdown(w.reason, 200)}${waiverRefs(w)}`);
    else if (w.state === 'applied' && w.findings !== undefined) lines.push(`- ⏳ ${who}: ${w.findings} finding${w.findings === 1 ? '' : 's'} waived until ${escapeMarkdown(w.expires, 20)}: ${escapeMarkdown(w.reason, 200)}${waiverRefs(w)}`);
    else if (w.state === 'expired') lines.push(`- ⌛ ${who}: waiver expired on ${escapeMarkdown(w.expires, 20)} — not used`);
    else if (w.state === 'too-long') lines.push(`- 🚫 ${who}: ${escapeMarkdown(w.note, 200)}`);
    else if (w.state === 'unused') lines.push(`- 💤 ${who}: unused — ${escapeMarkdown(w.note, 200)}`);
  }
  return lines.length > 0 ? `#### ⏳ Waivers\n\n${lines.join('\n')}\n` : undefined;
}
