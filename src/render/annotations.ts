import type { FailureItem } from '../readers/types.js';
import type { CriterionResult, Verdict } from '../verdict/evaluate.js';
import { visible } from './escape.js';
import { findingName, nameOf, shownMessage } from './failures.js';

/** A check-run annotation on the policy file or a failing test's source line (GitHub's shape). */
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
    .filter((c) => c.status === 'failed' || c.status === 'missing')
    .map((c) => ({
      path: policyPath,
      start_line: c.position.line,
      end_line: c.position.line,
      annotation_level: c.required ? ('failure' as const) : ('warning' as const),
      title: clip(visible(`${c.title} (${c.id}): ${c.status === 'missing' ? 'no evidence' : 'failed'}`), MAX_TITLE),
      message: clip(visible(c.reason), MAX_MESSAGE),
    }));
}

/** Annotations at failing tests and findings, in all; the policy-line ones come on top. */
export const FAILURE_ANNOTATIONS_CAP = 500;

export interface FailureAnnotations {
  annotations: Annotation[];
  /** how many failing tests and findings with a place in the repository the cap left out */
  leftOut: number;
}

/**
 * One annotation per kept failing test or finding whose file and line are known and whose file is
 * a path in the repository (absolute paths under the workspace are made relative; anything else
 * — outside it, `..`, URLs — is not annotated: GitHub would reject or misplace it). Failed
 * criteria come first, so that the cap leaves out what matters least. Test failures and SARIF
 * errors are failures, warnings warnings, notes notices. Plain text, invisible characters shown.
 */
export function failureAnnotations(verdict: Verdict, options: { workspace?: string; cap?: number } = {}): FailureAnnotations {
  const cap = options.cap ?? FAILURE_ANNOTATIONS_CAP;
  const annotations: Annotation[] = [];
  let leftOut = 0;
  const criteria = [...verdict.criteria.filter((c) => c.status === 'failed'), ...verdict.criteria.filter((c) => c.status === 'passed')];
  for (const c of criteria) {
    for (const item of c.failures?.kept ?? []) {
      const path = item.file === undefined ? undefined : repositoryPath(item.file, options.workspace);
      if (path === undefined || item.line === undefined || !Number.isInteger(item.line) || item.line < 1) continue;
      if (annotations.length >= cap) {
        leftOut++;
        continue;
      }
      annotations.push(failureAnnotation(c, item, path, item.line));
    }
  }
  return { annotations, leftOut };
}

/** Annotations at uncovered changed lines, in all (one per range). */
export const PATCH_ANNOTATIONS_CAP = 200;

/**
 * One warning annotation per range of changed lines that a coverage report instruments and that
 * did not run (a criterion's `patch.uncovered`), worst files first as patch coverage lists them;
 * a range two criteria report alike is annotated once. Paths are repository paths already (the
 * change's); anything that is not one is skipped. At most `cap` in all; `leftOut` counts the rest.
 */
export function patchAnnotations(verdict: Verdict, cap = PATCH_ANNOTATIONS_CAP): FailureAnnotations {
  const annotations: Annotation[] = [];
  const seen = new Set<string>();
  let leftOut = 0;
  for (const c of verdict.criteria) {
    for (const file of c.patch?.uncovered ?? []) {
      const path = repositoryPath(file.path);
      if (path === undefined) continue;
      for (const [first, last] of file.ranges) {
        if (!Number.isInteger(first) || !Number.isInteger(last) || first < 1 || last < first) continue;
        const key = `${path}\0${first}\0${last}`;
        if (seen.has(key)) continue;
        seen.add(key);
        if (annotations.length >= cap) {
          leftOut++;
          continue;
        }
        const lines = first === last ? `Line ${first} is` : `Lines ${first}–${last} are`;
        annotations.push({
          path,
          start_line: first,
          end_line: last,
          annotation_level: 'warning',
          title: clip(visible(oneLineText(first === last ? 'Changed line not covered' : 'Changed lines not covered')), MAX_TITLE),
          message: clip(
            visible(`${lines} changed and not run by the tests (${c.title === c.id ? c.id : `${c.title}, ${c.id}`}: ${file.uncovered} of ${file.instrumented} instrumented changed line${file.instrumented === 1 ? '' : 's'} of this file not covered)`),
            MAX_MESSAGE,
          ),
        });
      }
    }
  }
  return { annotations, leftOut };
}

function failureAnnotation(c: CriterionResult, item: FailureItem, path: string, line: number): Annotation {
  const message = shownMessage(item);
  const level = item.level === 'warning' ? 'warning' : item.level === 'note' ? 'notice' : 'failure';
  const title =
    item.level !== undefined
      ? `${item.level}${item.suite !== undefined ? ` ${item.suite}` : ''}${findingName(item) !== undefined ? `${item.suite !== undefined ? ':' : ''} ${findingName(item)}` : ''}`
      : `${item.suite ? `${item.suite} › ` : ''}${nameOf(item)} failed`;
  return {
    path,
    start_line: line,
    end_line: line,
    annotation_level: level,
    title: clip(visible(oneLineText(title)), MAX_TITLE),
    message: clip(visible(`${message ?? (item.level !== undefined ? nameOf(item) : 'failed')} (${c.title === c.id ? c.id : `${c.title}, ${c.id}`})`), MAX_MESSAGE),
  };
}

/**
 * The file as a path relative to the repository root, or undefined when it is not one: an absolute
 * path under the workspace loses that prefix; other absolute paths, drive letters, URLs, `..`
 * or `.` segments and control characters are refused. Backslashes are read as separators.
 */
export function repositoryPath(file: string, workspace?: string): string | undefined {
  let path = file;
  // SARIF writes absolute places as file: URIs
  if (/^file:\/\//i.test(path)) {
    try {
      path = decodeURIComponent(new URL(path).pathname).replace(/^\/([a-z]:)/i, '$1');
    } catch {
      return undefined;
    }
  }
  path = path.replace(/\\/g, '/');
  if (workspace !== undefined && workspace !== '') {
    const root = `${workspace.replace(/\\/g, '/').replace(/\/+$/, '')}/`;
    if (path.startsWith(root)) path = path.slice(root.length);
  }
  path = path.replace(/^(?:\.\/)+/, '');
  if (path === '' || path.startsWith('/') || /^[a-z][a-z0-9+.-]*:/i.test(path)) return undefined;
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f]/.test(path)) return undefined;
  if (path.split('/').some((segment) => segment === '' || segment === '.' || segment === '..')) return undefined;
  return path;
}

function oneLineText(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/[\u0000-\u001f\u007f\u0085\u2028\u2029]+/g, ' ').trim();
}

function clip(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}
