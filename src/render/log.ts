/**
 * Text for the job log. The runner obeys any log line that starts (after white space) with `::` as
 * a workflow command (`::error::`, `::add-mask::`, `::stop-commands::`), and @actions/core's
 * `info` writes its text raw. Text that comes from artifacts must therefore neither break the line
 * nor start a command: line breaks become a visible ⏎ and every `::` gets a zero-width joiner
 * between its colons, which reads the same and can start nothing.
 */
export function logLine(text: string): string {
  return (
    text
      // every line terminator the runner or a log viewer might split on
      // eslint-disable-next-line no-control-regex
      .replace(/\r\n|[\r\n\u000b\u000c\u0085\u2028\u2029]/g, ' ⏎ ')
      // other control characters (terminal escapes) become visible escapes
      // eslint-disable-next-line no-control-regex
      .replace(/[\u0000-\u0008\u000e-\u001f\u007f]/g, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`)
      .replace(/:(?=:)/g, ':\u200d')
  );
}
