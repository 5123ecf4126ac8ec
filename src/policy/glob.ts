/**
 * Evidence path globs must stay inside the evidence folder. Checking the text is not enough:
 * `..{,}/x`, `..?(x)/x`, `.[.]/x` and `..\/x` all expand to `../x`. So the check runs on what the
 * glob can expand to: braces are expanded here (bounded), and each path segment of each expansion
 * is compiled by picomatch itself and tested against "." and "..". Escapes (`\`) are refused
 * outright, since `\/` is a "/" that the split would not see. The directory source re-checks every
 * matched file's real location as well (src/evidence/directory.ts): this check gives the policy
 * author a clear error, the walk makes escaping impossible.
 */
import picomatch from 'picomatch';

/** Expansions of one glob's braces that are checked; more is refused as unreadable. */
const MAX_EXPANSIONS = 1_000;

/** Why a glob could leave the evidence folder (or cannot be checked), or undefined when it is fine. */
export function evidenceGlobProblem(pattern: string): string | undefined {
  if (pattern.includes('\0')) return 'evidence path contains a NUL character';
  if (pattern.includes('\\')) {
    return 'evidence path must not contain "\\": it escapes glob characters ("\\/" is a "/"); separate folders with "/" and match a literal * or ? with [*] or [?]';
  }
  if (pattern.startsWith('/')) return 'evidence path must stay inside the evidence directory: no leading "/"';
  const expansions = expandBraces(pattern);
  if (typeof expansions === 'string') return expansions;
  for (const expansion of expansions) {
    const segments = expansion.replace(/^(?:\.\/)+/, '').split('/');
    for (const segment of segments) {
      if (segment === '') continue; // "a//b" matches nothing, but leaves nothing either
      if (!balanced(segment)) {
        return `evidence path segment "${segment}"${expansion === pattern ? '' : ` (in "${expansion}", an expansion of the braces)`} has a "/" inside (…) or […]; keep each folder's pattern whole`;
      }
      const re = picomatch.makeRe(segment, { dot: true });
      if (re.test('..') || re.test('.')) {
        const from = expansion === pattern ? '' : ` (in "${expansion}", an expansion of the braces)`;
        return `evidence path must stay inside the evidence directory: "${segment}"${from} can match "${re.test('..') ? '..' : '.'}"`;
      }
    }
  }
  return undefined;
}

/**
 * Every expansion of `{a,b}` alternatives (nested too). A numeric or single-letter range
 * (`{1..4}`, `{a..f}`) only produces letters, digits and "-", so it stands as one letter for
 * the check. Any other ".." inside braces, and any group without a ",", is refused: picomatch
 * reads `{+..a}` and `{..,x}` as character ranges that include "." and "/".
 */
function expandBraces(pattern: string): string[] | string {
  const open = findTopLevelGroup(pattern);
  if (open === undefined) return [pattern];
  const { start, end, alternatives } = open;
  const prefix = pattern.slice(0, start);
  const suffix = pattern.slice(end + 1);
  const group = pattern.slice(start + 1, end);
  let choices: string[];
  if (/^(?:-?\d+\.\.-?\d+(?:\.\.\d+)?|[A-Za-z]\.\.[A-Za-z])$/.test(group)) choices = ['a'];
  // picomatch reads other ".." in braces as character ranges ("{..,x}" is one of ",-x", "." and "/" among them)
  else if (group.includes('..')) return `evidence path has ".." in a {…} group ("{${group}}"): ranges are written {1..4} or {a..f}, and ".." may not appear otherwise`;
  else if (alternatives.length > 1) choices = alternatives;
  else return `evidence path has a {…} group without "," ("${pattern.slice(start, end + 1)}"): write alternatives as {a,b} or a range as {1..4}`;
  const out: string[] = [];
  for (const choice of choices) {
    const rest = expandBraces(prefix + choice + suffix);
    if (typeof rest === 'string') return rest;
    out.push(...rest);
    if (out.length > MAX_EXPANSIONS) return `evidence path expands to more than ${MAX_EXPANSIONS} patterns; simplify its {…} groups`;
  }
  return out;
}

/** The first "{" with a matching "}", and its top-level alternatives. */
function findTopLevelGroup(pattern: string): { start: number; end: number; alternatives: string[] } | undefined {
  for (let start = pattern.indexOf('{'); start !== -1; start = pattern.indexOf('{', start + 1)) {
    let depth = 0;
    let from = start + 1;
    const alternatives: string[] = [];
    for (let i = start; i < pattern.length; i++) {
      const ch = pattern[i];
      if (ch === '{') depth++;
      else if (ch === '}') {
        depth--;
        if (depth === 0) {
          alternatives.push(pattern.slice(from, i));
          return { start, end: i, alternatives };
        }
      } else if (ch === ',' && depth === 1) {
        alternatives.push(pattern.slice(from, i));
        from = i + 1;
      }
    }
  }
  return undefined; // an unmatched "{" is a literal character
}

function balanced(segment: string): boolean {
  let brackets = 0;
  let parens = 0;
  for (const ch of segment) {
    if (ch === '[') brackets++;
    else if (ch === ']') brackets = Math.max(0, brackets - 1);
    else if (ch === '(') parens++;
    else if (ch === ')') parens--;
    if (parens < 0) return false;
  }
  return parens === 0 && brackets === 0;
}
