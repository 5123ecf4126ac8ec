/**
 * Text for the job log. The runner obeys a log line as a workflow command when, after leading
 * white space, it starts with `::` (`::error::`, `::add-mask::`, `::stop-commands::`), and also
 * when `##[` appears ANYWHERE in it (the older `##[error]…` form, still parsed). Text that comes
 * from artifacts must therefore never break the line, start with `::` or contain `##[`.
 *
 * The runner finds `::` and `##[` with .NET's culture-sensitive StartsWith/IndexOf, which on ICU
 * skip weightless characters: `:\u200d:` and `#\u200b#[` still match. So a zero-width character
 * cannot separate the colons, and every invisible or weightless character the text carries is
 * made visible first (`⟨U+200D⟩`), before the separators are inserted:
 *   - line breaks (CR, LF, CRLF, VT, FF, NEL, U+2028/9) become a visible ` ⏎ `;
 *   - control characters (terminal escapes), format characters (bidi overrides, zero-width
 *     characters, tags), other default-ignorable characters and lone surrogates become `⟨U+XXXX⟩`;
 *   - the second of two adjacent colons becomes `∶` (U+2236 RATIO) and a `#` before `[` becomes
 *     `♯` (U+266F): both look alike and have their own collation weight, so neither compares equal
 *     to `:` or `#`.
 */
export function logLine(text: string): string {
  return text
    .replace(LINE_BREAK, ' ⏎ ')
    .replace(INVISIBLE, codePointLabel)
    .replace(/(?<=:):/g, '∶')
    .replace(/#(?=\[)/g, '♯');
}

/** Every line terminator the runner or a log viewer might split on. */
// eslint-disable-next-line no-control-regex
const LINE_BREAK = /\r\n|[\n\r\u000b\u000c\u0085\u2028\u2029]/g;

/**
 * Characters a reader cannot see, or that ICU collation ignores: controls except tab, format
 * characters, default-ignorable code points, lone surrogates.
 */
const INVISIBLE = /(?!\t)[\p{Cc}\p{Cf}\p{Default_Ignorable_Code_Point}\p{Cs}]/gu;

/** `⟨U+202E⟩`: the character named, so a reader sees that something was there. */
export function codePointLabel(c: string): string {
  return `⟨U+${c.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}⟩`;
}

/** Text of several lines for the log (our own line breaks kept): each line made safe by logLine. */
export function logLines(text: string): string {
  return text.split('\n').map(logLine).join('\n');
}
