import type { Verdict } from '../verdict/evaluate.js';
import { visible } from './escape.js';

/** A check-run annotation on the policy file (GitHub's shape). */
export interface Annotation {
  path: string;
  start_line: number;
  end_line: number;
  annotation_level: 'failure' | 'warning' | 'notice';
  title: string;
  message: string;
}

const MAX_MESSAGE = 64 * 1024 - 1;
const MAX_TITLE = 255;

/**
 * One annotation per failed or missing criterion, on the policy line that declares it: required
 * criteria as failures, optional ones as warnings. Annotations are plain text on GitHub, so they
 * are never Markdown-escaped; bidi controls and other invisible characters are shown (⟨U+202E⟩),
 * so that a reason cannot read differently from what it says.
 */
export function annotationsFor(verdict: Verdict, policyPath: string): Annotation[] {
  return verdict.criteria
    .filter((c) => c.status !== 'passed')
    .map((c) => ({
      path: policyPath,
      start_line: c.position.line,
      end_line: c.position.line,
      annotation_level: c.required ? ('failure' as const) : ('warning' as const),
      title: clip(visible(`${c.title} (${c.id}): ${c.status === 'missing' ? 'no evidence' : 'failed'}`), MAX_TITLE),
      message: clip(visible(c.reason), MAX_MESSAGE),
    }));
}

function clip(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}
