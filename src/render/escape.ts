/**
 * Escaping for text that comes from artifacts or policies. Such text must not @mention, #-link,
 * autolink, inject HTML or images, render as math, hide itself behind bidi overrides, or break a
 * table row or a code span, so every character with a meaning in GitHub-flavoured Markdown becomes
 * a numeric character reference.
 */
import { codePointLabel } from './log.js';

const MARKDOWN_SPECIAL = /[\\`*_{}[\]<>()#+!|@~&:$]/g;

/**
 * GitHub renders `$…$`, `$$…$$` and `` $`…`$ `` as math (```` ```math ```` blocks need a line
 * break and backticks, which never pass). Its own advice for a literal dollar is a span around
 * it: each `$` then sits alone in its element and pairs with nothing, whether math is found in
 * the source or in the rendered text (where `&#36;` alone would be a `$` again).
 */
const DOLLAR = '<span>&#36;</span>';

export function escapeMarkdown(text: string, maxLength = 500): string {
  return visible(clip(oneLine(text), maxLength))
    .replace(AUTOLINKED, (m) => `${m.slice(0, -1)}${ZERO_WIDTH_SPACE}${m.slice(-1)}`)
    .replace(MARKDOWN_SPECIAL, (c) => (c === '$' ? DOLLAR : `&#${c.charCodeAt(0)};${c === '@' || c === '#' ? ZERO_WIDTH_SPACE : ''}`));
}

// GitHub links @mentions, #references, URLs and www. addresses found in rendered text, that is
// after entities are decoded; a zero-width space breaks each pattern while it still reads the same.
const ZERO_WIDTH_SPACE = '\u200b';
const AUTOLINKED = /:\/|www\./gi;

/**
 * A code span safe inside a table cell: backticks cannot be escaped in a code span, so they become
 * a look-alike; `|` is escaped the way GFM tables require (and a backslash before it, which would
 * escape that escape, becomes the look-alike ⧵). Code spans never mention, link or render
 * math; a `$` at either end gets a space inside the backticks (which Markdown strips), so that no
 * `` $` `` or `` `$ `` (the delimiters of `` $`…`$ `` math) forms with the text around the span.
 */
export function codeSpan(text: string, maxLength = 200): string {
  const body = visible(clip(oneLine(text), maxLength)).replace(/`/g, 'ˋ').replace(/\\+(?=\|)/g, (b) => '⧵'.repeat(b.length)).replace(/\|/g, '\\|');
  // an empty span would be two literal backticks; a lone space is a code span
  return body === '' || /^\$|\$$/.test(body) ? `\` ${body} \`` : `\`${body}\``;
}

/** For HTML contexts (job summary, details/summary elements). */
export function escapeHtml(text: string, maxLength = 500): string {
  return visible(clip(oneLine(text), maxLength)).replace(/[&<>"'@#|[\]`*_\\$]/g, (c) => (c === '$' ? DOLLAR : `&#${c.charCodeAt(0)};`));
}

/** Collapses control characters and line breaks (which would end a table row, or drive a terminal). */
export function oneLine(text: string): string {
  // control characters and line breaks would end a table row or a heading
  // eslint-disable-next-line no-control-regex
  return text.replace(/[\u0000-\u001f\u007f\u0085\u2028\u2029]+/g, ' ').trim();
}

/**
 * Makes visible what a reader could not see but that changes what they read: bidi controls
 * (U+202A–U+202E, U+2066–U+2069, U+200E/F, U+061C: "Trojan Source" reordering), other format
 * characters (zero-width spaces, tag characters) and C1 controls become `⟨U+202E⟩`. The zero-width
 * joiner is kept: emoji sequences need it, and it reorders nothing. A lone surrogate (half a
 * character, which GitHub's API may refuse) is shown the same way.
 */
export function visible(text: string): string {
  return text.replace(HIDDEN, codePointLabel);
}

const HIDDEN = /(?!\u200d)[\p{Cf}\p{Cs}\u0080-\u009f]/gu;

function clip(text: string, maxLength: number): string {
  if (text.length <= maxLength) return text;
  let cut = text.slice(0, maxLength - 1);
  // do not leave half of a surrogate pair behind
  if (/[\ud800-\udbff]$/.test(cut)) cut = cut.slice(0, -1);
  return `${cut}…`;
}
