/**
 * A model of how the Actions runner finds workflow commands in a line of a step's output
 * (actions/runner src/Runner.Common/ActionCommand.cs, TryParseV2 then TryParse):
 *
 *   - `::name props::data` when the line, after TrimStart(), starts with `::`;
 *   - `##[name props]data` when `##[` occurs ANYWHERE in the line;
 *
 * and the command name must be a registered one (case-insensitive). The runner searches with .NET's
 * culture-sensitive StartsWith/IndexOf, which on ICU (Linux and macOS runners, and Windows since
 * .NET 5) skip weightless characters: controls, format characters (zero-width joiner and spaces,
 * bidi controls) and other default-ignorable code points. The model drops those characters before
 * it looks, so `:\u200d:error::x` counts as a command, as it does on the runner.
 */
const REGISTERED = new Set([
  'add-mask',
  'add-matcher',
  'add-path',
  'debug',
  'echo',
  'endgroup',
  'error',
  'group',
  'notice',
  'remove-matcher',
  'save-state',
  'set-env',
  'set-output',
  'stop-commands',
  'warning',
]);

export interface WorkflowCommand {
  name: string;
  properties: string;
  data: string;
  form: '::' | '##[';
}

const WEIGHTLESS = /(?![\t\n\v\f\r])[\p{Cc}\p{Cf}\p{Default_Ignorable_Code_Point}]/gu;

/** What the runner would see in this line: its weightless characters dropped. */
export function asRunnerSees(line: string): string {
  return line.replace(WEIGHTLESS, '');
}

/** The workflow command this one line (no line break in it) is to the runner, if any. */
export function commandIn(line: string): WorkflowCommand | undefined {
  const seen = asRunnerSees(line);
  const trimmed = seen.replace(/^\s+/u, '');
  if (trimmed.startsWith('::')) {
    const end = trimmed.indexOf('::', 2);
    if (end >= 0) {
      const info = trimmed.slice(2, end);
      const space = info.indexOf(' ');
      const name = space < 0 ? info : info.slice(0, space);
      if (REGISTERED.has(name.toLowerCase())) return { name: name.toLowerCase(), properties: space < 0 ? '' : info.slice(space + 1), data: trimmed.slice(end + 2), form: '::' };
    }
  }
  const prefix = seen.indexOf('##[');
  if (prefix >= 0) {
    const close = seen.indexOf(']', prefix);
    if (close >= 0) {
      const info = seen.slice(prefix + 3, close);
      const space = info.indexOf(' ');
      const name = space < 0 ? info : info.slice(0, space);
      if (REGISTERED.has(name.toLowerCase())) return { name: name.toLowerCase(), properties: space < 0 ? '' : info.slice(space + 1), data: seen.slice(close + 1), form: '##[' };
    }
  }
  return undefined;
}

/** The runner splits a step's output into lines at CR, LF and CRLF (StreamReader.ReadLine). */
export function runnerLines(output: string): string[] {
  return output.split(/\r\n|\r|\n/);
}

/** Every workflow command the runner would find in this output. */
export function commandsIn(output: string): Array<WorkflowCommand & { line: string }> {
  const found: Array<WorkflowCommand & { line: string }> = [];
  for (const line of runnerLines(output)) {
    const command = commandIn(line);
    if (command) found.push({ ...command, line });
  }
  return found;
}
